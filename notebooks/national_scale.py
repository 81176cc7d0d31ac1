# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (kztariffs)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The dataset at national scale
#
# Ten years of decrees is about 900,000 priced rows: too many to load as a pandas frame of Python
# `Decimal` objects (about 1.5 GB). The build also writes the dataset partitioned,
# `data/processed/tariffs/year=<year>/setting=<setting>/`, with exact decimal prices (Arrow
# `decimal128(14, 2)`). This notebook shows the three ways to work with it without loading everything:
#
# 1. **pyarrow** on the partitioned folder: counts and aggregates over the whole country, reading only the
#    partitions and columns asked for;
# 2. **pandas with a filter**: `load_dataset(folder, setting=..., year=...)` gives the usual frame (exact
#    `Decimal` prices) for one setting and year, or one region;
# 3. **pandas with Arrow types**: `pd.read_parquet(..., dtype_backend="pyarrow")` keeps prices as exact
#    Arrow decimals (no Python objects) for a larger slice.
#
# DuckDB reads the same folder (`read_parquet('data/processed/tariffs/*/*/*.parquet', hive_partitioning = true)`)
# where it is installed; the package does not need it.

# %% tags=["parameters"]
dataset: str = "data/processed/tariffs"  # the partitioned folder; relative paths from the project folder
setting: str = "home"
year: int = None  # the latest year of the setting when None
lang: str = "en"  # kk, ru or en (area names)

# %%
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_int, as_lang, as_path

year = as_int(year, "year")
dataset, lang = as_path(dataset), as_lang(lang)

# %%
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from kztariffs.areas import by_key
from kztariffs.dataset import load_dataset

parts = ds.dataset(dataset, format="parquet",
                   partitioning=ds.partitioning(pa.schema([("year", pa.int64()), ("setting", pa.string())]),
                                                flavor="hive"))
print(f"{len(parts.files)} files, {parts.count_rows():,} rows; prices are {parts.schema.field('price_kzt').type}")

# %% [markdown]
# ## Rows per year and setting (whole country, counted from the files' metadata)

# %%
counts = (parts.to_table(columns=["year", "setting", "decree_id"])
          .group_by(["year", "setting"])
          .aggregate([("decree_id", "count"), ("decree_id", "count_distinct")])
          .rename_columns(["year", "setting", "rows", "decrees"])
          .sort_by([("year", "ascending"), ("setting", "ascending")]))
counts.to_pandas()

# %%
pivot = counts.to_pandas().pivot(index="year", columns="setting", values="rows").fillna(0)
ax = pivot.plot.bar(figsize=(7, 3.5), title="Priced rows per year and setting")
ax.set_ylabel("rows");

# %% [markdown]
# ## One setting and year across all areas, aggregated in Arrow (exact decimals)

# %%
if year is None:
    years = pc.unique(parts.to_table(columns=["year"], filter=ds.field("setting") == setting)["year"]).to_pylist()
    year = max((y for y in years if y is not None), default=None)
    if year is None:
        raise ValueError(f"no {setting!r} tariffs in {dataset}")
wanted = (ds.field("setting") == setting) & (ds.field("year") == year)
table = parts.to_table(filter=wanted, columns=["area", "position_key", "price_kzt", "decree_id", "source_file"])
by_area = (table.group_by(["area", "position_key"])
           .aggregate([("price_kzt", "min"), ("price_kzt", "max"), ("price_kzt", "count")])
           .sort_by([("area", "ascending"), ("position_key", "ascending")])
           .to_pandas())
names = {k: getattr(a, lang) for k, a in by_key().items()}
by_area.insert(1, "area_name", by_area["area"].map(names))
print(f"{setting}, {year}: {table.num_rows:,} rows of {len(set(table['decree_id'].to_pylist()))} decrees")
by_area.head(20)

# %% [markdown]
# ## The usual pandas frame for a filtered part (exact `Decimal` prices)

# %%
df = load_dataset(dataset, setting=setting, year=year)
print(f"{len(df):,} rows" + (f"; price type {type(df['price_kzt'].iloc[0]).__name__}" if len(df) else ""))
df.groupby(["area", "position_key"])["price_kzt"].max().head(20)

# %% [markdown]
# ## pandas with Arrow types: exact decimals without Python objects

# %%
arrow_frame = pd.read_parquet(dataset, filters=[("setting", "==", setting)], dtype_backend="pyarrow",
                              columns=["decree_id", "area", "price_kzt"])
print(arrow_frame.dtypes.to_string())
arrow_frame.groupby("area")["price_kzt"].max().head(20)

# %% [markdown]
# ## Sources of the rows shown (file and SHA-256 of each decree)

# %%
sources = (parts.to_table(filter=wanted, columns=["decree_id", "source_file", "source_sha256"])
           .group_by(["decree_id", "source_file", "source_sha256"]).aggregate([]).to_pandas()
           .sort_values("decree_id"))
sources
