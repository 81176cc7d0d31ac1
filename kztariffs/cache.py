"""Per-file cache of extraction results: plain JSON, checked when read, never code.

A decree whose file, code and vocabularies are unchanged is not parsed again. The cache holds data
only (a JSON document per file: decree metadata, rows, rejects, notes); a cache file is checked
field by field when read, and anything unexpected (an old format, a hand-edited or crafted file) is
ignored and the decree parsed again. Nothing in the cache can run code.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

FORMAT = 2
DECIMAL_FIELDS = ("price_kzt", "time_norm_min")
MAX_BYTES = 64 * 1024 * 1024  # a cache file larger than this is not read


def _encode(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def dump(result) -> bytes:
    doc = {"format": FORMAT, "sha256": result.sha256, "decree": asdict(result.decree),
           "rows": result.rows, "rejects": result.rejects, "notes": result.notes}
    return json.dumps(doc, ensure_ascii=False, default=_encode).encode("utf-8")


def _scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool)) and not isinstance(v, float)


def _rows(items, decimals: bool) -> list[dict]:
    if not isinstance(items, list):
        raise ValueError("not a list")
    out = []
    for r in items:
        if not isinstance(r, dict) or not all(isinstance(k, str) and _scalar(v) for k, v in r.items()):
            raise ValueError("bad row")
        r = dict(r)
        if decimals:
            for f in DECIMAL_FIELDS:
                if r.get(f) is not None:
                    r[f] = Decimal(r[f])
        out.append(r)
    return out


def load(data: bytes, path: Path, sha: str):
    """The FileResult a cache document holds, or None when it is not a sound cache entry."""
    from .dataset import FileResult
    from .metadata import Annex, Decree

    if len(data) > MAX_BYTES:
        return None
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("sha256") != sha:
            return None
        d = dict(doc["decree"])
        annexes = [Annex(**a) for a in d.pop("annexes")]
        decree = Decree(**d, annexes=annexes) if "warnings" in d else None
        if decree is None or not isinstance(decree.decree_id, str):
            return None
        rows, rejects = _rows(doc["rows"], True), _rows(doc["rejects"], False)
        notes = doc["notes"]
        if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
            return None
    except (ValueError, KeyError, TypeError, InvalidOperation, UnicodeDecodeError, RecursionError):
        return None
    for r in rows + rejects:
        r["source_file"] = path.name
    return FileResult(path, sha, decree, rows, rejects, notes)
