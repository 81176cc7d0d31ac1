"""Excel export: a tidy sheet, one sheet per decree in its own row order, the decrees, a sheet describing
the columns and a README sheet.

Every sheet has its header frozen and an auto filter on it, columns as wide as their content (up to
:data:`MAX_WIDTH` characters, longer texts wrapped), and typed cells: prices are exact numbers shown with
two decimals (``#,##0.00``), counts, years, annexes and rows integers, dates real dates (``yyyy-mm-dd``).
The types come from ``vocab/fields.yaml``, as in ``datapackage.json``.

Texts from decrees are data: a cell that a spreadsheet program could read as a formula (``=1+1``,
``@SUM(A1)``, ``+1``, ``-1``, a leading tab or carriage return) is written as a string cell with the
quote-prefix style, its value unchanged (``safe.is_formula_like``, as ``safe.neutralize_sheet``);
control characters an xlsx file cannot hold are shown as U+FFFD (the CSV keeps them).

A sheet holds at most :data:`MAX_ROWS` rows (Excel's limit, header included): a table longer than that is
left out of the workbook, never cut, and the README sheet and the returned notes say so.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .dataset import atomic_path
from .datapackage import column_types, spec
from .safe import is_formula_like, xlsx_text
from .schema import COLUMNS

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
MAX_ROWS = 1_048_576  # rows of an Excel sheet, header included
MAX_WIDTH = 70        # characters (a SHA-256 fits); longer texts wrap
FILTER_BUTTON = 3     # characters the header's filter button takes
LINE_HEIGHT = 15      # points per line of wrapped text (Calibri 11)
MAX_ROW_HEIGHT = 409  # points, Excel's largest row height
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
    out, i = base, 2
    while out in used:
        out = f"{base[:28]}~{i}"
        i += 1
    used.add(out)
    return out


def sheet_title(decree_id: str) -> str:
    """Excel allows 31 characters: ``oral_akimat_2025-12-18_2999`` -> ``oral_2025-12-18_2999``."""
    return re.sub(r"_(akimat|maslikhat)_", "_", decree_id)


def decree_sheet(df: pd.DataFrame) -> pd.DataFrame:
    """One decree as printed: one line per table row (annex, row), one price column per locality,
    sorted by annex and row. ``time_norm_min`` and ``unit_of_measure`` are shown where the decree prints
    them; ``setting`` and ``unit`` where its annexes differ in them."""
    df = df.assign(annex=df["annex"].fillna(1).astype(int)) if "annex" in df else df.assign(annex=1)
    extra = [c for c in ("unit_of_measure", "time_norm_min") if c in df and df[c].notna().any()]
    varying = [c for c in ("setting", "unit") if c in df and df.groupby("annex")[c].first().nunique(dropna=False) > 1]
    keys = (["service_no", "category_text", "service_text", "position", "position_key"] + extra + varying
            + ["line", "page"])
    keys = [c for c in keys if c in df]
    wide = df.pivot_table(index=["annex", "row"], columns="locality", values="price_kzt", aggfunc="first")
    wide.columns = [f"price_kzt_{c}" for c in wide.columns]
    base = df.sort_values(["annex", "row"]).drop_duplicates(["annex", "row"]).set_index(["annex", "row"])[keys]
    out = base.join(wide).reset_index()
    for col in ("annex", "row"):
        out[col] = pd.array(out[col].tolist(), dtype="Int64")
    return out


def _text_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns with the characters openpyxl refuses replaced (numbers and prices untouched)."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_object_dtype(out[col]):
            out[col] = out[col].map(xlsx_text)
    return out


# ------------------------------------------------------------------------------------------ typed cells

def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (str, list, dict)) else v == ""
    except (TypeError, ValueError):
        return False


def _kinds(file_name: str, columns) -> list[str]:
    """How each column is written: money, number, integer, date or text."""
    types = column_types(file_name, columns)
    kinds = []
    for c in columns:
        type_, unit = types[c] if not str(c).startswith("price_kzt_") else ("number", "KZT")
        kinds.append("money" if type_ == "number" and unit == "KZT" else
                     type_ if type_ in ("number", "integer", "date") else "text")
    return kinds


def _value(v, kind: str):
    """The cell value of ``v`` for a column of ``kind``; a value that does not fit the type stays text."""
    if _missing(v):
        return None
    try:
        if kind == "integer" and not isinstance(v, bool):
            return int(v) if not isinstance(v, str) else int(v.strip())
        if kind in ("money", "number") and not isinstance(v, bool):
            return v if isinstance(v, Decimal) else Decimal(str(v).strip())
        if kind == "date":
            return v if isinstance(v, date) else date.fromisoformat(str(v).strip())
    except (ValueError, TypeError, InvalidOperation):
        pass
    return v if isinstance(v, (str, int, Decimal, date)) else str(v)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate, for the row height)."""
    per_line = max(int(width) - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _cell(ws, v, kind: str, width: float):
    """A value as written: plain, or a cell with its number format, quote prefix or wrapping."""
    v = _value(v, kind)
    if v is None:
        return None
    if isinstance(v, str):
        wrap = len(v) + 2 > width or "\n" in v
        if not (wrap or is_formula_like(v)):
            return v
        c = WriteOnlyCell(ws, value=v)
        if is_formula_like(v):  # shown as text, value unchanged, never a formula
            c.data_type, c.quotePrefix = "s", True
        if wrap:
            c.alignment = WRAP
        return c
    if isinstance(v, (Decimal, date)):
        c = WriteOnlyCell(ws, value=v)
        c.number_format = MONEY if kind == "money" else DATE if isinstance(v, date) else "General"
        return c
    return v


def _shown_length(v, kind: str) -> int:
    v = _value(v, kind)
    if v is None:
        return 0
    if isinstance(v, date):
        return 10
    if kind == "money" and isinstance(v, Decimal):
        return len(f"{v:,.2f}")
    return max((len(line) for line in str(v).split("\n")), default=0)


def _widths(frame: pd.DataFrame, kinds: list[str]) -> list[float]:
    out = []
    for (name, col), kind in zip(frame.items(), kinds):
        longest = max([len(str(name)) + FILTER_BUTTON, *(_shown_length(v, kind) for v in col)])
        out.append(float(min(longest + 2, MAX_WIDTH)))
    return out


def _write_sheet(wb: Workbook, title: str, frame: pd.DataFrame, file_name: str) -> None:
    """One table as a sheet: typed cells, frozen header with an auto filter, widths from the content."""
    ws = wb.create_sheet(title)
    kinds = _kinds(file_name, frame.columns)
    widths = _widths(frame, kinds)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(frame.columns), 1))
    ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    header = []
    for name in frame.columns:
        c = WriteOnlyCell(ws, value=str(name))
        c.font = BOLD
        header.append(c)
    ws.append(header)
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        cells = [_cell(ws, v, k, w) for v, k, w in zip(values, kinds, widths)]
        lines = max((_lines(c.value, w) for c, w in zip(cells, widths)
                     if isinstance(c, Cell) and c.alignment.wrap_text), default=1)
        if lines > 1:  # spreadsheet programs do not all fit a row to wrapped text when they open a file
            ws.row_dimensions[r].height = min(LINE_HEIGHT * lines, MAX_ROW_HEIGHT)
        ws.append(cells)


# ------------------------------------------------------------------------------------------ workbook

def _columns_frame() -> pd.DataFrame:
    from .datapackage import field

    rows = []
    for c in COLUMNS:
        f = field("tariffs.csv", c)
        unit = f.get("unit", "")
        rows.append({"column": c, "type": f["type"], "unit": unit + (f", {f['decimals']} decimals" if "decimals" in f else ""),
                     "description": f.get("description", "")})
    return pd.DataFrame(rows)


def _readme(sheets: dict[str, str], notes: list[str]) -> pd.DataFrame:
    lic = spec()["package"]["licenses"][0]
    lines = [spec()["package"]["title"], "",
             *(f"Sheet {name}: {what}" for name, what in sheets.items()), "",
             "Prices (price_kzt...) are exact tenge with two decimals, shown as #,##0.00; dates are dates "
             "(yyyy-mm-dd); years, annexes, rows and counts are whole numbers. An empty price cell: the decree "
             "prints no price there.",
             "Every sheet has a filter on its header row. Texts that a spreadsheet could read as a formula "
             "are text cells, shown as printed.",
             "Same data: tariffs.csv (UTF-8 with BOM), tariffs.parquet; described in datapackage.json.",
             f"Licence of the data: {lic['title']} ({lic['name']}, {lic['path']}); the decrees themselves are "
             "official documents, not subject to copyright in Kazakhstan (Law on Copyright and Related Rights, art. 8).",
             "Cite as: kztariffs contributors, Tariffs for special social services in Kazakhstan (see CITATION.cff)."]
    if notes:
        lines += ["", "Left out of this workbook:", *notes]
    return pd.DataFrame({"README": lines})


def _fits(frame: pd.DataFrame, name: str, target: Path, notes: list[str]) -> bool:
    if len(frame) + 1 <= MAX_ROWS:
        return True
    notes.append(f"{target.name}: sheet {name!r} left out: {len(frame)} rows do not fit Excel's "
                 f"{MAX_ROWS - 1:,} rows per sheet; use tariffs.csv or tariffs.parquet")
    return False


def write_excel(df: pd.DataFrame, target: Path, decrees: pd.DataFrame | None = None,
                notes: list[str] | None = None) -> Path:
    """Write the workbook atomically. ``notes`` (if given) receives one line per table left out because it
    exceeds Excel's row limit (also listed in the README sheet)."""
    notes = [] if notes is None else notes
    target = Path(target)
    df = _text_safe(df)
    decrees = _text_safe(decrees) if decrees is not None else None
    wb = Workbook(write_only=True)
    try:
        _fill(wb, df, target, decrees, notes)
        with atomic_path(target) as tmp:
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise
    return target


def _fill(wb: Workbook, df: pd.DataFrame, target: Path, decrees: pd.DataFrame | None, notes: list[str]) -> None:
    used: set[str] = set()
    about: dict[str, str] = {}
    tidy = df[COLUMNS]
    name = _sheet_name("tariffs", used)
    if _fits(tidy, name, target, notes):
        _write_sheet(wb, name, tidy, "tariffs.csv")
        about[name] = "the dataset, one row per price (decree, annex, row, locality); as tariffs.csv"
    sheets = {}
    for decree_id, group in df.groupby("decree_id", sort=True):
        title = _sheet_name(sheet_title(str(decree_id)), used)
        frame = decree_sheet(group)
        if _fits(frame, title, target, notes):
            sheets[decree_id] = title
            _write_sheet(wb, title, frame, "tariffs.csv")
    if sheets:
        about["<decree>"] = "one sheet per decree as printed: a line per table row, a price column per locality"
    if decrees is not None and not decrees.empty:
        name = _sheet_name("decrees", used)
        _write_sheet(wb, name, decrees.assign(sheet=decrees["decree_id"].map(sheets)), "decrees.csv")
        about[name] = "the decrees read, with their source files, SHA-256 and sheet"
    name = _sheet_name("columns", used)
    _write_sheet(wb, name, _columns_frame(), "columns")
    about[name] = "what each column of the tariffs sheet means, its type and unit"
    name = _sheet_name("README", used)
    about[name] = "this sheet"
    _write_sheet(wb, name, _readme(about, notes), "README")


def _discard(wb: Workbook) -> None:
    """Close and remove the temporary files openpyxl streams the sheets of an unsaved workbook to."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        for stream in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
            try:
                if stream is not None:
                    stream.close()
            except Exception:  # noqa: BLE001 - a half-written stream may refuse to close cleanly
                pass
        try:
            if writer is not None:
                writer.cleanup()
        except (OSError, ValueError):
            pass
