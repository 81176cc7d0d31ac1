"""Service-cost scenarios: what a care package costs a month per recipient, and what serving N recipients
costs a region under an indexation.

A scenario is a YAML file (``data/scenarios/*.yaml``); :func:`load_scenario` reads and validates it (every
problem is a one-line :class:`~kztariffs.errors.DecreeError` naming the file). The file format::

    name: home_care_older_person_alone      # optional, defaults to the file stem
    title: ...                              # optional
    rationale: >                            # one paragraph: why this package
      ...
    setting: home                           # home | semi_stationary | stationary | temporary
    year: 2026                              # year of the tariffs
    regions: [oral, bokey_orda]             # area keys of the dataset (kztariffs/areas.py); the first is the base
    locality: all                           # all | city | village, or per region: {oral: all, bokey_orda: village}
    recipients: 100                         # N, number of recipients
    calendar:                               # optional; exact numbers: integers, "21.5" or fractions "52/12"
      days_per_month: 30                    # default 30: a service given "per day" is given this many days a month
      weeks_per_month: 52/12                # default 52/12 (exactly 4 1/3)
      attendance_days_per_month: 21         # default = days_per_month; days a per-recipient-day tariff is paid
    indexation:                             # optional; one of:
      percent_per_year: 8.5                 #   tariffs grow by this % a year, compounding
      # hourly_rates: {care_worker: 1100}   #   or: new hourly rate per position key (rows repriced by time share)
    horizon_years: 3                        # years shown by over_horizon (the base year included)
    package:
      - service_key: home:bokey_orda_akimat_2025-12-24_167:1   # a service key of the dataset ...
        position: care_worker                                   # position key; must be the row's position
        frequency: 3/week                                       # "N/day", "N/week", "N/month" or {times: N, per: week}
        label: personal care                                    # optional
      - decree: oral_akimat_2025-12-18_2999                     # ... or a decree row (stable, checkable)
        annex: 1                                                # optional, default 1 (rows restart in each annex)
        row: 1
        position: care_worker
        frequency: {times: 1, per: day}
    staff:                                  # optional INDICATIVE staff view of a stationary organization
      recipients: 100                       # default: recipients
      organization_type: older_disabled     # any | older_disabled | psychoneurological |
                                            # children_psychoneurological | children_musculoskeletal | supported_living
      hours_per_staff_unit_per_year: 1776   # default 1776 (= 222 working days x 8 hours)
      rates_region: oral                    # hourly rates from this region's decree; default: the base region

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
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import safe_yaml
from .errors import DecreeError
from .numbers import format_kzt, to_tiyn

SCENARIO_DIR = Path("data/scenarios")
STAFFING_NORMS = Path("data/processed/staffing_norms.csv")
INDICATIVE = "INDICATIVE"

DEFAULT_DAYS_PER_MONTH = Fraction(30)
DEFAULT_WEEKS_PER_MONTH = Fraction(52, 12)
MONTHS_PER_YEAR = 12
DEFAULT_HOURS_PER_STAFF_UNIT = Fraction(1776)
PERIODS = ("day", "week", "month")
LOCALITIES = ("all", "city", "village")
SETTINGS = ("home", "semi_stationary", "stationary", "temporary")
ORGANIZATION_TYPES = {  # footnote marks of the staffing-norms table (order No. 308, annex 1)
    "any": None,
    "supported_living": "1",
    "children_psychoneurological": "2",
    "children_musculoskeletal": "3",
    "psychoneurological": "4",
    "older_disabled": "5",
}
TOP_KEYS = {"name", "title", "rationale", "setting", "year", "regions", "locality", "recipients", "calendar",
            "indexation", "horizon_years", "package", "staff", "sources"}
REQUIRED = ("setting", "year", "regions", "recipients", "package")
ITEM_KEYS = {"service_key", "decree", "decree_id", "annex", "row", "position", "frequency", "label", "note"}
STAFF_KEYS = {"recipients", "organization_type", "hours_per_staff_unit_per_year", "rates_region"}


# ----------------------------------------------------------------------------------------------- numbers

def money(value: Fraction | Decimal | int | None) -> Decimal | None:
    """Round to the tiyn (0.01), half-up, from the exact value."""
    return to_tiyn(value)


def fmt_money(value) -> str:
    return format_kzt(value)


def exact(value: Any) -> Fraction:
    """An exact number from YAML: int, "21.5", "52/12" or a float as typed (30.5)."""
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true/false")
    if isinstance(value, (int, Fraction, Decimal)):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        s = value.strip().replace(" ", "").replace(",", ".")
        if re.fullmatch(r"-?\d+(\.\d+)?(/\d+)?", s):
            return Fraction(s)
    raise ValueError(f"{value!r} is not a number (use 30, 21.5 or 52/12)")


def _dec(value: Fraction, places: int = 4) -> Decimal:
    """A quantity (not money) for display, half-up to ``places`` decimals."""
    q = value * 10 ** places
    n = math.floor(abs(q) + Fraction(1, 2))
    d = Decimal(-n if q < 0 else n).scaleb(-places).normalize()
    return d.quantize(Decimal(1)) if d.as_tuple().exponent > 0 else d


# ----------------------------------------------------------------------------------------------- scenario

@dataclass
class Item:
    index: int
    position: str
    times: Fraction
    per: str
    service_key: str | None = None
    decree_id: str | None = None
    row: int | None = None
    label: str | None = None
    annex: int = 1

    @property
    def ref(self) -> str:
        if self.service_key:
            return self.service_key
        return f"{self.decree_id} row {self.row}" if self.annex == 1 else \
            f"{self.decree_id} annex {self.annex} row {self.row}"

    @property
    def frequency(self) -> str:
        return f"{_dec(self.times)}/{self.per}"


@dataclass
class Scenario:
    path: Path
    name: str
    setting: str
    year: int
    regions: list[str]
    locality: dict[str, str]
    recipients: int
    days_per_month: Fraction
    weeks_per_month: Fraction
    attendance_days_per_month: Fraction
    horizon_years: int
    package: list[Item]
    percent_per_year: Fraction | None = None
    hourly_rates: dict[str, Fraction] = field(default_factory=dict)
    staff: dict | None = None
    title: str = ""
    rationale: str = ""
    sources: list = field(default_factory=list)

    @property
    def base_region(self) -> str:
        return self.regions[0]

    @property
    def indexation_text(self) -> str:
        if self.percent_per_year is not None:
            return f"{_dec(self.percent_per_year)}% a year, compounding"
        if self.hourly_rates:
            return "new hourly rates from year 1: " + ", ".join(f"{k} {_dec(v)} KZT/h"
                                                                 for k, v in self.hourly_rates.items())
        return "none"


def _set_override(raw: dict, name: str, value: Any, path: Path) -> None:
    parts = name.split(".")
    if parts[0] not in TOP_KEYS:
        raise DecreeError(path, f"unknown parameter {name!r} (parameters: {', '.join(sorted(TOP_KEYS))})")
    node = raw
    for p in parts[:-1]:
        if p not in node or node[p] is None:
            node[p] = {}
        if not isinstance(node[p], dict):
            raise DecreeError(path, f"parameter {name!r}: {p!r} is not a mapping")
        node = node[p]
    if isinstance(value, str):
        try:
            value = safe_yaml.loads(value)  # no aliases: a value given on the command line stays small
        except yaml.YAMLError:
            pass
    node[parts[-1]] = value


def load_scenario(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Read and validate a scenario file; ``overrides`` (``{"recipients": 200, "indexation.percent_per_year":
    "10"}``; dotted names reach into mappings, string values are read as YAML) replace values of the file."""
    path = Path(path)
    if not os.path.lexists(path):
        raise DecreeError(path, "scenario file not found")
    text = safe_yaml.read_text(path)  # a directory, FIFO, device or huge file is refused unread
    try:
        raw = safe_yaml.loads(text)  # plain data; aliases (a "billion laughs" file) are refused
    except safe_yaml.YAMLRefused as exc:
        raise DecreeError(path, f"YAML refused: {exc}") from None
    except yaml.YAMLError as exc:
        raise DecreeError(path, f"not valid YAML{safe_yaml.where(exc)}: {safe_yaml.problem(exc)}") from None
    if not isinstance(raw, dict):
        raise DecreeError(path, "a scenario must be a YAML mapping (setting, year, regions, recipients, package, ...)")
    for name, value in (overrides or {}).items():
        _set_override(raw, str(name), value, path)
    return _validate(raw, path)


def _validate(raw: dict, path: Path) -> Scenario:
    def bad(reason: str):
        raise DecreeError(path, reason)

    unknown = sorted(set(raw) - TOP_KEYS)
    if unknown:
        bad(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(TOP_KEYS))})")
    for key in REQUIRED:
        if raw.get(key) in (None, "", []):
            bad(f"missing {key!r}")
    setting = raw["setting"]
    if setting not in SETTINGS:
        bad(f"setting {setting!r} is not one of {', '.join(SETTINGS)}")
    year = raw["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        bad(f"year {year!r} is not a year (e.g. 2026)")

    regions = raw["regions"]
    if isinstance(regions, str):
        regions = [regions]
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        bad("regions must be a list of area keys, e.g. [oral, bokey_orda]")
    from .vocab import areas

    known_areas = {a["key"] for a in areas()}
    for r in regions:
        if r not in known_areas:
            bad(f"unknown region {r!r} (use area keys of the dataset, e.g. oral, bokey_orda)")
    if len(set(regions)) != len(regions):
        bad("a region is listed twice in regions")

    loc = raw.get("locality", "all")
    if isinstance(loc, str):
        locality = {r: loc for r in regions}
    elif isinstance(loc, dict):
        extra = sorted(set(loc) - set(regions))
        if extra:
            bad(f"locality names region {extra[0]!r} that is not in regions")
        locality = {r: loc.get(r, "all") for r in regions}
    else:
        bad("locality must be all, city, village or a mapping region -> locality")
    for r, l in locality.items():
        if l not in LOCALITIES:
            bad(f"locality {l!r} (region {r}) is not one of all, city, village")

    recipients = raw["recipients"]
    if isinstance(recipients, bool) or not isinstance(recipients, int) or recipients < 1:
        bad(f"recipients must be a whole number >= 1, not {recipients!r}")

    cal = raw.get("calendar") or {}
    if not isinstance(cal, dict):
        bad("calendar must be a mapping (days_per_month, weeks_per_month, attendance_days_per_month)")
    cal_unknown = sorted(set(cal) - {"days_per_month", "weeks_per_month", "attendance_days_per_month"})
    if cal_unknown:
        bad(f"unknown calendar key {cal_unknown[0]!r}")

    def number(value, what, low, high):
        try:
            v = exact(value)
        except ValueError as exc:
            bad(f"{what}: {exc}")
        if not low <= v <= high:
            bad(f"{what} must be between {low} and {high}, not {_dec(v)}")
        return v

    days = number(cal.get("days_per_month", DEFAULT_DAYS_PER_MONTH), "calendar.days_per_month", 1, 31)
    weeks = number(cal.get("weeks_per_month", DEFAULT_WEEKS_PER_MONTH), "calendar.weeks_per_month", 4, 5)
    attendance = number(cal.get("attendance_days_per_month", days), "calendar.attendance_days_per_month", 1, 31)

    idx = raw.get("indexation") or {}
    if not isinstance(idx, dict):
        bad("indexation must be a mapping: {percent_per_year: 8.5} or {hourly_rates: {position_key: rate}}")
    idx_unknown = sorted(set(idx) - {"percent_per_year", "hourly_rates"})
    if idx_unknown:
        bad(f"unknown indexation key {idx_unknown[0]!r} (use percent_per_year or hourly_rates)")
    if "percent_per_year" in idx and "hourly_rates" in idx:
        bad("indexation: give percent_per_year or hourly_rates, not both")
    from .vocab import positions

    known_positions = {p["key"] for p in positions()}
    percent, rates = None, {}
    if idx.get("percent_per_year") is not None:
        percent = number(idx["percent_per_year"], "indexation.percent_per_year", -50, 100)
    if "hourly_rates" in idx:
        hr = idx["hourly_rates"]
        if not isinstance(hr, dict) or not hr:
            bad("indexation.hourly_rates must be a mapping position_key -> new hourly rate in tenge")
        for k, v in hr.items():
            if k not in known_positions:
                bad(f"indexation.hourly_rates: unknown position key {k!r}")
            rates[k] = number(v, f"indexation.hourly_rates.{k}", Fraction(1, 100), 10 ** 6)
    horizon = raw.get("horizon_years", 1)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= 50:
        bad(f"horizon_years must be a whole number from 1 to 50, not {horizon!r}")

    package = raw["package"]
    if not isinstance(package, list):
        bad("package must be a list of services")
    items = []
    for i, it in enumerate(package, start=1):
        where = f"package item {i}"
        if not isinstance(it, dict):
            bad(f"{where}: must be a mapping (service_key or decree + row, position, frequency)")
        extra = sorted(set(it) - ITEM_KEYS)
        if extra:
            bad(f"{where}: unknown key {extra[0]!r}")
        decree = it.get("decree", it.get("decree_id"))
        has_key = it.get("service_key") is not None
        has_row = decree is not None or it.get("row") is not None or it.get("annex") is not None
        if has_key == has_row:
            bad(f"{where}: give either service_key or decree + row")
        row, annex = None, 1
        if has_row:
            row = it.get("row")
            if decree is None or isinstance(row, bool) or not isinstance(row, int) or row < 1:
                bad(f"{where}: a decree reference needs decree (decree_id) and row (a whole number >= 1)")
            annex = it.get("annex", 1)
            if isinstance(annex, bool) or not isinstance(annex, int) or annex < 1:
                bad(f"{where}: annex must be a whole number >= 1 (default 1), not {annex!r}")
        pos = it.get("position")
        if not pos:
            bad(f"{where}: missing position (a position key, e.g. care_worker)")
        if pos not in known_positions:
            bad(f"{where}: unknown position key {pos!r}")
        times, per = _frequency(it.get("frequency"), where, bad)
        items.append(Item(i, pos, times, per, service_key=it.get("service_key"), decree_id=decree, row=row,
                          label=it.get("label"), annex=annex))

    staff = raw.get("staff")
    if staff is not None:
        if not isinstance(staff, dict):
            bad("staff must be a mapping (recipients, organization_type, hours_per_staff_unit_per_year)")
        s_unknown = sorted(set(staff) - STAFF_KEYS)
        if s_unknown:
            bad(f"unknown staff key {s_unknown[0]!r}")
        s_rec = staff.get("recipients", recipients)
        if isinstance(s_rec, bool) or not isinstance(s_rec, int) or s_rec < 1:
            bad(f"staff.recipients must be a whole number >= 1, not {s_rec!r}")
        otype = staff.get("organization_type", "any")
        if otype not in ORGANIZATION_TYPES:
            bad(f"staff.organization_type {otype!r} is not one of {', '.join(ORGANIZATION_TYPES)}")
        hours = number(staff.get("hours_per_staff_unit_per_year", DEFAULT_HOURS_PER_STAFF_UNIT),
                       "staff.hours_per_staff_unit_per_year", 1, 8784)
        rr = staff.get("rates_region", regions[0])
        if rr not in regions:
            bad(f"staff.rates_region {rr!r} is not in regions")
        staff = {"recipients": s_rec, "organization_type": otype, "hours_per_staff_unit_per_year": hours,
                 "rates_region": rr}

    return Scenario(path=path, name=str(raw.get("name") or path.stem), setting=setting, year=year,
                    regions=list(regions), locality=locality, recipients=recipients, days_per_month=days,
                    weeks_per_month=weeks, attendance_days_per_month=attendance, horizon_years=horizon,
                    package=items, percent_per_year=percent, hourly_rates=rates, staff=staff,
                    title=str(raw.get("title") or ""), rationale=" ".join(str(raw.get("rationale") or "").split()),
                    sources=list(raw.get("sources") or []))


def _frequency(value, where, bad) -> tuple[Fraction, str]:
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([\d.,/]+)\s*(?:/|per|x|a)\s*(day|week|month)\s*", value)
        if not m:
            bad(f"{where}: frequency {value!r} is not like '3/week' (per day, week or month)")
        times, per = m.group(1), m.group(2)
    elif isinstance(value, dict):
        times, per = value.get("times"), value.get("per")
        if set(value) - {"times", "per"}:
            bad(f"{where}: frequency has keys times and per only")
    else:
        bad(f"{where}: missing frequency (e.g. 3/week or {{times: 3, per: week}})")
    if per not in PERIODS:
        bad(f"{where}: frequency per {per!r} is not day, week or month")
    try:
        t = exact(times)
    except ValueError as exc:
        bad(f"{where}: frequency times: {exc}")
    if t <= 0:
        bad(f"{where}: frequency times must be > 0")
    return t, per


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


# ----------------------------------------------------------------------------------------------- staff view

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
            "staff_units_costed": _sum(costed["staff_units"]),
            "yearly_cost_indicative_costed": _sum(costed["yearly_cost_indicative"]),
            "positions_not_costed": len(staff) - len(costed)}


# ----------------------------------------------------------------------------------------------- output

def _q(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(_dec(Fraction(v)))


def result_table(scn: Scenario, lines: pd.DataFrame, regions: pd.DataFrame | None = None,
                 categories: pd.DataFrame | None = None, positions: pd.DataFrame | None = None,
                 horizon: pd.DataFrame | None = None, staff: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy result: one row per (view, keys, measure) with the value; money in tenge with 2 decimals
    (half-up from the exact sums); an empty value means "not priced" (see status/note), never 0."""
    regions = by_region(scn, lines) if regions is None else regions
    categories = by_category(scn, lines) if categories is None else categories
    positions = by_position(scn, lines) if positions is None else positions
    rows: list[dict] = []

    def add(view, measure, value, unit="KZT", **keys):
        rows.append({"scenario": scn.name, "view": view, **keys, "measure": measure,
                     "value": fmt_money(value) if unit == "KZT" else _q(value), "unit": unit})

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


def display_money(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of a view with exact Fractions shown as tenge rounded to the tiyn (for notebooks)."""
    out = df.copy()
    for c in out.columns:
        if out[c].map(lambda v: isinstance(v, Fraction)).any():
            if c in ("quantity_per_month", "staff_units", "hours_per_staff_unit_per_year"):
                out[c] = out[c].map(lambda v: None if v is None else _dec(v))
            else:
                out[c] = out[c].map(money)
    return out
