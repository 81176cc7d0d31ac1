"""Tariff audit: infer each position's hourly rate and each row's time share; flag rows that break it.

In the seed decrees every price is the position's hourly rate times a simple share of an hour
(10, 20, 30, 60, 120 minutes ...), rounded to the tiyn. This module finds that rate per
(decree, locality, position) and says, for every row, how many minutes of that rate the price is,
whether it is a simple share, and if not why and what the printed value probably should be.
It flags, explains and suggests; it never changes the data (the input frame is not touched).

Method (exact arithmetic throughout: ``fractions.Fraction`` inside, ``Decimal`` out)

* Shares ``SHARES``: every 10-minute step up to 2 hours, 15 and 45 minutes, 2.5, 3 and 4 hours.
  ``COMMON_SHARES`` (1/6, 1/4, 1/3, 1/2, 2/3, 3/4, 1, 4/3, 3/2, 2, 5/2, 3, 4 h) are the usual ones; a row
  at another share still fits but its reason says the share is uncommon (50, 70, 100 minutes ...).
* A row fits rate ``r`` when ``price == round(r * s, 2)`` (half up) for some ``s`` in ``SHARES``.
* Candidate rates: every tiyn amount ``r`` that reproduces some row's price at some share.
* The chosen rate maximises, in this order: (1) the number of rows that fit; (2) support from the
  other positions of the same decree and locality (rows of positions whose rate is the same value:
  roles of one pay grade share a rate, e.g. nurse and remedial-gymnastics instructor); (3) the rate is
  printed as a price somewhere in the decree; (4) the finest time grid (smallest share used, so a
  position with 10-minute rows gets the rate that makes them 10 minutes rather than 20 or 30);
  (5) the number of the position's rows priced exactly at the rate; (6) the smallest rounding residue.
  (1) makes it robust: a few bad rows cannot outvote the rows that agree. Rate multiples (r, r/2,
  2r/3 ...) often fit the same rows equally well; (2)-(4) choose between them. Positions are decided
  from the largest to the smallest, then once more with every other position known.
* Status per (decree, locality, position): ``ok``; ``too_few_rows`` (fewer than ``MIN_ROWS`` rows);
  ``no_consistent_rate`` (no rate fits ``MIN_ROWS`` rows, or the best rate explains less than half of
  them); ``ambiguous`` (fewer than 3 rows fit, no other position shares the rate, and a rate of a
  different scale fits as many rows: the rate is a guess between multiples; rows are still judged).
  Rows of ``too_few_rows`` and ``no_consistent_rate`` positions get ``fits = None`` and a reason.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from .vocab import label

AUDIT_COLUMNS = ["decree_id", "row", "locality", "service_no", "position", "position_key", "price_kzt",
                 "hourly_rate", "minutes", "fits", "reason", "suggestion"]
CLI_FIRST = ["row", "position_key", "hourly_rate", "minutes", "fits", "reason", "suggestion"]
RATE_COLUMNS = ["decree_id", "locality", "position_key", "hourly_rate", "rows", "rows_fitting", "status"]

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

def _frac(value) -> Fraction:
    return Fraction(Decimal(value)) if not isinstance(value, Fraction) else value


def _round_tiyn(x: Fraction) -> Fraction:
    """Round half up to 0.01 (prices are positive)."""
    return Fraction(math.floor(x * 100 + Fraction(1, 2)), 100)


def _dec(x: Fraction, places: str = "0.01") -> Decimal:
    """Exact fraction -> Decimal rounded half up to ``places``."""
    q = Decimal(places)
    scale = 10 ** -q.as_tuple().exponent
    n = math.floor(x * scale + Fraction(1, 2))
    return (Decimal(n) / scale).quantize(q)


def _minutes(price: Fraction, rate: Fraction) -> Decimal:
    return _dec(price * 60 / rate, "0.1")


def _fmt_min(share: Fraction) -> str:
    m = share * 60
    return f"{int(m)} min" if m.denominator == 1 else f"{float(m):.1f} min"


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


def _whole_minutes(price: Fraction, rate: Fraction) -> int | None:
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
    prices: list[Fraction]  # one per row, in the group's row order
    rate: Fraction | None = None
    fitting: int = 0
    status: str = "too_few_rows"
    peer_weight: int = 0
    candidates: list = field(default_factory=list)  # (key, rate) of rates fitting the most rows

    @property
    def label(self) -> str:
        return self.position_key or "(unknown position)"


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


def _infer(df: pd.DataFrame) -> dict[tuple, Group]:
    """Groups of one decree: (locality, position_key) -> Group with its rate."""
    groups: dict[tuple, Group] = {}
    printed: dict[str, set[Fraction]] = {}
    decree_id = df["decree_id"].iloc[0] if len(df) else None
    for (loc, pos), sub in df.groupby([df["locality"], df["position_key"].fillna("")], sort=True):
        sub = sub.sort_values("row")
        groups[(loc, pos or None)] = Group(decree_id, loc, pos or None, [_frac(p) for p in sub["price_kzt"]])
    for loc, sub in df.groupby("locality"):
        printed[loc] = {_frac(p) for p in sub["price_kzt"]}
    order = sorted(groups, key=lambda k: (-len(groups[k].prices), str(k)))

    def peers_for(key, decided) -> dict[Fraction, int]:
        out: dict[Fraction, int] = {}
        for other in decided:
            g = groups[other]
            if other == key or other[0] != key[0] or g.rate is None or g.status != "ok" or other[1] is None:
                continue
            out[g.rate] = out.get(g.rate, 0) + g.fitting
        return out

    decided = []
    for key in order:  # pass 1: larger positions first, each sees those already decided
        if key[1] is not None:
            _score_rates(groups[key], printed[key[0]], peers_for(key, decided))
        decided.append(key)
    first = {k: (g.rate, g.status) for k, g in groups.items()}
    for key in order:  # pass 2: every other position known (from pass 1)
        if key[1] is None:
            continue
        snapshot = {k: groups[k] for k in groups}
        peers: dict[Fraction, int] = {}
        for other, (rate, status) in first.items():
            if other != key and other[0] == key[0] and other[1] is not None and rate is not None and status == "ok":
                peers[rate] = peers.get(rate, 0) + snapshot[other].fitting
        _score_rates(groups[key], printed[key[0]], peers)
    for key, g in groups.items():  # unknown position spellings are never pooled
        if key[1] is None:
            g.status = "too_few_rows" if len(g.prices) < MIN_ROWS else "no_consistent_rate"
            g.rate = None
    return groups


# ---------------------------------------------------------------- explanations

def _pos_label(key: str | None) -> str:
    return label("position", key, "en").lower() if key else "unknown position"


def _other_fit(price: Fraction, key: tuple, groups: dict[tuple, Group]):
    """Another position of the same decree and locality whose rate gives this price at a simple share."""
    for other, g in sorted(groups.items(), key=lambda kv: (-kv[1].fitting, str(kv[0]))):
        if other == key or other[0] != key[0] or g.rate is None or g.status not in ("ok", "ambiguous"):
            continue
        s = share_of(price, g.rate)
        if s is not None:
            return g, s
    return None


def _nearest(price: Fraction, rate: Fraction) -> tuple[Fraction, Fraction]:
    """Nearest simple-share price (ties: the smaller change, then the shorter time)."""
    best = min(SHARES, key=lambda s: (abs(_round_tiyn(rate * s) - price), s))
    return _round_tiyn(rate * best), best


def _group_session(price: Fraction, rate: Fraction) -> str:
    """A price that is a common-share price divided by a small group size (116.18 = 580.90 / 5)."""
    for n in range(2, 11):
        for s in sorted(COMMON_SHARES):
            full = _round_tiyn(rate * s)
            if _round_tiyn(full / n) == price:
                return f"; it equals the {_fmt_min(s)} price {_dec(full)} / {n} (a group of {n}?)"
    return ""


def _explain(price: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    """(hourly_rate, minutes, fits, reason, suggestion) of one row."""
    p = _dec(price)
    if g.status in ("too_few_rows", "no_consistent_rate") or g.rate is None:
        if g.position_key is None:
            why = "position spelling not in the vocabulary; rows of unknown positions are not pooled"
        elif g.status == "too_few_rows" and len(g.prices) < MIN_ROWS:
            why = (f"only {len(g.prices)} row of {g.label} in this decree ({g.locality}); "
                   f"a rate needs at least {MIN_ROWS} rows")
        elif g.fitting < MIN_ROWS:
            why = f"no rate of {g.label} fits {MIN_ROWS} or more of its {len(g.prices)} rows"
        else:
            why = (f"no consistent rate for {g.label}: the best rate fits {g.fitting} of "
                   f"{len(g.prices)} rows")
        hint = ""
        other = _other_fit(price, key, groups)
        if other:
            og, s = other
            hint = f"{p} is {_fmt_min(s)} at the rate {_dec(og.rate)} of {og.label}"
            why += f"; {hint}"
            hint = f"check against {og.label} ({_dec(og.rate)}/h)"
        return None, None, None, why, hint
    rate = g.rate
    r = _dec(rate)
    minutes = _minutes(price, rate)
    s = share_of(price, rate)
    if s is not None:
        reason = "" if s in COMMON_SHARES else f"{_fmt_min(s)} ({s} h) is an uncommon share"
        if g.status == "ambiguous":
            reason = ("; ".join(x for x in [reason, f"rate of {g.label} is uncertain (few rows, "
                                            f"a multiple fits as well)"] if x))
        return r, minutes, True, reason, ""
    whole = _whole_minutes(price, rate)
    if whole is not None:
        reason = (f"{p} is {whole} min at the rate {r} of {g.label}: whole minutes but not a simple share "
                  f"(an odd time norm or a typo?)")
    else:
        shown = minutes if minutes.quantize(Decimal(1)) != minutes else _dec(price * 60 / rate, "0.01")
        reason = f"{p} is {shown} min at the rate {r} of {g.label}; not a simple share"
    reason += _group_session(price, rate)
    near, ns = _nearest(price, rate)
    suggestion = f"{_dec(near)} ({_fmt_min(ns)})"
    other = _other_fit(price, key, groups)
    if other:
        og, os_ = other
        suggestion += (f"; looks like the {_pos_label(og.position_key)}'s price {p} "
                       f"({_fmt_min(os_)} at {_dec(og.rate)})")
    return r, minutes, False, reason, suggestion


# ---------------------------------------------------------------- public API

def audit_decree(df_one_decree: pd.DataFrame) -> pd.DataFrame:
    """One row per tariff row: the position's hourly rate, the row's minutes, whether it fits a simple
    share, why not and a suggestion. Columns ``AUDIT_COLUMNS``. The input is not modified.
    (Several decrees in the input are audited one by one.)"""
    out = []
    for _, dec in df_one_decree.groupby("decree_id", sort=True):
        groups = _infer(dec)
        for rec in dec.sort_values(["locality", "row"]).itertuples(index=False):
            key = (rec.locality, rec.position_key if isinstance(rec.position_key, str) and rec.position_key else None)
            price = _frac(rec.price_kzt)
            rate, minutes, fits, reason, suggestion = _explain(price, key, groups[key], groups)
            out.append({"decree_id": rec.decree_id, "row": rec.row, "locality": rec.locality,
                        "service_no": rec.service_no, "position": rec.position, "position_key": key[1],
                        "price_kzt": _dec(price), "hourly_rate": rate, "minutes": minutes, "fits": fits,
                        "reason": reason, "suggestion": suggestion})
    res = pd.DataFrame(out, columns=AUDIT_COLUMNS)
    for col in ("row", "service_no"):
        res[col] = pd.array(res[col].tolist(), dtype="Int64")
    res["fits"] = res["fits"].astype(object)
    return res.sort_values(["decree_id", "row", "locality"], kind="stable").reset_index(drop=True)


def decree_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Per decree, locality and position: the inferred hourly rate (Decimal, None when it cannot be
    judged), rows, rows fitting it, and status (ok, ambiguous, too_few_rows, no_consistent_rate)."""
    out = []
    for _, dec in df.groupby("decree_id", sort=True):
        for (loc, pos), g in sorted(_infer(dec).items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            out.append({"decree_id": g.decree_id, "locality": loc, "position_key": pos,
                        "hourly_rate": _dec(g.rate) if g.rate is not None else None,
                        "rows": len(g.prices), "rows_fitting": g.fitting, "status": g.status})
    res = pd.DataFrame(out, columns=RATE_COLUMNS)
    res["rows"] = res["rows"].astype("Int64")
    res["rows_fitting"] = res["rows_fitting"].astype("Int64")
    return res
