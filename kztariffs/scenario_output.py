"""The tidy result table of a scenario: one row per (view, keys, measure), money in tenge with two decimals."""
from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd

from .numbers import format_kzt
from .scenario_model import INDICATIVE, Scenario, _dec


def _q(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(_dec(Fraction(v)))


def result_table(scn: Scenario, lines: pd.DataFrame, regions: pd.DataFrame | None = None,
                 categories: pd.DataFrame | None = None, positions: pd.DataFrame | None = None,
                 horizon: pd.DataFrame | None = None, staff: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy result: one row per (view, keys, measure) with the value; money in tenge with 2 decimals
    (half-up from the exact sums); an empty value means "not priced" (see status/note), never 0."""
    from .scenario_staff import staff_summary
    from .scenarios import by_category, by_position, by_region

    regions = by_region(scn, lines) if regions is None else regions
    categories = by_category(scn, lines) if categories is None else categories
    positions = by_position(scn, lines) if positions is None else positions
    rows: list[dict] = []

    def add(view, measure, value, unit="KZT", **keys):
        rows.append({"scenario": scn.name, "view": view, **keys, "measure": measure,
                     "value": format_kzt(value) if unit == "KZT" else _q(value), "unit": unit})

    for ln in lines.itertuples(index=False):
        annex = getattr(ln, "annex", None)
        keys = dict(region=ln.region, locality=ln.locality, item=ln.item, label=ln.label, decree_id=ln.decree_id,
                    annex=None if annex is None or pd.isna(annex) else int(annex),
                    row=None if pd.isna(ln.row) else int(ln.row), service_key=ln.service_key,
                    category=ln.category, position_key=ln.position_key, frequency=ln.frequency,
                    status=ln.status, note=ln.note)
        add("line", "price_kzt", ln.price_kzt, **keys)
        add("line", "quantity_per_month", ln.quantity_per_month, unit="services_or_days", **keys)
        for m in ("monthly_per_recipient", "yearly_per_recipient", "monthly_total", "yearly_total"):
            add("line", m, getattr(ln, m), **keys)
    for r in regions.itertuples(index=False):
        keys = dict(region=r.region, locality=r.locality, decree_id=r.decree_id,
                    status="complete" if r.complete else "incomplete",
                    note="" if r.complete else f"missing items: {r.missing_items}")
        for m in ("monthly_per_recipient", "yearly_per_recipient", "monthly_total", "yearly_total",
                  "priced_subtotal_monthly_per_recipient", "monthly_per_recipient_diff_vs_base"):
            add("region", m, getattr(r, m), **keys)
    for view, table, key in (("category", categories, "category"), ("position", positions, "position_key")):
        for r in table.itertuples(index=False):
            keys = {"region": r.region, key: getattr(r, key),
                    "status": "complete" if r.missing == 0 else "incomplete",
                    "note": "" if r.missing == 0 else f"{r.missing} service(s) missing, not priced"}
            for m in ("monthly_per_recipient", "yearly_per_recipient", "monthly_total", "yearly_total"):
                add(view, m, getattr(r, m), **keys)
    if horizon is not None:
        for r in horizon.itertuples(index=False):
            keys = dict(region=r.region, year=r.year, note=(r.indexation + ("; " + r.note if r.note else "")))
            for m in ("monthly_per_recipient", "yearly_per_recipient", "yearly_total", "cumulative_total"):
                add("horizon", m, getattr(r, m), **keys)
    if staff is not None and not staff.empty:
        for r in staff.itertuples(index=False):
            keys = dict(region=scn.staff["rates_region"] if scn.staff else scn.base_region,
                        position_key=r.position_key, label=r.position, status=INDICATIVE,
                        note=f"{INDICATIVE}: norms of order No. 308 (2022, repealed), bracket {r.bracket}, "
                             f"line {r.line}" + (f"; {r.note}" if r.note else ""))
            add("staff_indicative", "staff_units", r.staff_units, unit="staff_units", **keys)
            add("staff_indicative", "hourly_rate", r.hourly_rate, **keys)
            add("staff_indicative", "yearly_cost_indicative", r.yearly_cost_indicative, **keys)
        tot = staff_summary(staff)
        keys = dict(region=scn.staff["rates_region"] if scn.staff else scn.base_region, status=INDICATIVE,
                    note=f"{INDICATIVE}: total of the {tot['positions_costed']} costed positions only; "
                         f"{tot['positions_not_costed']} position(s) listed without cost")
        add("staff_indicative_total", "staff_units_costed", tot["staff_units_costed"], unit="staff_units", **keys)
        add("staff_indicative_total", "yearly_cost_indicative_costed", tot["yearly_cost_indicative_costed"], **keys)
    cols = ["scenario", "view", "region", "locality", "year", "item", "label", "decree_id", "annex", "row",
            "service_key", "category", "position_key", "frequency", "measure", "value", "unit", "status", "note"]
    out = pd.DataFrame(rows)
    for c in cols:
        if c not in out:
            out[c] = None
    out = out[cols]
    for c in ("year", "item", "annex", "row"):
        out[c] = pd.array([None if pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out
