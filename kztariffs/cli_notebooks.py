"""Commands that run notebooks: ``kztariffs run`` (one notebook), ``kztariffs report`` (the main job:
build, every planned notebook, the brief, the index) and ``kztariffs lab`` (JupyterLab on the project's
environment). Registered on the one ``app`` of ``cli.py``."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from .cli import OUT_DIR, RAW_DIR, _progress, app, build_dataset, fail, interrupted, name_values
from .errors import DecreeError


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(ctx: typer.Context,
        notebook: str = typer.Argument(..., help="Notebook name (e.g. compare_regions) or path"),
        out: Path = typer.Option(Path("reports"), "-o", "--out", help="Folder for the executed notebook and HTML")):
    """Execute a notebook with papermill: `kztariffs run compare_regions -p year 2026 -p setting home`."""
    from .notebooks import run as run_notebook

    params = name_values(ctx.args)
    typer.echo(f"running {notebook} {params or ''}", err=True)
    try:
        executed, html_path = run_notebook(notebook, params, out_dir=out)
    except DecreeError as exc:
        fail(str(exc))
    typer.echo(f"wrote {executed} and {html_path}", err=True)


@app.command()
def report(raw: Path = typer.Option(RAW_DIR, help="Folder of decree files"),
           processed: Path = typer.Option(OUT_DIR, help="Dataset folder"),
           out: Path = typer.Option(Path("reports"), help="Reports folder"),
           scenarios: Path = typer.Option(Path("data/scenarios"), help="Folder of scenario files"),
           workers: int = typer.Option(2, help="Notebooks run in parallel"),
           no_wait: bool = typer.Option(False, "--no-wait", help="Refuse at once (instead of waiting) when "
                                                                 "another run is writing the reports"),
           lang: str = typer.Option(None, "--lang", help="Language of every page (index, reports, brief): kk, ru "
                                    "or en. Default: the most common language of the decrees "
                                    "(column `language` of data/processed/decrees.csv), kk when none is known")):
    """The main job: build the dataset, run every comparison, audit and scenario; write reports/."""
    import time

    from .i18n import check_lang

    if lang is not None:
        try:
            lang = check_lang(lang.strip().lower(), "--lang")
        except DecreeError as exc:
            fail(str(exc))

    import pandas as pd

    from .report import make_reports, plan
    from .safe import restore_frame

    t0 = time.perf_counter()
    try:
        df = build_dataset(raw, processed, excel=True)
    except KeyboardInterrupt:
        interrupted()
    decrees = restore_frame(pd.read_csv(processed / "decrees.csv", dtype=str, keep_default_na=False,
                                        na_values=[""], encoding="utf-8-sig"))
    scenario_files = sorted(scenarios.glob("*.yaml")) if scenarios.is_dir() else []
    jobs = plan(df, scenario_files)
    with _progress() as progress:
        task = progress.add_task("running notebooks", total=len(jobs))

        def step(job, err):
            progress.update(task, advance=1, description=f"{'FAILED' if err else 'done'}: {job.out_name}")

        try:
            make_reports(df, decrees, processed, out, scenario_files, jobs, workers=workers, progress=step,
                         wait=0 if no_wait else 600, lang=lang)
        except DecreeError as exc:
            fail(f"{exc}; previous reports left in place")
        except KeyboardInterrupt as exc:
            progress.stop()
            typer.echo(str(exc) or "interrupted; previous reports kept", err=True)
            raise typer.Exit(130)
    typer.echo(f"{len(jobs)} reports + index in {out}/index.html "
               f"({time.perf_counter() - t0:.1f} s)", err=True)


@app.command()
def lab(port: int = typer.Option(8888, help="Port")):
    """Open JupyterLab on the project's environment (kernel and settings kept inside .venv)."""
    import os
    import subprocess

    env = project_jupyter_env()
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3",
                    "--display-name", "Python 3 (kztariffs)"], check=True, env=env, capture_output=True)
    argv = [sys.executable, "-m", "jupyterlab", "--notebook-dir", ".", f"--port={port}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # containers often run as root
    os.execvpe(sys.executable, argv, env)


def project_jupyter_env() -> dict:
    """Jupyter config, data and runtime dirs inside the venv: nothing written to the user's home."""
    from .notebooks import jupyter_dirs

    return {**os.environ, **jupyter_dirs()}
