"""Reading a scenario file: YAML in, a validated :class:`~kztariffs.scenario_model.Scenario` out, each problem one line.

A scenario is a YAML file (``data/scenarios/*.yaml``); :func:`load_scenario` reads it (refusing what
:mod:`kztariffs.safe_yaml` refuses), applies command-line overrides, validates it against the pydantic models of
:mod:`kztariffs.scenario_schema` (where the format is described) and builds the :class:`Scenario`. Every problem is a
one-line :class:`~kztariffs.errors.DecreeError` naming the file and the field: a pydantic error becomes one line by
:func:`one_line` (the first problem, with ``package item N:`` for an item). This is kept apart from the models so
that the format can be read on its own, and the reading and message translation here without the field rules.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import safe_yaml
from .errors import DecreeError
from .scenario_model import (DEFAULT_DAYS_PER_MONTH, DEFAULT_HOURS_PER_STAFF_UNIT, DEFAULT_WEEKS_PER_MONTH, SETTINGS,
                             Item, Scenario)
from .scenario_schema import TOP_KEYS, Calendar, Indexation, ScenarioFile, _frequency

__all__ = ["TOP_KEYS", "ScenarioFile", "load_scenario", "one_line"]

# messages of the errors pydantic raises itself (wrong type, a key not allowed), by field path
_TYPE_MESSAGES = {
    "setting": "setting {input!r} is not one of " + ", ".join(SETTINGS),
    "year": "year {input!r} is not a year (e.g. 2026)",
    "recipients": "recipients must be a whole number >= 1, not {input!r}",
    "horizon_years": "horizon_years must be a whole number from 1 to 50, not {input!r}",
    "calendar": "calendar must be a mapping (days_per_month, weeks_per_month, attendance_days_per_month)",
    "indexation": "indexation must be a mapping: {{percent_per_year: 8.5}} or {{hourly_rates: {{position_key: rate}}}}",
    "package": "package must be a list of services",
    "package.item": "must be a mapping (service_key or decree + row, position, frequency)",
    "staff": "staff must be a mapping (recipients, organization_type, hours_per_staff_unit_per_year)",
    "staff.recipients": "staff.recipients must be a whole number >= 1, not {input!r}",
}
_UNKNOWN = {
    "": "unknown key {key!r} (known: " + ", ".join(sorted(TOP_KEYS)) + ")",
    "calendar": "unknown calendar key {key!r}",
    "indexation": "unknown indexation key {key!r} (use percent_per_year or hourly_rates)",
    "staff": "unknown staff key {key!r}",
    "package.item": "unknown key {key!r}",
}


def one_line(exc: ValidationError) -> str:
    """The first problem of a validation error as one line (an unknown or missing top-level key first)."""
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: (len(e["loc"]) > 1, e["type"] not in ("extra_forbidden", "missing")))
    e = errors[0]
    loc = list(e["loc"])
    prefix, shown = "", loc
    if len(loc) >= 2 and loc[0] == "package" and isinstance(loc[1], int):
        prefix, loc, shown = f"package item {loc[1] + 1}: ", ["package", "item", *loc[2:]], loc[2:]
    path = ".".join(str(p) for p in loc)
    if e["type"] == "value_error":
        return prefix + str(e["ctx"]["error"])
    if e["type"] == "extra_forbidden":
        parent = ".".join(str(p) for p in loc[:-1])
        return prefix + _UNKNOWN.get(parent, "unknown key {key!r}").format(key=loc[-1])
    shown = ".".join(str(p) for p in shown)
    if e["type"] == "missing":
        return prefix + f"missing {shown!r}"
    if path in _TYPE_MESSAGES:
        return prefix + _TYPE_MESSAGES[path].format(input=e.get("input"))
    return prefix + f"{shown}: {e['msg']}"


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
    try:
        f = ScenarioFile.model_validate(raw)
    except ValidationError as exc:
        raise DecreeError(path, one_line(exc)) from None
    return _scenario(f, path)


def _scenario(f: ScenarioFile, path: Path) -> Scenario:
    cal = f.calendar or Calendar()
    days = DEFAULT_DAYS_PER_MONTH if cal.days_per_month is None else cal.days_per_month
    idx = f.indexation or Indexation()
    items = []
    for i, it in enumerate(f.package, start=1):
        times, per = _frequency(it.frequency)
        decree = it.decree if it.decree is not None else it.decree_id
        items.append(Item(i, it.position, times, per, service_key=it.service_key, decree_id=decree,
                          row=it.row if decree is not None else None, label=it.label,
                          annex=(1 if it.annex is None else it.annex) if decree is not None else 1))
    staff = None
    if f.staff is not None:
        s = f.staff
        staff = {"recipients": f.recipients if s.recipients is None else s.recipients,
                 "organization_type": s.organization_type,
                 "hours_per_staff_unit_per_year": (DEFAULT_HOURS_PER_STAFF_UNIT if s.hours_per_staff_unit_per_year
                                                   is None else s.hours_per_staff_unit_per_year),
                 "rates_region": f.regions[0] if s.rates_region is None else s.rates_region}
    return Scenario(path=path, name=str(f.name or path.stem), setting=f.setting, year=f.year,
                    regions=list(f.regions), locality=f.locality, recipients=f.recipients, days_per_month=days,
                    weeks_per_month=DEFAULT_WEEKS_PER_MONTH if cal.weeks_per_month is None else cal.weeks_per_month,
                    attendance_days_per_month=days if cal.attendance_days_per_month is None
                    else cal.attendance_days_per_month,
                    horizon_years=f.horizon_years, package=items, percent_per_year=idx.percent_per_year,
                    hourly_rates=idx.hourly_rates or {}, staff=staff, title=str(f.title or ""),
                    rationale=" ".join(str(f.rationale or "").split()), sources=list(f.sources or []))
