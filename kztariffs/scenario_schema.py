"""The scenario file format as pydantic models: what a scenario YAML may contain and the rule for each field.

Kept apart from reading the file (:mod:`kztariffs.scenario_file`: YAML, overrides, one-line errors, building the
:class:`~kztariffs.scenario_model.Scenario`) so that the format and its rules can be read, and its JSON schema
produced (``ScenarioFile.model_json_schema()``), in one place. A rule's own message is written here (a
``ValueError`` in a validator); the messages for errors pydantic raises itself are in :mod:`kztariffs.scenario_file`.
The format::

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
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Annotated, Any, Literal, Optional

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, StrictInt, ValidationInfo,
                      field_validator, model_validator)

from .scenario_model import LOCALITIES, ORGANIZATION_TYPES, PERIODS, SETTINGS, _dec, exact


def _number(value: Any, what: str, low, high) -> Fraction:
    try:
        v = exact(value)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None
    if not low <= v <= high:
        raise ValueError(f"{what} must be between {low} and {high}, not {_dec(v)}")
    return v


def _known(kind: str) -> set[str]:
    from .vocab import areas, positions

    return {a["key"] for a in (areas() if kind == "area" else positions())}


def _required(name: str):
    """A before-validator: an empty value (null, "", []) is as missing as an absent key."""
    def check(value):
        if value is None or (isinstance(value, (str, list)) and not value):
            raise ValueError(f"missing {name!r}")
        return value
    return BeforeValidator(check)


def _between(low: int, high: int, message: str):
    """An after-validator: a whole number from ``low`` to ``high``, else ``message`` (``{v!r}`` is the value)."""
    def check(value):
        if not low <= value <= high:
            raise ValueError(message.format(v=value))
        return value
    return AfterValidator(check)


# ------------------------------------------------------------------------------------------ file models

class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class Calendar(_Model):
    days_per_month: Any = None
    weeks_per_month: Any = None
    attendance_days_per_month: Any = None

    @field_validator("*")
    @classmethod
    def _exact(cls, v, info: ValidationInfo):
        low, high = (4, 5) if info.field_name == "weeks_per_month" else (1, 31)
        return None if v is None else _number(v, f"calendar.{info.field_name}", low, high)


class Indexation(_Model):
    percent_per_year: Any = None
    hourly_rates: Any = None

    @model_validator(mode="before")
    @classmethod
    def _one(cls, data):
        if isinstance(data, dict) and "percent_per_year" in data and "hourly_rates" in data:
            raise ValueError("indexation: give percent_per_year or hourly_rates, not both")
        return data

    @field_validator("percent_per_year")
    @classmethod
    def _percent(cls, v):
        return None if v is None else _number(v, "indexation.percent_per_year", -50, 100)

    @field_validator("hourly_rates")
    @classmethod
    def _rates(cls, v):
        if not isinstance(v, dict) or not v:
            raise ValueError("indexation.hourly_rates must be a mapping position_key -> new hourly rate in tenge")
        known = _known("position")
        out = {}
        for k, rate in v.items():
            if k not in known:
                raise ValueError(f"indexation.hourly_rates: unknown position key {k!r}")
            out[k] = _number(rate, f"indexation.hourly_rates.{k}", Fraction(1, 100), 10 ** 6)
        return out


def _frequency(value) -> tuple[Fraction, str]:
    if isinstance(value, str):
        m = re.fullmatch(r"\s*([\d.,/]+)\s*(?:/|per|x|a)\s*(day|week|month)\s*", value)
        if not m:
            raise ValueError(f"frequency {value!r} is not like '3/week' (per day, week or month)")
        times, per = m.group(1), m.group(2)
    elif isinstance(value, dict):
        times, per = value.get("times"), value.get("per")
        if set(value) - {"times", "per"}:
            raise ValueError("frequency has keys times and per only")
    else:
        raise ValueError("missing frequency (e.g. 3/week or {times: 3, per: week})")
    if per not in PERIODS:
        raise ValueError(f"frequency per {per!r} is not day, week or month")
    try:
        t = exact(times)
    except ValueError as exc:
        raise ValueError(f"frequency times: {exc}") from None
    if t <= 0:
        raise ValueError("frequency times must be > 0")
    return t, per


class PackageItem(_Model):
    service_key: Optional[str] = None
    decree: Optional[str] = None
    decree_id: Optional[str] = None
    annex: Any = None
    row: Any = None
    position: Any = None
    frequency: Any = None
    label: Any = None
    note: Any = None

    @model_validator(mode="after")
    def _check(self):
        decree = self.decree if self.decree is not None else self.decree_id
        has_key = self.service_key is not None
        has_row = decree is not None or self.row is not None or self.annex is not None
        if has_key == has_row:
            raise ValueError("give either service_key or decree + row")
        if has_row:
            if decree is None or isinstance(self.row, bool) or not isinstance(self.row, int) or self.row < 1:
                raise ValueError("a decree reference needs decree (decree_id) and row (a whole number >= 1)")
            annex = 1 if self.annex is None else self.annex
            if isinstance(annex, bool) or not isinstance(annex, int) or annex < 1:
                raise ValueError(f"annex must be a whole number >= 1 (default 1), not {annex!r}")
        if not self.position:
            raise ValueError("missing position (a position key, e.g. care_worker)")
        if self.position not in _known("position"):
            raise ValueError(f"unknown position key {self.position!r}")
        _frequency(self.frequency)
        return self


class Staff(_Model):
    recipients: Optional[StrictInt] = None
    organization_type: Any = "any"
    hours_per_staff_unit_per_year: Any = None
    rates_region: Any = None

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, v):
        if v is not None and v < 1:
            raise ValueError(f"staff.recipients must be a whole number >= 1, not {v!r}")
        return v

    @field_validator("organization_type")
    @classmethod
    def _type(cls, v):
        if v not in ORGANIZATION_TYPES:
            raise ValueError(f"staff.organization_type {v!r} is not one of {', '.join(ORGANIZATION_TYPES)}")
        return v

    @field_validator("hours_per_staff_unit_per_year")
    @classmethod
    def _hours(cls, v):
        return None if v is None else _number(v, "staff.hours_per_staff_unit_per_year", 1, 8784)


def _falsy_is_none(v):
    return v or None


class ScenarioFile(_Model):
    """A scenario file as written (see the module docstring)."""
    name: Any = None
    title: Any = None
    rationale: Any = None
    sources: Any = None
    setting: Annotated[Literal[SETTINGS], _required("setting")]
    year: Annotated[StrictInt, _required("year"), _between(1990, 2100, "year {v!r} is not a year (e.g. 2026)")]
    regions: Annotated[Any, _required("regions")]
    locality: Any = "all"
    recipients: Annotated[StrictInt, _required("recipients")]
    calendar: Annotated[Optional[Calendar], BeforeValidator(_falsy_is_none)] = None
    indexation: Annotated[Optional[Indexation], BeforeValidator(_falsy_is_none)] = None
    horizon_years: Annotated[StrictInt,
                             _between(1, 50, "horizon_years must be a whole number from 1 to 50, not {v!r}")] = 1
    package: Annotated[list[PackageItem], _required("package")]
    staff: Optional[Staff] = None

    @field_validator("regions")
    @classmethod
    def _regions(cls, v):
        v = [v] if isinstance(v, str) else v
        if not isinstance(v, list) or not all(isinstance(r, str) for r in v):
            raise ValueError("regions must be a list of area keys, e.g. [oral, bokey_orda]")
        known = _known("area")
        for r in v:
            if r not in known:
                raise ValueError(f"unknown region {r!r} (use area keys of the dataset, e.g. oral, bokey_orda)")
        if len(set(v)) != len(v):
            raise ValueError("a region is listed twice in regions")
        return v

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, v):
        if v < 1:
            raise ValueError(f"recipients must be a whole number >= 1, not {v!r}")
        return v

    @model_validator(mode="after")
    def _across(self):
        loc = self.locality
        if isinstance(loc, str):
            locality = {r: loc for r in self.regions}
        elif isinstance(loc, dict):
            extra = sorted(set(loc) - set(self.regions))
            if extra:
                raise ValueError(f"locality names region {extra[0]!r} that is not in regions")
            locality = {r: loc.get(r, "all") for r in self.regions}
        else:
            raise ValueError("locality must be all, city, village or a mapping region -> locality")
        for r, lc in locality.items():
            if lc not in LOCALITIES:
                raise ValueError(f"locality {lc!r} (region {r}) is not one of all, city, village")
        self.locality = locality
        if self.staff is not None:
            given = "rates_region" in self.staff.model_fields_set  # null given is not the default
            rr = self.staff.rates_region if given else self.regions[0]
            if rr not in self.regions:
                raise ValueError(f"staff.rates_region {rr!r} is not in regions")
        return self


TOP_KEYS = set(ScenarioFile.model_fields)
