"""What each column of an annex table holds, found from its header words (``vocab/columns.yaml``).

Every local body's clerk lays the annex out in their own template: a unit-of-measure column after
the service, a time norm before the price, city and village prices under one merged header, the
position before the service. So no reader and no later stage assumes where a column is: the role of
each column (row number, service, unit of measure, position, time norm, price) is read from the
header text above it, in Kazakh or Russian. A price column also gets its locality (all / city /
village) and, where its header says so, its unit (per service / per recipient per day / per
month); a time-norm column its unit (minutes or hours).

A column the vocabulary does not know is kept aside as ``unknown`` and reported: it is never read
as a price or a position. A table without a position or a price column, or with two columns that
claim the same meaning, cannot be read and is refused with the reason (:class:`LayoutError`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from math import prod

from .model import ROW_NUMBER
from .numbers import looks_like_price, parse_quantity
from .text import fold, squash
from .vocab import load

ROLES = ("number", "service", "unit_of_measure", "position", "time_norm", "price")


class LayoutError(ValueError):
    """The table's columns cannot be told apart from its header."""


@dataclass(frozen=True)
class Column:
    index: int
    role: str  # one of ROLES or 'unknown'
    header: str  # header text above the column, as printed (merged cells included)
    locality: str | None = None  # price columns: all | city | village
    unit: str | None = None  # price columns: unit named by the header (None: the table's unit)
    time_unit: str | None = None  # time-norm columns: minutes | hours

    @property
    def key(self) -> tuple:
        return (self.role, self.locality, self.unit)


def _words(words: list[str]) -> re.Pattern:
    def one(w: str) -> str:
        whole = w.endswith("$")
        return rf"(?<!\w){re.escape(fold(w.rstrip('$')))}" + (r"(?!\w)" if whole else "")

    return re.compile("|".join(one(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _patterns() -> dict:
    cols = load("columns")
    roles = []
    for role, spec in cols["roles"].items():
        exact = {fold(w) for w in spec.get("exact", [])}
        roles.append((role, exact, _words(spec["words"]) if spec.get("words") else None))
    return {
        "roles": roles,
        "localities": [(k, _words(v)) for k, v in cols["localities"].items()],
        "units": [(k, _words(v)) for k, v in cols["units"].items()],
        "time_units": [(k, _words(v)) for k, v in cols["time_units"].items()],
    }


def column_texts(header: list[list[str]], ncols: int) -> list[str]:
    """Header text above each column: the distinct cell texts top-down (a merged cell repeats its
    text in every column and row it covers, so each text is taken once per column)."""
    out = []
    for i in range(ncols):
        parts: list[str] = []
        for row in header:
            cell = squash(row[i]) if i < len(row) and row[i] else ""
            if cell and cell not in parts:
                parts.append(cell)
        out.append(" ".join(parts))
    return out


def _role(text: str) -> str:
    f = fold(text)
    if not f:
        return "unknown"
    for role, exact, words in _patterns()["roles"]:
        if f in exact or (words is not None and words.search(f)):
            return role
    return "unknown"


def is_header_row(cells: list[str]) -> bool:
    """A row that names columns: a № cell, or two cells naming a column or a locality (the lower
    row of a two-level header may hold only ``Қала`` | ``Ауыл``)."""
    texts = [c for c in cells if c and squash(c)]
    if any(looks_like_price(c) and not ROW_NUMBER.match(c) for c in texts):
        return False  # a price: a body row
    texts = [c for c in texts if len(c) <= 120]  # header cells are short; service texts are long
    if any(_role(c) == "number" for c in texts):
        return True
    named = sum(1 for c in texts if _role(c) != "unknown" or (len(c) < 40 and _named(_patterns()["localities"], c)))
    return named >= 2


def _named(pairs, text: str) -> list[str]:
    f = fold(text)
    return [key for key, rx in pairs if rx.search(f)]


def unit_named(text: str) -> str | None:
    """Price unit a text names (a header, an annex title, an operative point), or None."""
    found = _named(_patterns()["units"], text)
    return found[0] if found else None


def column_roles(header: list[list[str]], ncols: int, body: list[list[str]] | None = None,
                 align: bool = True) -> list[Column]:
    """Role of every column of a table from its header rows; LayoutError when it cannot be told."""
    if not header:
        raise LayoutError("the table has no header row naming its columns")
    if align:
        header = align_header(header, body or [], ncols)
    columns = []
    for i, text in enumerate(column_texts(header, ncols)):
        role = _role(text)
        locality = unit = time_unit = None
        if role == "price":
            places = _named(_patterns()["localities"], text)
            if len(places) > 1:
                raise LayoutError(f"price column {i + 1} ({text!r}) names both {' and '.join(places)}")
            locality = places[0] if places else "all"
            unit = unit_named(text)
        elif role == "time_norm":
            units = _named(_patterns()["time_units"], text)
            if len(units) != 1:
                role = "unknown"  # a time with no unit (or two) cannot be read as minutes
            else:
                time_unit = units[0]
        columns.append(Column(i, role, text, locality, unit, time_unit))
    check(columns)
    return columns


def check(columns: list[Column]) -> None:
    """A readable table has one position column, at least one price column, and no two columns
    claiming the same meaning."""
    names = ", ".join(f"{c.index + 1}:{c.role}" for c in columns)
    if not any(c.role == "position" for c in columns):
        raise LayoutError(f"no position column (Лауазым / Должность) in the header ({names})")
    if not any(c.role == "price" for c in columns):
        raise LayoutError(f"no price column (құны / стоимость / тариф) in the header ({names})")
    seen: dict[tuple, Column] = {}
    for c in columns:
        if c.role == "unknown":
            continue
        other = seen.setdefault(c.key, c)
        if other is not c:
            raise LayoutError(f"columns {other.index + 1} and {c.index + 1} cannot be told apart (both "
                              f"{c.role}{' ' + c.locality if c.locality else ''}: {other.header!r}, {c.header!r})")


def _fits(role: str, cell: str) -> bool:
    cell = squash(cell)
    if role == "number":
        return not cell or bool(ROW_NUMBER.match(cell))
    if role == "price":
        return looks_like_price(cell)
    if role == "time_norm":
        try:
            parse_quantity(cell)
            return True
        except ValueError:
            return False
    if role in ("position", "unit_of_measure"):
        return bool(cell) and not looks_like_price(cell) and len(cell) < 200
    if role == "service":
        return not looks_like_price(cell)
    return False


def _placements(row: list[str], ncols: int):
    """Ways a header row printed with fewer cells than the table has columns may sit over the
    columns (a text view drops merged cells): each missing slot repeats the cell on its left (a
    cell merged across) or stays empty (a cell merged down from the row above)."""
    from itertools import combinations, product

    k = len(row)
    for slots in combinations(range(ncols), k):
        gaps = [i for i in range(ncols) if i not in slots]
        for fills in product((True, False), repeat=len(gaps)):
            out = [""] * ncols
            for cell, i in zip(row, slots):
                out[i] = cell
            for gap, copy in zip(gaps, fills):
                if copy and gap > 0 and out[gap - 1]:
                    out[gap] = out[gap - 1]
            yield out


def align_header(header: list[list[str]], body: list[list[str]], ncols: int) -> list[list[str]]:
    """Header rows laid over the table's columns when some are shorter than the body rows (the
    portal's text view loses colspan/rowspan): every way of placing them is tried, and the one
    whose column roles fit the body cells best is taken (LayoutError when two fit equally well
    with different meanings, or none gives a readable table)."""
    if all(len(r) == ncols for r in header) or not header:
        return header
    sample = [r for r in body if len(r) == ncols][:40]
    options = [[r] if len(r) == ncols else list(_placements(r, ncols)) if len(r) < ncols else [r[:ncols]]
               for r in header]
    if 1 <= len(options) <= 3 and prod(len(o) for o in options) <= 5000:
        from itertools import product

        scored = []
        for rows in product(*options):
            try:
                cols = column_roles(list(rows), ncols, align=False)
            except LayoutError:
                continue
            score = sum(sum(_fits(c.role, r[c.index]) for r in sample) / max(len(sample), 1) for c in cols)
            scored.append((score, [c.key for c in cols], list(rows)))
        scored.sort(key=lambda x: -x[0])
        if scored and (len(scored) == 1 or scored[1][0] < scored[0][0] - 1e-9 or scored[1][1] == scored[0][1]):
            return scored[0][2]
        if scored:
            raise LayoutError("header rows are shorter than the table and can be laid over its columns "
                              "in more than one way")
    raise LayoutError(f"header rows of {', '.join(str(len(r)) for r in header)} cells cannot be laid over "
                      f"the table's {ncols} columns")


def by_role(columns: list[Column], role: str) -> Column | None:
    return next((c for c in columns if c.role == role), None)


def describe(columns: list[Column]) -> str:
    """One line for the build report: ``№ | service | position | price(city) | ?(Ескерту)``."""
    parts = []
    for c in columns:
        if c.role == "price":
            parts.append(f"price({c.locality}{', ' + c.unit if c.unit else ''})")
        elif c.role == "unknown":
            parts.append(f"?({c.header or 'no header'})")
        else:
            parts.append(c.role)
    return " | ".join(parts)
