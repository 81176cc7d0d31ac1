"""Service-cost scenarios: what a care package costs a month per recipient, and what serving N recipients
costs a region under an indexation.

A scenario is a YAML file (``data/scenarios/*.yaml``); :func:`load_scenario` reads and validates it (every
problem is a one-line :class:`~kztariffs.errors.DecreeError` naming the file). The file format and its
validation are in :mod:`kztariffs.scenario_file`; the INDICATIVE staff view in :mod:`kztariffs.scenario_staff`;
the tidy result table in :mod:`kztariffs.scenario_output`.

A region's tariffs are the rows of its decree for the scenario's ``setting`` and ``year``; a decree whose
annexes are in several settings contributes only the rows of its annexes in that setting.

Conventions (all arithmetic exact, :class:`fractions.Fraction` inside, Decimal out):

* monthly quantity of a package item = times x periods per month, where a month has ``weeks_per_month``
  weeks and ``days_per_month`` days; for a per-recipient-day tariff (semi-stationary) a "day" is an
  attendance day (``attendance_days_per_month``), so it is priced as days x services per day;
* a year is 12 months (a "per day" service therefore counts 12 x days_per_month days a year);
* money is rounded to the tiyn (0.01 tenge) only when reported, half-up (:func:`money`); totals are
  rounded from the exact sums, so a total may differ by a tiyn from the sum of rounded lines;
* a service the package references but a region does not price is reported (status ``missing``), never
  priced as 0, and the region's totals are then empty (the priced subtotal is shown separately);
* percent indexation: year k of the horizon (k = 0 for the scenario's year) costs (1 + p/100)^k times the
  base; hourly-rate indexation: from year 1 on, every row of a position in ``hourly_rates`` costs
  price x new rate / current rate (the row's time share times the new rate), current rates being those
  :func:`kztariffs.audit.decree_rates` infers for the row's decree;
* the staff view is INDICATIVE: minimum staffing norms of order No. 308 (2022, since repealed) times
  hours per staff unit times the hourly rates implied by the tariffs; it is not a budget.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

from .errors import DecreeError
from .numbers import format_kzt, to_tiyn
from .scenario_file import TOP_KEYS, load_scenario
from .scenario_model import (DEFAULT_DAYS_PER_MONTH, DEFAULT_HOURS_PER_STAFF_UNIT, DEFAULT_WEEKS_PER_MONTH,
                             INDICATIVE, LOCALITIES, ORGANIZATION_TYPES, PERIODS, SETTINGS, Item, Scenario,
                             exact)
from .scenario_output import result_table
from .scenario_staff import read_norms, staff_summary, staff_view

__all__ = [  # the scenario API (its parts live in scenario_file, scenario_model, scenario_staff, scenario_output)
    "DEFAULT_DAYS_PER_MONTH", "DEFAULT_HOURS_PER_STAFF_UNIT", "DEFAULT_WEEKS_PER_MONTH", "INDICATIVE", "LOCALITIES",
    "MONTHS_PER_YEAR", "ORGANIZATION_TYPES", "PERIODS", "SETTINGS", "TOP_KEYS", "Item", "Result", "Scenario",
    "by_category", "by_position", "by_region", "exact", "fmt_money", "load_scenario",
    "missing_services", "money", "monthly_quantity", "over_horizon", "price_package", "read_norms",
    "resolve_items", "result_table", "run_scenario", "staff_summary", "staff_view"]

SCENARIO_DIR = Path("data/scenarios")
STAFFING_NORMS = Path("data/processed/staffing_norms.csv")
MONTHS_PER_YEAR = 12


# ----------------------------------------------------------------------------------------------- numbers

def money(value: Fraction | Decimal | int | None) -> Decimal | None:
    """Round to the tiyn (0.01), half-up, from the exact value."""
    return to_tiyn(value)


def fmt_money(value) -> str:
    return format_kzt(value)


# ----------------------------------------------------------------------------------------------- pricing

def _annex(df: pd.DataFrame) -> pd.Series:
    return df["annex"].fillna(1).astype(int) if "annex" in df else pd.Series(1, index=df.index, dtype=int)


def _region_decrees(scn: Scenario, df: pd.DataFrame, region: str) -> pd.DataFrame:
    """The rows of the region's decree for the scenario's setting and year (only the annexes in that setting)."""
    rows = df[(df["area"] == region) & (df["setting"] == scn.setting) & (df["year"] == scn.year)]
    ids = sorted(rows["decree_id"].unique())
    if not ids:
        raise DecreeError(scn.path, f"the dataset has no {scn.setting} tariffs for {scn.year} in region {region!r}")
    if len(ids) > 1:
        raise DecreeError(scn.path, f"region {region!r} has several {scn.setting} decrees for {scn.year} "
                                    f"({', '.join(ids)}); keep one in the dataset")
    return rows


def resolve_items(scn: Scenario, df: pd.DataFrame) -> pd.DataFrame:
    """Each package item with its service key, category, position and the row it was referenced by."""
    out = []
    for it in scn.package:
        if it.service_key:
            rows = df[df["service_key"] == it.service_key]
            if rows.empty:
                raise DecreeError(scn.path, f"package item {it.index}: service_key {it.service_key!r} "
                                            f"is not in the dataset")
        else:
            in_decree = df[df["decree_id"] == it.decree_id]
            rows = in_decree[(_annex(in_decree) == it.annex) & (in_decree["row"] == it.row)]
            if rows.empty:
                what = f"package item {it.index}: decree {it.decree_id}"
                if in_decree.empty:
                    raise DecreeError(scn.path, f"package item {it.index}: decree {it.decree_id!r} is not in the dataset")
                if not (_annex(in_decree) == it.annex).any():
                    annexes = ", ".join(map(str, sorted(set(_annex(in_decree)))))
                    raise DecreeError(scn.path, f"{what} has no annex {it.annex} (annexes: {annexes})")
                where = "" if it.annex == 1 else f" in annex {it.annex}"
                raise DecreeError(scn.path, f"{what} has no row {it.row}{where}")
        first = rows.assign(_annex=_annex(rows)).sort_values(["decree_id", "_annex", "row"]).iloc[0]
        if first["setting"] != scn.setting:
            raise DecreeError(scn.path, f"package item {it.index}: {it.ref} is a {first['setting']} tariff, "
                                        f"the scenario is {scn.setting}")
        if first["position_key"] != it.position:
            raise DecreeError(scn.path, f"package item {it.index}: {it.ref} is priced for position "
                                        f"{first['position_key']!r}, not {it.position!r}")
        key = first["service_key"]
        if key is None or (isinstance(key, float) and math.isnan(key)):
            raise DecreeError(scn.path, f"package item {it.index}: {it.ref} has no service_key (run the linking)")
        out.append({"item": it.index, "label": it.label or "", "ref": it.ref, "service_key": key,
                    "category": first["category"], "position_key": first["position_key"],
                    "service_text": first["service_text"], "times": it.times, "per": it.per,
                    "frequency": it.frequency})
    return pd.DataFrame(out)


def _pick_row(cands: pd.DataFrame, locality: str) -> tuple[pd.Series | None, str]:
    """The row of a region that prices the service for ``locality``; an ``all`` tariff applies to both."""
    if locality in ("city", "village"):
        exact_rows = cands[cands["locality"] == locality]
        if not exact_rows.empty:
            return exact_rows.iloc[0], ""
        all_rows = cands[cands["locality"] == "all"]
        if not all_rows.empty:
            return all_rows.iloc[0], f"'all' tariff used for {locality}"
        return None, f"no {locality} tariff for this service"
    all_rows = cands[cands["locality"] == "all"]
    if not all_rows.empty:
        return all_rows.iloc[0], ""
    have = sorted(cands["locality"].unique())
    return None, (f"only {'/'.join(have)} tariff(s) for this service; set locality for the region"
                  if have else "service not priced in this region")


def monthly_quantity(scn: Scenario, times: Fraction, per: str, unit: str) -> Fraction:
    """How many services (per-service tariffs) or service-days (per-recipient-day tariffs) a month."""
    if per == "month":
        return times
    if per == "week":
        return times * scn.weeks_per_month
    days = scn.attendance_days_per_month if unit == "per_recipient_day" else scn.days_per_month
    return times * days


def price_package(scn: Scenario, df: pd.DataFrame) -> pd.DataFrame:
    """One line per package item and region: the tariff row used and the exact costs (Fractions).

    Columns: item, label, ref, region, locality, decree_id, annex, row, service_key, category, position_key,
    unit, price_kzt (Decimal), frequency, quantity_per_month, monthly_per_recipient, yearly_per_recipient,
    monthly_total, yearly_total, status (priced | missing), note. Missing lines have empty costs.
    """
    items = resolve_items(scn, df)
    lines = []
    for region in scn.regions:
        rdf = _region_decrees(scn, df, region)
        loc = scn.locality[region]
        for it in items.itertuples():
            cands = rdf[rdf["service_key"] == it.service_key]
            row, note = _pick_row(cands, loc)
            base = {"item": it.item, "label": it.label, "ref": it.ref, "region": region, "locality": loc,
                    "service_key": it.service_key, "category": it.category, "position_key": it.position_key,
                    "frequency": it.frequency, "service_text": it.service_text}
            if row is None:
                if cands.empty:
                    note = f"service not priced in {region}'s {scn.setting} {scn.year} tariffs"
                lines.append({**base, "decree_id": rdf["decree_id"].iloc[0], "annex": None, "row": None, "unit": None,
                              "price_kzt": None, "quantity_per_month": None, "monthly_per_recipient": None,
                              "yearly_per_recipient": None, "monthly_total": None, "yearly_total": None,
                              "status": "missing", "note": note})
                continue
            qty = monthly_quantity(scn, it.times, it.per, row["unit"])
            monthly = Fraction(row["price_kzt"]) * qty
            lines.append({**base, "decree_id": row["decree_id"], "annex": int(row["annex"]) if "annex" in row else 1,
                          "row": int(row["row"]), "unit": row["unit"],
                          "row_locality": row["locality"], "price_kzt": row["price_kzt"],
                          "quantity_per_month": qty, "monthly_per_recipient": monthly,
                          "yearly_per_recipient": monthly * MONTHS_PER_YEAR,
                          "monthly_total": monthly * scn.recipients,
                          "yearly_total": monthly * MONTHS_PER_YEAR * scn.recipients,
                          "status": "priced", "note": note})
    out = pd.DataFrame(lines)
    if "row_locality" not in out:
        out["row_locality"] = None
    for col in ("annex", "row"):
        out[col] = pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype="Int64")
    return out


def _sum(values) -> Fraction:
    return sum((v for v in values if v is not None), Fraction(0))


def by_region(scn: Scenario, lines: pd.DataFrame) -> pd.DataFrame:
    """Per region: cost per recipient a month and a year, totals for N recipients, difference to the base
    region (the first in ``regions``). Totals are empty when a service is missing in the region."""
    out = []
    for region in scn.regions:
        g = lines[lines["region"] == region]
        priced = g[g["status"] == "priced"]
        missing = g[g["status"] == "missing"]
        sub = _sum(priced["monthly_per_recipient"])
        complete = missing.empty
        out.append({"region": region, "locality": scn.locality[region],
                    "decree_id": ", ".join(sorted(g["decree_id"].dropna().unique())),
                    "services": len(g), "priced": len(priced), "missing": len(missing), "complete": complete,
                    "monthly_per_recipient": sub if complete else None,
                    "yearly_per_recipient": sub * MONTHS_PER_YEAR if complete else None,
                    "monthly_total": sub * scn.recipients if complete else None,
                    "yearly_total": sub * MONTHS_PER_YEAR * scn.recipients if complete else None,
                    "priced_subtotal_monthly_per_recipient": sub,
                    "missing_items": ", ".join(str(i) for i in missing["item"])})
    res = pd.DataFrame(out)
    base = res["monthly_per_recipient"].iloc[0]
    res["monthly_per_recipient_diff_vs_base"] = [
        None if (v is None or base is None) else v - base for v in res["monthly_per_recipient"]]
    return res


def _group(scn: Scenario, lines: pd.DataFrame, key: str) -> pd.DataFrame:
    out = []
    for (region, k), g in lines.groupby(["region", key], sort=False, dropna=False):
        priced = g[g["status"] == "priced"]
        m = _sum(priced["monthly_per_recipient"])
        out.append({"region": region, key: k, "services": len(g), "missing": int((g["status"] == "missing").sum()),
                    "monthly_per_recipient": m, "yearly_per_recipient": m * MONTHS_PER_YEAR,
                    "monthly_total": m * scn.recipients, "yearly_total": m * MONTHS_PER_YEAR * scn.recipients})
    return pd.DataFrame(out)


def by_category(scn: Scenario, lines: pd.DataFrame) -> pd.DataFrame:
    """Per region and category: priced cost (``missing`` counts the unpriced services of the group)."""
    return _group(scn, lines, "category")


def by_position(scn: Scenario, lines: pd.DataFrame) -> pd.DataFrame:
    """Per region and position: priced cost (``missing`` counts the unpriced services of the group)."""
    return _group(scn, lines, "position_key")


def _decree_rates(df: pd.DataFrame, rates: pd.DataFrame | None, scn: Scenario) -> pd.DataFrame:
    if rates is not None:
        return rates
    try:
        from .audit import decree_rates
    except ImportError:
        raise DecreeError(scn.path, "hourly rates need kztariffs.audit.decree_rates, which is not available") from None
    return decree_rates(df)


def _rate_lookup(rates: pd.DataFrame) -> dict:
    """(decree_id, annex, position_key, locality) -> rate; annex and locality None: any (the first given)."""
    table: dict = {}
    for r in rates.itertuples(index=False):
        rate = getattr(r, "hourly_rate", None)
        if rate is None or (isinstance(rate, float) and math.isnan(rate)) or pd.isna(rate):
            continue
        loc = getattr(r, "locality", None) if "locality" in rates.columns else None
        annex = getattr(r, "annex", None) if "annex" in rates.columns else None
        annex = None if annex is None or pd.isna(annex) else int(annex)
        for a in {annex, None}:
            for lc in {loc, None}:
                if a == annex and lc == loc:
                    table[(r.decree_id, a, r.position_key, lc)] = Fraction(str(rate))
                else:
                    table.setdefault((r.decree_id, a, r.position_key, lc), Fraction(str(rate)))
    return table


def over_horizon(scn: Scenario, lines: pd.DataFrame, df: pd.DataFrame | None = None,
                 rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per region and year of the horizon: cost per recipient a month, yearly total for N recipients, and the
    cumulative total. Year 0 is the scenario's year at the decrees' tariffs. ``rates`` (decree_id,
    position_key, hourly_rate[, annex, locality]) default to :func:`kztariffs.audit.decree_rates` of ``df`` and are
    only needed for hourly-rate indexation."""
    line_factor: dict[int, Fraction | None] = {}
    notes: dict[str, list[str]] = {}
    if scn.hourly_rates:
        if rates is None and df is None:
            raise DecreeError(scn.path, "hourly-rate indexation needs the dataset (df) or the rates table")
        lookup = _rate_lookup(_decree_rates(df, rates, scn))
        for idx, ln in lines.iterrows():
            if ln["status"] != "priced" or ln["position_key"] not in scn.hourly_rates:
                line_factor[idx] = Fraction(1)
                continue
            annex = None if pd.isna(ln.get("annex")) else int(ln["annex"])
            cur = next((lookup[k] for k in ((ln["decree_id"], annex, ln["position_key"], ln["row_locality"]),
                                            (ln["decree_id"], annex, ln["position_key"], None),
                                            (ln["decree_id"], None, ln["position_key"], ln["row_locality"]),
                                            (ln["decree_id"], None, ln["position_key"], None)) if k in lookup), None)
            if cur is None:
                line_factor[idx] = None
                notes.setdefault(ln["region"], []).append(
                    f"item {ln['item']}: no current hourly rate of {ln['position_key']} in {ln['decree_id']}")
            else:
                line_factor[idx] = scn.hourly_rates[ln["position_key"]] / cur
    out = []
    for region in scn.regions:
        g = lines[lines["region"] == region]
        complete = not (g["status"] == "missing").any()
        cumulative = Fraction(0)
        for k in range(scn.horizon_years):
            if scn.percent_per_year is not None:
                monthly = _sum(g["monthly_per_recipient"]) * (1 + scn.percent_per_year / 100) ** k
            elif scn.hourly_rates and k >= 1:
                fs = [line_factor.get(i) for i in g.index if g.at[i, "status"] == "priced"]
                monthly = None if any(f is None for f in fs) else _sum(
                    g.at[i, "monthly_per_recipient"] * line_factor[i] for i in g.index if g.at[i, "status"] == "priced")
            else:
                monthly = _sum(g["monthly_per_recipient"])
            if not complete:
                monthly = None
            yearly = None if monthly is None else monthly * MONTHS_PER_YEAR * scn.recipients
            cumulative = None if (cumulative is None or yearly is None) else cumulative + yearly
            out.append({"region": region, "year_index": k, "year": scn.year + k, "indexation": scn.indexation_text,
                        "monthly_per_recipient": monthly,
                        "yearly_per_recipient": None if monthly is None else monthly * MONTHS_PER_YEAR,
                        "yearly_total": yearly, "cumulative_total": cumulative,
                        "note": "; ".join(notes.get(region, [])) if (k >= 1 and scn.hourly_rates) else
                        ("" if complete else "incomplete: a service is missing in this region")})
    return pd.DataFrame(out)


def missing_services(lines: pd.DataFrame) -> pd.DataFrame:
    """The services a region does not price: reported, never priced as 0."""
    cols = ["region", "item", "label", "ref", "service_key", "category", "position_key", "decree_id", "note"]
    return lines.loc[lines["status"] == "missing", cols].reset_index(drop=True)



@dataclass
class Result:
    scenario: Scenario
    lines: pd.DataFrame
    regions: pd.DataFrame
    categories: pd.DataFrame
    positions: pd.DataFrame
    horizon: pd.DataFrame
    missing: pd.DataFrame
    staff: pd.DataFrame | None
    warnings: list[str]

    def table(self) -> pd.DataFrame:
        return result_table(self.scenario, self.lines, self.regions, self.categories, self.positions,
                            self.horizon, self.staff)


def run_scenario(path: str | Path, overrides: dict | None = None, df: pd.DataFrame | None = None,
                 dataset: str | Path = "data/processed/tariffs.parquet", norms: pd.DataFrame | None = None,
                 norms_path: str | Path = STAFFING_NORMS, rates: pd.DataFrame | None = None) -> Result:
    """Load the scenario and compute every view (what the CLI and the notebook call)."""
    scn = load_scenario(path, overrides)
    if df is None:
        dataset = Path(dataset)
        if not dataset.is_file():
            raise DecreeError(dataset, "dataset not found; run `kztariffs build` first")
        from .dataset import load_dataset

        df = load_dataset(dataset)
    lines = price_package(scn, df)
    warnings: list[str] = []
    try:
        horizon = over_horizon(scn, lines, df, rates)
    except DecreeError as exc:
        if not scn.hourly_rates:
            raise
        warnings.append(f"horizon not computed: {exc}")
        horizon = None
    staff = None
    if scn.staff is not None:
        try:
            staff = staff_view(scn, read_norms(norms_path) if norms is None else norms, df, rates)
        except DecreeError as exc:
            warnings.append(f"staff view ({INDICATIVE}) not computed: {exc}")
    return Result(scn, lines, by_region(scn, lines), by_category(scn, lines), by_position(scn, lines),
                  horizon, missing_services(lines), staff, warnings)
