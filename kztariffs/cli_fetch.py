"""The ``kztariffs fetch`` command: download decrees from the legal portal into data/raw.

A module of its own because the command is long and about one thing (arguments in, ``fetch.Fetcher`` run
with a progress bar, one line per file not fetched, the exit code) that the other commands share nothing
with. Registered on the one ``app`` of ``cli.py``, which imports this module at its end; this module then
imports ``cli_notebooks``, so that run, report and lab are registered after fetch (the order of ``--help``)
however ``cli`` is reached, also as ``python -m kztariffs.cli``.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import List, Optional

import typer

from .cli import RAW_DIR, _progress, app, fail, warn


@app.command()
def fetch(ids: Optional[List[str]] = typer.Argument(None, help="Portal document ids (e.g. G25ZA02999A)"),
          lang: str = typer.Option("kaz,rus", "--lang", help="Languages: kaz and/or rus"),
          form: str = typer.Option("html", "--form", help="Forms: pdf, docx and/or html (the build reads one form "
                                                          "of each language version of a decree)"),
          to: Path = typer.Option(RAW_DIR, "--to", help="Folder for the files"),
          base_url: str = typer.Option("https://adilet.zan.kz", "--base-url", help="The portal"),
          ids_file: Optional[Path] = typer.Option(None, "--ids", help="File with one portal id a line"),
          refresh: bool = typer.Option(False, "--refresh", help="Download files already present again"),
          timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for the server (connect, each read)")):
    """Download decrees from the legal portal into data/raw as <id>_<kk|ru>.<form>, each with <file>.source.json."""
    from . import fetch as fetch_
    from .portal import PortalError, check_base_url, parse_forms, parse_ids, parse_langs, read_ids_file

    try:
        wanted = parse_ids(ids or []) + (read_ids_file(ids_file) if ids_file else [])
        wanted = list(dict.fromkeys(wanted))
        langs, forms, base = parse_langs(lang), parse_forms(form), check_base_url(base_url)
    except PortalError as exc:
        fail(str(exc))
    if not wanted:
        fail("no portal ids given (as arguments or with --ids FILE)")
    if to.exists() and not to.is_dir():
        fail(f"{to}: not a folder")
    fetcher = fetch_.Fetcher(to, base, refresh=refresh, timeout=timeout)
    interrupted = False
    with _progress() as progress:
        task = progress.add_task("fetching", total=len(wanted) * len(langs) * len(forms))

        def step(res):
            progress.update(task, advance=1, description=f"{res.file}: {res.outcome}")

        try:
            fetcher.run(wanted, langs, forms, progress=step)
        except KeyboardInterrupt:
            interrupted = True
    results = fetcher.results
    for res in results:  # one line for every file not fetched nor present, with its reason
        if res.outcome not in ("fetched", "present"):
            typer.echo(res.line(), err=True)
    if interrupted:
        fetched = fetch_.counts(results)["fetched"]
        typer.echo(f"interrupted; {fetched} fetched, rest not (no partial file left; run again to go on)", err=True)
        raise typer.Exit(130)
    if fetcher.stopped:
        typer.echo(f"{fetch_.summary(results)}; log: {to / fetch_.LOG_NAME}", err=True)
        fail(fetcher.stopped)
    for line in fetch_.several_forms(to, results):
        warn(line)
    missing = fetch_.nothing_found(results)
    for pid in missing:
        typer.echo(f"error: {pid}: not found in any language or form asked (check the id)", err=True)
    typer.echo(f"{fetch_.summary(results)}; log: {to / fetch_.LOG_NAME}", err=True)
    failed = [r for r in results if r.outcome in ("failed", "not_decree")]
    if failed or missing:
        raise typer.Exit(1)



import_module(".cli_notebooks", __package__)  # registers run, report and lab on `app`, after fetch
