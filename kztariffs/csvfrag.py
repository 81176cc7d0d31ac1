"""CSV rows of one decree, written column by column without a pandas frame.

Why: the build writes ``tariffs.csv``, ``rejects.csv`` and ``disagreements.csv`` as the decrees'
fragments concatenated (``union.py``), thousands of them; through pandas (``neutralize_frame``,
``csv_frame``, ``to_csv``) a fragment of 100 rows costs ~10 ms, most of it per-column overhead. This
writes the same bytes as ``dataset.write_table`` does for a frame of those rows (same csv module,
QUOTE_MINIMAL, CRLF), with the same rules: formula-like text prefixed by ``'`` in a text column
unless every value of the column is a number (``safe.neutralize_frame``, applied per decree),
prices with two decimals, time norms without trailing zeros, empty for missing
(``dataset.csv_frame``); ``tests/test_scale.py`` checks the bytes against ``write_table``.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import date
from decimal import Decimal

from .numbers import format_kzt
from .safe import FORMULA_START, _is_number, _needs_quote

_FIRST = set(c[0] for c in FORMULA_START) | {"'"}  # a text that may need the apostrophe starts with one

def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is _NA


try:
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()


def _neutral(values: list, numeric: bool) -> list:
    if numeric:
        return values
    present = [v for v in values if not _missing(v)]
    if not any(type(v) is not str or v[:1] in _FIRST for v in present):
        return values  # no text that could be a formula: nothing to check
    if not any(_needs_quote(v) for v in present) or all(_is_number(v) for v in present):
        return values
    return ["'" + v if _needs_quote(v) else v for v in values]


def _text(col: str, v) -> str:
    if type(v) is str:
        return v
    if _missing(v):
        return ""
    if col == "price_kzt":  # two decimals, as numbers.format_kzt (exact: a dataset price has at most two)
        return format(v, ".2f") if isinstance(v, Decimal) else format_kzt(v)
    if col == "time_norm_min":
        return format(v.normalize(), "f")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def fragment(columns: list[str], data: dict[str, list], int_columns=()) -> bytes:
    """CSV rows (no header) of ``data`` (column -> values, one list per column, equal lengths)."""
    n = len(data[columns[0]]) if columns else 0
    if n == 0:
        return b""
    cols = [[_text(c, v) for v in _neutral(data[c], c in int_columns)] for c in columns]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(zip(*cols))
    return buf.getvalue().encode("utf-8")
