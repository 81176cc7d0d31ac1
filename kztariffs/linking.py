"""Link rows of different decrees that price the same service for the same position.

Services are worded differently from one decree to the next and numbered differently, so a
pair is scored on category, position, wording (rapidfuzz) and order within the category, and
pairs are chosen one-to-one by best score (Hungarian assignment per category and position).
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


def _service_rows(df: pd.DataFrame) -> pd.DataFrame:
    """One entry per table row (a row can have city and village prices)."""
    return df.sort_values("row").drop_duplicates("row")[["row", "category", "position_key", "position",
                                                          "service_text", "service_no"]].reset_index(drop=True)


def link(a: pd.DataFrame, b: pd.DataFrame, min_score: float = MIN_SCORE) -> pd.DataFrame:
    """Pair rows of decree ``a`` and ``b``: columns ``row_a, row_b, score`` (score 0..100);
    unpaired rows of either side appear with the other side empty and score NaN."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    ra, rb = _service_rows(a), _service_rows(b)
    pairs: list[tuple[int | None, int | None, float | None]] = []
    used_a, used_b = set(), set()
    groups = set(zip(ra["category"], ra["position_key"])) & set(zip(rb["category"], rb["position_key"]))
    for cat, pos in sorted(groups, key=lambda g: (str(g[0]), str(g[1]))):
        ga = ra[(ra["category"] == cat) & (ra["position_key"] == pos)] if pos is not None else ra.iloc[0:0]
        gb = rb[(rb["category"] == cat) & (rb["position_key"] == pos)] if pos is not None else rb.iloc[0:0]
        if ga.empty or gb.empty:
            continue
        ca = ra[ra["category"] == cat]["row"].tolist()
        cb = rb[rb["category"] == cat]["row"].tolist()
        score = np.zeros((len(ga), len(gb)))
        for i, (row_a, text_a) in enumerate(zip(ga["row"], ga["service_text"])):
            qa = ca.index(row_a) / max(len(ca) - 1, 1)
            for j, (row_b, text_b) in enumerate(zip(gb["row"], gb["service_text"])):
                qb = cb.index(row_b) / max(len(cb) - 1, 1)
                text = fuzz.token_set_ratio(_words(text_a), _words(text_b))
                order = 100.0 * (1.0 - abs(qa - qb))
                score[i, j] = WEIGHT_TEXT * text + WEIGHT_ORDER * order
        ii, jj = linear_sum_assignment(-score)
        for i, j in zip(ii, jj):
            if score[i, j] >= min_score:
                row_a, row_b = int(ga["row"].iloc[i]), int(gb["row"].iloc[j])
                pairs.append((row_a, row_b, round(float(score[i, j]), 1)))
                used_a.add(row_a)
                used_b.add(row_b)
    pairs.sort(key=lambda p: p[0])
    pairs += [(int(r), None, None) for r in ra["row"] if r not in used_a]
    pairs += [(None, int(r), None) for r in rb["row"] if r not in used_b]
    out = pd.DataFrame(pairs, columns=["row_a", "row_b", "score"])
    out["row_a"] = out["row_a"].astype("Int64")
    out["row_b"] = out["row_b"].astype("Int64")
    return out


def assign_service_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Give every row a ``service_key``; rows linked across decrees of the same setting share it.

    Decrees are linked in a chain: each decree is linked to the first decree of the same
    setting (the reference), and a row takes the key of the reference row it pairs with.
    """
    df = df.copy()
    df["service_key"] = None
    if df.empty:
        return df
    for setting, group in df.groupby(df["setting"].fillna("unknown"), sort=True):
        decree_ids = sorted(group["decree_id"].unique())
        ref_id = decree_ids[0]
        ref = group[group["decree_id"] == ref_id]
        ref_key = {int(r): f"{setting}:{ref_id}:{int(r)}" for r in ref["row"].unique()}
        df.loc[ref.index, "service_key"] = ref["row"].map(lambda r: ref_key[int(r)])
        for other_id in decree_ids[1:]:
            other = group[group["decree_id"] == other_id]
            pairs = link(ref, other).dropna(subset=["row_a", "row_b"])
            mapping = {int(b): ref_key[int(a)] for a, b in zip(pairs["row_a"], pairs["row_b"])}
            keys = other["row"].map(lambda r: mapping.get(int(r), f"{setting}:{other_id}:{int(r)}"))
            df.loc[other.index, "service_key"] = keys
    return df
