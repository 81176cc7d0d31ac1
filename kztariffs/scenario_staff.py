"""The INDICATIVE staff view of a scenario: minimum staff units of a stationary organization (order No. 308
of 2022, since repealed) costed with the hourly rates the tariffs imply. It is not a budget."""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pandas as pd

from .errors import DecreeError
from .scenario_model import DEFAULT_HOURS_PER_STAFF_UNIT, INDICATIVE, ORGANIZATION_TYPES, Scenario, exact

STAFFING_NORMS = Path("data/processed/staffing_norms.csv")


_PER_INSTITUTION = re.compile(r"^мекемеге\s+(\d+(?:,\d+)?)\s+бірлік(?:\s*\((.*)\))?\s*$")
_PER_RECIPIENTS = re.compile(r"^(?:әрбір\s+)?(\d+)\s+қызмет алушыға\s+(\d+(?:,\d+)?)\s+бірлік\s*$")


def _rule_units(rule: str, recipients: int) -> tuple[Fraction | None, str]:
    rule = " ".join(str(rule).split())
    m = _PER_INSTITUTION.match(rule)
    if m:
        cond = f" (condition: {m.group(2)})" if m.group(2) else ""
        return Fraction(m.group(1).replace(",", ".")), f"per institution{cond}"
    m = _PER_RECIPIENTS.match(rule)
    if m:
        return Fraction(m.group(2).replace(",", ".")) * recipients / int(m.group(1)), \
            f"{m.group(2)} unit(s) per {m.group(1)} recipients, not rounded"
    return None, "rule not computed (see rule_text)"


def read_norms(path: str | Path = STAFFING_NORMS) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise DecreeError(path, "staffing norms table not found; run `kztariffs build` (it reads "
                                "data/raw/reference/) first")
    from .safe import restore_frame

    return restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False))


def staff_view(scn: Scenario, norms: pd.DataFrame, df: pd.DataFrame | None = None,
               rates: pd.DataFrame | None = None) -> pd.DataFrame:
    """INDICATIVE staff units and yearly staff cost of a stationary organization of N recipients.

    Staff units come from the minimum staffing norms (order No. 308 of 2022, annex 1; the bracket holding N,
    the 6-30 supported-living bracket only for organization_type supported_living); positions are matched
    to position keys with :func:`kztariffs.vocab.match_position`; the cost is units x hours per staff unit
    a year x the hourly rate implied by the tariffs of ``staff.rates_region`` (scenario setting and year).
    A position with no key, no rate or a rule in words is listed with no cost and a note.
    """
    from .scenarios import _annex, _decree_rates, _region_decrees
    from .vocab import match_position

    opts = scn.staff or {"recipients": scn.recipients, "organization_type": "any",
                         "hours_per_staff_unit_per_year": DEFAULT_HOURS_PER_STAFF_UNIT, "rates_region": scn.base_region}
    n = opts["recipients"]
    mark = ORGANIZATION_TYPES[opts["organization_type"]]
    hours = opts["hours_per_staff_unit_per_year"]
    norms = norms.copy()
    for c in ("recipients_min", "recipients_max", "bracket_no", "row_no"):
        norms[c] = pd.to_numeric(norms[c].replace("", None), errors="coerce")
    bracket_mark = norms["bracket_footnotes"].fillna("").astype(str)
    if mark == "1":
        norms = norms[bracket_mark.str.contains("1")]
    else:
        norms = norms[~bracket_mark.str.contains("1")]
    in_bracket = (norms["recipients_min"].isna() | (norms["recipients_min"] <= n)) & \
                 (norms["recipients_max"].isna() | (n <= norms["recipients_max"]))
    norms = norms[in_bracket]
    if mark:
        marks = norms["position_footnotes"].fillna("").astype(str)
        typed = marks.str.contains(r"[1-5]")
        norms = norms[~typed | marks.map(lambda s: mark in s.replace(" ", "").split(","))]

    # current hourly rates of the rates region's decree (scenario setting and year)
    rate_of: dict[str, Fraction] = {}
    rate_src = ""
    if df is not None or rates is not None:
        table = _decree_rates(df, rates, scn)
        if df is not None:
            region_rows = _region_decrees(scn, df, opts["rates_region"])
            table = table[table["decree_id"].isin(set(region_rows["decree_id"]))]
            if "annex" in table:  # only the annexes in the scenario's setting
                annexes = set(zip(region_rows["decree_id"], _annex(region_rows)))
                table = table[[(d, a) in annexes for d, a in zip(table["decree_id"], _annex(table))]]
        for r in table.itertuples(index=False):
            if r.hourly_rate is not None and not pd.isna(r.hourly_rate) and r.position_key not in rate_of:
                rate_of[r.position_key] = Fraction(str(r.hourly_rate))
                rate_src = r.decree_id
    out = []
    for r in norms.sort_values(["row_no"]).itertuples(index=False):
        # text from the PDF writes Kazakh "і" as Latin "i" in some words ("жөнiндегi")
        key = match_position(re.sub(r"(?<=[\u0400-\u04ff])i|i(?=[\u0400-\u04ff])", "\u0456", r.position)).key
        notes = []
        if r.norm_kind == "units":
            units = exact(r.staff_units)
        elif r.norm_kind == "rule":
            units, how = _rule_units(r.rule_text, n)
            notes.append(how)
        else:
            continue  # "-": the position is not required in this bracket
        rate = rate_of.get(key) if key else None
        if key is None:
            notes.append("position not in the position vocabulary: no cost")
        elif rate is None:
            notes.append(f"no hourly rate for {key} in {opts['rates_region']}'s {scn.setting} {scn.year} tariffs: no cost")
        cost = units * hours * rate if (units is not None and rate is not None) else None
        out.append({"label": INDICATIVE, "section": r.section, "category": r.category, "row_no": int(r.row_no),
                    "position": r.position, "position_key": key, "bracket": r.bracket_text, "recipients": n,
                    "staff_units": units, "hours_per_staff_unit_per_year": hours, "hourly_rate": rate,
                    "rate_decree_id": rate_src if rate is not None else "",
                    "yearly_cost_indicative": cost, "rule_text": r.rule_text, "line": r.line,
                    "note": "; ".join(notes)})
    return pd.DataFrame(out)


def staff_summary(staff: pd.DataFrame) -> dict:
    """INDICATIVE totals of a staff view: units and yearly cost of the positions that could be costed."""
    if staff is None or staff.empty:
        return {"label": INDICATIVE, "positions": 0, "positions_costed": 0, "staff_units_costed": Fraction(0),
                "yearly_cost_indicative_costed": Fraction(0), "positions_not_costed": 0}
    costed = staff[staff["yearly_cost_indicative"].map(lambda v: v is not None)]
    return {"label": INDICATIVE, "positions": len(staff), "positions_costed": len(costed),
            "staff_units_costed": sum((v for v in costed["staff_units"] if v is not None), Fraction(0)),
            "yearly_cost_indicative_costed": sum((v for v in costed["yearly_cost_indicative"] if v is not None),
                                                 Fraction(0)),
            "positions_not_costed": len(staff) - len(costed)}
