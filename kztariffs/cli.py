"""Command line: ``kztariffs extract|build|inspect|link|audit|scenario|fetch|run|report|lab``.

This module holds the one typer ``app``, the helpers every command shares (``fail``, ``warn``, the progress
bar) and the commands on decrees and the dataset; ``fetch`` is in ``cli_fetch.py``, the notebook commands
(run, report, lab) in ``cli_notebooks.py``. Errors reach the user as one line naming the file and the
problem, with a non-zero exit.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import DecreeError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Tariffs for special social services in Kazakhstan: decrees -> dataset -> reports.")

RAW_DIR = Path("data/raw")
OUT_DIR = Path("data/processed")
DECISIONS = Path("data/decisions.yaml")


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def check_output(path: Path | None, kinds=(".csv", ".parquet")) -> None:
    """Refuse an output path of an unknown type before anything is written."""
    if path is not None and path.suffix.lower() not in kinds:
        fail(f"{path}: unknown output type {path.suffix or '(no extension)'!r}; use {' or '.join(kinds)}")


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    transient=False, console=_stderr_console())


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@app.command()
def extract(files: List[Path] = typer.Argument(..., help="Decree files (.txt, .pdf, .html)"),
            out: Path = typer.Option(..., "-o", "--out", help="Output .csv or .parquet"),
            rejects: Optional[Path] = typer.Option(None, "--rejects", help="Also write rejected rows here (.csv)")):
    """Extract the tariff rows of decree files into one CSV or Parquet file."""
    from .dataset import checked, extract_file, frames, write_table
    from .linking import assign_service_keys
    from .readers import check_distinct_inputs

    check_output(out)
    check_output(rejects)
    if rejects is not None and rejects.resolve() == out.resolve():
        fail(f"{out}: the same file for the dataset (-o) and the rejects (--rejects); give two names")
    try:
        check_distinct_inputs(files)  # the same file twice, another spelling of it or a link to it
    except DecreeError as exc:
        fail(str(exc))
    results, failed = [], False
    for f in files:
        try:
            res = extract_file(f)
        except DecreeError as exc:
            typer.echo(f"error: {exc}", err=True)
            failed = True
            continue
        results.append(res)
        for note in res.notes:
            warn(note)
        typer.echo(f"{f}: {len(res.rows)} rows, {len(res.rejects)} rejected "
                   f"({res.decree.decree_id})", err=True)
    if failed:
        fail("nothing written: fix or remove the files above")
    try:
        df, rej, _ = frames(results)
        df = checked(assign_service_keys(df))
    except DecreeError as exc:
        fail(str(exc))
    write_table(df, out)
    if rejects:
        write_table(rej, rejects)
    typer.echo(f"wrote {len(df)} rows to {out}", err=True)


@app.command()
def build(raw: Path = typer.Option(RAW_DIR, help="Folder of decree files"),
          out: Path = typer.Option(OUT_DIR, help="Output folder"),
          no_cache: bool = typer.Option(False, "--no-cache", help="Parse every file again"),
          keep_going: bool = typer.Option(False, "--keep-going", help="Build from the files that can be read"),
          decisions: Path = typer.Option(DECISIONS, help="Decisions on prices the Kazakh and Russian versions "
                                                         "print differently (YAML)"),
          workers: int = typer.Option(None, "--workers", min=1,
                                      help="Processes that parse and link decrees (default: every core)")):
    """Read every decree in data/raw and write data/processed/tariffs.{parquet,csv}, the partitioned
    tariffs/ folder, rejects.csv; unchanged decrees cost nothing (part store beside the folder)."""
    try:
        build_dataset(raw, out, use_cache=not no_cache, keep_going=keep_going, decisions=decisions, workers=workers)
    except KeyboardInterrupt:
        interrupted()


def interrupted() -> None:
    typer.echo("interrupted; previous outputs kept", err=True)
    raise typer.Exit(130)


def _count_lines(path: Path) -> int:
    try:
        with open(path, encoding="utf-8") as fh:
            return max(sum(1 for _ in fh) - 1, 0)
    except OSError:
        return 0


def build_dataset(raw: Path, out: Path, use_cache: bool = True, keep_going: bool = False,
                  decisions: Path = None, excel: bool = False, workers: int | None = None):
    """Build into ``out`` (one generation: dataset, rejects, reference tables and, with ``excel``,
    tariffs.xlsx) with a progress bar; errors are one line. Returns the dataset frame with ``excel``
    (what ``kztariffs report`` analyses), else the ``builder.BuildResult`` (nothing loaded)."""
    from .dataset import build as build_, decree_files
    from .reference import build_reference_tables

    if not raw.is_dir():
        fail(f"{raw}: folder not found")
    with _progress() as progress:
        task = progress.add_task("reading decrees", total=len(decree_files(raw)))

        def step(path):
            if isinstance(path, str):  # a step after reading: "linking 3000 decrees"
                progress.update(task, description=path)
            else:
                progress.update(task, description=f"reading {path.name}", advance=1)

        ref_dir = raw / "reference"

        def reference(folder, df):
            if ref_dir.is_dir():
                build_reference_tables(ref_dir, folder)
            if excel:
                import pandas as pd

                from .excel import write_excel
                from .safe import restore_frame

                decrees = restore_frame(pd.read_csv(folder / "decrees.csv", dtype=str, encoding="utf-8-sig"))
                notes: list[str] = []
                frame = df if isinstance(df, pd.DataFrame) else df.frame()  # a generation's dataset loads lazily
                write_excel(frame, folder / "tariffs.xlsx", decrees, notes=notes)
                for note in notes:  # a table longer than Excel's row limit is left out, never cut
                    warn(note)
            from .datapackage import write_datapackage

            write_datapackage(folder)  # last: describes every file of this generation

        try:
            res = build_(raw, out, progress=step, use_cache=use_cache, keep_going=keep_going,
                         decisions=decisions or DECISIONS, extra=reference, workers=workers)
        except DecreeError as exc:
            progress.stop()
            fail(str(exc))
        progress.update(task, description="dataset written", completed=progress.tasks[0].total)
    failures = res.failures
    from .readers import describe_skipped

    for line in describe_skipped(sorted(raw.iterdir())):
        warn(line)
    for exc in failures:
        typer.echo(f"error: {exc}", err=True)
    if failures and not keep_going:
        fail(f"{len(failures)} file(s) gave nothing; dataset not written (use --keep-going to build from the rest)")
    stats = res.stats
    typer.echo(f"{len(res.files)} decree files -> {res.rows} rows ({res.rejected} rejected/not applicable) "
               f"in {out}/tariffs.parquet, tariffs.csv, tariffs/, rejects.csv; see {out}/build_report.md "
               f"({len(stats.parsed)} file(s) parsed, {len(stats.merged)} decree(s) checked, "
               f"{len(stats.linked)} linked; the rest unchanged)", err=True)
    disagreements = _count_lines(out / "disagreements.csv")
    if disagreements:
        warn(f"{disagreements} price(s) or row(s) differ between the Kazakh and Russian versions of a decree; "
             f"listed in {out}/disagreements.csv and the build report, kept out of the dataset until decided "
             f"in {decisions or DECISIONS}")
    if failures:
        raise typer.Exit(1)
    return res.frame() if excel else res


@app.command()
def inspect(file: Path = typer.Argument(..., help="Decree file")):
    """Print the decree's metadata as JSON (also when its table is missing or unreadable)."""
    from .metadata import read_metadata
    from .readers import read_decree
    from .errors import NoTariffTable

    try:
        raw = read_decree(file)
    except NoTariffTable as exc:
        if exc.decree is None:
            fail(str(exc))
        warn(str(exc))
        raw = exc.decree
    except DecreeError as exc:
        fail(str(exc))
    meta = read_metadata(raw)
    for w in meta.warnings:
        warn(f"{file}: {w}")
    d = meta.as_dict()
    keys = ["decree_id", "authority", "authority_key", "region", "area", "kato", "decree_number",
            "decree_date", "year", "setting", "language", "unit", "title"]
    typer.echo(json.dumps({k: d.get(k) for k in keys}, ensure_ascii=False, indent=2))


@app.command()
def link(a: str = typer.Argument(..., help="Decree file or decree_id"),
         b: str = typer.Argument(..., help="Decree file or decree_id"),
         out: Path = typer.Option(..., "-o", "--out", help="Output .csv"),
         dataset: Path = typer.Option(OUT_DIR / "tariffs.parquet", help="Dataset for decree ids")):
    """Pair the rows of two decrees that price the same service for the same position."""
    from .dataset import write_table
    from .linking import link as link_rows

    check_output(out)
    da, db = decree_rows(a, dataset), decree_rows(b, dataset)
    pairs = link_rows(da, db)
    write_table(pairs, out)  # link writes CSV or Parquet by extension
    paired = pairs.dropna(subset=["row_a", "row_b"])
    typer.echo(f"{len(paired)} pairs; unpaired: {pairs['row_b'].isna().sum()} row(s) of A, "
               f"{pairs['row_a'].isna().sum()} row(s) of B -> {out}", err=True)


def decree_rows(target: str, dataset: Path):
    """Rows of one decree: from a decree file (extracted now) or a decree_id in the dataset."""
    from .dataset import extract_file, frames, load_dataset

    path = Path(target)
    if path.exists() or path.suffix.lower() in (".txt", ".pdf", ".html", ".htm"):
        try:
            res = extract_file(path)
            df, _, _ = frames([res])
        except DecreeError as exc:
            fail(str(exc))
        for note in res.notes:
            warn(note)
        return df
    if not dataset.exists():
        fail(f"{dataset}: dataset not found; run `kztariffs build` first or give a decree file")
    df = load_dataset(dataset)
    rows = df[df["decree_id"] == target]
    if rows.empty:
        fail(f"{target}: no such decree in {dataset} (known: {', '.join(sorted(df['decree_id'].unique()))})")
    return rows


@app.command()
def audit(target: str = typer.Argument(..., help="Decree file, or a decree_id in the dataset"),
          out: Path = typer.Option(..., "-o", "--out", help="Output .csv (or .parquet)"),
          dataset: Path = typer.Option(OUT_DIR / "tariffs.parquet", "--dataset",
                                       help="Dataset to look a decree_id up in")):
    """Audit a decree's prices: each position's hourly rate, each row's minutes, rows that do not fit."""
    from .audit import CLI_FIRST, audit_decree, decree_rates
    from .dataset import write_table

    check_output(out)
    df = decree_rows(target, dataset)
    table = audit_decree(df)
    table = table[CLI_FIRST + [c for c in table.columns if c not in CLI_FIRST]]
    write_table(table, out)
    for r in decree_rates(df).itertuples(index=False):
        rate = f"{r.hourly_rate}/h" if r.hourly_rate is not None else "no rate"
        typer.echo(f"{r.decree_id} annex {r.annex} {r.locality} {r.position_key}: {rate} "
                   f"({r.rows_fitting}/{r.rows} rows fit) {r.status}", err=True)
    flagged = int((table["fits"] == False).sum())  # noqa: E712
    unknown = int(table["fits"].isna().sum())
    typer.echo(f"wrote {len(table)} rows to {out}: {flagged} do not fit, {unknown} cannot be judged", err=True)


def name_values(args: list[str]) -> dict[str, str]:
    """``-p NAME VALUE`` pairs left over by the parser (papermill-style parameters)."""
    args, params = list(args), {}
    while args:
        flag = args.pop(0)
        if flag not in ("-p", "--parameter") or len(args) < 2:
            fail(f"unexpected argument {flag!r}; use -p NAME VALUE")
        name, value = args.pop(0), args.pop(0)
        params[name] = value
    return params


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def scenario(ctx: typer.Context,
             file: Path = typer.Argument(..., help="Scenario file (data/scenarios/*.yaml)"),
             out: Path = typer.Option(..., "-o", "--out", help="Result table .csv (tidy: view, measure, value)"),
             dataset: Path = typer.Option(OUT_DIR / "tariffs.parquet", "--dataset", help="Dataset (.parquet or .csv)"),
             norms: Optional[Path] = typer.Option(None, "--norms",
                                                  help="Staffing norms table for the staff view "
                                                       "(default: staffing_norms.csv next to the dataset)")):
    """Price a care package: `kztariffs scenario FILE [-p NAME VALUE ...] -o result.csv` (tenge, 2 decimals)."""
    params = name_values(ctx.args)
    check_output(out)
    if not dataset.is_file():
        fail(f"{dataset}: dataset not found; run `kztariffs build` first")
    from .dataset import write_table
    from .scenarios import fmt_money, run_scenario

    try:
        res = run_scenario(file, params, dataset=dataset,
                           norms_path=norms if norms is not None else dataset.parent / "staffing_norms.csv")
        write_table(res.table(), out)
    except DecreeError as exc:
        fail(str(exc))
    for w in res.warnings:
        warn(w)
    scn = res.scenario
    typer.echo(f"{scn.name}: {scn.setting} {scn.year}, {scn.recipients} recipients; "
               f"cost per recipient a month (KZT, half-up to the tiyn):", err=True)
    for r in res.regions.itertuples(index=False):
        if r.complete:
            diff = ("" if r.region == scn.base_region or r.monthly_per_recipient_diff_vs_base is None else
                    f" ({'+' if r.monthly_per_recipient_diff_vs_base >= 0 else ''}"
                    f"{fmt_money(r.monthly_per_recipient_diff_vs_base)} vs {scn.base_region})")
            typer.echo(f"  {r.region} ({r.locality}, {r.decree_id}): {fmt_money(r.monthly_per_recipient)}{diff}; "
                       f"{fmt_money(r.yearly_total)} a year for {scn.recipients}", err=True)
        else:
            typer.echo(f"  {r.region} ({r.locality}, {r.decree_id}): incomplete, {r.missing} service(s) not priced "
                       f"there (items {r.missing_items}); priced subtotal "
                       f"{fmt_money(r.priced_subtotal_monthly_per_recipient)}", err=True)
    if res.staff is not None:
        typer.echo("  staff view: INDICATIVE (minimum staffing norms x implied hourly rates), see view "
                   "staff_indicative", err=True)
    typer.echo(f"wrote {out}", err=True)


# fetch, run, report and lab live in modules of their own that import `app` and helpers from here, so they are
# imported last; each registers its commands on `app`: cli_fetch (fetch), which imports cli_notebooks (run,
# report and lab) after it.
from . import cli_fetch  # noqa: E402,F401


def main():  # pragma: no cover
    """Entry point: a DecreeError or an unexpected failure is one line on stderr, not a traceback."""
    import os

    import click

    from .cli_notebooks import app  # the last to register: every command, also as `python -m kztariffs.cli`

    try:
        rc = app(standalone_mode=False)  # click returns the exit code of typer.Exit here
        sys.exit(rc if isinstance(rc, int) and not isinstance(rc, bool) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DecreeError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (KeyboardInterrupt, click.exceptions.Abort):
        typer.echo("interrupted; previous outputs kept", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("KZTARIFFS_DEBUG"):
            raise
        typer.echo(f"error: {type(exc).__name__}: {exc} (set KZTARIFFS_DEBUG=1 for details)", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
