"""Comparisons as tidy DataFrames: areas side by side, settings side by side, positions by implied
hourly rate, one authority across years. Money stays exact (``Decimal``); percentages are Decimals
rounded half up to 0.01. Every row keeps the decree ids / annex and row numbers it comes from (a row of
a decree is identified by ``decree_id, annex, row``; a decree's annexes may be in different settings, so
settings are taken from the rows, i.e. from their annex).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .audit import decree_rates
from .numbers import to_tiyn
from .vocab import label

LOCALITY_PREFERENCE = ("all", "city", "village")
_CENT = Decimal("0.01")


def _q(x: Decimal | None) -> Decimal | None:
    return to_tiyn(x)


def pct_change(new: Decimal | None, base: Decimal | None) -> Decimal | None:
    """(new - base) / base * 100, exact, rounded half up to 0.01; None if either is missing or base is 0."""
    if new is None or base is None or base == 0:
        return None
    return ((Decimal(new) - Decimal(base)) * 100 / Decimal(base)).quantize(_CENT, rounding=ROUND_HALF_UP)


def decimal_median(values) -> Decimal | None:
    vals = sorted(Decimal(v) for v in values if v is not None)
    if not vals:
        return None
    n = len(vals)
    mid = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
    return _q(mid)


def _latest_decree(sub: pd.DataFrame) -> str:
    """The decree in force: the latest decree date (then the largest id) among several."""
    d = sub[["decree_id", "decree_date"]].drop_duplicates().fillna({"decree_date": ""})
    return d.sort_values(["decree_date", "decree_id"]).iloc[-1]["decree_id"]


def _pick_locality(sub: pd.DataFrame, locality: str | None) -> pd.DataFrame:
    if locality is not None:
        return sub[sub["locality"] == locality]
    present = set(sub["locality"])
    for loc in LOCALITY_PREFERENCE:
        if loc in present:
            return sub[sub["locality"] == loc]
    return sub.iloc[0:0]


# ---------------------------------------------------------------- regions side by side

def ordered_areas(df: pd.DataFrame, areas) -> list[str]:
    """Areas in the order comparisons show them: the area with the most decrees in ``df`` first
    (differences are against it: usually the region's centre), then by key."""
    n_decrees = df.groupby("area")["decree_id"].nunique()
    return sorted({a for a in areas if isinstance(a, str)}, key=lambda a: (-n_decrees.get(a, 0), a))


def compare_areas(df: pd.DataFrame, setting: str, year: int, areas: list[str] | None = None,
                  positions: list[str] | None = None, locality: str | None = None,
                  linked_only: bool = True) -> pd.DataFrame:
    """One row per linked service (``service_key``) and position, with each area's service text,
    row, price and the absolute and % difference from the first area.

    Columns: ``service_key, category, position_key``, then per area ``decree_<a>, annex_<a>, row_<a>,
    locality_<a>, service_text_<a>, price_<a>``, then for every area but the first ``diff_<a>`` and
    ``pct_<a>``. ``areas`` default: all areas with that setting and year, sorted. Per area the decree
    with the latest date is used (its annexes of that setting), and its ``all`` column, else ``city``, else
    ``village`` (or the given ``locality``). ``linked_only``: keep services priced in at least two areas.
    Sorted by the first area's annex and row, then the next area's ...
    """
    sub = df[(df["setting"] == setting) & (df["year"] == year)]
    if areas is None:
        areas = sorted(a for a in sub["area"].dropna().unique())
    if positions is not None:
        sub = sub[sub["position_key"].isin(positions)]
    parts = [_area_part(sub, area, locality) for area in areas]
    wide = _outer_join(parts)
    if wide is None or wide.empty:
        cols = ["service_key", "category", "position_key"]
        return pd.DataFrame(columns=cols)
    prices = {a: wide[f"price_{a}"].astype(object).where(wide[f"price_{a}"].notna(), None) for a in areas}
    if linked_only and len(areas) > 1:
        keep = pd.concat(prices, axis=1).notna().sum(axis=1) >= 2
        wide, prices = wide[keep], {a: p[keep] for a, p in prices.items()}
    base = areas[0]
    cols = {c: wide[c] for c in wide.columns}  # every column at once: one frame, not one insert per column
    for a in areas[1:]:
        cols[f"diff_{a}"] = [None if (x is None or b is None) else _q(Decimal(x) - Decimal(b))
                             for x, b in zip(prices[a], prices[base])]
        cols[f"pct_{a}"] = [pct_change(x, b) for x, b in zip(prices[a], prices[base])]
    for a in areas:
        cols[f"price_{a}"] = prices[a].map(_q)
    out = pd.DataFrame(cols, index=wide.index)
    sort_cols = [c for a in areas for c in (f"annex_{a}", f"row_{a}")]
    return out.sort_values(sort_cols, na_position="last").reset_index(drop=True)


_KEYS = ["service_key", "position_key"]


def _area_part(sub: pd.DataFrame, area: str, locality: str | None) -> pd.DataFrame:
    """One area's rows of the comparison: its latest decree, one locality, one row per service and position."""
    a = sub[sub["area"] == area]
    if not a.empty:
        a = _pick_locality(a[a["decree_id"] == _latest_decree(a)], locality)
    return pd.DataFrame({
        "service_key": a["service_key"].values, "category": a["category"].values,
        "position_key": a["position_key"].values, f"decree_{area}": a["decree_id"].values,
        f"annex_{area}": pd.array(_annex(a).tolist(), dtype="Int64"),
        f"row_{area}": pd.array(a["row"].tolist(), dtype="Int64"), f"locality_{area}": a["locality"].values,
        f"service_text_{area}": a["service_text"].values, f"price_{area}": a["price_kzt"].values,
    }).drop_duplicates(_KEYS)


def _outer_join(parts: list[pd.DataFrame]) -> pd.DataFrame | None:
    """The areas' parts side by side on (service_key, position_key), as successive outer merges would
    give them (missing keys compare equal, as in a merge; the category is the first area's that has one),
    but built in one concat: with hundreds of areas, merging and inserting column by column is slow and
    floods pandas' PerformanceWarning."""
    if not parts:
        return None
    ids: dict[tuple, int] = {}
    placed = []
    for p in parts:
        pos = [ids.setdefault(_key(s, k), len(ids)) for s, k in zip(p["service_key"], p["position_key"])]
        placed.append(p.set_axis(pd.Index(pos, dtype="int64")))
    index = pd.RangeIndex(len(ids))
    keys = pd.concat([p[_KEYS] for p in placed if len(p)] or [placed[0][_KEYS]])
    keys = keys[~keys.index.duplicated()].reindex(index)
    category = placed[0]["category"].reindex(index)  # its dtype too, as a merge keeps the left one
    for p in placed[1:]:
        category = category.where(category.notna(), p["category"].reindex(index))
    own = [p.drop(columns=["service_key", "category", "position_key"]).reindex(index) for p in placed]
    return pd.concat([keys["service_key"], category, keys["position_key"]] + own, axis=1)


def _key(service_key, position_key) -> tuple:
    return tuple(None if pd.isna(v) else v for v in (service_key, position_key))


# ---------------------------------------------------------------- rates

def _annex(df: pd.DataFrame) -> pd.Series:
    """The rows' annex numbers (1 for frames without the column)."""
    return df["annex"].fillna(1).astype(int) if "annex" in df else pd.Series(1, index=df.index)


def _decree_meta(df: pd.DataFrame) -> pd.DataFrame:
    """Per decree annex: its authority, area, setting, year, date and unit (setting and unit are the annex's)."""
    cols = ["decree_id", "authority_key", "area", "setting", "year", "decree_date", "unit"]
    meta = df[[c for c in cols if c in df]].assign(annex=_annex(df))
    meta = meta.drop_duplicates(["decree_id", "annex"])
    meta["annex"] = meta["annex"].astype("Int64")
    return meta


def position_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Implied hourly rate per decree, annex, locality and position (see ``audit.decree_rates``), with the
    area, the annex's setting and the year. Columns: ``decree_id, annex, area, setting, year, locality,
    position_key, hourly_rate, rows, rows_fitting, status, authority_key, method``. ``hourly_rate`` is None
    when the position has too few rows or no consistent rate."""
    rates = decree_rates(df)
    rates["annex"] = rates["annex"].astype("Int64")
    out = rates.merge(_decree_meta(df), on=["decree_id", "annex"], how="left")
    cols = ["decree_id", "annex", "area", "setting", "year", "locality", "position_key", "hourly_rate", "rows",
            "rows_fitting", "status", "authority_key", "method"]
    return out[cols].sort_values(["area", "setting", "year", "decree_id", "annex", "locality", "position_key"],
                                 na_position="last").reset_index(drop=True)


def compare_settings(df: pd.DataFrame, position_key: str, areas: list[str] | None = None,
                     years: list[int] | None = None, rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The same position in every setting: per decree annex and locality its implied hourly rate, the
    median price of its rows, and how many rows. Columns: ``position_key, setting, area, year, decree_id,
    annex, locality, unit, hourly_rate, status, median_price, rows``. Note that units differ between
    settings (per service vs per recipient per day)."""
    sub = df[df["position_key"] == position_key]
    if areas is not None:
        sub = sub[sub["area"].isin(areas)]
    if years is not None:
        sub = sub[sub["year"].isin(years)]
    if rates is None:
        rates = position_rates(df[df["decree_id"].isin(sub["decree_id"].unique())])
    rates = rates[rates["position_key"] == position_key]
    rates = rates.assign(annex=_annex(rates)).set_index(["decree_id", "annex", "locality"])
    out = []
    for (decree_id, annex, loc), g in sub.groupby([sub["decree_id"], _annex(sub), sub["locality"]], sort=True):
        key = (decree_id, int(annex), loc)
        r = rates.loc[key] if key in rates.index else None
        first = g.iloc[0]
        out.append({"position_key": position_key, "setting": first["setting"], "area": first["area"],
                    "year": first["year"], "decree_id": decree_id, "annex": int(annex), "locality": loc,
                    "unit": first.get("unit"),
                    "hourly_rate": None if r is None else r["hourly_rate"],
                    "status": None if r is None else r["status"],
                    "median_price": decimal_median(g["price_kzt"]), "rows": len(g)})
    cols = ["position_key", "setting", "area", "year", "decree_id", "annex", "locality", "unit", "hourly_rate",
            "status", "median_price", "rows"]
    res = pd.DataFrame(out, columns=cols)
    res["annex"] = pd.array(res["annex"].tolist(), dtype="Int64")
    return res.sort_values(["setting", "area", "year", "locality", "decree_id", "annex"]).reset_index(drop=True)


def authority_years(df: pd.DataFrame, authority_key: str, by_setting: bool = True,
                    rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """One authority across years: per (setting, locality, position) and year the implied hourly rate,
    the previous year's rate and the change in %. With ``by_setting=False`` settings are pooled
    (``setting = "any"``; a year's rate is the median of its decrees' rates) — rates differ by setting,
    so read such a change with care. Positions whose rate cannot be judged are left out.
    Columns: ``authority_key, setting, locality, position_key, year, hourly_rate, decree_ids,
    prev_year, prev_rate, change_pct``."""
    if rates is None:
        rates = position_rates(df[df["authority_key"] == authority_key])
    r = rates[(rates["authority_key"] == authority_key) & rates["hourly_rate"].notna()].copy()
    if not by_setting:
        r["setting"] = "any"
    out = []
    for (setting, loc, pos), g in r.groupby(["setting", "locality", "position_key"], sort=True):
        prev_year, prev_rate = None, None
        for year, gy in g.groupby("year", sort=True):
            rate = decimal_median(gy["hourly_rate"])
            out.append({"authority_key": authority_key, "setting": setting, "locality": loc, "position_key": pos,
                        "year": int(year), "hourly_rate": rate, "decree_ids": ";".join(sorted(set(gy["decree_id"]))),
                        "prev_year": prev_year, "prev_rate": prev_rate, "change_pct": pct_change(rate, prev_rate)})
            prev_year, prev_rate = int(year), rate
    cols = ["authority_key", "setting", "locality", "position_key", "year", "hourly_rate", "decree_ids",
            "prev_year", "prev_rate", "change_pct"]
    res = pd.DataFrame(out, columns=cols)
    res["prev_year"] = pd.array(res["prev_year"].tolist(), dtype="Int64")
    return res


# ---------------------------------------------------------------- labels

def with_labels(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A copy with ``category_label``, ``position_label`` and ``area_label`` in ``kk``, ``ru`` or ``en``
    (for the key columns present; a missing key column gives an empty label column)."""
    out = df.copy()
    for kind, col in (("category", "category"), ("position", "position_key"), ("area", "area")):
        if col in out:
            out[f"{kind}_label"] = [label(kind, k if isinstance(k, str) else None, lang) for k in out[col]]
        else:
            out[f"{kind}_label"] = ""
    return out
