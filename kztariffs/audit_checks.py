"""Row checks of the tariff audit: given each position's rate (:mod:`kztariffs.audit_rates`), does a row's
price fit it -- as a simple share of an hour (``time_share``) or exactly at its printed time norm
(``printed_time``) -- and if not, why, and what should the printed value probably be.

Kept apart from the rate inference because this part only explains: it never changes a rate nor the
data. Reasons and suggestions are returned as message parts (``[(key, values), ...]``, see
:mod:`kztariffs.audit_text`), not as sentences, so that every language is written from the same finding.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .audit_rates import (COMMON_SHARES, MIN_ROWS, SHARES, TIME_SHARE, Group, dec, minutes_at, round_tiyn,
                          share_of, whole_minutes)
from .numbers import to_tiyn

Parts = list[tuple[str, dict]]


def fmt_time(minutes: Fraction) -> str:
    """Minutes as printed: 30, 7.5, 2.25 (exact, no trailing zeros)."""
    d = Decimal(minutes.numerator) / Decimal(minutes.denominator)
    return f"{d.normalize():f}"


def _share_min(share: Fraction) -> str:
    return fmt_time(share * 60)


def _other_fit(price: Fraction, key: tuple, groups: dict[tuple, Group]):
    """Another position of the same decree and locality whose rate gives this price at a simple share."""
    for other, g in sorted(groups.items(), key=lambda kv: (-kv[1].fitting, str(kv[0]))):
        if other == key or other[0] != key[0] or g.rate is None or g.status not in ("ok", "ambiguous"):
            continue
        s = share_of(price, g.rate)
        if s is not None:
            return g, s
    return None


def _looks_like(price: Fraction, key: tuple, groups: dict[tuple, Group]) -> Parts:
    other = _other_fit(price, key, groups)
    if not other:
        return []
    og, s = other
    return [("audit_s_looks_like", {"other": og.position_key, "price": str(dec(price)), "minutes": _share_min(s),
                                    "rate": str(dec(og.rate))})]


def _nearest(price: Fraction, rate: Fraction) -> tuple[Fraction, Fraction]:
    """Nearest simple-share price (ties: the smaller change, then the shorter time)."""
    best = min(SHARES, key=lambda s: (abs(round_tiyn(rate * s) - price), s))
    return round_tiyn(rate * best), best


def _group_session(price: Fraction, rate: Fraction) -> Parts:
    """A price that is a common-share price divided by a small group size (116.18 = 580.90 / 5)."""
    for n in range(2, 11):
        for s in sorted(COMMON_SHARES):
            full = round_tiyn(rate * s)
            if round_tiyn(full / n) == price:
                return [("audit_r_group", {"minutes": _share_min(s), "full": str(dec(full)), "group": n})]
    return []


def _where(g: Group) -> dict:
    return {"where": "audit_where_decree"} if g.annex == 1 else {"where": "audit_where_annex", "annex": g.annex}


def _uncertain(g: Group) -> Parts:
    return [("audit_r_uncertain", {"position": g.position_key})] if g.status == "ambiguous" else []


def _shown_minutes(price: Fraction, rate: Fraction, implied: Decimal) -> str:
    """The implied minutes to 0.1, or to 0.01 when 0.1 would look whole (49.97, not 50.0)."""
    return str(implied if implied.quantize(Decimal(1)) != implied else dec(price * 60 / rate, "0.01"))


def explain_timed(price: Fraction, minutes: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    """(hourly_rate, implied minutes, expected price, fits, reason parts, suggestion parts) of a row with a
    printed time."""
    p, t = str(dec(price)), fmt_time(minutes)
    if g.status in ("too_few_rows", "no_consistent_rate") or g.rate is None:
        _, _, _, why, hint = explain(price, key, g, groups)
        why = why + [("audit_r_implied_rate", {"time": t, "price": p, "rate": str(dec(price * 60 / minutes))})]
        return None, None, None, None, why, hint
    rate = g.rate
    r = dec(rate)
    implied = minutes_at(price, rate)
    expected = to_tiyn(rate * minutes / 60)
    notes = [("audit_r_rate_from_shares", {"position": g.position_key})] if g.method == TIME_SHARE else []
    notes += _uncertain(g)
    if expected == dec(price):
        return r, implied, expected, True, notes, []
    reason = [("audit_r_printed_time", {"time": t, "price": p, "minutes": _shown_minutes(price, rate, implied),
                                        "rate": str(r), "position": g.position_key, "expected": str(expected)})]
    whole = whole_minutes(price, rate)
    at = {"expected": str(expected), "time": t}
    suggestion = [("audit_s_printed", at) if whole is None else
                  ("audit_s_printed_or_time", {**at, "minutes": str(whole), "price": p})]
    return r, implied, expected, False, reason + notes, suggestion + _looks_like(price, key, groups)


def explain(price: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    """(hourly_rate, minutes, fits, reason parts, suggestion parts) of one row without a printed time."""
    if not (g.status in ("too_few_rows", "no_consistent_rate") or g.rate is None):
        return _explain_share(price, key, g, groups)
    pos = {"position": g.position_key}
    if g.position_key is None:
        why = [("audit_r_unknown_spelling", {})]
    elif g.status == "too_few_rows" and g.n_rows < MIN_ROWS:
        why = [("audit_r_one_row", {**pos, "rows": g.n_rows, **_where(g), "locality": g.locality,
                                    "min_rows": MIN_ROWS})]
    elif g.status == "too_few_rows" and g.method == TIME_SHARE and g.timed:
        why = [("audit_r_few_of_each", {**pos, "timed": len(g.timed), "untimed": len(g.prices), **_where(g),
                                        "locality": g.locality, "min_rows": MIN_ROWS})]
    elif g.fitting < MIN_ROWS:
        why = [("audit_r_no_fit", {**pos, "min_rows": MIN_ROWS, "rows": g.n_rows})]
    else:
        why = [("audit_r_inconsistent", {**pos, "fitting": g.fitting, "rows": g.n_rows})]
    hint = []
    other = _other_fit(price, key, groups)
    if other:
        og, s = other
        why.append(("audit_r_other_fits", {"price": str(dec(price)), "minutes": _share_min(s),
                                           "rate": str(dec(og.rate)), "position": og.position_key}))
        hint = [("audit_s_check_other", {"position": og.position_key, "rate": str(dec(og.rate))})]
    return None, None, None, why, hint


def _explain_share(price: Fraction, key: tuple, g: Group, groups: dict[tuple, Group]):
    p = str(dec(price))
    rate = g.rate
    r = dec(rate)
    minutes = minutes_at(price, rate)
    s = share_of(price, rate)
    if s is not None:
        reason = [] if s in COMMON_SHARES else [("audit_r_uncommon", {"minutes": _share_min(s), "share": str(s)})]
        return r, minutes, True, reason + _uncertain(g), []
    whole = whole_minutes(price, rate)
    at = {"price": p, "rate": str(r), "position": g.position_key}
    if whole is not None:
        reason = [("audit_r_whole_minutes", {**at, "minutes": str(whole)})]
    else:
        reason = [("audit_r_not_share", {**at, "minutes": _shown_minutes(price, rate, minutes)})]
    near, ns = _nearest(price, rate)
    suggestion = [("audit_s_nearest", {"price": str(dec(near)), "minutes": _share_min(ns)})]
    return r, minutes, False, reason + _group_session(price, rate), suggestion + _looks_like(price, key, groups)
