"""Raw table rows + decree metadata -> tidy tariff rows (one per table row and price column).

Every raw row ends up either as dataset rows or as rejects with a reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .metadata import Decree
from .model import ROW_NUMBER, RawDecree, RawRow
from .numbers import PriceError, parse_price
from .text import fold, squash
from .vocab import load, match_category, match_position

FIXED_COLUMNS = 3  # №, service, position; the price columns follow


@dataclass
class Normalized:
    rows: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # build-report lines (unknown positions, fuzzy matches)


def price_localities(header: list[list[str]]) -> list[str]:
    """Locality of each price column, in order, from the header: ['all'] or e.g. ['city', 'village']."""
    text = fold(" ".join(" ".join(r) for r in header))
    found = []
    for locality, words in load("columns")["localities"].items():
        hits = [m.start() for w in words for m in re.finditer(rf"(?<!\w){re.escape(fold(w))}", text)]
        if hits:
            found.append((min(hits), locality))
    return [loc for _, loc in sorted(found)] or ["all"]


def normalize(raw: RawDecree, decree: Decree) -> Normalized:
    out = Normalized()
    localities = price_localities(raw.header)
    meta = {
        "decree_id": decree.decree_id, "source_file": raw.path.name, "source_sha256": raw.sha256,
        "source_form": raw.form, "unit": decree.unit, "authority": decree.authority,
        "authority_key": decree.authority_key, "area": decree.area, "region": decree.region,
        "kato": decree.kato, "decree_number": decree.decree_number, "decree_date": decree.decree_date,
        "year": decree.year, "setting": decree.setting, "language": decree.language,
    }
    category = category_text = None
    service_no = service_text = None
    row_no = 0
    positions_seen: dict[str, tuple[str | None, float]] = {}

    def reject(raw_row: RawRow, reason: str, kind: str = "error", **extra):
        out.rejects.append({
            "source_file": raw.path.name, "source_sha256": raw.sha256, "decree_id": decree.decree_id,
            "line": raw_row.line, "page": raw_row.page, "row": extra.get("row"),
            "service_no": extra.get("service_no"), "locality": extra.get("locality"),
            "cells": " | ".join(squash(c) for c in raw_row.cells), "reason": reason, "kind": kind,
        })

    for raw_row in raw.rows:
        cells = [c if c is not None else "" for c in raw_row.cells]
        filled = [c for c in cells if squash(c)]
        if len(filled) == 1 and match_category(filled[0]):
            category, category_text = match_category(filled[0]), squash(filled[0])
            continue
        if not filled:
            continue
        row_no += 1
        if raw_row.reason:
            reject(raw_row, raw_row.reason, row=row_no)
            continue
        expected = FIXED_COLUMNS + len(localities)
        if len(cells) != expected:
            reject(raw_row, f"row has {len(cells)} cells, the table has {expected} columns", row=row_no)
            continue
        no_cell, service_cell, position_cell = (squash(c) for c in cells[:FIXED_COLUMNS])
        if no_cell:
            m = ROW_NUMBER.match(no_cell)
            if not m:
                reject(raw_row, f"row number {no_cell!r} is not a number", row=row_no)
                continue
            service_no, service_text = int(m.group(1)), service_cell
        elif service_cell:  # no number but its own service text: keep the text, number unknown
            service_no, service_text = None, service_cell
        elif service_no is None:
            reject(raw_row, "row continues a service but no service precedes it", row=row_no)
            continue
        if not position_cell:
            reject(raw_row, "empty position cell", row=row_no, service_no=service_no)
            continue
        position = squash(position_cell)
        if position not in positions_seen:
            match = match_position(position)
            positions_seen[position] = (match.key, match.score)
            if match.key is None:
                out.notes.append(f"{raw.path.name}: unknown position {position!r} (no spelling in "
                                 f"vocab/positions.yaml; best fuzzy score {match.score:.0f})")
            elif not match.exact:
                out.notes.append(f"{raw.path.name}: position {position!r} matched {match.key!r} fuzzily "
                                 f"(score {match.score:.0f}); add the spelling to vocab/positions.yaml")
        position_key = positions_seen[position][0]
        if category is None:
            out.notes.append(f"{raw.path.name}: line {raw_row.line}: row before any category row")
        for locality, price_cell in zip(localities, cells[FIXED_COLUMNS:]):
            try:
                price = parse_price(price_cell)
            except PriceError as exc:
                reject(raw_row, f"{locality} price unreadable: {exc}", row=row_no,
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
                **meta, "line": raw_row.line, "page": raw_row.page, "row": row_no,
                "service_no": service_no, "category": category, "category_text": category_text,
                "service_text": service_text, "position": position, "position_key": position_key,
                "locality": locality, "price_kzt": Decimal(price),
            })
    return out
