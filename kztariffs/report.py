"""The main job: decrees -> dataset -> notebooks run for every comparison the data allows ->
HTML reports with an index, the policy brief (HTML + PDF) and the Excel file.

The report folder changes as a set or not at all (``outputs.generation``, the mechanism the build
uses for ``data/processed``):

- ``reports`` is a symbolic link to one complete *generation* ``.reports.gens/<id>/``; users and
  browsers keep opening ``reports/index.html``.
- Each run renders into its own staging folder (``.reports.gens/<id>.tmp``, unique per run) and, only
  when every notebook, the brief PDFs, the data copies and the index are written, makes it current
  with one atomic step (``os.replace`` of a new link over the old one). Older generations are removed
  after the switch (the one before stays, for pages still open in a browser).
- Runs are serialised by a lock file next to the folder (``.reports.lock``): a second
  ``kztariffs report`` says once that it waits and waits for the first (``wait`` seconds, 600 by
  default); with ``wait=0`` (``--no-wait``) it refuses at once in one line.
- A failing notebook, an error or Ctrl-C before the switch removes the staging folder: the previous
  generation stays current, untouched; Ctrl-C raises ``ReportsInterrupted`` ("interrupted; previous
  reports kept", exit 130 at the command line).
- Files that ``kztariffs run`` wrote into the current reports (anything the previous report did not
  write itself: see ``MANIFEST``) are copied into the new generation, linked from the index under
  "Other notebooks", and named in one line; a file the new report writes under the same name
  replaces it, and that line says so.
- A ``reports/`` that is still a plain folder (older versions, or ``kztariffs run`` before any
  report) is moved into the generations once and replaced by the link (``outputs.py``).
- Everything that comes from a decree is escaped (``safe``); the index and the notebook pages load no
  script and forbid scripts with a Content-Security-Policy.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .compare import ordered_areas
from .vocab import label

MANIFEST = ".generation.json"  # in each generation: the files the report itself wrote
DATA_FILES = ("tariffs.xlsx", "tariffs.csv", "rejects.csv", "build_report.md")
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


class ReportsInterrupted(KeyboardInterrupt):
    """Ctrl-C during ``make_reports``; ``str()`` is the one line for the user: normally the new
    generation was dropped and the previous one is current ("previous reports kept")."""

    def __init__(self, message: str = "interrupted; previous reports kept"):
        super().__init__(message)

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class Job:
    notebook: str
    params: dict
    title: str
    group: str
    out_name: str
    outputs: list[str] = field(default_factory=list)
    subgroup: str = ""  # within a group: the setting and year (comparisons, briefs, audits), for navigation


def audit_groups(df: pd.DataFrame) -> list[tuple[str, int, str | None, list[str]]]:
    """Decrees audited together, one report each: ``(setting, year, region, decree ids)`` per setting and
    year (of a decree's first annex) and region (None: region not known), sorted. The number of audit
    reports grows with regions and comparison groups, not with decrees."""
    first = df.sort_values(["decree_id", "annex", "row"], na_position="last").drop_duplicates("decree_id")
    region = first["region"].where(first["region"].notna(), "")
    out = []
    for (setting, year, reg), g in first.groupby([first["setting"], first["year"], region], sort=True):
        out.append((setting, int(year), reg or None, sorted(g["decree_id"])))
    return out


def plan(df: pd.DataFrame, scenarios: list[Path]) -> list[Job]:
    """Every comparison the data allows."""
    jobs: list[Job] = []
    for (setting, year), g in df.groupby(["setting", "year"], sort=True):
        areas = ordered_areas(df, g["area"].unique())
        s_label = label("setting", setting)
        if len(areas) >= 2:
            jobs.append(Job("compare_regions", {"setting": setting, "year": int(year), "areas": areas},
                            f"{s_label} {year}: {' vs '.join(label('area', a) for a in areas)}",
                            "Comparisons", f"compare_regions__{setting}_{year}", subgroup=f"{s_label} {year}"))
            jobs.append(Job("policy_brief", {"setting": setting, "year": int(year)},
                            f"Policy brief: {s_label} tariffs {year}", "Policy briefs",
                            f"policy_brief__{setting}_{year}", outputs=[f"policy_brief__{setting}_{year}.pdf"],
                            subgroup=f"{s_label} {year}"))
    for area, g in df.groupby("area", sort=True):
        if g["setting"].nunique() >= 2:
            jobs.append(Job("compare_settings", {"area": area},
                            f"{label('area', area)}: settings side by side", "Comparisons",
                            f"compare_settings__{area}"))
    jobs.append(Job("positions_rates", {}, "Implied hourly rates by position", "Comparisons", "positions_rates"))
    for setting, year, region, ids in audit_groups(df):
        sub = f"{label('setting', setting)} {year}"
        if len(ids) == 1:  # one decree: named after it (``kztariffs run audit_decree -p decree_id ...``)
            d = df[df["decree_id"] == ids[0]].iloc[0]
            title = f"Audit: {d['authority']} № {d['decree_number']} of {d['decree_date']} ({sub})"
            jobs.append(Job("audit_decree", {"decree_id": ids[0]}, title, "Audits", f"audit_decree__{ids[0]}",
                            subgroup=sub))
        else:
            where = label("area", region) if region else "region not known"
            jobs.append(Job("audit_decree", {"decree_ids": ids}, f"Audit: {where}, {sub} ({len(ids)} decrees)",
                            "Audits", f"audit_decree__{setting}_{year}_{region or 'unknown'}", subgroup=sub))
    for sc in scenarios:
        jobs.append(Job("cost_scenarios", {"scenario": sc.as_posix()}, f"Scenario: {sc.stem.replace('_', ' ')}",
                        "Cost scenarios", f"cost_scenarios__{sc.stem}"))
    return jobs


def _quiet_worker() -> None:
    """Notebook workers: kernels inherit the worker's stderr, and their start-up chatter would bury
    the progress bar (a failing cell is reported through the returned error, not through stderr).
    An idle worker ignores Ctrl-C (the parent stops the pool); a busy one stops its notebook."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_job(job: Job, out_dir: str, cwd: str, lang: str | None = None) -> tuple[str, str | None]:
    from .notebooks import run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        params = {**job.params, "lang": lang} if lang else job.params
        run(job.notebook, params, out_dir=Path(out_dir), out_name=job.out_name, cwd=Path(cwd))
        return job.out_name, None
    except Exception as exc:  # reported by the parent as one line
        return job.out_name, str(exc)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def data_hash(decrees: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for sha in sorted(decrees["source_sha256"]):
        h.update(sha.encode())
    return h.hexdigest()


def default_lang(decrees: pd.DataFrame) -> str:
    """The language reports are written in when none is asked: the most common language of the
    decrees (``decrees.csv``, column ``language``; ties go to kk, then ru), ``kk`` when none is known."""
    from .i18n import LANGS

    langs = decrees["language"].dropna().astype(str).str.split(r"[,;+ ]+").explode() if "language" in decrees \
        else pd.Series([], dtype=str)
    counts = langs[langs.isin(LANGS)].value_counts()
    if counts.empty:
        return "kk"
    return max(counts.index, key=lambda lang: (counts[lang], -LANGS.index(lang)))


def index_html(jobs: list[Job], decrees: pd.DataFrame, run_info: dict, others: list[str] = (),
               data: list[str] | None = None, lang: str = "en") -> str:
    """The index page in ``lang`` (``index_page``, a Jinja2 template; every text escaped: titles carry
    body names and numbers read from decrees). ``others``: files kept from ``kztariffs run``;
    ``data``: the files in ``data/`` (all of ``DATA_FILES`` when None); only files that exist are linked."""
    from .index_page import render

    return render(jobs, decrees, run_info, others, data, lang=lang, data_files=DATA_FILES)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lock_path(reports: Path) -> Path:
    return reports.parent / f".{reports.name}.lock"


def _busy(reports: Path) -> bool:
    """Another run holds the reports lock right now (only to say that this one waits)."""
    from filelock import FileLock, Timeout

    try:
        lock = FileLock(str(lock_path(reports)))
        lock.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return False  # the real attempt reports it
    lock.release()
    return False


def _render_notebooks(jobs: list[Job], staging: Path, workers: int, progress, lang: str | None = None) -> None:
    """Every planned notebook into ``staging``; on an error, an interrupt or a failing notebook the
    queued notebooks are cancelled and the running ones waited for (nothing writes into a removed
    staging folder afterwards)."""
    from .notebooks import NotebookError

    errors = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_quiet_worker)
    try:
        futures = {pool.submit(_run_job, j, str(staging), str(Path.cwd()), lang): j for j in jobs}
        for fut in as_completed(futures):
            name, err = fut.result()
            if progress:
                progress(futures[fut], err)
            if err:
                errors.append(err)
    except BrokenProcessPool:
        pool.shutdown(wait=True, cancel_futures=True)
        raise NotebookError(None, "a notebook process stopped unexpectedly (killed, or out of memory)") from None
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if errors:
        raise NotebookError(None, errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


def _write_briefs(df: pd.DataFrame, jobs: list[Job], scenarios: list[Path], staging: Path,
                  lang: str = "en") -> None:
    for job in jobs:
        if job.notebook == "policy_brief":
            from .brief import build_brief, write_pdf

            brief = build_brief(df, job.params["setting"], job.params["year"], scenarios, lang=lang)
            try:
                write_pdf(brief, staging / job.outputs[0])
            finally:
                brief.close()


def _copy_data(processed: Path, data_dir: Path) -> None:
    data_dir.mkdir()
    for name in DATA_FILES:
        if (processed / name).exists():
            shutil.copy2(processed / name, data_dir / name)


def _owned(current: Path) -> set[str] | None:
    """Names the report that wrote ``current`` wrote itself: from its manifest, or, for reports of an
    older version, the index, the files it links and their executed notebooks. None: no report there."""
    try:
        return set(json.loads((current / MANIFEST).read_text(encoding="utf-8"))["files"]) | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        index = (current / "index.html").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    from urllib.parse import unquote

    owned = {"index.html", "data"}
    for link in re.findall(r"""href=['"]([^'"#?]+)""", index):
        top = unquote(link).split("/", 1)[0]
        owned |= {top, Path(top).stem + ".ipynb"}
    return owned


def _keep_run_outputs(reports: Path, staging: Path, notify) -> list[str]:
    """Copy what ``kztariffs run`` wrote into the current reports into ``staging``; returns the names
    kept (sorted). Hidden entries (``.ipynb_checkpoints``) are not kept."""
    if not reports.is_dir():
        return []
    owned = _owned(reports) or set()
    extras = sorted(p for p in reports.iterdir() if not p.name.startswith(".") and p.name not in owned)
    reserved = {"index.html", MANIFEST}
    kept, replaced = [], []
    for src in extras:
        dst = staging / src.name
        if dst.exists() or dst.is_symlink() or src.name in reserved:
            replaced.append(src.name)
        elif src.is_dir() and not src.is_symlink():
            shutil.copytree(src, dst, symlinks=True)
            kept.append(src.name)
        elif src.is_file() or src.is_symlink():
            shutil.copy2(src, dst, follow_symlinks=False)
            kept.append(src.name)
    if kept or replaced:
        def names(xs):
            return ", ".join(xs[:6]) + (f" and {len(xs) - 6} more" if len(xs) > 6 else "")

        msg = []
        if kept:
            msg.append(f"kept {len(kept)} file(s) that `kztariffs run` wrote in {reports}/ "
                       f"(listed in the index under \"Other notebooks\"): {names(kept)}")
        if replaced:
            msg.append(f"{len(replaced)} file(s) `kztariffs run` wrote there replaced by this report's file of "
                       f"the same name: {names(replaced)}")
        notify("note: " + "; ".join(msg))
    return kept


def _write_index(staging: Path, jobs: list[Job], decrees: pd.DataFrame, run_info: dict, kept: list[str],
                 lang: str = "en") -> None:
    others = [k for k in kept if k.endswith((".html", ".htm", ".pdf"))] or kept
    data = sorted(p.name for p in (staging / "data").iterdir()) if (staging / "data").is_dir() else []
    (staging / "index.html").write_text(index_html(jobs, decrees, run_info, others, data, lang=lang),
                                        encoding="utf-8")


def _write_manifest(staging: Path, kept: list[str]) -> None:
    files = sorted(p.name for p in staging.iterdir() if p.name not in kept and p.name != MANIFEST)
    (staging / MANIFEST).write_text(json.dumps({"written_by": "kztariffs report", "files": files},
                                               ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def make_reports(df: pd.DataFrame, decrees: pd.DataFrame, processed: Path, reports: Path,
                 scenarios: list[Path], jobs: list[Job], workers: int = 2, progress=None,
                 wait: float = 600.0, notify=None, lang: str | None = None) -> list[Job]:
    """Run the planned notebooks (see ``plan``), write the brief PDFs, the data copies and the index
    into a new generation, and make it current in one step (see the module's docstring).

    ``wait``: seconds to wait for another run holding the lock (0: refuse at once). ``notify``: where
    one-line notes go (stderr by default). ``lang``: kk, ru or en for every page (an unknown one is a
    one-line DecreeError); by default the decrees' most common language (:func:`default_lang`)."""
    from .i18n import check_lang
    from .outputs import generation

    notify = notify or _stderr
    reports = Path(reports)
    lang = check_lang(lang, "--lang") if lang is not None else default_lang(decrees)
    run_info = {
        "command": "kztariffs report", "package version": __version__, "language": lang,
        "data hash (SHA-256 of the source hashes)": data_hash(decrees),
        "decrees": len(decrees), "tariff rows": len(df),
        "notebooks": [{"notebook": j.notebook, "parameters": j.params} for j in jobs],
    }
    staged = None
    try:
        if wait and _busy(reports):
            notify(f"note: another `kztariffs report` is writing {reports}/; waiting for it (up to {wait:.0f} s)")
        with generation(reports, wait=wait) as staging:
            staged = staging
            _render_notebooks(jobs, staging, workers, progress, lang)
            _write_briefs(df, jobs, scenarios, staging, lang)
            _copy_data(processed, staging / "data")
            kept = _keep_run_outputs(reports, staging, notify)
            _write_index(staging, jobs, decrees, run_info, kept, lang)
            _write_manifest(staging, kept)
    except KeyboardInterrupt:
        if staged is not None and _is_current(reports, staged):  # stopped while old ones were removed
            raise ReportsInterrupted("interrupted; the new reports are in place") from None
        raise ReportsInterrupted() from None
    return jobs


def _is_current(reports: Path, staged: Path) -> bool:
    final = staged.with_name(staged.name.removesuffix(".tmp"))
    try:
        return reports.is_symlink() and reports.resolve() == final.resolve() and (final / MANIFEST).is_file()
    except OSError:
        return False
