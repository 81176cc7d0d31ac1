"""A decree's share of the build, done in a worker process and kept in the part store (``store.py``).

Why: at national scale the build is thousands of independent decrees (issue #15). Each step here
works on a few decrees at a time, writes its result to the store and returns a small summary, so
the parent process never holds more than a few decrees' rows and an unchanged decree is never
worked on again. Three jobs, in build order (``builder.py``):

1. :func:`summarize` one file: parse it (or take the parse cache, ``dataset.cached_extract``) and
   return what the build needs to group files into decrees and to write ``decrees.csv`` and the
   build report (metadata, counts, notes), not the rows.
2. :func:`make_parts` for a batch of decrees: the language versions merged (``bilingual.py``), the
   rows checked against the dataset schema (pandera, once for the batch; on a failure each decree
   again, so the error names its files), written as a *part*: the rows (Arrow), the rejects and
   the disagreements (CSV fragments, formula-neutralised as ``tariffs.csv``).
3. :func:`make_linked` for a batch of decrees: service keys from the decree's reference of each
   setting (``linking.key_map``; a reference is prepared once per worker and kept), written as the
   pieces of the outputs: the rows (Arrow, for ``tariffs.parquet``), one Parquet file per setting
   without the ``year`` and ``setting`` columns (they are the partition folders' names) and the
   CSV fragment of ``tariffs.csv``.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from .errors import DecreeError
from .store import Store, digest

PARTITION_NULL = "__HIVE_DEFAULT_PARTITION__"  # the folder name of a missing year or setting (hive)
UNKNOWN_SETTING = "unknown"  # the setting part of a service key of rows whose setting is unknown
_REFS: OrderedDict = OrderedDict()  # (ref part key, setting) -> prepared rows, per worker
_MAX_REFS = 32


def _summary(res) -> dict:
    kinds = [r.get("kind") for r in res.rejects]
    return {"sha256": res.sha256, "decree": asdict(res.decree), "rows": len(res.rows), "rejects": len(res.rejects),
            "errors": kinds.count("error"), "not_applicable": kinds.count("not_applicable"),
            "notes": list(res.notes), "source_url": res.rows[0].get("source_url") if res.rows else None}


def part_key(code: str, files: list[tuple[str, str]], decisions: list[dict]) -> str:
    """Key of a decree's part: code hash, its files (name, SHA-256) and the decisions recorded for it."""
    return digest("part", code, files, decisions)


def summarize(job: tuple) -> list[tuple]:
    """``(store root, cache dir, refresh, code, paths)`` -> per file ``("ok", summary, parsed, part)``
    or ``("error", path, reason)``. ``part``: ``(key, meta)`` of the part the file makes as a decree
    of its own (the usual case: one language version), made here while its rows are at hand; None
    when it could not be made (the build then makes it, or the merged part, and reports why)."""
    from .dataset import cached_extract

    root, cache_dir, refresh, code, paths = job
    store = Store(Path(root))
    out, todo = [], []
    for path in paths:
        try:
            res = cached_extract(Path(path), Path(cache_dir) if cache_dir else None, refresh=refresh)
        except DecreeError as exc:
            out.append(("error", exc.path or str(path), exc.reason))
            continue
        key = part_key(code, [(res.path.name, res.sha256)], [])
        meta = None if refresh else store.meta(store.part(key))
        out.append(["ok", _summary(res), not res.cached, (key, meta, False) if meta else None])
        if meta is None:
            todo.append((len(out) - 1, {"key": key, "decree_id": res.decree.decree_id, "paths": [path]}, [res]))
    made = _store_parts(store, [(item, *_rows_of(results, {})) for _, item, results in todo], quiet=True)
    for i, item, _ in todo:
        if item["key"] in made:
            out[i][3] = (item["key"], made[item["key"]], True)
    return [tuple(o) for o in out]


# ---------------------------------------------------------------- parts


def _rows_of(results: list, decisions: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """(dataset rows, rejects, disagreements) of one decree from its files' parse results."""
    from .bilingual import merge, single

    by_lang = {res.decree.language or "?": res for res in results}
    problems: list[dict] = []
    if "kk" in by_lang and "ru" in by_lang:
        rows, problems = merge(by_lang["kk"].rows, by_lang["ru"].rows, decisions)
    else:
        rows = single(results[0].rows)
    return rows, [r for res in results for r in res.rejects], problems


def disagreement_lines(dis: pd.DataFrame) -> list[str]:
    """The build report's line of each disagreement."""
    lines = []
    for d in dis.itertuples(index=False):
        decided = f" -> decided {d.decided_price_kzt} by {d.decided_by}" if d.decided_price_kzt else ""
        lines.append(f"- {d.decree_id} annex {d.annex} row {d.row} {d.locality}: {d.what} kk {d.value_kk!r} "
                     f"({d.source_file_kk} line {d.line_kk}, page {d.page_kk}) vs ru {d.value_ru!r} "
                     f"({d.source_file_ru} line {d.line_ru}, page {d.page_ru}){decided}")
    return lines


def _columns(rows: list[dict], columns: list[str]) -> dict[str, list]:
    return {c: [r.get(c) for r in rows] for c in columns}


def _store_parts(store: Store, built: list[tuple], quiet: bool = False) -> dict:
    """Check the rows of several decrees against the schema (once for all of them; on a failure
    decree by decree) and store each sound decree as a part. ``built``: ``(item, rows, rejects,
    disagreements)``. Returns key -> meta; a decree that fails raises (``quiet``: is left out)."""
    from .bilingual import DISAGREEMENT_COLUMNS
    from .csvfrag import fragment
    from .dataset import REJECT_COLUMNS, checked
    from .schema import to_arrow, to_frame

    if not built:
        return {}
    df = to_frame([r for b in built for r in b[1]])
    try:
        checked(df)
        sound = built
    except DecreeError:
        sound = []
        for b in built:
            try:
                checked(to_frame(b[1]))
                sound.append(b)
            except DecreeError as exc:
                if not quiet:
                    raise DecreeError(b[0]["paths"][0], f"rows fail the dataset schema: {exc.reason}") from None
        df = to_frame([r for b in sound for r in b[1]])
    table, start, made = to_arrow(df), 0, {}
    ints = ("annex", "line", "page", "row", "service_no", "line_kk", "page_kk", "line_ru", "page_ru")
    for item, rows, rejects, problems in sound:
        blobs = {"rejects": fragment(REJECT_COLUMNS, _columns(rejects, REJECT_COLUMNS), ints),
                 "disagreements": fragment(DISAGREEMENT_COLUMNS, _columns(problems, DISAGREEMENT_COLUMNS), ints)}
        dis = pd.DataFrame(problems, columns=DISAGREEMENT_COLUMNS)
        for col in ("annex", "row", "line_kk", "page_kk", "line_ru", "page_ru"):
            dis[col] = pd.array(dis[col].tolist(), dtype="Int64")
        years = [r["year"] for r in rows if r.get("year") is not None]
        meta = {"decree_id": item["decree_id"], "rows": len(rows), "year": years[0] if years else None,
                "settings": list(dict.fromkeys(r.get("setting") if isinstance(r.get("setting"), str) else None
                                               for r in rows)),
                "both": sum(r.get("versions") == 2 for r in rows), "rejects": len(rejects),
                "disagreements": len(problems), "open_disagreements": sum(p["decided_price_kzt"] is None for p in problems),
                "disagreement_lines": disagreement_lines(dis)}
        made[item["key"]] = store.write(store.part(item["key"]), table.slice(start, len(rows)), meta, blobs)
        start += len(rows)
    return made


def make_parts(job: tuple) -> list[tuple]:
    """``(store root, cache dir, items)``; an item: ``{"key", "decree_id", "paths", "decisions"}`` (a
    decree of several files, or one whose part the first step could not make). Returns ``("ok", key,
    meta)`` per item; a decree whose rows fail the schema raises, naming its file."""
    from .bilingual import Decision
    from .dataset import cached_extract

    root, cache_dir, items = job
    built = []
    for item in items:
        decisions = {(d["decree_id"], d["annex"], d["row"], d["locality"]): Decision(**d) for d in item["decisions"]}
        results = [cached_extract(Path(p), Path(cache_dir) if cache_dir else None) for p in item["paths"]]
        built.append((item, *_rows_of(results, decisions)))
    return [("ok", k, m) for k, m in _store_parts(Store(Path(root)), built).items()]


# ---------------------------------------------------------------- linked parts


_LINK_COLUMNS = ["annex", "row", "setting", "category", "position_key", "position", "service_text", "service_no"]


def _prepared(table, setting: str | None):
    """A part's rows of one setting, prepared for linking (and their positions in the part)."""
    from .linking import prepare_columns

    cols = {c: table.column(c).to_pylist() for c in _LINK_COLUMNS}
    idx = [i for i, s in enumerate(cols["setting"]) if s == setting]
    pick = lambda c: [cols[c][i] for i in idx]  # noqa: E731
    return prepare_columns(pick("annex"), pick("row"), pick("category"), pick("position_key"),
                           pick("service_text")), idx, pick("annex"), pick("row")


def _reference(store: Store, ref_key: str, setting: str | None):
    k = (ref_key, setting)
    if k not in _REFS:
        _REFS[k] = _prepared(store.rows(store.part(ref_key), _LINK_COLUMNS), setting)[0]
        while len(_REFS) > _MAX_REFS:
            _REFS.popitem(last=False)
    _REFS.move_to_end(k)
    return _REFS[k]


def partition_name(year: int | None, setting: str | None) -> str:
    return f"year={PARTITION_NULL if year is None else year}/setting={setting or PARTITION_NULL}"


def make_linked(job: tuple) -> list[tuple]:
    """``(store root, items)``; an item: ``{"key", "part", "decree_id", "refs": [[setting, ref id,
    ref part key], ...]}``. Returns ``("ok", key, meta)`` per item."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .csvfrag import fragment
    from .linking import key_map
    from .schema import COLUMNS, INT_COLUMNS

    root, items = job
    store = Store(Path(root))
    out = []
    for item in items:
        table = store.rows(store.part(item["part"]))
        keys: list = [None] * table.num_rows
        positions = {}
        for setting, ref_id, ref_key in item["refs"]:
            own, idx, annexes, rows = _prepared(table, setting)
            ref = own if ref_key == item["part"] else _reference(store, ref_key, setting)
            mapping = key_map(setting or UNKNOWN_SETTING, ref_id, ref, item["decree_id"], own)
            for i, a, r in zip(idx, annexes, rows):
                keys[i] = mapping[(1 if a is None else int(a), int(r))]
            positions[setting] = idx
        table = table.set_column(table.schema.get_field_index("service_key"), "service_key",
                                 pa.array(keys, type=pa.string()))
        entry = store.linked(item["key"])
        files = {}
        for i, (setting, _, _) in enumerate(item["refs"]):  # the Parquet files first: the entry commits them
            name = f"{i}.parquet"
            pq.write_table(table.take(positions[setting]).drop_columns(["year", "setting"]), store.side(entry, name))
            files[name] = setting
        data = {c: table.column(c).to_pylist() for c in COLUMNS}
        meta = {"decree_id": item["decree_id"], "rows": table.num_rows, "files": files}
        meta = store.write(entry, table, meta, {"csv": fragment(COLUMNS, data, INT_COLUMNS)})
        out.append(("ok", item["key"], meta))
    return out
