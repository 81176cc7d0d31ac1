"""The legal portal's text view: every table cell on its own lines, cells separated by a line
holding only a tab, rows separated by a blank line before the separator."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import NoTariffTable
from ..model import ROW_NUMBER, RawDecree, RawRow
from ..text import fold, squash
from ..vocab import load, match_category

_SEPARATOR = re.compile(r"^\t[ \u00a0]*$")


def looks_like(text: str) -> bool:
    """The text view has many tab-only separator lines."""
    return sum(1 for line in text.split("\n") if _SEPARATOR.match(line)) >= 8


def _cell_rows(lines: list[str]) -> list[tuple[int, list[tuple[int, str]]]]:
    """Group lines into rows of cells: [(first_line_no, [(line_no, cell_text), ...]), ...].

    A separator after a blank line starts a row; text after two blank lines is outside the
    table (an annex title) and closes the row it follows.
    """
    rows: list[tuple[int, list[tuple[int, list[str]]]]] = []
    current: list[tuple[int, list[str]]] | None = None
    blanks = 2
    for no, line in enumerate(lines, start=1):
        if _SEPARATOR.match(line):
            if current is None or blanks:
                current = []
                rows.append((no, current))
            current.append((no + 1, []))
            blanks = 0
            continue
        if not line.strip():
            blanks += 1
            if current and current[-1][1]:
                current[-1][1].append(line)
            continue
        if blanks >= 2:
            current = None
        if current:
            current[-1][1].append(line)
        blanks = 0
    return [(first, [(ln, "\n".join(c).strip()) for ln, c in cells]) for first, cells in rows]


def _is_header(cells: list[str]) -> bool:
    words = [w for ws in load("columns")["columns"].values() for w in ws]
    return any(c and any(fold(c).startswith(w) for w in words) for c in cells)


def _is_body(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if len(filled) == 1 and match_category(filled[0]):
        return True
    return bool(cells) and bool(ROW_NUMBER.match(cells[0])) and len(filled) >= 3


def read(path: Path, text: str, sha: str) -> RawDecree:
    lines = text.split("\n")
    rows = _cell_rows(lines)
    first_body = next((i for i, (_, cells) in enumerate(rows) if _is_body([c for _, c in cells])), None)
    if first_body is None:
        raise NoTariffTable(path, "no tariff table found (no numbered rows with prices)",
                            decree=RawDecree(path, sha, "portal_text", text))
    start = first_body
    while start > 0 and (_is_header(cells := [c for _, c in rows[start - 1][1]]) or not any(cells)):
        start -= 1
    while start < first_body and not any(c for _, c in rows[start][1]):
        start += 1
    table_line = rows[start][0]
    decree = RawDecree(path=path, sha256=sha, form="portal_text",
                       text="\n".join(lines[: table_line - 1]))
    decree.header = [[squash(c) for _, c in cells] for _, cells in rows[start:first_body]
                     if any(c for _, c in cells)]
    for first, cells in rows[first_body:]:
        texts = [c for _, c in cells]
        if not any(texts):
            continue
        decree.rows.append(RawRow(cells=texts, line=first))
    return decree
