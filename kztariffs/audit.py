"""Tariff audit: infer each position's hourly rate and each row's time share; flag rows that break it.

In the seed decrees every price is the position's hourly rate times a simple share of an hour
(10, 20, 30, 60, 120 minutes ...), rounded to the tiyn. This module finds that rate per
(decree, annex, locality, position) -- an annex in another setting has other rates -- and says, for
every row (identified by decree, annex and row), how many minutes of that rate the price is, whether it
fits, and if not why and what the printed value probably should be. It flags, explains and suggests;
it never changes the data (the input frame is not touched).

Two methods, chosen per row (column ``method``):

* ``printed_time``: the row carries a time norm (``time_norm_min``), so the price is checked directly:
  ``price == to_tiyn(rate x time_norm_min / 60)`` (half up, :func:`kztariffs.numbers.to_tiyn`). The
  rate of a position is the tiyn amount most of its rows with printed times agree on exactly (ties:
  a rate printed as a price in the annex, then the smallest total rounding residue). A row whose price
  and printed time disagree is flagged; its reason gives the printed time, the time its price implies
  and the price its printed time gives (``expected_price_kzt``).
* ``time_share`` (rows without a time norm, as before): the rate is inferred from simple time shares,
  as below. When the position's rate comes from printed times, its rows without a time are judged by
  share against that rate; when it comes from shares, its rows with a time are checked against it.

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
* Status per (decree, annex, locality, position): ``ok``; ``too_few_rows`` (fewer than ``MIN_ROWS`` rows);
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

from .numbers import to_tiyn
from .vocab import label

AUDIT_COLUMNS = ["decree_id", "annex", "row", "locality", "service_no", "position", "position_key", "price_kzt",
                 "time_norm_min", "hourly_rate", "minutes", "expected_price_kzt", "fits", "method", "reason",
                 "suggestion"]
CLI_FIRST = ["annex", "row", "position_key", "hourly_rate", "time_norm_min", "minutes", "fits", "reason",
             "suggestion"]
RATE_COLUMNS = ["decree_id", "annex", "locality", "position_key", "hourly_rate", "rows", "rows_fitting", "status",
                "method"]
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


def _fits_time(price: Fraction, minutes: Fraction, rate: Fraction) -> bool:
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
        return sum((abs(r * t / 60 - p) for p, t in g.timed if _fits_time(p, t, r)), Fraction(0))

    ranked = sorted((r for r, c in counts.items() if c == best), key=lambda r: (r not in printed, residue(r), r))
    g.rate, g.fitting, g.method = ranked[0], best, PRINTED_TIME
    g.status = "no_consistent_rate" if 2 * best < n else "ok"

def _time(value) -> Fraction | None:
    """A row's printed time norm in minutes (exact), or None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return _frac(value)


def _with_defaults(df: pd.DataFrame) -> pd.DataFrame:
    """Frames without ``annex`` (one annex) or ``time_norm_min`` (no printed times) are read as such."""
    if "annex" in df.columns and "time_norm_min" in df.columns and not df["annex"].isna().any():
        return df
    df = df.copy()
    df["annex"] = df["annex"].fillna(1) if "annex" in df.columns else 1
    if "time_norm_min" not in df.columns:
        df["time_norm_min"] = None
    return df


def _infer(df: pd.DataFrame) -> dict[tuple, Group]:
    """Groups of one decree annex: (locality, position_key) -> Group with its rate."""
    groups: dict[tuple, Group] = {}
    printed: dict[str, set[Fraction]] = {}
    decree_id = df["decree_id"].iloc[0] if len(df) else None
    annex = int(df["annex"].iloc[0]) if len(df) else 1
    for (loc, pos), sub in df.groupby([df["locality"], df["position_key"].fillna("")], sort=True):
        sub = sub.sort_values("row")
        g = Group(decree_id, loc, pos or None, [], annex=annex)
        for price, t in zip(sub["price_kzt"], sub["time_norm_min"]):
            t = _time(t)
            if t is None:
                g.prices.append(_frac(price))
            else:
                g.timed.append((_frac(price), t))
        groups[(loc, pos or None)] = g
    for loc, sub in df.groupby("locality"):
        printed[loc] = {_frac(p) for p in sub["price_kzt"]}
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
                g.fitting += sum(1 for p, t in g.timed if _fits_time(p, t, g.rate))
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


def _where(g: Group) -> str:
    return "decree" if g.annex == 1 else f"annex {g.annex}"


def _fmt_time(minutes: Fraction) -> str:
    """Minutes as printed: 30, 7.5, 2.25 (exact, no trailing zeros)."""
    d = Decimal(minutes.numerator) / Decimal(minutes.denominator)
    return f"{d.normalize():f}"


def _explain_timed(price: Fraction, minutes: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    """(hourly_rate, implied minutes, expected price, fits, reason, suggestion) of a row with a printed time."""
    p, t = _dec(price), _fmt_time(minutes)
    if g.status in ("too_few_rows", "no_consistent_rate") or g.rate is None:
        _, _, _, why, hint = _explain(price, key, g, groups)
        why += f"; at the printed {t} min, {p} implies a rate of {_dec(price * 60 / minutes)}/h"
        return None, None, None, None, why, hint
    rate = g.rate
    r = _dec(rate)
    implied = _minutes(price, rate)
    expected = to_tiyn(rate * minutes / 60)
    notes = []
    if g.method == TIME_SHARE:
        notes.append(f"rate of {g.label} inferred from time shares of its rows without a printed time")
    if g.status == "ambiguous":
        notes.append(f"rate of {g.label} is uncertain (few rows, a multiple fits as well)")
    if expected == p:
        return r, implied, expected, True, "; ".join(notes), ""
    shown = implied if implied.quantize(Decimal(1)) != implied else _dec(price * 60 / rate, "0.01")
    whole = _whole_minutes(price, rate)
    reason = (f"printed time {t} min, but {p} is {shown} min at the rate {r} of {g.label}; "
              f"{t} min at {r} is {expected}")
    suggestion = f"{expected} (the printed {t} min)"
    if whole is not None:
        suggestion += f", or a time of {whole} min for the printed {p}"
    other = _other_fit(price, key, groups)
    if other:
        og, os_ = other
        suggestion += (f"; looks like the {_pos_label(og.position_key)}'s price {p} "
                       f"({_fmt_min(os_)} at {_dec(og.rate)})")
    return r, implied, expected, False, "; ".join([reason] + notes), suggestion

def _explain(price: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    """(hourly_rate, minutes, fits, reason, suggestion) of one row without a printed time."""
    p = _dec(price)
    if g.status in ("too_few_rows", "no_consistent_rate") or g.rate is None:
        if g.position_key is None:
            why = "position spelling not in the vocabulary; rows of unknown positions are not pooled"
        elif g.status == "too_few_rows" and g.n_rows < MIN_ROWS:
            why = (f"only {g.n_rows} row of {g.label} in this {_where(g)} ({g.locality}); "
                   f"a rate needs at least {MIN_ROWS} rows")
        elif g.status == "too_few_rows" and g.method == TIME_SHARE and g.timed:
            why = (f"only {len(g.timed)} row of {g.label} with a printed time and {len(g.prices)} without "
                   f"in this {_where(g)} ({g.locality}); a rate needs at least {MIN_ROWS} rows of one kind")
        elif g.fitting < MIN_ROWS:
            why = f"no rate of {g.label} fits {MIN_ROWS} or more of its {g.n_rows} rows"
        else:
            why = (f"no consistent rate for {g.label}: the best rate fits {g.fitting} of "
                   f"{g.n_rows} rows")
        hint = ""
        other = _other_fit(price, key, groups)
        if other:
            og, s = other
            hint = f"{p} is {_fmt_min(s)} at the rate {_dec(og.rate)} of {og.label}"
            why += f"; {hint}"
            hint = f"check against {og.label} ({_dec(og.rate)}/h)"
        return None, None, None, why, hint
    return _explain_share(price, key, g, groups)


def _explain_share(price: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    p = _dec(price)
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

def _annexes(df: pd.DataFrame):
    """(decree_id, annex, rows) of every decree annex in the input, in order."""
    df = _with_defaults(df)
    for (decree_id, annex), sub in df.groupby(["decree_id", "annex"], sort=True):
        yield decree_id, int(annex), sub


def audit_decree(df_one_decree: pd.DataFrame) -> pd.DataFrame:
    """One row per tariff row (decree, annex, row, locality): the position's hourly rate, the row's
    minutes at that rate, whether it fits (a simple share, or exactly its printed time norm), why not and
    a suggestion. Columns ``AUDIT_COLUMNS``. The input is not modified. (Several decrees and annexes in
    the input are audited one by one; rates are never pooled across annexes.)"""
    out = []
    for _, annex, dec in _annexes(df_one_decree):
        groups = _infer(dec)
        for rec in dec.sort_values(["locality", "row"]).itertuples(index=False):
            key = (rec.locality, rec.position_key if isinstance(rec.position_key, str) and rec.position_key else None)
            price = _frac(rec.price_kzt)
            t = _time(rec.time_norm_min)
            if t is None:
                rate, minutes, fits, reason, suggestion = _explain(price, key, groups[key], groups)
                expected, method = None, TIME_SHARE
            else:
                rate, minutes, expected, fits, reason, suggestion = _explain_timed(price, t, key, groups[key], groups)
                method = PRINTED_TIME
            out.append({"decree_id": rec.decree_id, "annex": annex, "row": rec.row, "locality": rec.locality,
                        "service_no": rec.service_no, "position": rec.position, "position_key": key[1],
                        "price_kzt": _dec(price), "time_norm_min": None if t is None else Decimal(_fmt_time(t)),
                        "hourly_rate": rate, "minutes": minutes, "expected_price_kzt": expected, "fits": fits,
                        "method": method, "reason": reason, "suggestion": suggestion})
    res = pd.DataFrame(out, columns=AUDIT_COLUMNS)
    for col in ("annex", "row", "service_no"):
        res[col] = pd.array(res[col].tolist(), dtype="Int64")
    for col in ("fits", "time_norm_min", "expected_price_kzt"):
        res[col] = res[col].astype(object).where(res[col].notna(), None)
    return res.sort_values(["decree_id", "annex", "row", "locality"], kind="stable").reset_index(drop=True)


def decree_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Per decree, annex, locality and position: the inferred hourly rate (Decimal, None when it cannot be
    judged), rows, rows fitting it, status (ok, ambiguous, too_few_rows, no_consistent_rate) and method
    (printed_time: from the rows' time norms; time_share: from simple shares of an hour)."""
    out = []
    for _, annex, dec in _annexes(df):
        for (loc, pos), g in sorted(_infer(dec).items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            out.append({"decree_id": g.decree_id, "annex": annex, "locality": loc, "position_key": pos,
                        "hourly_rate": _dec(g.rate) if g.rate is not None else None,
                        "rows": g.n_rows, "rows_fitting": g.fitting, "status": g.status, "method": g.method})
    res = pd.DataFrame(out, columns=RATE_COLUMNS)
    for col in ("annex", "rows", "rows_fitting"):
        res[col] = pd.array(res[col].tolist(), dtype="Int64")
    return res
