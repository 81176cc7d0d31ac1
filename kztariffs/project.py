"""Where the project is: notebooks and commands find ``data/`` and ``reports/`` from anywhere.

JupyterLab starts a notebook's kernel in ``notebooks/``, papermill and nbconvert in whatever folder
they are called from, ``kztariffs`` in the project folder. Paths that the package and the notebooks
use (``data/processed/tariffs.parquet``, ``data/scenarios/...``) are written relative to the project
and resolved here, in one place:

1. the environment variable ``KZTARIFFS_HOME`` when it is set (a folder; documented in the README);
2. else the nearest folder, from the working directory upwards, that holds ``data/raw`` or a
   ``pyproject.toml`` naming kztariffs;
3. else the folder the package was installed from (an editable install in the project);
4. else the working directory.

A relative path that exists as given (from the working directory) is used as given.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ENV = "KZTARIFFS_HOME"


def _is_project(folder: Path) -> bool:
    if (folder / "data" / "raw").is_dir():
        return True
    try:
        return 'name = "kztariffs"' in (folder / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def root(cwd: Path | None = None) -> Path:
    """The project folder (see the module docstring for the order of the rules)."""
    env = os.environ.get(ENV)
    if env:
        return Path(env).expanduser().resolve()
    return _search(Path(cwd or Path.cwd()).resolve())


@lru_cache(maxsize=16)
def _search(start: Path) -> Path:
    for folder in (start, *start.parents):
        if _is_project(folder):
            return folder
    installed = Path(__file__).resolve().parents[1]
    return installed if _is_project(installed) else start


def path(p: str | os.PathLike) -> Path:
    """``p`` as given when absolute or when it exists from the working directory; else relative to the
    project folder."""
    p = Path(p).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return root() / p
