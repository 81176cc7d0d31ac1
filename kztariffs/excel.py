"""Excel export: a tidy sheet, one sheet per decree in its own row order, a sheet describing columns.

Texts from decrees are data: a cell that a spreadsheet program could read as a formula (``=1+1``,
``@SUM(A1)``, ``+1``, ``-1``, a leading tab or carriage return) is written as a string cell with the
quote-prefix style, its value unchanged (``safe.neutralize_sheet``); control characters an xlsx file
cannot hold are shown as U+FFFD (the CSV keeps them)."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .dataset import atomic_path
from .safe import neutralize_sheet, xlsx_text
from .schema import COLUMNS, DESCRIPTIONS

MONEY = "#,##0.00"


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


def write_excel(df: pd.DataFrame, target: Path, decrees: pd.DataFrame | None = None) -> Path:
    used: set[str] = set()
    df = _text_safe(df)
    decrees = _text_safe(decrees) if decrees is not None else None
    with atomic_path(target) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            tidy = df[COLUMNS].copy()
            tidy.to_excel(xw, sheet_name=_sheet_name("tariffs", used), index=False)
            sheets = {}
            for decree_id, group in df.groupby("decree_id", sort=True):
                sheets[decree_id] = _sheet_name(sheet_title(str(decree_id)), used)
                decree_sheet(group).to_excel(xw, sheet_name=sheets[decree_id], index=False)
            if decrees is not None and not decrees.empty:
                decrees.assign(sheet=decrees["decree_id"].map(sheets)) \
                    .to_excel(xw, sheet_name=_sheet_name("decrees", used), index=False)
            pd.DataFrame({"column": COLUMNS, "description": [DESCRIPTIONS.get(c, "") for c in COLUMNS]}) \
                .to_excel(xw, sheet_name=_sheet_name("columns", used), index=False)
            for ws in xw.book.worksheets:
                header = [c.value for c in ws[1]]
                for idx, name in enumerate(header, start=1):
                    if name and str(name).startswith("price_kzt"):
                        for cell in ws.iter_cols(min_col=idx, max_col=idx, min_row=2):
                            for c in cell:
                                c.number_format = MONEY
                    ws.column_dimensions[ws.cell(1, idx).column_letter].width = 14 if name != "service_text" else 60
                ws.freeze_panes = "A2"
                neutralize_sheet(ws)
    return target


def read_prices(path: Path, sheet: str = "tariffs") -> list[Decimal]:
    """Prices as the workbook shows them (two decimals), for checks."""
    df = pd.read_excel(path, sheet_name=sheet)
    return [Decimal(str(v)).quantize(Decimal("0.01")) for v in df["price_kzt"]]
