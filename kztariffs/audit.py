"""Tariff audit: infer each position's hourly rate and each row's time share; flag rows that break it.

This module is the audit's public face (:func:`audit_decree`, :func:`decree_rates`, the column lists) and
its method, described below. The work is split by idea: :mod:`kztariffs.audit_rates` infers the rates
(exact arithmetic, ranking, status), :mod:`kztariffs.audit_checks` judges and explains each row, and
:mod:`kztariffs.audit_text` writes the explanations in a language (``messages/audit_reasons.yaml``).

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

Reasons and suggestions: ``reason``/``suggestion`` are English texts (stable, for CSV files and scripts);
``reason_key``/``suggestion_key`` name the main message and ``reason_values``/``suggestion_values`` hold
every part as JSON ``[[key, {values}], ...]``, which :func:`kztariffs.audit_text.render` writes in
Kazakh, Russian or English.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from . import audit_text
from .audit_checks import explain, explain_timed, fmt_time
from .audit_rates import (COMMON_SHARES, MIN_ROWS, PRINTED_TIME, SHARES, TIME_SHARE, annexes, dec, frac, infer,
                          share_of, time_norm)

__all__ = ["AUDIT_COLUMNS", "CLI_FIRST", "COMMON_SHARES", "MIN_ROWS", "PRINTED_TIME", "RATE_COLUMNS", "SHARES",
           "TIME_SHARE", "audit_decree", "decree_rates", "share_of"]

AUDIT_COLUMNS = ["decree_id", "annex", "row", "locality", "service_no", "position", "position_key", "price_kzt",
                 "time_norm_min", "hourly_rate", "minutes", "expected_price_kzt", "fits", "method", "reason",
                 "suggestion", "reason_key", "reason_values", "suggestion_key", "suggestion_values"]
CLI_FIRST = ["annex", "row", "position_key", "hourly_rate", "time_norm_min", "minutes", "fits", "reason",
             "suggestion"]
RATE_COLUMNS = ["decree_id", "annex", "locality", "position_key", "hourly_rate", "rows", "rows_fitting", "status",
                "method"]


def _texts(reason: list, suggestion: list) -> dict:
    return {"reason": audit_text.english(reason), "suggestion": audit_text.english(suggestion),
            "reason_key": reason[0][0] if reason else "", "reason_values": audit_text.dumps(reason),
            "suggestion_key": suggestion[0][0] if suggestion else "",
            "suggestion_values": audit_text.dumps(suggestion)}


def audit_decree(df_one_decree: pd.DataFrame) -> pd.DataFrame:
    """One row per tariff row (decree, annex, row, locality): the position's hourly rate, the row's
    minutes at that rate, whether it fits (a simple share, or exactly its printed time norm), why not and
    a suggestion (English texts, and message keys with their values for other languages). Columns
    ``AUDIT_COLUMNS``. The input is not modified. (Several decrees and annexes in the input are audited one
    by one; rates are never pooled across annexes.)"""
    out = []
    for _, annex, rows in annexes(df_one_decree):
        groups = infer(rows)
        for rec in rows.sort_values(["locality", "row"]).itertuples(index=False):
            key = (rec.locality, rec.position_key if isinstance(rec.position_key, str) and rec.position_key else None)
            price = frac(rec.price_kzt)
            t = time_norm(rec.time_norm_min)
            if t is None:
                rate, minutes, fits, reason, suggestion = explain(price, key, groups[key], groups)
                expected, method = None, TIME_SHARE
            else:
                rate, minutes, expected, fits, reason, suggestion = explain_timed(price, t, key, groups[key], groups)
                method = PRINTED_TIME
            out.append({"decree_id": rec.decree_id, "annex": annex, "row": rec.row, "locality": rec.locality,
                        "service_no": rec.service_no, "position": rec.position, "position_key": key[1],
                        "price_kzt": dec(price), "time_norm_min": None if t is None else Decimal(fmt_time(t)),
                        "hourly_rate": rate, "minutes": minutes, "expected_price_kzt": expected, "fits": fits,
                        "method": method, **_texts(reason, suggestion)})
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
    for _, annex, rows in annexes(df):
        for (loc, pos), g in sorted(infer(rows).items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            out.append({"decree_id": g.decree_id, "annex": annex, "locality": loc, "position_key": pos,
                        "hourly_rate": dec(g.rate) if g.rate is not None else None,
                        "rows": g.n_rows, "rows_fitting": g.fitting, "status": g.status, "method": g.method})
    res = pd.DataFrame(out, columns=RATE_COLUMNS)
    for col in ("annex", "rows", "rows_fitting"):
        res[col] = pd.array(res[col].tolist(), dtype="Int64")
    return res
