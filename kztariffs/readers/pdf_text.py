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
# The characters a price and the spaces around it are made of: a line's trailing price lies within its
# last run of them, so the price pattern only ever sees that run (never a whole long line).
_PRICE_CHARS = "0123456789 \u00a0.,"
_PRICE_RUN = 64  # a longer run of digits and separators at a line's end is not a price
# A position is a few words (the longest known spelling has 12): only a text's last words are tried as
# one, so cutting a row that swallowed megabytes of text costs no more than cutting a normal row.
_POSITION_WORDS = 60
_POSITION_WORD_CHARS = 200  # nor is any of its words longer than this
_CATEGORY_CHARS = 1000  # a category row is a short heading; a longer line is never one
# Lines after the last row are rejected as one row; its cells keep the first of them only.
_TAIL_LINES = 50
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
    # Only the text's last words are tried (a position is a few short words): the cost does not grow
    # with the length of the service text.
    start, words = _tail_words(text)
    spellings = known_position_spellings()
    for i in range(len(words)):
        candidate = " ".join(words[i:])
        if fold(candidate) in spellings:
            return (text[:start] + " ".join(words[:i])).strip(), candidate
    return None


def _tail_words(text: str) -> tuple[int, list[str]]:
    """The words at the end of ``text`` that can belong to a position, and where the first of them
    starts: at most :data:`_POSITION_WORDS` words, none longer than :data:`_POSITION_WORD_CHARS` (found
    from the end, as ``text`` may be megabytes). ``text[start:] == " ".join(words)``."""
    words: list[str] = []
    first, end = len(text), len(text)
    while len(words) < _POSITION_WORDS and end >= 0:
        start = text.rfind(" ", 0, end) + 1
        if end - start > _POSITION_WORD_CHARS:
            break
        words.append(text[start:end])
        first, end = start, start - 1
    return first, words[::-1]


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
        category = match_category(line) if len(line) <= _CATEGORY_CHARS else None
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
        shown = join_wrapped(pending[:_TAIL_LINES]) + (" …" if len(pending) > _TAIL_LINES else "")
        table.rows.append(RawRow(cells=["", shown, "", ""], line=rows[-1].line if rows else None,
                                  reason=f"{len(pending)} line(s) after the last row belong to no row"))
    if not any(r.number for r in rows):
        raise NoTariffTable(path, "no tariff table found (no numbered rows)", decree=decree)
    return decree


def _take(row: _Row, line: str) -> None:
    """Add a line of text to a row, taking a price off its end when the position is complete."""
    if row.price is not None:
        row.after.append(line)
        return
    start = len(line.rstrip(_PRICE_CHARS))  # the price pattern sees only the line's trailing run of digits
    m = _TRAILING_PRICE.match(line[start:]) if 0 < len(line) - start <= _PRICE_RUN else None
    if m and looks_like_price(m.group(2)):
        prefix = (line[:start] + m.group(1)).strip()
        text_so_far = join_wrapped(_last_words(row.before) + ([prefix] if prefix else []))
        has_position = split_position(text_so_far) is not None
        if not prefix or has_position:
            if prefix:
                row.before.append(prefix)
            row.price = m.group(2)
            row.position_found = has_position
            return
    row.before.append(line)


def _last_words(lines: list[str]) -> list[str]:
    """The end of a cell's lines holding a few more words than a position can have: enough for
    :func:`split_position`. The first line kept is cut to its last words, never its first (so that how
    it joins the line before cannot matter); a line of megabytes is searched from its end only."""
    words, budget = 0, _POSITION_WORDS + 4
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        cut = len(line)
        for _ in range(budget - words):  # the line's last words, found from its end (a line may be megabytes)
            cut = line.rfind(" ", 0, cut)
            if cut < 0:
                break
        if cut >= 0:  # this line alone completes the budget: keep its last words only
            return [line[cut + 1:]] + lines[i + 1:]
        words += line.count(" ") + 1
    return lines


def _cells(row: _Row) -> tuple[list[str], str | None]:
    text = join_wrapped(row.before + row.after)
    if not row.price:
        return [str(row.number), text, "", ""], "no readable price found for the row"
    split = split_position(text)
    if split is None:
        return [str(row.number), text, "", row.price], "cannot tell the position from the service text"
    service, position = split
    return [str(row.number), service, position, row.price], None
