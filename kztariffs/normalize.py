"""Raw annex tables + decree metadata -> tidy tariff rows (one per table row and price column).

Each table is read through the roles of its columns (``columns.py``), found from its header, so a
unit column, a time norm, city and village prices or another column order need no special case.
Every raw row ends up either as dataset rows or as rejects with a reason; ``row`` counts the
priced rows of each annex from 1.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .columns import Column, LayoutError, by_role, column_roles, describe
from .metadata import Annex, Decree
from .model import ROW_NUMBER, RawDecree, RawRow, RawTable
from .numbers import PriceError, check_price, parse_price, parse_quantity
from .text import fold, squash
from .vocab import match_category, match_position

MINUTES_PER = {"minutes": Decimal(1), "hours": Decimal(60)}
# A reject keeps a short excerpt of its row, not the whole row: a row that swallowed megabytes of text
# (a decree followed by anything) must not write megabytes into rejects.csv.
REJECT_EXCERPT_CHARS = 500
REASON_CHARS = 300


def excerpt(text: str, limit: int = REJECT_EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with "…" (and how much was left out)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}… [{len(text) - limit + 1} more characters]"


@dataclass
class Normalized:
    rows: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # build-report lines (unknown positions, fuzzy matches)


def is_category(cells: list[str]) -> str | None:
    """Category key of a category row: one distinct text in the row that names a category."""
    filled = {squash(c) for c in cells if squash(c)}
    return match_category(next(iter(filled))) if len(filled) == 1 else None


def is_column_numbers(cells: list[str]) -> bool:
    """The row of column numbers some clerks print under the header: 1 | 2 | 3 | 4 ..."""
    filled = [squash(c) for c in cells if squash(c)]
    return len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)] and len(filled) == len(cells)


def _same_service(first: str, again: str) -> bool:
    """Whether a № printed again names the same service: one of the texts is empty or contains the
    other (a merged cell that a reader repeats, or splits at a page break, in each of its rows)."""
    a, b = fold(first), fold(again)
    return not a or not b or a in b or b in a


def normalize(raw: RawDecree, decree: Decree) -> Normalized:
    out = Normalized()
    meta = {
        "decree_id": decree.decree_id, "source_file": raw.path.name, "source_sha256": raw.sha256,
        "source_form": raw.form, "authority": decree.authority,
        "authority_key": decree.authority_key, "area": decree.area, "region": decree.region,
        "kato": decree.kato, "decree_number": decree.decree_number, "decree_date": decree.decree_date,
        "year": decree.year, "language": decree.language,
    }
    positions_seen: dict[str, str | None] = {}
    for table, annex in zip(raw.tables, decree.annexes):
        _table(raw, table, annex, meta, positions_seen, out)
    return out


def _table(raw: RawDecree, table: RawTable, annex: Annex, meta: dict, positions_seen: dict,
           out: Normalized) -> None:
    name = raw.path.name
    meta = {**meta, "annex": annex.number, "setting": annex.setting}

    def reject(raw_row: RawRow, reason: str, kind: str = "error", **extra):
        second = f" | second reading: {' | '.join(squash(c[:REJECT_EXCERPT_CHARS * 4]) for c in raw_row.second_reading)}" \
            if raw_row.second_reading else ""
        cells = " | ".join(squash(c[:REJECT_EXCERPT_CHARS * 4]) for c in raw_row.cells[:100]) + second
        out.rejects.append({
            "source_file": name, "source_sha256": raw.sha256, "decree_id": meta["decree_id"],
            "annex": annex.number, "line": raw_row.line, "page": raw_row.page, "row": extra.get("row"),
            "service_no": extra.get("service_no"), "locality": extra.get("locality"),
            "cells": excerpt(cells), "reason": excerpt(reason, REASON_CHARS), "kind": kind,
        })

    rows = list(table.rows)
    header = list(table.header)
    while rows and is_column_numbers(rows[0].cells):
        header.append(rows.pop(0).cells)  # column numbers belong to the header
    ncols = max([len(r) for r in header] + [len(r.cells) for r in rows] + [0])
    try:
        columns: list[Column] = table.columns or column_roles(header, ncols, [r.cells for r in rows])
    except LayoutError as exc:
        out.notes.append(f"{name}: annex {annex.number}: table refused: {exc}")
        for i, raw_row in enumerate(r for r in rows if not is_category(r.cells) and any(map(squash, r.cells))):
            reject(raw_row, f"table refused: {exc}", row=i + 1)
        return
    for c in columns:
        if c.role == "unknown":
            out.notes.append(f"{name}: annex {annex.number}: column {c.index + 1} "
                             f"({c.header or 'no header'!r}) not understood; kept aside, not read")
    if len(raw.tables) > 1 or any(c.role not in ("number", "service", "position", "price") for c in columns):
        out.notes.append(f"{name}: annex {annex.number} columns: {describe(columns)}")
    number, service = by_role(columns, "number"), by_role(columns, "service")
    position_col, uom, time_col = by_role(columns, "position"), by_role(columns, "unit_of_measure"), \
        by_role(columns, "time_norm")
    prices = [c for c in columns if c.role == "price"]

    def cell(raw_row: RawRow, col: Column | None, continued_blank: bool = False) -> str:
        if col is None or col.index >= len(raw_row.cells):
            return ""
        if continued_blank and col.index in raw_row.spanned:
            return ""  # a № or service merged down from the row above: the same service continues
        return squash(raw_row.cells[col.index] or "")

    category = category_text = None
    service_no = service_text = None
    row_no = 0
    numbers_seen: dict[int, tuple[str, RawRow]] = {}  # № -> (its service text, its row) in this annex
    for raw_row in rows:
        cells = raw_row.cells
        if not any(squash(c) for c in cells):
            continue
        if (key := is_category(cells)) is not None:
            category, category_text = key, next(squash(c) for c in cells if squash(c))
            continue
        if not raw_row.counted:
            reject(raw_row, raw_row.reason or "not a row of the table", row=None)
            continue
        row_no += 1
        if raw_row.reason:
            reject(raw_row, raw_row.reason, row=row_no)
            if cell(raw_row, number, True) or cell(raw_row, service, True):
                service_no = service_text = None  # rows continuing this service cannot tell their service
            continue
        extra = [c for c in cells[len(columns):] if squash(c)]
        if extra:
            reject(raw_row, f"row has {len(cells)} cells, the table has {len(columns)} columns", row=row_no)
            continue
        no_cell, service_cell = cell(raw_row, number, True), cell(raw_row, service, True)
        if no_cell:
            m = ROW_NUMBER.match(no_cell)
            if not m:
                reject(raw_row, f"row number {excerpt(no_cell, 40)!r} is not a number", row=row_no)
                continue
            n = int(m.group(1))
            first = numbers_seen.get(n)
            if first is not None and not _same_service(first[0], service_cell):
                # the same № printed again for another service: a typo or a row pasted twice; which
                # of the two is right cannot be told, so the second is not stored
                reject(raw_row, f"row number {n} repeats row number {n} above ({first[1].location}) "
                                "with another service", row=row_no, service_no=n)
                service_no = service_text = None  # rows continuing it cannot tell their service
                continue
            numbers_seen.setdefault(n, (service_cell, raw_row))
            service_no, service_text = n, service_cell
        elif service_cell:  # no number but its own service text: keep the text, number unknown
            service_no, service_text = None, service_cell
        elif service_no is None and service_text is None:
            reject(raw_row, "row continues a service, but no service precedes it or that service's row "
                            "was rejected", row=row_no)
            continue
        position = cell(raw_row, position_col)
        if not position:
            reject(raw_row, "empty position cell", row=row_no, service_no=service_no)
            continue
        if position not in positions_seen:
            match = match_position(position)
            positions_seen[position] = match.key
            if match.key is None:
                out.notes.append(f"{name}: unknown position {excerpt(position, 120)!r} (no spelling in "
                                 f"vocab/positions.yaml; best fuzzy score {match.score:.0f})")
            elif not match.exact:
                out.notes.append(f"{name}: position {excerpt(position, 120)!r} matched {match.key!r} fuzzily "
                                 f"(score {match.score:.0f}); add the spelling to vocab/positions.yaml")
        time_norm = None
        if time_col is not None and (time_text := cell(raw_row, time_col)):
            try:
                time_norm = parse_quantity(time_text) * MINUTES_PER[time_col.time_unit]
            except PriceError as exc:
                reject(raw_row, f"time norm unreadable: {exc}", row=row_no, service_no=service_no)
                continue
        if category is None:
            out.notes.append(f"{name}: {raw_row.location}: row before any category row")
        for col in prices:
            locality = col.locality
            try:
                price = parse_price(cell(raw_row, col))
            except PriceError as exc:
                reject(raw_row, f"{locality} price unreadable: {exc}", row=row_no,
                       service_no=service_no, locality=locality)
                continue
            try:
                check_price(price)
            except PriceError as exc:
                reject(raw_row, f"{locality} price out of bounds: {exc}", row=row_no,
                       service_no=service_no, locality=locality)
                continue
            if price == 0:
                if locality == "all":
                    reject(raw_row, "price is 0", row=row_no, service_no=service_no, locality=locality)
                else:
                    reject(raw_row, f"0 in the {locality} column: the tariff does not apply there",
                           kind="not_applicable", row=row_no, service_no=service_no, locality=locality)
                continue
            out.rows.append({
                **meta, "unit": col.unit or annex.unit, "line": raw_row.line, "page": raw_row.page,
                "row": row_no, "service_no": service_no, "category": category,
                "category_text": category_text, "service_text": service_text or None,
                "unit_of_measure": cell(raw_row, uom) or None, "position": position,
                "position_key": positions_seen[position], "time_norm_min": time_norm,
                "locality": locality, "price_kzt": Decimal(price),
            })
