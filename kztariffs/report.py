"""The main job: decrees -> dataset -> notebooks run for every comparison the data allows ->
HTML reports with an index, the policy brief (HTML + PDF) and the Excel file.

Reports are rendered into a staging folder and swapped into ``reports/`` only when every
notebook succeeded, so a failure leaves the previous reports in place.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .compare import ordered_areas
from .vocab import label


@dataclass
class Job:
    notebook: str
    params: dict
    title: str
    group: str
    out_name: str
    outputs: list[str] = field(default_factory=list)


def plan(df: pd.DataFrame, scenarios: list[Path]) -> list[Job]:
    """Every comparison the data allows."""
    jobs: list[Job] = []
    for (setting, year), g in df.groupby(["setting", "year"], sort=True):
        areas = ordered_areas(df, g["area"].unique())
        s_label = label("setting", setting)
        if len(areas) >= 2:
            jobs.append(Job("compare_regions", {"setting": setting, "year": int(year), "areas": areas},
                            f"{s_label} {year}: {' vs '.join(label('area', a) for a in areas)}",
                            "Comparisons", f"compare_regions__{setting}_{year}"))
            jobs.append(Job("policy_brief", {"setting": setting, "year": int(year)},
                            f"Policy brief: {s_label} tariffs {year}", "Policy briefs",
                            f"policy_brief__{setting}_{year}", outputs=[f"policy_brief__{setting}_{year}.pdf"]))
    for area, g in df.groupby("area", sort=True):
        if g["setting"].nunique() >= 2:
            jobs.append(Job("compare_settings", {"area": area},
                            f"{label('area', area)}: settings side by side", "Comparisons",
                            f"compare_settings__{area}"))
    jobs.append(Job("positions_rates", {}, "Implied hourly rates by position", "Comparisons", "positions_rates"))
    for decree_id, g in df.groupby("decree_id", sort=True):
        d = g.iloc[0]
        title = (f"Audit: {d['authority']} № {d['decree_number']} of {d['decree_date']} "
                 f"({label('setting', d['setting'])} {d['year']})")
        jobs.append(Job("audit_decree", {"decree_id": decree_id}, title, "Audits", f"audit_decree__{decree_id}"))
    for sc in scenarios:
        jobs.append(Job("cost_scenarios", {"scenario": sc.as_posix()}, f"Scenario: {sc.stem.replace('_', ' ')}",
                        "Cost scenarios", f"cost_scenarios__{sc.stem}"))
    return jobs


def _run_job(job: Job, out_dir: str, cwd: str) -> tuple[str, str | None]:
    from .notebooks import run

    # kernels inherit this worker's stderr; their start-up chatter would bury the progress bar
    # (a failing cell is reported through the returned error, not through stderr)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)

    try:
        run(job.notebook, job.params, out_dir=Path(out_dir), out_name=job.out_name, cwd=Path(cwd))
        return job.out_name, None
    except Exception as exc:  # reported by the parent as one line
        return job.out_name, str(exc)


def data_hash(decrees: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for sha in sorted(decrees["source_sha256"]):
        h.update(sha.encode())
    return h.hexdigest()


def index_html(jobs: list[Job], decrees: pd.DataFrame, run_info: dict) -> str:
    e = html.escape
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<title>kztariffs reports</title><style>body{font-family:sans-serif;max-width:70em;margin:2em auto;"
             "padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;"
             "text-align:left;font-size:.9em}code{font-size:.85em}</style></head><body>",
             "<h1>Tariffs for special social services: reports</h1>"]
    for group in dict.fromkeys(j.group for j in jobs):
        parts.append(f"<h2>{e(group)}</h2><ul>")
        for j in (j for j in jobs if j.group == group):
            extra = "".join(f" · <a href='{e(o)}'>{e(Path(o).suffix[1:].upper())}</a>" for o in j.outputs)
            params = ", ".join(f"{k}={v}" for k, v in j.params.items())
            parts.append(f"<li><a href='{e(j.out_name)}.html'>{e(j.title)}</a>{extra} "
                         f"<small>(<code>{e(j.notebook)}</code> {e(params)})</small></li>")
        parts.append("</ul>")
    parts.append("<h2>Data</h2><ul><li><a href='data/tariffs.xlsx'>tariffs.xlsx</a> (tidy sheet, one sheet per "
                 "decree, column descriptions)</li><li><a href='data/tariffs.csv'>tariffs.csv</a></li>"
                 "<li><a href='data/rejects.csv'>rejects.csv</a></li>"
                 "<li><a href='data/build_report.md'>build_report.md</a></li></ul>")
    parts.append("<h2>Sources</h2><table><tr><th>authority</th><th>decree</th><th>date</th><th>setting</th>"
                 "<th>year</th><th>portal id</th><th>file</th><th>SHA-256</th><th>rows</th></tr>")
    for _, d in decrees.sort_values("decree_id").iterrows():
        portal = d.get("portal_id") if isinstance(d.get("portal_id"), str) else "not stated in the file"
        parts.append(f"<tr><td>{e(str(d['authority']))}</td><td>No. {e(str(d['decree_number']))}</td>"
                     f"<td>{e(str(d['decree_date']))}</td><td>{e(str(d['setting']))}</td><td>{e(str(d['year']))}</td>"
                     f"<td>{e(portal)}</td><td>{e(d['source_file'])}</td><td><code>{e(d['source_sha256'])}</code></td>"
                     f"<td>{d['rows']}</td></tr>")
    parts.append("</table><h2>Run</h2><table>")
    for k, v in run_info.items():
        parts.append(f"<tr><th>{e(k)}</th><td><code>{e(json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)}</code></td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames (the old folder removed afterwards)."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old)


def make_reports(df: pd.DataFrame, decrees: pd.DataFrame, processed: Path, reports: Path,
                 scenarios: list[Path], jobs: list[Job], workers: int = 2, progress=None) -> list[Job]:
    """Run the planned notebooks (see ``plan``) into a staging folder, write index and data, then swap in."""
    from .notebooks import NotebookError

    staging = reports.with_name(f".{reports.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    cwd = Path.cwd()
    errors = []
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_run_job, j, str(staging), str(cwd)): j for j in jobs}
            for fut in as_completed(futures):
                name, err = fut.result()
                if progress:
                    progress(futures[fut], err)
                if err:
                    errors.append(err)
        if errors:
            raise NotebookError(None, errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))
        for job in jobs:
            if job.notebook == "policy_brief":
                from .brief import build_brief, write_pdf

                brief = build_brief(df, job.params["setting"], job.params["year"], scenarios)
                write_pdf(brief, staging / job.outputs[0])
        data_dir = staging / "data"
        data_dir.mkdir()
        for name in ("tariffs.xlsx", "tariffs.csv", "rejects.csv", "build_report.md"):
            if (processed / name).exists():
                shutil.copy2(processed / name, data_dir / name)
        run_info = {
            "command": "kztariffs report", "package version": __version__,
            "data hash (SHA-256 of the source hashes)": data_hash(decrees),
            "decrees": len(decrees), "tariff rows": len(df),
            "notebooks": [{"notebook": j.notebook, "parameters": j.params} for j in jobs],
        }
        (staging / "index.html").write_text(index_html(jobs, decrees, run_info), encoding="utf-8")
        swap_in(staging, reports)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return jobs
