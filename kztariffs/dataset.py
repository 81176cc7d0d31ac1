"""Decree files -> validated dataset (rows + rejects), written atomically, cached by file hash.

One file: :func:`extract_file` (read, interpret, normalise) and :func:`cached_extract` (the same,
reusing an earlier parse of the same bytes with the same code). Several files in memory:
:func:`frames` (language versions merged, schema checked). A whole folder at any scale:
:func:`build` (``builder.py``: parallel, incremental, through the part store). Writing and reading:
:func:`write_table` (CSV with a BOM and neutralised formulas, or Parquet with exact decimals; also
the streamed outputs of a build) and :func:`load_dataset` (the frame with Decimal prices, all of it
or only the rows a filter selects).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import __version__
from .errors import DecreeError
from .metadata import Decree, read_metadata
from .normalize import normalize
from .numbers import format_kzt
from .readers import SUPPORTED, load_bytes, read_decree, sha256_bytes
from .safe import neutralize_frame, restore_frame
from .schema import INT_COLUMNS, to_frame, validate

REJECT_COLUMNS = ["source_file", "source_sha256", "decree_id", "annex", "line", "page", "row", "service_no",
                  "locality", "cells", "reason", "kind"]


@dataclass
class FileResult:
    """What one decree file gives."""

    path: Path
    sha256: str
    decree: Decree
    rows: list[dict]
    rejects: list[dict]
    notes: list[str] = field(default_factory=list)
    cached: bool = False  # taken from the parse cache, not parsed in this run


def extract_file(path: str | Path) -> FileResult:
    """Read, interpret and normalize one decree file. Raises DecreeError when it gives no rows."""
    path = Path(path)
    raw = read_decree(path)
    decree = read_metadata(raw)
    norm = normalize(raw, decree)
    notes = [f"{path.name}: {w}" for w in raw.warnings + decree.warnings] + norm.notes
    if not norm.rows:
        reasons = sorted({r["reason"] for r in norm.rejects})
        detail = f"; rejected rows: {'; '.join(reasons[:3])}" if reasons else ""
        raise DecreeError(path, f"no tariff rows could be read ({len(norm.rejects)} row(s) rejected){detail}")
    source = download_source(path, raw.sha256, notes)
    portal_id = decree.portal_id or (source or {}).get("portal_id")
    if portal_id and not decree.portal_id:
        decree.portal_id = portal_id
    for r in norm.rows:
        r["portal_id"], r["source_url"] = portal_id, (source or {}).get("page_url") or (source or {}).get("url")
    return FileResult(path, raw.sha256, decree, norm.rows, norm.rejects, notes)


def download_source(path: Path, sha: str, notes: list[str]) -> dict | None:
    """What ``kztariffs fetch`` recorded about the file (portal id, URL), if it was fetched and is unchanged."""
    if not path.with_name(path.name + ".source.json").is_file():  # fetch.SIDECAR_SUFFIX, without its imports
        return None
    from .fetch import read_sidecar

    try:
        source = read_sidecar(path, verify=False)
    except DecreeError as exc:
        notes.append(f"{path.name}: {exc.reason}; source URL not used")
        return None
    if source is not None and source.get("sha256") != sha:
        notes.append(f"{path.name}: changed since it was downloaded from {source.get('url')}; source URL not used")
        return None
    return source


def frames(results: list[FileResult], decisions: dict | None = None
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validated dataset, rejects and language disagreements of several files.

    The Kazakh and the Russian version of one decree (same decree_id) are stored once, matched row
    by row (``bilingual.py``). The same decree twice in one language (two forms of one text, or one
    file given twice) would duplicate its rows: that is refused with both file names.
    """
    from .bilingual import DISAGREEMENT_COLUMNS, merge, single

    by_decree: dict[str, dict[str, FileResult]] = {}
    for res in results:
        versions = by_decree.setdefault(res.decree.decree_id, {})
        lang = res.decree.language or "?"
        if lang in versions or (lang == "?" and versions):
            raise DecreeError(res.path, f"same decree ({res.decree.decree_id}) as {versions.get(lang, next(iter(versions.values()))).path}"
                                        "; keep one form of each language version of a decree in a build")
        versions[lang] = res
    rows, disagreements = [], []
    for versions in by_decree.values():
        if "kk" in versions and "ru" in versions:
            merged, problems = merge(versions["kk"].rows, versions["ru"].rows, decisions or {})
            rows += merged
            disagreements += problems
        else:
            rows += single(next(iter(versions.values())).rows)
    df = checked(to_frame(rows))
    rejects = pd.DataFrame([r for res in results for r in res.rejects], columns=REJECT_COLUMNS)
    for col in ("annex", "line", "page", "row", "service_no"):
        rejects[col] = pd.array(rejects[col].tolist(), dtype="Int64")
    disagreements = pd.DataFrame(disagreements, columns=DISAGREEMENT_COLUMNS)
    for col in ("annex", "row", "line_kk", "page_kk", "line_ru", "page_ru"):
        disagreements[col] = pd.array(disagreements[col].tolist(), dtype="Int64")
    return df, rejects, disagreements


def checked(df: pd.DataFrame) -> pd.DataFrame:
    """Schema validation with a one-line error (the first failure and how many there are)."""
    import pandera.errors

    try:
        return validate(df)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        first = cases.iloc[0]
        raise DecreeError(None, f"dataset fails its schema: {len(cases)} problem(s), first: column "
                                f"{first.get('column')!r} check {first.get('check')!r} "
                                f"value {first.get('failure_case')!r}") from None


# ---------------------------------------------------------------- writing

@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path next to ``target``; move it into place only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes owner-only files; outputs are ordinary files
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    if "price_kzt" in out:
        out["price_kzt"] = out["price_kzt"].map(format_kzt)
    if "time_norm_min" in out:
        out["time_norm_min"] = out["time_norm_min"].map(lambda v: "" if v is None else format(v.normalize(), "f"))
    return out


def write_table(df: pd.DataFrame, target: Path) -> None:
    """CSV (UTF-8, header) or Parquet by extension, atomically; prices exact. ``df`` may also be a
    build's streamed output (``union.Union`` / ``union.Fragments``): written piece by piece, and to a
    folder (no extension) as the partitioned dataset."""
    suffix = target.suffix.lower()
    if not isinstance(df, pd.DataFrame):
        if suffix:
            with atomic_path(target) as tmp:
                df.write(tmp)
        else:
            df.write(target)  # a folder inside a generation: atomic with the generation
        return
    if suffix == ".csv":
        with atomic_path(target) as tmp:
            # formula-like text cells neutralised (safe.py); CRLF rows, so a CR inside a cell is quoted
            # UTF-8 with a byte-order mark: Excel in a Kazakh or Russian locale then reads Cyrillic right
            csv_frame(neutralize_frame(df)).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        from .schema import COLUMNS, to_arrow

        if set(COLUMNS) <= set(df.columns) and len(df.columns) == len(COLUMNS):
            with atomic_path(target) as tmp:  # the dataset: its storage types (decimals, date32)
                pq.write_table(to_arrow(df), tmp)
            return
        table = pa.Table.from_pandas(df, preserve_index=False)
        for col, type_ in (("price_kzt", pa.decimal128(14, 2)), ("time_norm_min", pa.decimal128(12, 4))):
            if col in df:
                table = table.set_column(table.schema.get_field_index(col), pa.field(col, type_),
                                         pa.array([None if v is None else Decimal(v) for v in df[col]], type=type_))
        with atomic_path(target) as tmp:
            pq.write_table(table, tmp)
    else:
        raise DecreeError(target, f"unknown output type {suffix or '(no extension)'!r}; use .csv or .parquet")


def write_text(text: str, target: Path) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def load_dataset(path: str | Path = "data/processed/tariffs.parquet", **filters) -> pd.DataFrame:
    """The dataset with exact Decimal prices (Parquet, the partitioned folder, or CSV). A relative path
    that does not exist from the working directory is taken from the project folder (``project.py``),
    so notebooks run from ``notebooks/`` (JupyterLab) or anywhere else find ``data/processed``.

    ``filters``: column -> value or list of values (``setting="home", year=2026, area=[...]``); only
    the matching rows are read (from the partitioned ``tariffs/`` folder beside ``tariffs.parquet``
    when there is one: only the partitions needed are opened). For the whole national dataset use
    Arrow or DuckDB on the folder instead (README, "National scale")."""
    from .project import path as project_path

    path = project_path(path)
    if path.suffix == ".parquet" or path.is_dir():
        from .schema import from_arrow
        from .union import read_table

        df = from_arrow(read_table(path, filters or None))
        if "time_norm_min" in df:
            df["time_norm_min"] = df["time_norm_min"].map(lambda v: None if v is None else v.normalize())
        return df
    df = restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"))
    df["price_kzt"] = df["price_kzt"].map(Decimal)
    if "time_norm_min" in df:
        df["time_norm_min"] = df["time_norm_min"].map(lambda v: None if pd.isna(v) else Decimal(v))
    for col in INT_COLUMNS:
        if col in df:
            df[col] = pd.array([None if pd.isna(v) else int(v) for v in df[col]], dtype="Int64")
    df = df.astype(object).where(df.notna(), None).astype({c: "Int64" for c in INT_COLUMNS if c in df})
    for col, value in filters.items():
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        df = df[df[col].isin(values)] if value is not None else df[df[col].isna()]
    return df.reset_index(drop=True)


# ---------------------------------------------------------------- build with a cache

@lru_cache(maxsize=1)
def _code_hash() -> str:
    """Hash of the package's code and vocabularies: a cached parse is reused only if neither changed."""
    h = hashlib.sha256(__version__.encode())
    vocab_dir = Path(__file__).parent / "vocab"
    for p in sorted(vocab_dir.glob("*.yaml")) + sorted((Path(__file__).parent / "data").rglob("*.csv")):
        h.update(p.read_bytes())
    for p in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def decree_files(raw_dir: Path) -> list[Path]:
    """Decree files directly in ``raw_dir`` (reference documents live in its subfolders)."""
    return sorted(p for p in raw_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED)


def cached_extract(path: Path, cache_dir: Path | None, refresh: bool = False) -> FileResult:
    """extract_file, reusing the result of an earlier build when the file and the code are unchanged
    (a JSON document per file, checked when read: ``cache.py``); ``refresh``: parse again and
    replace the cached result."""
    from . import cache

    if cache_dir is None:
        return extract_file(path)
    sha = sha256_bytes(load_bytes(path))  # checked first (special files, size limit), never read whole
    key = cache_dir / f"{sha}-{_code_hash()}.json"
    if key.is_file() and not refresh:
        try:
            result = cache.load(key.read_bytes(), path, sha)
        except OSError:
            result = None
        if result is not None:
            result.cached = True
            return result
    result = extract_file(path)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with atomic_path(key) as tmp:
            tmp.write_bytes(cache.dump(result))
    except OSError:
        pass  # a cache that cannot be written only costs time
    return result


def decrees_frame(results: list[FileResult]) -> pd.DataFrame:
    rows = []
    for res in results:
        d = res.decree.as_dict()
        d.update(annexes=annex_summary(res.decree), source_file=res.path.name, source_sha256=res.sha256,
                 source_url=res.rows[0].get("source_url") if res.rows else None, rows=len(res.rows),
                 rejects=len(res.rejects))
        rows.append(d)
    return pd.DataFrame(rows)


def annex_summary(d: Decree) -> str:
    """``1: home, per_service; 2: semi_stationary, per_recipient_day``"""
    return "; ".join(f"{a.number}: {a.setting}, {a.unit}" for a in d.annexes)


def cache_dir_for(out_dir: Path) -> Path:
    """The parse cache lives beside the output folder, not in it (outputs are swapped as a whole)."""
    return out_dir.parent / f".{out_dir.name}.cache"


def build(raw_dir: Path, out_dir: Path, progress=None, use_cache: bool = True, keep_going: bool = False,
          decisions: Path | None = None, extra=None, workers: int | None = None):
    """Every decree in ``raw_dir`` -> ``out_dir`` as one generation; see ``builder.build``."""
    from .builder import build as build_

    return build_(raw_dir, out_dir, progress=progress, use_cache=use_cache, keep_going=keep_going,
                  decisions=decisions, extra=extra, workers=workers)
