"""The dataset files of a generation, assembled from the part store without holding the dataset.

Why: at national scale (~900,000 rows) the build must not build a pandas frame of everything to
write it (issue #15). Each output is streamed from the store entries of the decrees (``parts.py``):

- ``tariffs.parquet``: one file, the union, written with a ``ParquetWriter`` row group by row group
  from the decrees' Arrow rows (a few decrees in memory at a time);
- ``tariffs/``: the same rows partitioned by ``year=`` and ``setting=`` (hive layout, one file per
  decree and setting, without the two partition columns): the files are hard links to the store's,
  so a rebuild copies nothing (a copy where the file system cannot link);
- ``tariffs.csv``, ``rejects.csv``, ``disagreements.csv``: the header and the decrees' CSV fragments
  concatenated (UTF-8 with a byte-order mark; formula-like text neutralised decree by decree, as
  ``dataset.write_table`` does for a frame).

Rows are in decree order: decrees in the order of their first source file name, each decree's rows
in annex, row and locality order. :class:`Union` and :class:`Fragments` are what
``dataset.write_table`` writes when it is given them instead of a frame.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .parts import partition_name
from .store import Store

ROW_GROUP_ROWS = 32 * 1024  # rows per row group: ~250 MB peak while writing, fast to filter
BOM = b"\xef\xbb\xbf"


def header(columns: list[str]) -> bytes:
    return (",".join(f'"{c}"' if any(x in c for x in ',"\r\n') else c for c in columns) + "\r\n").encode("utf-8")


def _concat(entries: list[tuple[Path, dict]], blob: str, columns: list[str], target: Path) -> None:
    with open(target, "wb") as out:
        out.write(BOM + header(columns))
        for entry, meta in entries:
            out.write(Store.blob(entry, meta, blob))


@dataclass
class Fragments:
    """A CSV output as the decrees' fragments (``blob`` of each store entry: rejects, disagreements)."""

    columns: list[str]
    entries: list[tuple[Path, dict]]  # (entry, its meta)
    blob: str

    def write(self, target: Path) -> None:
        _concat(self.entries, self.blob, self.columns, target)


@dataclass
class Union:
    """The dataset as the linked entries of its decrees: ``(entry folder, meta, year)`` in order."""

    entries: list[tuple[Path, dict, int | None]]

    def write(self, target: Path) -> None:
        suffix = target.suffix.lower()
        if suffix == ".parquet":
            self.write_parquet(target)
        elif suffix == ".csv":
            from .schema import COLUMNS

            _concat([(e, m) for e, m, _ in self.entries], "csv", COLUMNS, target)
        else:
            self.write_partitions(target)

    def tables(self):
        """The decrees' Arrow rows, one decree at a time."""
        for entry, _, _ in self.entries:
            yield Store.rows(entry)

    def write_parquet(self, target: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .schema import arrow_schema

        schema = arrow_schema()
        with pq.ParquetWriter(target, schema, compression="zstd") as writer:
            batch, rows = [], 0
            for table in self.tables():
                batch.append(table if table.schema.equals(schema, check_metadata=False) else table.cast(schema))
                rows += table.num_rows
                if rows >= ROW_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(batch), row_group_size=rows)
                    batch, rows = [], 0
            if batch:
                writer.write_table(pa.concat_tables(batch), row_group_size=rows)

    def write_partitions(self, folder: Path) -> None:
        """Hard-link each decree's per-setting Parquet files into ``folder/year=Y/setting=S/``."""
        folder.mkdir(parents=True, exist_ok=True)
        made: set[Path] = set()
        for entry, meta, year in self.entries:
            safe = re.sub(r"[^\w.-]+", "_", meta["decree_id"])[:120]
            for name, setting in meta["files"].items():
                sub = folder / partition_name(year, setting)
                if sub not in made:
                    sub.mkdir(parents=True, exist_ok=True)
                    made.add(sub)
                dest = sub / f"{safe}-{entry.name[:8]}.parquet"
                source = entry.with_name(f"{entry.stem}.{name}")
                try:
                    os.link(source, dest)
                except OSError:
                    shutil.copyfile(source, dest)


# ---------------------------------------------------------------- reading


def _expression(filters: dict):
    import pyarrow.dataset as ds

    expr = None
    for col, value in filters.items():
        if value is None:
            e = ds.field(col).is_null()
        elif isinstance(value, (list, tuple, set, frozenset)):
            e = ds.field(col).isin(list(value))
        else:
            e = ds.field(col) == value
        expr = e if expr is None else expr & e
    return expr


def read_table(path: Path, filters: dict | None = None, columns: list[str] | None = None):
    """The dataset's rows (matching ``filters``: column -> value or list of values) as an Arrow table
    with the dataset's columns. ``path``: the partitioned folder or a Parquet file; a ``tariffs.parquet``
    with a ``tariffs/`` folder beside it is read from the folder when filtered (only the partitions
    needed are opened). Rows from the folder come partition by partition (year, setting), each in
    decree order; from the file, in the union's order."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    from .schema import COLUMNS

    folder = path.with_suffix("") if path.suffix == ".parquet" else path
    if filters and path.suffix == ".parquet" and folder.is_dir():
        path = folder
    expr = _expression(filters) if filters else None
    if path.is_dir():
        part = ds.partitioning(pa.schema([("year", pa.int64()), ("setting", pa.string())]), flavor="hive")
        dataset = ds.dataset(path, format="parquet", partitioning=part)
    else:
        dataset = ds.dataset(path, format="parquet")
    names = [c for c in (columns or COLUMNS) if c in dataset.schema.names] if path.is_dir() else columns
    table = dataset.to_table(filter=expr, columns=names)
    if path.is_dir():  # the partition columns come last from the folder names: the dataset's order again
        table = table.select([c for c in (columns or COLUMNS) if c in table.column_names])
    return table
