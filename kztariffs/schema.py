"""The dataset's schema: enforced on every decree's rows when the build makes its part (pandera), and
its storage types (Arrow / Parquet: exact decimals, a real date, 64-bit integers, strings).

In memory (pandas) the dataset keeps prices as ``Decimal`` objects and strings as objects: what the
analysis code and the checks use. On disk it is Arrow: ``price_kzt`` ``decimal128(14, 2)``,
``time_norm_min`` ``decimal128(12, 4)``, ``decree_date`` ``date32``, integer columns ``int64``;
:func:`to_arrow` and :func:`from_arrow` convert one way and back without loss.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pandera.pandas as pa

from .vocab import categories, settings

COLUMNS = [
    "decree_id", "source_file", "source_sha256", "source_form", "portal_id", "source_url", "line", "page", "annex", "row", "service_no",
    "category", "category_text", "service_text", "unit_of_measure", "position", "position_key", "service_key",
    "locality", "unit", "time_norm_min", "price_kzt", "authority", "authority_key", "area", "region", "kato",
    "decree_number", "decree_date", "year", "setting", "language", "versions",
    "service_text_kk", "service_text_ru", "position_kk", "position_ru", "category_text_kk", "category_text_ru",
    "other_source_file", "other_source_sha256", "other_line", "other_page",
]

INT_COLUMNS = ("line", "page", "annex", "row", "service_no", "year", "versions", "other_line", "other_page")

DESCRIPTIONS = {
    "decree_id": "Stable id of the decree: <issuing body key>_<decree date>_<decree number>",
    "source_file": "File in data/raw the row was read from",
    "source_sha256": "SHA-256 of that file",
    "source_form": "Form of the file: portal_text, pdf_text, pdf, html, docx",
    "portal_id": "Legal portal document id (G25ZA02999A), from the file name, the text or the download record",
    "source_url": "The decree's page on the legal portal, where kztariffs fetch downloaded the file",
    "line": "1-based line of the row in a text or HTML file",
    "page": "1-based page of the row in a PDF",
    "annex": "Number of the annex (table) of the decree the row is in: 1, 2 ...",
    "row": "1-based order of the row among its annex's priced rows (restarts at 1 in each annex)",
    "service_no": "The row's № as printed (filled down for rows that continue a service)",
    "category": "Category key (vocab/categories.yaml)",
    "category_text": "Category row as printed",
    "service_text": "Service as printed (wrapped lines joined)",
    "unit_of_measure": "Unit of measure of the service as printed, where the table has such a column",
    "position": "Position (staff role) as printed",
    "position_key": "Position key (vocab/positions.yaml); empty if the spelling is unknown",
    "service_key": "Key shared by rows of different decrees that price the same service for the same position",
    "locality": "all, city or village: which price column the row comes from",
    "unit": "What the price is for: per_service, per_recipient_day or per_month (of the row's annex or price column)",
    "time_norm_min": "Time norm printed in the table, in minutes, exact (hours x 60); empty where the table prints none",
    "price_kzt": "Tariff in tenge, exact, two decimals",
    "authority": "Issuing body as printed (nominative)",
    "authority_key": "Issuing body key",
    "area": "Key of the city/district/region the body governs (from the KATO classifier, kztariffs/areas.py)",
    "region": "Key of the region (oblast)",
    "kato": "KATO code of the area (9 characters)",
    "decree_number": "Decree number as printed",
    "decree_date": "Decree date (ISO)",
    "year": "Year the tariffs are for",
    "setting": "home, semi_stationary, stationary or temporary: the setting of the row's annex",
    "language": "Language of the versions read: kk, ru, or kk+ru when both versions print this price alike",
    "versions": "How many language versions of the decree print this price (2: Kazakh and Russian agree)",
    "service_text_kk": "Service as printed in the Kazakh version (empty if not read)",
    "service_text_ru": "Service as printed in the Russian version (empty if not read)",
    "position_kk": "Position as printed in the Kazakh version",
    "position_ru": "Position as printed in the Russian version",
    "category_text_kk": "Category row as printed in the Kazakh version",
    "category_text_ru": "Category row as printed in the Russian version",
    "other_source_file": "File of the other language version (source_file is the Kazakh one when both were read)",
    "other_source_sha256": "SHA-256 of that file",
    "other_line": "Line of the row in the other version",
    "other_page": "Page of the row in the other version",
}


def _positive_decimal(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, Decimal) and v > 0 and v == v.quantize(Decimal("0.01")))


def _str(nullable: bool = False, **kw) -> pa.Column:
    return pa.Column(object, nullable=nullable, coerce=False, **kw)


TARIFFS = pa.DataFrameSchema(
    {
        "decree_id": _str(),
        "source_file": _str(),
        "source_sha256": _str(checks=pa.Check.str_matches(r"^[0-9a-f]{64}$")),
        "source_form": _str(checks=pa.Check.isin(["portal_text", "pdf_text", "pdf", "html", "docx"])),
        "portal_id": _str(nullable=True),
        "source_url": _str(nullable=True),
        "line": pa.Column("Int64", nullable=True),
        "page": pa.Column("Int64", nullable=True),
        "annex": pa.Column("Int64", checks=pa.Check.ge(1)),
        "row": pa.Column("Int64", checks=pa.Check.ge(1)),
        "service_no": pa.Column("Int64", nullable=True, checks=pa.Check.ge(1)),
        "category": _str(nullable=True, checks=pa.Check.isin([c["key"] for c in categories()])),
        "category_text": _str(nullable=True),
        "service_text": _str(nullable=True),
        "unit_of_measure": _str(nullable=True),
        "position": _str(),
        "position_key": _str(nullable=True),
        "service_key": _str(nullable=True),
        "locality": _str(checks=pa.Check.isin(["all", "city", "village"])),
        "unit": _str(nullable=True, checks=pa.Check.isin(["per_service", "per_recipient_day", "per_month"])),
        "time_norm_min": pa.Column(object, nullable=True, checks=pa.Check(
            lambda s: s.map(lambda v: v is None or (isinstance(v, Decimal) and v > 0)), element_wise=False,
            error="time norm must be a positive Decimal (minutes)")),
        "price_kzt": pa.Column(object, checks=pa.Check(_positive_decimal, element_wise=False,
                                                       error="price must be a positive Decimal with at most 2 decimals")),
        "authority": _str(nullable=True),
        "authority_key": _str(nullable=True),
        "area": _str(nullable=True),
        "region": _str(nullable=True),
        "kato": _str(nullable=True, checks=pa.Check.str_matches(r"^\d{9}$")),
        "decree_number": _str(nullable=True),
        "decree_date": _str(nullable=True, checks=pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "year": pa.Column("Int64", nullable=True, checks=pa.Check.in_range(1990, 2100)),
        "setting": _str(nullable=True, checks=pa.Check.isin([s["key"] for s in settings()])),
        "language": _str(nullable=True, checks=pa.Check.isin(["kk", "ru", "kk+ru"])),
        "versions": pa.Column("Int64", checks=pa.Check.isin([1, 2])),
        **{f"{f}_{lang}": _str(nullable=True) for f in ("service_text", "position", "category_text")
           for lang in ("kk", "ru")},
        "other_source_file": _str(nullable=True),
        "other_source_sha256": _str(nullable=True, checks=pa.Check.str_matches(r"^[0-9a-f]{64}$")),
        "other_line": pa.Column("Int64", nullable=True),
        "other_page": pa.Column("Int64", nullable=True),
    },
    unique=["decree_id", "annex", "row", "locality"],
    strict=True,
    ordered=False,
)


def to_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> DataFrame with the dataset's columns and dtypes (strings as Python objects). Built
    column by column (the build makes one per decree: per-column pandas calls would dominate)."""
    import numpy as np

    data = {}
    for col in COLUMNS:
        values = [r.get(col) for r in rows]
        if col in INT_COLUMNS:
            data[col] = pd.array(values, dtype="Int64")
        else:
            arr = np.empty(len(values), dtype=object)
            arr[:] = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in values]
            data[col] = pd.Series(arr, dtype=object, copy=False)
    return pd.DataFrame(data, columns=COLUMNS)


def validate(df: pd.DataFrame) -> pd.DataFrame:
    return TARIFFS.validate(df, lazy=True)


DECIMAL_TYPES = {"price_kzt": (14, 2), "time_norm_min": (12, 4)}
DATE_COLUMNS = ("decree_date",)


def arrow_schema(columns: list[str] | None = None):
    """The Arrow schema of the dataset (of ``columns``, in that order)."""
    import pyarrow as pa

    def type_(col):
        if col in DECIMAL_TYPES:
            return pa.decimal128(*DECIMAL_TYPES[col])
        if col in DATE_COLUMNS:
            return pa.date32()
        return pa.int64() if col in INT_COLUMNS else pa.string()

    return pa.schema([pa.field(c, type_(c), nullable=True) for c in (columns or COLUMNS)],
                     metadata={"kztariffs": "tariffs dataset (docs/SPEC.md)"})


def to_arrow(df: pd.DataFrame):
    """Validated frame -> Arrow table of the dataset schema (exact decimals, ISO dates as date32)."""
    import pyarrow as pa

    schema = arrow_schema([c for c in COLUMNS if c in df.columns])
    arrays = []
    for field in schema:
        values = df[field.name]
        if field.name in INT_COLUMNS:
            arrays.append(pa.array(values, type=field.type, from_pandas=True))
        elif field.name in DATE_COLUMNS:
            arrays.append(pa.array([None if _missing(v) else v for v in values], type=pa.string()).cast(field.type))
        else:
            arrays.append(pa.array([None if _missing(v) else v for v in values], type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _missing(v) -> bool:
    """None, pandas' NA, or the float NaN pandas puts in a text column (after a concat, a reindex)."""
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def from_arrow(table) -> pd.DataFrame:
    """Arrow table of the dataset -> the pandas frame ``load_dataset`` has always given: Decimal prices
    and time norms (Python objects: exact), ``Int64`` integers, text (and ISO dates) as pandas' string
    dtype (Arrow-backed: a national dataset's strings stay compact)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ints = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(), pa.int16(): pd.Int64Dtype()}.get
    out = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_integer(col.type):
            out[name] = col.to_pandas(types_mapper=ints).astype("Int64")
        elif pa.types.is_decimal(col.type):
            out[name] = pd.Series(col.to_pylist(), dtype=object)
        else:
            if pa.types.is_date(col.type):
                col = pc.strftime(col, format="%Y-%m-%d")
            out[name] = col.cast(pa.string()).to_pandas()
    return pd.DataFrame(out, columns=table.column_names) if out else pd.DataFrame(columns=table.column_names)
