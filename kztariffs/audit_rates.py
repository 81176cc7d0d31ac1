"""Rate inference for the tariff audit (:mod:`kztariffs.audit`): each position's hourly rate per decree
annex and locality, from the rows that agree.

Kept apart from the row checks (:mod:`kztariffs.audit_checks`) because it is the part that decides:
exact arithmetic on tiyn amounts (``fractions.Fraction`` inside, ``Decimal`` out), the candidate rates of
a price, the ranking of rates (see :mod:`kztariffs.audit` for the method) and the status of a position.
Nothing here writes a text for people to read; nothing here changes the input frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from .numbers import to_tiyn

PRINTED_TIME, TIME_SHARE = "printed_time", "time_share"

MIN_ROWS = 2
# shares as multiples of 5 minutes (1/12 h): every 10-minute step up to 2 hours, quarter hours below
# 1 hour, and 2.5, 3 and 4 hours. Longer or finer steps make rate fractions (r/2, r/5 ...) fit too
# much: a rate a tenth of the true one would "explain" every 10-minute price as 100 minutes.
_STEPS = sorted({2 * k for k in range(1, 13)} | {3, 9} | {30, 36, 48})
SHARES = [Fraction(k, 12) for k in _STEPS]
COMMON_SHARES = frozenset(Fraction(n, d) for n, d in
                          [(1, 6), (1, 4), (1, 3), (1, 2), (2, 3), (3, 4), (1, 1), (4, 3), (3, 2), (2, 1),
                           (5, 2), (3, 1), (4, 1)])
_STEP_SET = set(_STEPS)
TIYN = Fraction(1, 100)
HALF_TIYN = Fraction(1, 200)


# ---------------------------------------------------------------- exact helpers

def frac(value) -> Fraction:
    return Fraction(Decimal(value)) if not isinstance(value, Fraction) else value


def round_tiyn(x: Fraction) -> Fraction:
    """Round half up to 0.01 (prices are positive)."""
    return Fraction(math.floor(x * 100 + Fraction(1, 2)), 100)


def dec(x: Fraction, places: str = "0.01") -> Decimal:
    """Exact fraction -> Decimal rounded half up to ``places``."""
    q = Decimal(places)
    scale = 10 ** -q.as_tuple().exponent
    n = math.floor(x * scale + Fraction(1, 2))
    return (Decimal(n) / scale).quantize(q)


def minutes_at(price: Fraction, rate: Fraction) -> Decimal:
    return dec(price * 60 / rate, "0.1")



def share_of(price: Fraction, rate: Fraction) -> Fraction | None:
    """The simple share ``s`` with ``round(rate * s, 2) == price``, or None."""
    # rate*s in [price - 0.005, price + 0.005)  <=>  12*s (an integer k) in that interval * 12/rate
    lo = (price - HALF_TIYN) * 12 / rate
    hi = (price + HALF_TIYN) * 12 / rate
    k = math.ceil(lo)
    while k < hi:
        if k in _STEP_SET:
            return Fraction(k, 12)
        k += 1
    return None


def whole_minutes(price: Fraction, rate: Fraction) -> int | None:
    """Whole number of minutes m with round(rate * m/60, 2) == price, or None."""
    lo = (price - HALF_TIYN) * 60 / rate
    hi = (price + HALF_TIYN) * 60 / rate
    m = math.ceil(lo)
    return m if m < hi and m > 0 else None


def _candidates(price: Fraction) -> set[Fraction]:
    """Every tiyn rate that reproduces ``price`` at some share."""
    out = set()
    for s in SHARES:
        lo = (price - HALF_TIYN) / s
        hi = (price + HALF_TIYN) / s
        c = math.ceil(lo * 100)
        while Fraction(c, 100) < hi:
            out.add(Fraction(c, 100))
            c += 1
    return out


# ---------------------------------------------------------------- rate inference
@dataclass
class Group:
    decree_id: str
    locality: str
    position_key: str | None
    prices: list[Fraction]  # rows without a printed time, one per row, in the group's row order
    annex: int = 1
    timed: list[tuple[Fraction, Fraction]] = field(default_factory=list)  # (price, minutes) of rows with a time
    rate: Fraction | None = None
    fitting: int = 0
    status: str = "too_few_rows"
    method: str = TIME_SHARE  # where the rate comes from: printed_time or time_share
    peer_weight: int = 0
    candidates: list = field(default_factory=list)  # (key, rate) of rates fitting the most rows

    @property
    def label(self) -> str:
        return self.position_key or "(unknown position)"

    @property
    def n_rows(self) -> int:
        return len(self.prices) + len(self.timed)

def _score_rates(g: Group, printed: set[Fraction], peers: dict[Fraction, int]) -> None:
    from collections import Counter

    counts = Counter(g.prices)
    cands: set[Fraction] = set()
    for p in counts:
        cands |= _candidates(p)
    scored = []
    best_fit = 0
    for r in cands:
        n_fit, n_common, min_share, residue = 0, 0, None, Fraction(0)
        for p, n in counts.items():
            s = share_of(p, r)
            if s is not None:
                n_fit += n
                n_common += n if s in COMMON_SHARES else 0
                min_share = s if min_share is None else min(min_share, s)
                residue += n * abs(r * s - p)
        if n_fit < best_fit or n_fit == 0:
            continue
        best_fit = max(best_fit, n_fit)
        key = (n_fit, peers.get(r, 0), r in printed, -min_share, n_common, counts.get(r, 0), -residue, r)
        scored.append((key, r))
    scored = [c for c in scored if c[0][0] == best_fit]
    scored.sort(reverse=True)
    g.candidates = scored
    n_rows = len(g.prices)
    if not scored or n_rows < MIN_ROWS or best_fit < MIN_ROWS:
        g.rate = scored[0][1] if scored and best_fit >= MIN_ROWS else None
        g.fitting, g.peer_weight = (best_fit if g.rate is not None else 0), 0
        g.status = "too_few_rows"
        if n_rows >= MIN_ROWS and best_fit < MIN_ROWS:
            g.status = "no_consistent_rate"
        return
    key, r = scored[0]
    g.rate, g.fitting, g.peer_weight = r, best_fit, key[1]
    if 2 * best_fit < n_rows:
        g.status = "no_consistent_rate"
    elif key[1] == 0 and best_fit < 3 and any(abs(r2 / r - 1) > Fraction(1, 100) for _, r2 in scored[1:]):
        g.status = "ambiguous"
    else:
        g.status = "ok"


def _timed_candidates(price: Fraction, minutes: Fraction) -> list[Fraction]:
    """Every tiyn rate ``r`` with ``to_tiyn(r * minutes / 60) == price``."""
    # round half up: r*m/60 in [price - 0.005, price + 0.005)
    lo = (price - HALF_TIYN) * 60 / minutes
    hi = (price + HALF_TIYN) * 60 / minutes
    out, c = [], math.ceil(lo * 100)
    while Fraction(c, 100) < hi:
        out.append(Fraction(c, 100))
        c += 1
    return out


def fits_time(price: Fraction, minutes: Fraction, rate: Fraction) -> bool:
    return Fraction(to_tiyn(rate * minutes / 60)) == price


def _score_timed(g: Group, printed: set[Fraction]) -> None:
    """Rate of a position from its rows with printed times: the tiyn rate most of them agree on exactly."""
    from collections import Counter

    counts: Counter = Counter()
    for p, t in g.timed:
        counts.update(_timed_candidates(p, t))
    n = len(g.timed)
    best = max(counts.values(), default=0)
    if n < MIN_ROWS or best < MIN_ROWS:
        g.rate, g.fitting = None, 0
        g.status = "too_few_rows" if n < MIN_ROWS else "no_consistent_rate"
        return

    def residue(r: Fraction) -> Fraction:
        return sum((abs(r * t / 60 - p) for p, t in g.timed if fits_time(p, t, r)), Fraction(0))

    ranked = sorted((r for r, c in counts.items() if c == best), key=lambda r: (r not in printed, residue(r), r))
    g.rate, g.fitting, g.method = ranked[0], best, PRINTED_TIME
    g.status = "no_consistent_rate" if 2 * best < n else "ok"

def time_norm(value) -> Fraction | None:
    """A row's printed time norm in minutes (exact), or None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return frac(value)


def with_defaults(df: pd.DataFrame) -> pd.DataFrame:
    """Frames without ``annex`` (one annex) or ``time_norm_min`` (no printed times) are read as such."""
    if "annex" in df.columns and "time_norm_min" in df.columns and not df["annex"].isna().any():
        return df
    df = df.copy()
    df["annex"] = df["annex"].fillna(1) if "annex" in df.columns else 1
    if "time_norm_min" not in df.columns:
        df["time_norm_min"] = None
    return df


def infer(df: pd.DataFrame) -> dict[tuple, Group]:
    """Groups of one decree annex: (locality, position_key) -> Group with its rate."""
    groups: dict[tuple, Group] = {}
    printed: dict[str, set[Fraction]] = {}
    decree_id = df["decree_id"].iloc[0] if len(df) else None
    annex = int(df["annex"].iloc[0]) if len(df) else 1
    for (loc, pos), sub in df.groupby([df["locality"], df["position_key"].fillna("")], sort=True):
        sub = sub.sort_values("row")
        g = Group(decree_id, loc, pos or None, [], annex=annex)
        for price, t in zip(sub["price_kzt"], sub["time_norm_min"]):
            t = time_norm(t)
            if t is None:
                g.prices.append(frac(price))
            else:
                g.timed.append((frac(price), t))
        groups[(loc, pos or None)] = g
    for loc, sub in df.groupby("locality"):
        printed[loc] = {frac(p) for p in sub["price_kzt"]}
    for key, g in groups.items():  # printed times first: they give a rate directly
        if key[1] is not None and g.timed:
            _score_timed(g, printed[key[0]])
    timed_done = {k for k, g in groups.items() if g.method == PRINTED_TIME}
    # time shares for the others, unless their printed times already decided (too few untimed rows left)
    share = {k for k, g in groups.items() if k not in timed_done and (not g.timed or len(g.prices) >= MIN_ROWS)}
    order = sorted(groups, key=lambda k: (-groups[k].n_rows, str(k)))

    def peers_for(key, decided) -> dict[Fraction, int]:
        out: dict[Fraction, int] = {}
        for other in decided:
            g = groups[other]
            if other == key or other[0] != key[0] or g.rate is None or g.status != "ok" or other[1] is None:
                continue
            out[g.rate] = out.get(g.rate, 0) + g.fitting
        return out

    decided = [k for k in order if k in timed_done]
    for key in order:  # pass 1: larger positions first, each sees those already decided
        if key in timed_done:
            continue
        if key[1] is not None and key in share:
            _score_rates(groups[key], printed[key[0]], peers_for(key, decided))
        decided.append(key)
    first = {k: (g.rate, g.status) for k, g in groups.items()}
    for key in order:  # pass 2: every other position known (from pass 1)
        if key[1] is None or key not in share:
            continue
        snapshot = {k: groups[k] for k in groups}
        peers: dict[Fraction, int] = {}
        for other, (rate, status) in first.items():
            if other != key and other[0] == key[0] and other[1] is not None and rate is not None and status == "ok":
                peers[rate] = peers.get(rate, 0) + snapshot[other].fitting
        _score_rates(groups[key], printed[key[0]], peers)
    for key, g in groups.items():  # unknown position spellings are never pooled
        if key[1] is None:
            g.status = "too_few_rows" if g.n_rows < MIN_ROWS else "no_consistent_rate"
            g.rate = None
        elif g.rate is not None and g.status in ("ok", "ambiguous"):  # rows judged by the other method
            if g.method == PRINTED_TIME:
                g.fitting += sum(1 for p in g.prices if share_of(p, g.rate) is not None)
            else:
                g.fitting += sum(1 for p, t in g.timed if fits_time(p, t, g.rate))
    return groups


def annexes(df: pd.DataFrame):
    """(decree_id, annex, rows) of every decree annex in the input, in order."""
    df = with_defaults(df)
    for (decree_id, annex), sub in df.groupby(["decree_id", "annex"], sort=True):
        yield decree_id, int(annex), sub
