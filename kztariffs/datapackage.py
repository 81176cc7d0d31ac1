"""``datapackage.json``: a Frictionless Data Package (https://datapackage.org) describing every file of a
build generation, so that tools take the data as it is.

- every CSV is a tabular resource with its Table Schema: each column's type (string, integer, number,
  date), description and unit (``price_kzt`` in KZT with two decimals, ``time_norm_min`` in minutes),
  primary and foreign keys (``tariffs.decree_id`` -> ``decrees.decree_id``), the dialect (comma, CRLF,
  header; UTF-8 with a byte-order mark, which frictionless reads), size, SHA-256 and row count;
- every other file (Parquet, the workbook, the build report) is a file resource with its format, media
  type, size and SHA-256; a folder (a partitioned Parquet dataset) is one resource listing its parts;
- the sources are the decree files (authority, number, date, file name, SHA-256, the portal page when
  known) and the national orders of the reference tables; the licence is CC BY 4.0.

What the columns mean is data (``vocab/fields.yaml``; the tariff columns' descriptions are those of
``schema.py``). The descriptor depends only on the files: the same generation gives the same bytes
(``created`` is written only when ``SOURCE_DATE_EPOCH`` is set). Check it with
``frictionless validate data/processed/datapackage.json``.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .dataset import atomic_path

DESCRIPTOR = "datapackage.json"
CHUNK = 1 << 20
DIALECT = {"header": True, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True}
LANG_CODES = {"kk": "kaz", "ru": "rus"}  # language -> the portal's language segment (portal.py)


@lru_cache(maxsize=1)
def spec() -> dict:
    """``vocab/fields.yaml``: the package, its files and what their columns mean."""
    from .vocab import load

    return load("fields")


def field(file_name: str, column: str) -> dict:
    """Table Schema field descriptor of ``column`` in the CSV file ``file_name`` (string unless the
    vocabulary says otherwise)."""
    from .schema import DESCRIPTIONS

    s = spec()
    d = {"name": column, "type": "string", **s["columns"].get(column, {}),
         **s["files"].get(file_name, {}).get("columns", {}).get(column, {})}
    if "description" not in d and column in DESCRIPTIONS:
        d["description"] = DESCRIPTIONS[column]
    order = ("name", "type", "format", "description", "unit", "decimals", "constraints")
    return {k: d[k] for k in sorted(d, key=lambda k: order.index(k) if k in order else len(order))}


def column_types(file_name: str, columns) -> dict[str, tuple[str, str | None]]:
    """``{column: (type, unit)}`` of a file's columns (the workbook types its cells with this)."""
    out = {}
    for c in columns:
        f = field(file_name, str(c))
        out[c] = (f["type"], f.get("unit"))
    return out


# ---------------------------------------------------------------------------------------------- files

def _digest(paths: list[Path]) -> tuple[str, int]:
    """SHA-256 of the files' bytes one after the other, and their total size."""
    h, size = hashlib.sha256(), 0
    for p in paths:
        with open(p, "rb") as fh:
            while chunk := fh.read(CHUNK):
                h.update(chunk)
                size += len(chunk)
    return h.hexdigest(), size


def _name(file_name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "_", file_name.lower()).strip("_") or "file"


def _format(suffix: str) -> tuple[str | None, str | None]:
    fmt = spec()["formats"].get(suffix.lower().lstrip("."))
    return (fmt[0], fmt[1]) if fmt else ((suffix.lstrip(".").lower() or None), None)


def _header_and_rows(path: Path) -> tuple[list[str], int]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        return header, sum(1 for _ in reader)


def table_resource(folder: Path, file_name: str, present: set[str]) -> dict:
    """A CSV file as a tabular resource; foreign keys only to resources of the same generation."""
    path = folder / file_name
    info = spec()["files"].get(file_name, {})
    header, rows = _header_and_rows(path)
    sha, size = _digest([path])
    schema: dict = {"fields": [field(file_name, c) for c in header], "missingValues": [""]}
    if info.get("primary_key") and set(info["primary_key"]) <= set(header):
        schema["primaryKey"] = list(info["primary_key"])
    fks = []
    for fk in info.get("foreign_keys", []):
        target = fk["resource"]
        target_file = next((f for f, i in spec()["files"].items() if i.get("name") == target), None)
        if fk["fields"] in header and target_file in present:
            fks.append({"fields": [fk["fields"]], "reference": {"resource": target, "fields": [fk["reference"]]}})
    if fks:
        schema["foreignKeys"] = fks
    res = {"name": info.get("name", _name(Path(file_name).stem)), "type": "table", "path": file_name,
           "title": info.get("title", file_name), "description": " ".join(info.get("description", "").split()),
           "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": size, "hash": f"sha256:{sha}",
           "rows": rows, "dialect": dict(DIALECT), "schema": schema}
    return {k: v for k, v in res.items() if v not in ("", None)}


def file_resource(folder: Path, rel: str) -> dict | None:
    """A file that is not a CSV table, or a folder of parts (one resource whose path lists its files, in
    order; hash and size are of their bytes one after the other, as frictionless reads a multipart path)."""
    path = folder / rel
    info = spec()["other_files"].get(rel, {})
    if path.is_dir():
        parts = _parts(path)
        if not parts:
            return None
        suffixes = {p.suffix for p in parts}
        fmt, media = _format(suffixes.pop()) if len(suffixes) == 1 else (None, None)
        paths = [p.relative_to(folder).as_posix() for p in parts]
    else:
        parts, paths = [path], rel
        fmt, media = _format(path.suffix)
    sha, size = _digest(parts)
    res = {"name": _name(rel), "type": "file", "path": paths, "title": info.get("title"),
           "description": info.get("description"), "format": fmt, "mediatype": media, "bytes": size,
           "hash": f"sha256:{sha}"}
    if isinstance(paths, list):
        res["name"] = _name(rel) + "-parts"
    return {k: v for k, v in res.items() if v not in ("", None)}


def _parts(top: Path) -> list[Path]:
    """Files under ``top`` in a stable order (hidden files and folders left out), found with scandir."""
    out, stack = [], [top]
    while stack:
        here = stack.pop()
        with os.scandir(here) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        dirs = []
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                dirs.append(Path(e.path))
            elif e.is_file():  # a part linked from a store is a part too
                out.append(Path(e.path))
        stack.extend(reversed(dirs))
    return sorted(out, key=lambda p: p.relative_to(top).parts)


# -------------------------------------------------------------------------------------------- sources

def _read_csv(path: Path):
    import pandas as pd

    from .safe import restore_frame

    return restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))


def decree_sources(folder: Path) -> list[dict]:
    """Every decree file of ``decrees.csv`` as a source: what it is, its file and SHA-256, and its page
    on the legal portal (the URL ``kztariffs fetch`` recorded, else the page of its portal id)."""
    path = folder / "decrees.csv"
    if not path.is_file():
        return []
    from .portal import page_url

    out = []
    for d in _read_csv(path).to_dict("records"):
        url = d.get("source_url") or ""
        if not url and d.get("portal_id") and d.get("language") in LANG_CODES:
            url = page_url(spec()["portal_base_url"], LANG_CODES[d["language"]], d["portal_id"])
        number = f", No. {d['decree_number']}" if d.get("decree_number") else ""
        date = f" of {d['decree_date']}" if d.get("decree_date") else ""
        src = {"title": f"{d.get('authority') or d.get('decree_id')}{number}{date}"
                        + (f": {d['title']}" if d.get("title") else ""),
               "path": url, "decree_id": d.get("decree_id"), "authority": d.get("authority"),
               "decree_number": d.get("decree_number"), "decree_date": d.get("decree_date"),
               "language": d.get("language"), "portal_id": d.get("portal_id"), "file": d.get("source_file"),
               "sha256": d.get("source_sha256")}
        out.append({k: v for k, v in src.items() if v not in ("", None)})
    return out


def reference_sources(folder: Path) -> list[dict]:
    """The national orders the reference tables were read from (file name and SHA-256 of each)."""
    out = []
    for file_name, info in spec()["files"].items():
        path = folder / file_name
        if "source_title" not in info or not path.is_file():
            continue
        df = _read_csv(path)
        if not {"source_file", "source_sha256"} <= set(df.columns):
            continue
        for f, sha in sorted(set(zip(df["source_file"], df["source_sha256"]))):
            out.append({"title": info["source_title"], "file": f, "sha256": sha})
    return out


# ------------------------------------------------------------------------------------------- package

def describe(folder: str | Path) -> dict:
    """The Data Package descriptor of every file in ``folder`` (CSV tables first, in the vocabulary's
    order, then the other files and folders by name)."""
    folder = Path(folder)
    names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith(".") and e.name != DESCRIPTOR)
    known = list(spec()["files"])
    csvs = sorted((n for n in names if n.lower().endswith(".csv") and (folder / n).is_file()),
                  key=lambda n: (known.index(n) if n in known else len(known), n))
    present = set(csvs)
    resources = [table_resource(folder, n, present) for n in csvs]
    resources += [r for n in names if n not in present and (r := file_resource(folder, n)) is not None]
    p = spec()["package"]
    out = {"name": p["name"], "title": p["title"], "description": " ".join(p["description"].split()),
           "keywords": p["keywords"], "licenses": p["licenses"], "contributors": p["contributors"]}
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        out["created"] = datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    out["sources"] = decree_sources(folder) + reference_sources(folder)
    out["resources"] = resources
    return out


def write_datapackage(folder: str | Path) -> Path:
    """Write ``folder/datapackage.json`` (atomically) describing every file now in ``folder``: call it
    after the generation's last file is written."""
    folder = Path(folder)
    target = folder / DESCRIPTOR
    text = json.dumps(describe(folder), ensure_ascii=False, indent=2) + "\n"
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target
