"""A validated service-cost scenario (what :func:`kztariffs.scenario_file.load_scenario` returns), its
constants and exact numbers."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

INDICATIVE = "INDICATIVE"
DEFAULT_DAYS_PER_MONTH = Fraction(30)
DEFAULT_WEEKS_PER_MONTH = Fraction(52, 12)
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
