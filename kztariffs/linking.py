"""Link rows of different decrees that price the same service for the same position.

Services are worded differently from one decree to the next and numbered differently, so a
pair is scored on category, position, wording (rapidfuzz) and order within the category, and
pairs are chosen one-to-one by best score (Hungarian assignment per category and position).
A row is identified by its annex and row number (rows restart at 1 in each annex), and only rows of
annexes in the same setting are paired (a decree's annexes may be in different settings; rows whose
setting is unknown pair only with rows whose setting is unknown).
"""
from __future__ import annotations

import re

import pandas as pd
from rapidfuzz import fuzz

from .text import fold

MIN_SCORE = 40.0  # below this a pair is not made; the rows stay unpaired
WEIGHT_TEXT, WEIGHT_ORDER = 0.7, 0.3


def _words(text: str | None) -> str:
    t = fold(text or "")
    return re.sub(r"[^\w\s-]", " ", t)


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


def _pair_setting(ra: pd.DataFrame, rb: pd.DataFrame, min_score: float) -> list[tuple]:
    """Pairs ((annex_a, row_a), (annex_b, row_b), score) of rows of one setting."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    pairs = []
    groups = set(zip(ra["category"], ra["position_key"])) & set(zip(rb["category"], rb["position_key"]))
    for cat, pos in sorted(groups, key=lambda g: (str(g[0]), str(g[1]))):
        ga = ra[(ra["category"] == cat) & (ra["position_key"] == pos)] if pos is not None else ra.iloc[0:0]
        gb = rb[(rb["category"] == cat) & (rb["position_key"] == pos)] if pos is not None else rb.iloc[0:0]
        if ga.empty or gb.empty:
            continue
        ca = _keys(ra[ra["category"] == cat])  # order within the category (annex, then row)
        cb = _keys(rb[rb["category"] == cat])
        ka, kb = _keys(ga), _keys(gb)
        score = np.zeros((len(ga), len(gb)))
        for i, (key_a, text_a) in enumerate(zip(ka, ga["service_text"])):
            qa = ca.index(key_a) / max(len(ca) - 1, 1)
            for j, (key_b, text_b) in enumerate(zip(kb, gb["service_text"])):
                qb = cb.index(key_b) / max(len(cb) - 1, 1)
                text = fuzz.token_set_ratio(_words(text_a), _words(text_b))
                order = 100.0 * (1.0 - abs(qa - qb))
                score[i, j] = WEIGHT_TEXT * text + WEIGHT_ORDER * order
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
        pairs += _pair_setting(ra[ra["setting"] == setting], rb[rb["setting"] == setting], min_score)
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


def assign_service_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Give every row a ``service_key``; rows linked across decrees of the same setting share it.

    Rows are grouped by their setting (the setting of their annex). Decrees are linked in a chain:
    within a setting, each decree's rows are linked to the rows of the first decree of that setting
    (the reference), and a row takes the key of the reference row it pairs with.
    """
    df = df.copy()
    df["service_key"] = None
    if df.empty:
        return df
    annex = _annex(df)
    for setting, group in df.groupby(df["setting"].fillna("unknown"), sort=True):
        decree_ids = sorted(group["decree_id"].unique())
        ref_id = decree_ids[0]
        ref = group[group["decree_id"] == ref_id]
        ref_keys = list(zip(annex[ref.index], ref["row"]))
        ref_key = {(int(a), int(r)): service_key(setting, ref_id, int(a), int(r)) for a, r in ref_keys}
        df.loc[ref.index, "service_key"] = [ref_key[(int(a), int(r))] for a, r in ref_keys]
        for other_id in decree_ids[1:]:
            other = group[group["decree_id"] == other_id]
            pairs = link(ref, other).dropna(subset=["row_a", "row_b"])
            mapping = {(int(ab), int(b)): ref_key[(int(aa), int(a))]
                       for aa, a, ab, b in zip(pairs["annex_a"], pairs["row_a"], pairs["annex_b"], pairs["row_b"])}
            df.loc[other.index, "service_key"] = [
                mapping.get((int(a), int(r)), service_key(setting, other_id, int(a), int(r)))
                for a, r in zip(annex[other.index], other["row"])]
    return df
