"""Link rows of different decrees that price the same service for the same position.

Services are worded differently from one decree to the next and numbered differently, so a
pair is scored on category, position, wording (rapidfuzz) and order within the category, and
pairs are chosen one-to-one by best score (Hungarian assignment per category and position).
A row is identified by its annex and row number (rows restart at 1 in each annex), and only rows of
annexes in the same setting are paired (a decree's annexes may be in different settings; rows whose
setting is unknown pair only with rows whose setting is unknown).

Cost (issue #15): at national scale the linking is what a build spends its time on unless each
piece of work is done once. A decree's rows of one setting are *prepared* once (:func:`prepare`:
keys, category and position groups, order within the category, each service text folded once, the
fold itself remembered in ``text.fold``); a decree is then compared with one reference only (the
first decree of its setting by id), with the score matrix of a category and position computed in
one call (``rapidfuzz.process.cdist``) rather than pair by pair. Work is linear in the decrees; the
build (``parts.py``) keeps each decree's result, so an unchanged decree is not linked again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from .text import fold

MIN_SCORE = 40.0  # below this a pair is not made; the rows stay unpaired
WEIGHT_TEXT, WEIGHT_ORDER = 0.7, 0.3
_NOT_WORD = re.compile(r"[^\w\s-]")


def _words(text: str | None) -> str:
    return _NOT_WORD.sub(" ", fold(text or ""))


def _annex(df: pd.DataFrame) -> pd.Series:
    return df["annex"].fillna(1).astype(int) if "annex" in df else pd.Series(1, index=df.index, dtype=int)


def _setting(df: pd.DataFrame) -> pd.Series:
    """The rows' setting ("" when unknown or when the frame has none)."""
    if "setting" not in df:
        return pd.Series("", index=df.index, dtype=object)
    return df["setting"].map(lambda v: v if isinstance(v, str) else "")


def _service_rows(df: pd.DataFrame) -> pd.DataFrame:
    """One entry per table row (a row can have city and village prices), in annex and row order."""
    rows = df.assign(annex=_annex(df), setting=_setting(df))
    return rows.sort_values(["annex", "row"]).drop_duplicates(["annex", "row"])[
        ["annex", "row", "setting", "category", "position_key", "position", "service_text", "service_no"]
    ].reset_index(drop=True)


def _keys(rows: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(a), int(r)) for a, r in zip(rows["annex"], rows["row"])]


@dataclass
class Prepared:
    """A decree's service rows of one setting, ready to be paired: per (category, position) group the
    row keys, their order within the category (0..1) and their folded words."""

    keys: list[tuple[int, int]]
    groups: dict[tuple[str, str], tuple[list[tuple[int, int]], list[float], list[str]]]


def prepare(rows: pd.DataFrame) -> Prepared:
    """``rows``: service rows of one setting (``_service_rows``), in annex and row order."""
    return _prepare(_keys(rows), list(rows["category"]), list(rows["position_key"]), list(rows["service_text"]))


def prepare_columns(annex: list, row: list, category: list, position_key: list, service_text: list) -> Prepared:
    """The same as ``prepare(_service_rows(frame))`` from the columns of a decree's rows of one setting
    (one entry per table row, in annex and row order), without building a frame."""
    first: dict = {}
    for a, r, c, p, t in sorted(zip((1 if a is None else int(a) for a in annex), (int(r) for r in row),
                                    category, position_key, service_text), key=lambda x: (x[0], x[1])):
        first.setdefault((a, r), (c, p, t))
    keys = list(first)
    return _prepare(keys, *map(list, zip(*first.values()))) if keys else _prepare([], [], [], [])


def _prepare(keys: list, cats: list, poss: list, texts: list) -> Prepared:
    in_cat: dict = {}
    for k, c in zip(keys, cats):
        in_cat.setdefault(c, []).append(k)
    rank = {k: i for ks in in_cat.values() for i, k in enumerate(ks)}
    groups: dict = {}
    for k, c, p, t in zip(keys, cats, poss, texts):
        if not isinstance(c, str) or not isinstance(p, str):
            continue  # a row without category or position key is never paired
        g = groups.setdefault((c, p), ([], [], []))
        g[0].append(k)
        g[1].append(rank[k] / max(len(in_cat[c]) - 1, 1))
        g[2].append(_words(t))
    return Prepared(keys, groups)


def pair(a: Prepared, b: Prepared, min_score: float = MIN_SCORE) -> list[tuple]:
    """Pairs ((annex_a, row_a), (annex_b, row_b), score) of two prepared decrees of one setting."""
    import numpy as np
    from rapidfuzz.process import cdist
    from scipy.optimize import linear_sum_assignment

    pairs = []
    for g in sorted(set(a.groups) & set(b.groups)):
        ka, qa, wa = a.groups[g]
        kb, qb, wb = b.groups[g]
        text = cdist(wa, wb, scorer=fuzz.token_set_ratio, dtype=np.float64)
        order = 100.0 * (1.0 - np.abs(np.array(qa)[:, None] - np.array(qb)[None, :]))
        score = WEIGHT_TEXT * text + WEIGHT_ORDER * order
        ii, jj = linear_sum_assignment(-score)
        for i, j in zip(ii, jj):
            if score[i, j] >= min_score:
                pairs.append((ka[i], kb[j], round(float(score[i, j]), 1)))
    return pairs


def link(a: pd.DataFrame, b: pd.DataFrame, min_score: float = MIN_SCORE) -> pd.DataFrame:
    """Pair rows of decree ``a`` and ``b``: columns ``annex_a, row_a, annex_b, row_b, score`` (score 0..100);
    only rows of annexes in the same setting are paired; unpaired rows of either side appear with the
    other side empty and score NaN."""
    ra, rb = _service_rows(a), _service_rows(b)
    pairs: list[tuple] = []
    for setting in sorted(set(ra["setting"]) & set(rb["setting"])):
        pairs += pair(prepare(ra[ra["setting"] == setting]), prepare(rb[rb["setting"] == setting]), min_score)
    pairs.sort(key=lambda p: p[0])
    used_a, used_b = {p[0] for p in pairs}, {p[1] for p in pairs}
    rows = [(*ka, *kb, sc) for ka, kb, sc in pairs]
    rows += [(*k, None, None, None) for k in _keys(ra) if k not in used_a]
    rows += [(None, None, *k, None) for k in _keys(rb) if k not in used_b]
    out = pd.DataFrame(rows, columns=["annex_a", "row_a", "annex_b", "row_b", "score"])
    for col in ("annex_a", "row_a", "annex_b", "row_b"):
        out[col] = pd.array(out[col].tolist(), dtype="Int64")
    out["score"] = out["score"].astype(float)
    return out


def service_key(setting: str, decree_id: str, annex: int, row: int) -> str:
    """``<setting>:<decree_id>:<row>`` for a row of annex 1, ``<setting>:<decree_id>:a<annex>:<row>`` else."""
    return f"{setting}:{decree_id}:{row}" if annex == 1 else f"{setting}:{decree_id}:a{annex}:{row}"


def key_map(setting: str, ref_id: str, ref: Prepared | None, decree_id: str, own: Prepared) -> dict:
    """(annex, row) -> service key of one decree's rows of one setting: the reference row's key for a
    row paired with the reference decree, its own key otherwise (and always for the reference)."""
    mapping = {k: service_key(setting, decree_id, *k) for k in own.keys}
    if ref is not None and decree_id != ref_id:
        mapping.update({kb: service_key(setting, ref_id, *ka) for ka, kb, _ in pair(ref, own)})
    return mapping


def assign_service_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Give every row a ``service_key``; rows linked across decrees of the same setting share it.

    Rows are grouped by their setting (the setting of their annex). Within a setting, each decree's
    rows are linked to the rows of the first decree of that setting by id (the reference), and a row
    takes the key of the reference row it pairs with. Each decree is prepared once and compared with
    the reference only (linear in the decrees); the build does the same decree by decree (``parts.py``).
    """
    df = df.copy()
    df["service_key"] = None
    if df.empty:
        return df
    annex = _annex(df)
    keys = pd.Series(None, index=df.index, dtype=object)
    for setting, group in df.groupby(df["setting"].fillna("unknown"), sort=True):
        by_decree = dict(tuple(group.groupby("decree_id", sort=True)))
        ref_id = min(by_decree)
        ref = prepare(_service_rows(by_decree[ref_id]))
        for decree_id, rows in by_decree.items():
            own = ref if decree_id == ref_id else prepare(_service_rows(rows))
            mapping = key_map(setting, ref_id, ref, decree_id, own)
            keys[rows.index] = [mapping[(int(a), int(r))] for a, r in zip(annex[rows.index], rows["row"])]
    df["service_key"] = keys
    return df
