"""The part store: each decree's results kept on disk under a key of everything they depend on.

Why (issue #15): at national scale a build must cost nothing for a decree that did not change. So
every result of a decree is an entry of a content-addressed store beside the outputs
(``data/.processed.parts/``), named by a hash of its inputs; a later build that computes the same
key finds the entry and does no work for that decree. Keys:

- **part** (``parts/<k>/<key>.arrow``): a decree's validated rows before linking, its rejects and
  language disagreements. Key: code hash (package code and vocabularies, ``dataset._code_hash``),
  the decree's source files (name and SHA-256 of each language version) and the decisions
  recorded for that decree.
- **linked** (``linked/<k>/<key>.arrow`` and ``<key>.<i>.parquet``): the decree's dataset rows with
  their service keys, as the pieces the outputs are made of (Arrow rows for the single-file union,
  one Parquet file per setting for the partitioned folder, the CSV fragment of ``tariffs.csv``).
  Key: the part key and, for each of its settings, the part key of the setting's reference decree.

An entry is an Arrow IPC file (the rows; in the schema's metadata its description, ``meta``: plain
JSON, checked when read) and the files written before it, which it commits: ``<key>.csv``, the
entry's CSV fragments one after the other (where each is: ``meta["blobs"]``, offset and length), and
a linked entry's Parquet files. Few files per entry, because creating files is what costs on a disk
(~0.3 ms each here), and the fragments apart from the Arrow file, because a plain read is 10x
cheaper than opening an Arrow file for its metadata (30,000 fragments make the three CSV outputs).
The Arrow file is written under a temporary name and renamed into place when complete, so a reader
sees a whole entry or none. The build holds the output folder's
lock from its first step, so one build at a time writes the store; a build that completed removes
the entries it did not use (``prune``). The generation folders hard-link the Parquet files, so
removing an entry never touches a published dataset. The index (``index.json``) keeps the
per-file summaries and the entries' descriptions of the last build, so an unchanged decree is not
even opened: it is a cache of the store, rebuilt from the entries (and the parse cache) when
missing or damaged.
"""
from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

FORMAT = 1
MAX_INDEX_BYTES = 512 * 1024 * 1024


def store_dir(out_dir: Path) -> Path:
    """Beside the output folder, never in it (outputs are swapped as a whole)."""
    return out_dir.parent / f".{out_dir.name}.parts"


def digest(*items) -> str:
    """A key: SHA-256 of the JSON of ``items`` (first 32 hex digits)."""
    data = json.dumps(items, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._shards: set[Path] = set()

    def part(self, key: str) -> Path:
        return self.root / "parts" / key[:2] / f"{key}.arrow"

    def linked(self, key: str) -> Path:
        return self.root / "linked" / key[:2] / f"{key}.arrow"

    def has(self, entry: Path) -> bool:
        return entry.is_file()

    def side(self, entry: Path, name: str) -> Path:
        """A file that belongs to an entry (a linked entry's Parquet files)."""
        self._shard(entry)
        return entry.with_name(f"{entry.stem}.{name}")

    def _shard(self, entry: Path) -> None:
        if entry.parent not in self._shards:
            entry.parent.mkdir(parents=True, exist_ok=True)
            self._shards.add(entry.parent)

    def write(self, entry: Path, table, meta: dict, blobs: dict[str, bytes]) -> dict:
        """Write an entry: ``blobs`` one after the other into ``<key>.csv`` (where each is goes into
        ``meta["blobs"]``), then ``table`` (Arrow rows) with ``meta`` in its schema metadata.
        Returns the meta written."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        self._shard(entry)
        offset, where = 0, {}
        for name, data in blobs.items():
            where[name] = [offset, len(data)]
            offset += len(data)
        if offset:
            with open(self.side(entry, "csv"), "wb") as fh:
                fh.write(b"".join(blobs.values()))
        meta = {**meta, "blobs": where}
        extra = {b"kztariffs.meta": json.dumps({"format": FORMAT, **meta}, ensure_ascii=False).encode("utf-8")}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
        tmp = entry.with_name(f".{entry.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            os.replace(tmp, entry)
        finally:
            if tmp.exists():
                tmp.unlink()
        return meta

    @staticmethod
    def _schema(entry: Path):  # reads the footer only
        import pyarrow as pa
        import pyarrow.ipc as ipc

        with pa.memory_map(str(entry)) as source:
            return ipc.open_file(source).schema

    def meta(self, entry: Path) -> dict | None:
        """An entry's description, or None when it is missing or not sound."""
        try:
            raw = (self._schema(entry).metadata or {}).get(b"kztariffs.meta")
            doc = json.loads(raw.decode("utf-8")) if raw else None
        except (OSError, ValueError, UnicodeDecodeError):  # pyarrow's errors are OSError/ValueError kinds
            return None
        return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else None

    @staticmethod
    def blob(entry: str | Path, meta: dict, name: str) -> bytes:
        """A CSV fragment of an entry (``meta``: its description)."""
        offset, length = meta.get("blobs", {}).get(name, (0, 0))
        if not length:
            return b""
        entry = str(entry)
        with open(entry[:-len(".arrow")] + ".csv", "rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
        if len(data) != length:
            raise OSError(f"{entry}: CSV fragment cut short")
        return data

    @staticmethod
    def rows(entry: Path, columns: list[str] | None = None):
        """The entry's rows (without the store's metadata)."""
        import pyarrow as pa
        import pyarrow.ipc as ipc

        with pa.memory_map(str(entry)) as source:
            table = ipc.open_file(source).read_all()
        table = table.select(columns) if columns else table
        return table.replace_schema_metadata({k: v for k, v in (table.schema.metadata or {}).items()
                                              if not k.startswith(b"kztariffs.")} or None)

    # ------------------------------------------------------------ index

    def load_index(self, code: str) -> dict:
        """``{"files": {...}, "parts": {...}, "linked": {...}}`` of the last build with this code, or empty."""
        empty = {"files": {}, "parts": {}, "linked": {}}
        path = self.root / "index.json"
        try:
            if path.stat().st_size > MAX_INDEX_BYTES:
                return empty
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return empty
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("code") != code:
            return empty
        index = {k: doc.get(k) for k in empty}
        return index if all(isinstance(v, dict) for v in index.values()) else empty

    def save_index(self, code: str, files: dict, parts: dict, linked: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".index.{uuid.uuid4().hex[:8]}.tmp"
        try:
            tmp.write_text(json.dumps({"format": FORMAT, "code": code, "files": files, "parts": parts,
                                       "linked": linked}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.root / "index.json")
        finally:
            if tmp.exists():
                tmp.unlink()

    def prune(self, keep: set[Path]) -> int:
        """Remove entries (their files) not in ``keep`` (entry paths), and left-over temporary files."""
        removed = 0
        for kind in ("parts", "linked"):
            base = self.root / kind
            if not base.is_dir():
                continue
            for shard in base.iterdir():
                for f in shard.iterdir() if shard.is_dir() else ():
                    if f.with_name(f.name.split(".", 1)[0] + ".arrow") not in keep:
                        f.unlink(missing_ok=True)
                        removed += 1
        return removed
