"""Everything read from a decree is data, never markup, formula or code.

A body name, a service text, a position, a category, a decree number or a file name may hold any
characters, including ``<script>``, ``</td>``, ``$`` or ``=HYPERLINK(...)``. Every output that
interprets text escapes it here, in one place:

- ``escape_html``: HTML text and attribute values (the report index, HTML tables built by hand).
- ``escape_md``: values put into Markdown (notebook ``Markdown(...)`` outputs, which nbconvert
  renders with raw HTML passed through): HTML-escaped, Markdown punctuation backslash-escaped,
  line breaks folded, so a value can neither open a tag nor start a heading, list, link or emphasis.
- ``escape_rl``: text for reportlab ``Paragraph`` (which parses a small XML markup).
- ``escape_mathtext`` / ``plain_text_charts``: matplotlib reads ``$...$`` as math; charts drawn by the
  package turn that off (``plain_text_charts``), and ``escape_mathtext`` escapes ``$`` wherever math
  parsing is still on.
- ``neutralize_frame`` (CSV) and ``neutralize_sheet`` (openpyxl): cells beginning with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return (and their full-width forms) are written so spreadsheet
  programs show them as text (OWASP "CSV injection"): a leading ``'`` in CSV; a string cell with
  the quote-prefix style in xlsx (value unchanged). Numbers and prices are never touched, nor is a
  lone ``-`` ("no norm"). ``restore_frame`` undoes the CSV apostrophe for the project's own readers.
"""
from __future__ import annotations

import html
import re
from decimal import Decimal

import pandas as pd

# --------------------------------------------------------------------------------------------- HTML


def escape_html(value) -> str:
    """Text for an HTML element or a quoted attribute value (``& < > " '`` escaped)."""
    return html.escape("" if value is None else str(value), quote=True)


# ------------------------------------------------------------------------------------------ Markdown

# every ASCII punctuation character that starts Markdown syntax (CommonMark lets any ASCII
# punctuation be backslash-escaped); ``<`` ``>`` ``&`` are HTML-escaped first
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$=:])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def escape_md(value) -> str:
    """A value shown literally inside Markdown: no tag, link, image, emphasis, code, heading, list,
    table or math can come out of it, and it stays on one line."""
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_code(value) -> str:
    """A value as a Markdown code span (shown verbatim, HTML escaped by the renderer): the fence is
    longer than any run of backticks in the value, so the value cannot close it."""
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


# ----------------------------------------------------------------------------------------- reportlab


def escape_rl(value) -> str:
    """Text for a reportlab ``Paragraph``: its mini-markup (``<b>``, ``<a href>``, ``<img>``, entities)
    never comes out of data."""
    return html.escape("" if value is None else str(value), quote=False)


# -------------------------------------------------------------------------------------- matplotlib


def plain_text_charts() -> None:
    """Chart texts (titles, labels, captions, legends) are drawn as written: ``$`` never starts math."""
    import matplotlib

    matplotlib.rcParams["text.parse_math"] = False


def escape_mathtext(value) -> str:
    """Text for a matplotlib text element: ``$`` escaped where math parsing is on (the default of
    matplotlib), left alone where ``plain_text_charts`` turned it off (an escape would then show)."""
    import matplotlib

    text = "" if value is None else str(value)
    return text.replace("$", r"\$") if matplotlib.rcParams.get("text.parse_math", True) else text


# ---------------------------------------------------------------------------------- CSV and Excel

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NOT_A_FORMULA = ("-", "+")  # a lone dash or plus ("no norm") is shown as text by every program
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def is_formula_like(value) -> bool:
    """A text cell a spreadsheet program could read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START) and value not in NOT_A_FORMULA


def _needs_quote(value) -> bool:
    # also a text that already starts with apostrophes before a formula: the apostrophe added is then
    # always the one ``restore_frame`` removes, and every text comes back as it was
    return isinstance(value, str) and is_formula_like(value.lstrip("'"))


def _is_number(value) -> bool:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def neutralize_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for CSV with every formula-like text cell prefixed by ``'``.

    Only text columns are looked at. A column whose every value is a number (prices, counts, also
    when written as text such as ``"1896.60"``) is left alone: a plain number is data, not a formula.
    In any other text column a cell such as ``=1+1``, ``+1``, ``-1``, ``@SUM(A1)`` or one starting
    with a tab or carriage return becomes ``'=1+1`` ... and is shown as text."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_object_dtype(s):
            continue
        values = s.dropna()
        if values.empty or not values.map(_needs_quote).any():
            continue
        if values.map(_is_number).all():
            continue
        out[col] = s.map(lambda v: "'" + v if _needs_quote(v) else v)
    return out


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The inverse of ``neutralize_frame`` for the project's own CSV files read back (the dataset, the
    decrees, disagreements): the one apostrophe it added is removed, so every text is as extracted."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_object_dtype(s):
            continue
        quoted = s.map(lambda v: isinstance(v, str) and v.startswith("'") and _needs_quote(v))
        if quoted.any():
            out[col] = s.where(~quoted, s.map(lambda v: v[1:] if isinstance(v, str) else v))
    return out


# characters an xlsx file cannot hold (openpyxl refuses them); shown as U+FFFD in the workbook
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(value):
    """A value openpyxl can store: control characters other than tab, LF and CR replaced by U+FFFD."""
    return _XLSX_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def neutralize_sheet(ws) -> int:
    """Every text cell of an openpyxl worksheet that could be read as a formula is made a string cell
    (``data_type 's'``) with the quote-prefix style, value unchanged. Returns how many cells."""
    n = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" or is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
                n += 1
    return n
