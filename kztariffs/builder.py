"""``kztariffs build``: a folder of decrees -> the dataset, on every core, redoing only what changed.

Why (issue #15): ten years of decrees is ~10,000 files and ~900,000 priced rows. The build must
cost time linear in the decrees, use every core, hold only a few decrees' rows at once, and after
one changed decree redo only that decree. So the build is four steps over small pieces, each piece
kept in the part store (``store.py``) under a key of its inputs and reused while the key holds:

1. **files** (parallel, ``parts.summarize``): every file is hashed; a file whose bytes and code
   are unchanged is known from the store's index without being opened again; the others are parsed
   (or taken from the parse cache) by the workers, which return a summary, not the rows.
2. **parts** (parallel, ``parts.make_parts``): files are grouped into decrees (the Kazakh and the
   Russian version of one decree are one; the same decree twice in one language is refused with
   both names); a decree whose part key (code, files, its decisions) is in the store is done;
   the others are merged, checked against the schema and stored, in batches.
3. **linking** (parallel, ``parts.make_linked``): per setting, the reference is the first decree
   by id; every other decree of the setting is linked to it alone. A decree whose part and
   references are unchanged is done; so a changed decree re-links itself only (all of its
   setting when it is the reference).
4. **outputs** (``union.py``): one generation (``outputs.py``) with ``tariffs.parquet`` (the
   union, streamed), ``tariffs/`` (hive partitions ``year=/setting=``, hard links to the store),
   ``tariffs.csv``, ``rejects.csv``, ``disagreements.csv`` (fragments concatenated), ``decrees.csv``
   and ``build_report.md`` (from the summaries), then the caller's ``extra(folder, dataset)``.

The whole build holds the output folder's lock. Workers import the caller's main module (Python's
multiprocessing): a script calling :func:`build` needs an ``if __name__ == "__main__":`` guard, or
``workers=1``. :class:`BuildResult` says what was done
(``stats``: files parsed, decrees merged, decrees linked, seconds per step) and loads the dataset
only when asked (``frame()``, with filters).
"""
from __future__ import annotations

import math
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import dataset as ds_mod
from . import parallel
from .errors import DecreeError
from .metadata import Annex, Decree
from .store import Store, digest, store_dir

BATCH = 32  # decrees per worker job (the schema check is made once per batch)


@dataclass
class FileInfo:
    """What the build keeps of a decree file: metadata and counts, not its rows."""

    path: Path
    sha256: str
    decree: Decree
    rows: int
    rejects: int
    errors: int
    not_applicable: int
    notes: list[str]
    source_url: str | None


@dataclass
class BuildStats:
    workers: int = 1
    files: int = 0
    parsed: list[str] = field(default_factory=list)  # files parsed in this run (not from a cache)
    merged: list[str] = field(default_factory=list)  # decrees whose part was made (merged, validated)
    linked: list[str] = field(default_factory=list)  # decrees linked and written to the store
    decrees: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildResult:
    """The outcome of a build. Unpacks as ``(df, rejects, files, failures)`` (loading the dataset) for
    code written against the in-memory build; at scale use ``rows``, ``frame(**filters)``."""

    files: list[FileInfo]
    failures: list[DecreeError]
    stats: BuildStats
    folder: Path | None = None  # the generation written (None: nothing written)
    rows: int = 0
    rejected: int = 0
    disagreements: int = 0

    def frame(self, **filters) -> pd.DataFrame:
        from .schema import COLUMNS

        if self.folder is None:
            return pd.DataFrame(columns=COLUMNS)
        return ds_mod.load_dataset(self.folder / "tariffs.parquet", **filters)

    def rejects(self) -> pd.DataFrame:
        from .safe import restore_frame

        if self.folder is None:
            return pd.DataFrame(columns=ds_mod.REJECT_COLUMNS)
        df = restore_frame(pd.read_csv(self.folder / "rejects.csv", dtype=str, encoding="utf-8-sig"))
        for col in ("annex", "line", "page", "row", "service_no"):
            df[col] = pd.array([None if pd.isna(v) else int(v) for v in df[col]], dtype="Int64")
        return df

    def __iter__(self):
        return iter((self.frame(), self.rejects(), self.files, self.failures))


def _info(summary: dict, path: Path) -> FileInfo:
    d = dict(summary["decree"])
    decree = Decree(**{k: v for k, v in d.items() if k != "annexes"}, annexes=[Annex(**a) for a in d["annexes"]])
    return FileInfo(path, summary["sha256"], decree, summary["rows"], summary["rejects"], summary["errors"],
                    summary["not_applicable"], list(summary["notes"]), summary["source_url"])


def _group(infos: list[FileInfo]) -> dict[str, list[FileInfo]]:
    """Files by decree, in the order of their first file; the same decree twice in one language refused."""
    by_decree: dict[str, dict[str, FileInfo]] = {}
    for info in infos:
        versions = by_decree.setdefault(info.decree.decree_id, {})
        lang = info.decree.language or "?"
        if lang in versions or (lang == "?" and versions):
            other = versions.get(lang, next(iter(versions.values())))
            raise DecreeError(info.path, f"same decree ({info.decree.decree_id}) as {other.path}"
                                         "; keep one form of each language version of a decree in a build")
        versions[lang] = info
    return {k: list(v.values()) for k, v in by_decree.items()}


def _batches(items: list, workers: int, most: int = BATCH) -> list[list]:
    """Jobs of up to ``most`` items, at least four per worker when there are enough items."""
    size = max(1, min(most, math.ceil(len(items) / (workers * 4)) if items else 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _summaries(files, index, code, store, cache_dir, use_cache, workers, progress, stats):
    """Every file's summary (from the index, or from a worker that parses it and makes its part)."""
    infos: dict[Path, FileInfo | None] = {}
    failures: list[DecreeError] = []
    made: dict[str, dict] = {}  # parts the workers made for files that are a decree of their own
    todo = []
    for path in files:
        try:
            sha = ds_mod.sha256_bytes(ds_mod.load_bytes(path))
        except DecreeError as exc:
            failures.append(exc)
            progress and progress(path)
            continue
        summary = index["files"].get(f"{sha}-{code}") if use_cache else None
        try:
            infos[path] = _info(summary, path) if summary else None
        except (KeyError, TypeError, ValueError):
            infos[path] = None
        if infos[path] is None:
            todo.append(str(path))
        else:
            progress and progress(path)
    jobs = [(str(store.root), str(cache_dir), not use_cache, code, batch) for batch in _batches(todo, workers, 16)]
    with closing(parallel.run(_summarize, jobs, workers)) as results:
        for job, per_file in results:
            for path_, (status, *rest) in zip(job[4], per_file):
                path = Path(path_)
                if status == "error":
                    failures.append(DecreeError(*rest))
                    infos.pop(path, None)
                else:
                    summary, parsed, part = rest
                    infos[path] = _info(summary, path)
                    index["files"][f"{summary['sha256']}-{code}"] = summary
                    if parsed:
                        stats.parsed.append(path.name)
                    if part:
                        made[part[0]] = part[1:]
                progress and progress(path)
    return [infos[p] for p in files if infos.get(p) is not None], failures, made


def _summarize(job):
    from .parts import summarize

    return summarize(job)


def _run_batches(fn, items, workers) -> list[tuple]:
    out = []
    with closing(parallel.run(fn, items, workers)) as results:
        for _, res in results:
            out += res
    return out


def build(raw_dir: Path, out_dir: Path, progress=None, use_cache: bool = True, keep_going: bool = False,
          decisions: Path | None = None, extra=None, workers: int | None = None) -> BuildResult:
    """Read every decree in ``raw_dir``; write the dataset into ``out_dir`` as one generation
    (``outputs.py``): all of its files or, when anything fails or the run is interrupted, none (the
    previous outputs stay). Nothing is written when a file fails (unless ``keep_going``).
    ``decisions``: the file of a person's decisions on prices the language versions print
    differently. ``extra(folder, dataset)``: writes more files of the same generation; ``dataset``
    is a :class:`Dataset` (``frame()`` loads it). ``workers``: processes (default: every core)."""
    from .bilingual import load_decisions
    from .outputs import generation, locked
    from .readers import SUPPORTED, input_problem

    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    files = ds_mod.decree_files(raw_dir)
    if not files:
        raise DecreeError(raw_dir, "no decree files found (expected .txt, .pdf, .html or .docx files)")
    workers = parallel.default_workers() if workers is None else max(1, workers)
    stats = BuildStats(workers=workers, files=len(files))
    code = ds_mod._code_hash()
    store = Store(store_dir(out_dir))
    cache_dir = ds_mod.cache_dir_for(out_dir)
    all_decisions = load_decisions(decisions)
    with locked(out_dir):
        t0 = time.perf_counter()
        index = store.load_index(code) if use_cache else {"files": {}, "parts": {}, "linked": {}}
        infos, failures, made = _summaries(files, index, code, store, cache_dir, use_cache, workers, progress, stats)
        stats.seconds["files"] = time.perf_counter() - t0
        if failures and not keep_going:
            return BuildResult(infos, failures, stats)
        decrees = _group(infos)
        stats.decrees = len(decrees)
        progress and progress(f"checking {len(decrees)} decrees")
        t0 = time.perf_counter()
        parts = _parts(decrees, index, made, store, cache_dir, all_decisions, use_cache, workers, stats)
        stats.seconds["parts"] = time.perf_counter() - t0
        progress and progress(f"linking {len(decrees)} decrees")
        t0 = time.perf_counter()
        linked = _linked(parts, index, store, use_cache, workers, stats)
        stats.seconds["linking"] = time.perf_counter() - t0
        files_index = {f"{i.sha256}-{code}": index["files"][f"{i.sha256}-{code}"] for i in infos
                       if f"{i.sha256}-{code}" in index["files"]}
        try:
            store.save_index(code, files_index, {k: m for k, (_, m) in parts.items()}, dict(linked.values()))
        except OSError:
            pass  # the index only saves time
        skipped = [f"{p.name}: {why}; skipped" for p in sorted(raw_dir.iterdir())  # named in the build report
                   if not p.name.startswith(".") and p.suffix.lower() in SUPPORTED
                   and (why := input_problem(p, size=False))]
        progress and progress("writing the dataset")
        t0 = time.perf_counter()
        result = _write(out_dir, store, infos, failures, parts, linked, skipped, extra, stats, generation)
        stats.seconds["outputs"] = time.perf_counter() - t0
        store.prune({store.part(k) for k in parts} | {store.linked(k) for k, _ in linked.values()})
    return result


def _parts(decrees, index, made, store, cache_dir, all_decisions, use_cache, workers, stats) -> dict:
    """part key -> (decree's files, meta), in decree order."""
    from dataclasses import asdict

    from .parts import part_key

    code = ds_mod._code_hash()
    by_decree: dict[str, list] = {}
    for k, d in sorted(all_decisions.items(), key=lambda kv: str(kv[0])):
        by_decree.setdefault(d.decree_id, []).append(asdict(d))
    parts, todo = {}, []
    for decree_id, infos in decrees.items():
        mine = by_decree.get(decree_id, []) if len(infos) > 1 else []  # decisions apply to merged versions
        key = part_key(code, [(i.path.name, i.sha256) for i in infos], mine)
        meta, new = made.get(key, (None, False))
        if new:
            stats.merged.append(decree_id)
        if meta is None and use_cache and store.has(store.part(key)):
            meta = index["parts"].get(key) or store.meta(store.part(key))
        parts[key] = (infos, meta)
        if meta is None:
            todo.append({"key": key, "decree_id": decree_id, "paths": [str(i.path) for i in infos],
                         "decisions": mine})
    jobs = [(str(store.root), str(cache_dir), batch) for batch in _batches(todo, workers)]
    for _, key, meta in _run_batches(_make_parts, jobs, workers):
        parts[key] = (parts[key][0], meta)
        stats.merged.append(meta["decree_id"])
    return parts


def _make_parts(job):
    from .parts import make_parts

    return make_parts(job)


def _make_linked(job):
    from .parts import make_linked

    return make_linked(job)


def _linked(parts: dict, index: dict, store: Store, use_cache: bool, workers: int, stats: BuildStats) -> dict:
    """part key -> (linked key, meta): service keys against each setting's reference decree."""
    refs: dict = {}  # setting -> (decree id, part key) of the first decree by id
    for key, (_, meta) in parts.items():
        for s in meta["settings"]:
            if s not in refs or meta["decree_id"] < refs[s][0]:
                refs[s] = (meta["decree_id"], key)
    linked, todo = {}, []
    for key, (_, meta) in parts.items():
        item_refs = [[s, *refs[s]] for s in meta["settings"]]
        lkey = digest("linked", key, [(s, r) for s, _, r in item_refs])
        lmeta = None
        if use_cache and store.has(store.linked(lkey)):
            lmeta = index["linked"].get(lkey) or store.meta(store.linked(lkey))
        linked[key] = (lkey, lmeta)
        if lmeta is None:
            todo.append({"key": lkey, "part": key, "decree_id": meta["decree_id"], "refs": item_refs})
    part_of = {item["key"]: item["part"] for item in todo}
    for _, lkey, lmeta in _run_batches(_make_linked, [(str(store.root), b) for b in _batches(todo, workers)],
                                       workers):
        linked[part_of[lkey]] = (lkey, lmeta)
        stats.linked.append(lmeta["decree_id"])
    return linked


def _write(out_dir, store, infos, failures, parts, linked, skipped, extra, stats, generation) -> BuildResult:
    from .bilingual import DISAGREEMENT_COLUMNS
    from .buildreport import build_report, decrees_frame
    from .union import Fragments, Union

    union = Union([(store.linked(lk), lm, parts[k][1]["year"]) for k, (lk, lm) in linked.items()])
    entries = [(store.part(k), m) for k, (_, m) in parts.items()]
    rejects = Fragments(ds_mod.REJECT_COLUMNS, entries, "rejects")
    disagreements = Fragments(DISAGREEMENT_COLUMNS, entries, "disagreements")
    metas = [m for _, m in parts.values()]
    result = BuildResult(infos, failures, stats, rows=sum(m["rows"] for m in metas),
                         rejected=sum(m["rejects"] for m in metas), disagreements=sum(m["disagreements"] for m in metas))
    with generation(out_dir, lock=False) as folder:
        with _meanwhile(ds_mod.write_table, union, folder / "tariffs.parquet"):  # Arrow work, mostly without the GIL
            ds_mod.write_table(union, folder / "tariffs.csv")
            ds_mod.write_table(union, folder / "tariffs")
            ds_mod.write_table(rejects, folder / "rejects.csv")
            ds_mod.write_table(disagreements, folder / "disagreements.csv")
            ds_mod.write_table(decrees_frame(infos), folder / "decrees.csv")
            ds_mod.write_text(build_report(infos, failures, metas, result, skipped), folder / "build_report.md")
        if extra is not None:
            extra(folder, Dataset(folder, result.rows))
        final = folder.name.removesuffix(".tmp")
    result.folder = folder.with_name(final)
    return result


@contextmanager
def _meanwhile(fn, *args):
    """Run ``fn(*args)`` in a thread during the block; at its end wait for it and raise what it raised
    (also when the block raised: the thread is waited for before the generation is removed)."""
    failure: list[BaseException] = []

    def run():
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="kztariffs-union", daemon=True)
    thread.start()
    try:
        yield
    finally:
        interrupted = False
        while thread.is_alive():  # a Ctrl-C here must not leave the thread writing into a removed folder
            try:
                thread.join()
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt
    if failure:
        raise failure[0]


@dataclass
class Dataset:
    """The dataset of a generation being written, loaded only when asked."""

    folder: Path
    rows: int

    def frame(self, **filters) -> pd.DataFrame:
        return ds_mod.load_dataset(self.folder / "tariffs.parquet", **filters)

    def table(self, **filters):
        from .union import read_table

        return read_table(self.folder / "tariffs.parquet", filters or None)
