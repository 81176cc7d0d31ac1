"""The legal portal's text view: every table cell on its own lines, cells separated by a line
holding only a tab, rows separated by a blank line before the separator."""
from __future__ import annotations

import re
from pathlib import Path

from ..columns import is_header_row
from ..errors import NoTariffTable
from ..model import ROW_NUMBER, RawDecree, RawRow, RawTable
from ..text import squash
from ..vocab import match_category

_SEPARATOR = re.compile(r"^\t[ \u00a0]*$")


def looks_like(text: str) -> bool:
    """The text view has many tab-only separator lines."""
    return sum(1 for line in text.split("\n") if _SEPARATOR.match(line)) >= 8


def _cell_rows(lines: list[str]) -> tuple[list[tuple[int, list[tuple[int, str]]]], list[int]]:
    """Group lines into rows of cells: [(first_line_no, [(line_no, cell_text), ...]), ...], and the
    line numbers where text outside any table begins (annex headings and titles between tables).

    A separator after a blank line starts a row; text after two blank lines is outside the
    table (an annex title) and closes the row it follows.
    """
    rows: list[tuple[int, list[tuple[int, list[str]]]]] = []
    breaks: list[int] = []
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
            if current is not None or not breaks or breaks[-1] < (rows[-1][0] if rows else 0):
                breaks.append(no)
            current = None
        if current:
            current[-1][1].append(line)
        blanks = 0
    return [(first, [(ln, "\n".join(c).strip()) for ln, c in cells]) for first, cells in rows], breaks


def _is_body(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if len(filled) == 1 and match_category(filled[0]):
        return True
    return bool(cells) and bool(ROW_NUMBER.match(cells[0])) and len(filled) >= 3


def _runs(rows, breaks: list[int]) -> list[list]:
    """Rows cut into runs at the text outside tables: each table of the page is one run."""
    runs: list[list] = []
    b = 0
    for row in rows:
        moved = False
        while b < len(breaks) and breaks[b] < row[0]:
            b += 1
            moved = True
        if moved or not runs:
            runs.append([])
        runs[-1].append(row)
    return runs


def read(path: Path, text: str, sha: str) -> RawDecree:
    lines = text.split("\n")
    rows, breaks = _cell_rows(lines)
    decree = RawDecree(path=path, sha256=sha, form="portal_text", text=text)
    title_from = 1  # first line of the text before the next table
    for run in _runs(rows, breaks):
        first_body = next((i for i, (_, cells) in enumerate(run) if _is_body([c for _, c in cells])), None)
        if first_body is None:
            continue  # a layout table (signature, annex heading): its text belongs to the next title
        start = first_body
        while start > 0 and (is_header_row(cells := [c for _, c in run[start - 1][1]]) or not any(cells)):
            start -= 1
        while start < first_body and not any(c for _, c in run[start][1]):
            start += 1
        table_line = run[start][0]
        before = "\n".join(lines[title_from - 1: table_line - 1])
        if not decree.tables:
            decree.text = before
        table = RawTable(title="" if not decree.tables else before)
        table.header = [[squash(c) for _, c in cells] for _, cells in run[start:first_body]
                        if any(c for _, c in cells)]
        for first, cells in run[first_body:]:
            texts = [c for _, c in cells]
            if any(texts):
                table.rows.append(RawRow(cells=texts, line=first))
        decree.tables.append(table)
        title_from = next((b for b in breaks if b > run[-1][0]), len(lines) + 1)
    if not decree.tables:
        raise NoTariffTable(path, "no tariff table found (no numbered rows with prices)", decree=decree)
    return decree
