"""Text taken from a PDF: the annex table has lost its grid.

Cells wrap over many lines, justified words come letter-spaced (``Д ә р і г е р``), the row
number may sit inside a wrapped cell (vertically centred), rows break across pages, and a
service, its position and its price may share a line. What still holds:

- rows are numbered 1, 2, 3 ... and the number starts a line;
- every row ends its position with a price (a number), and the position is one of the known
  spellings (``vocab/positions.yaml``), which is how service text and position are told apart.

Rows that cannot be cut with confidence go to rejects with the reason, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NoTariffTable
from ..columns import Column, unit_named
from ..model import RawDecree, RawRow, RawTable
from ..numbers import looks_like_price
from ..text import fold, join_wrapped, repair_letter_spacing, squash
from ..vocab import known_position_spellings, match_category

_ANCHOR = re.compile(r"^\s*(\d{1,4})\.?(?:\s+(.*\S))?\s*$")
# A price at the end of a line: digits with optional space groups and one decimal part.
_TRAILING_PRICE = re.compile(r"^(.*?)\s*((?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*$")


@dataclass
class _Row:
    number: int
    line: int
    before: list[str] = field(default_factory=list)  # text lines before the price
    after: list[str] = field(default_factory=list)  # text lines after the price (page breaks)
    price: str | None = None
    position_found: bool = False
    category: str | None = None  # set for a category row (then the other fields are unused)
    missing: bool = False  # a № the numbering skips: listed as a reject


def split_position(text: str) -> tuple[str, str] | None:
    """Cut ``"<service words> <position words>"`` at the longest known position suffix."""
    words = text.split(" ")
    spellings = known_position_spellings()
    for i in range(len(words)):
        candidate = " ".join(words[i:])
        if fold(candidate) in spellings:
            return " ".join(words[:i]).strip(), candidate
    return None


def _header_start(lines: list[str]) -> int | None:
    for i, line in enumerate(lines):
        s = squash(line)
        if s.startswith("№") and len(s) > 1:
            return i
    return None


def read(path: Path, text: str, sha: str) -> RawDecree:
    lines = text.split("\n")
    start = _header_start(lines)
    if start is None:
        raise NoTariffTable(path, "no tariff table found (no header row starting with №)",
                            decree=RawDecree(path, sha, "pdf_text", text))
    decree = RawDecree(path=path, sha256=sha, form="pdf_text", text="\n".join(lines[:start]))

    header: list[str] = []
    rows: list[_Row] = []
    pending: list[str] = []  # lines that belong to the next row (its cell starts before its №)
    current: _Row | None = None
    in_header = True
    last_number = 0

    def close(row: _Row | None):
        if row is not None:
            rows.append(row)

    for idx in range(start, len(lines)):
        no = idx + 1
        raw = lines[idx]
        line = squash(repair_letter_spacing(raw))
        if not line:
            continue
        category = match_category(line)
        anchor = _ANCHOR.match(line)
        expected = last_number + 1
        if in_header:
            if category or (anchor and int(anchor.group(1)) == 1):
                in_header = False
            else:
                header.append(line)
                continue
        if category:
            close(current)
            current = None
            if pending:
                decree.warnings.append(f"line {no}: text before a category row kept for the next row")
            rows.append(_Row(number=0, line=no, category=line))
            continue
        number = int(anchor.group(1)) if anchor else None
        bare = anchor is not None and not anchor.group(2)
        complete = current is None or (current.price is not None and current.position_found)
        # The next № starts a row when it stands alone on its line (even if the row before has no
        # readable price: that row is then rejected), or when the row before is priced. A № that
        # skips one or two numbers is accepted after a complete row; the missing rows are rejected.
        if anchor and ((number == expected and (bare or (current is not None and current.price is not None)))
                       or (bare and complete and expected < number <= expected + 2)):
            close(current)
            for missing in range(expected, number):  # the skipped row's text, if any, goes with it
                rows.append(_Row(number=missing, line=no, missing=True, before=pending))
                pending = []
            current = _Row(number=number, line=no, before=pending)
            last_number = number
            pending = []
            rest = anchor.group(2)
            if rest:
                _take(current, rest)
            continue
        if current is None:
            pending.append(line)
            continue
        if current.price is not None and current.position_found:
            pending.append(line)  # the next row's cell begins before its number
            continue
        _take(current, line)
    close(current)

    # The cells are rebuilt here, so their roles are known: №, service, position, one price.
    header_line = " ".join(header)
    table = RawTable(header=[header], columns=[
        Column(0, "number", "№"), Column(1, "service", ""), Column(2, "position", ""),
        Column(3, "price", header_line, "all", unit_named(header_line))])
    decree.tables.append(table)
    for row in rows:
        if row.category:
            table.rows.append(RawRow(cells=[row.category], line=row.line))
            continue
        if row.missing:
            table.rows.append(RawRow(cells=[str(row.number), join_wrapped(row.before), "", ""], line=row.line,
                                      reason=f"row № {row.number} not found: the numbering skips it"))
            continue
        cells, reason = _cells(row)
        table.rows.append(RawRow(cells=cells, line=row.line, reason=reason))
    if pending:
        table.rows.append(RawRow(cells=["", join_wrapped(pending), "", ""], line=rows[-1].line if rows else None,
                                  reason=f"{len(pending)} line(s) after the last row belong to no row"))
    if not any(r.number for r in rows):
        raise NoTariffTable(path, "no tariff table found (no numbered rows)", decree=decree)
    return decree


def _take(row: _Row, line: str) -> None:
    """Add a line of text to a row, taking a price off its end when the position is complete."""
    if row.price is not None:
        row.after.append(line)
        return
    m = _TRAILING_PRICE.match(line)
    if m and looks_like_price(m.group(2)):
        prefix = m.group(1).strip()
        text_so_far = join_wrapped(row.before + ([prefix] if prefix else []))
        has_position = split_position(text_so_far) is not None
        if not prefix or has_position:
            if prefix:
                row.before.append(prefix)
            row.price = m.group(2)
            row.position_found = has_position
            return
    row.before.append(line)


def _cells(row: _Row) -> tuple[list[str], str | None]:
    text = join_wrapped(row.before + row.after)
    if not row.price:
        return [str(row.number), text, "", ""], "no readable price found for the row"
    split = split_position(text)
    if split is None:
        return [str(row.number), text, "", row.price], "cannot tell the position from the service text"
    service, position = split
    return [str(row.number), service, position, row.price], None
