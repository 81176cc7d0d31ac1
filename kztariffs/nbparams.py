"""Notebook parameters as the notebook needs them, whatever ran it.

``kztariffs run`` checks and converts parameters before a kernel starts (``notebooks.coerce``), but a
notebook is also run from JupyterLab, by plain ``papermill`` (``-p areas oral`` gives the text
``"oral"``, ``-p areas oral,bokey_orda`` one text, ``-y 'areas: [oral, bokey_orda]'`` a list) and by
``nbconvert --execute``. The first cell of every notebook passes its parameters through these
functions, so each form gives the same value and a wrong one stops the notebook with one clear line.
"""
from __future__ import annotations

from .errors import DecreeError
from .i18n import check_lang
from .project import path as project_path


def as_list(value, name: str) -> list[str] | None:
    """None, a list, or text (``"oral"``, ``"oral, bokey_orda"``, ``"[oral, bokey_orda]"``) -> list of str."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip().strip("[]")
        items = [v.strip().strip("'\"") for v in text.split(",")]
        return [v for v in items if v] or None
    raise DecreeError(None, f"parameter {name!r} must be a list (comma-separated or YAML); got {value!r}")


def as_int(value, name: str) -> int | None:
    """None, an integer or integer text -> int."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise DecreeError(None, f"parameter {name!r} must be an integer; got {value!r}")
    try:
        return int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise DecreeError(None, f"parameter {name!r} must be an integer; got {value!r}") from None


def as_path(value):
    """A path parameter: relative paths are taken from the project folder (``project.py``)."""
    return None if value is None else project_path(value)


def as_lang(value) -> str:
    """``kk``, ``ru`` or ``en``; anything else stops the notebook with one line."""
    return check_lang(value)
