"""A saved portal web page (Kazakh or Russian): the annex ``<table>`` and the decree text above it.

- Every ``<table>`` with numbered rows (a first cell ``1``, ``2`` ...) is an annex table; layout
  tables of the page around them are ignored, and tables nested in an annex's cells too. Several
  annexes give several tables, each with the text between it and the table before as its title;
  one annex split over several tables of the same width (one per page), with no annex heading
  between them and numbering that goes on, is read as one.
- ``rowspan``/``colspan`` are expanded into a grid following the model's merge convention
  (``model.py``): header cells repeat their text over their span; in the body, a cell merged down
  repeats its text in each row and marks the rows below as ``spanned``; a category row is one cell
  spanning the table, so it stays a row with a single non-empty cell.
- Spans are kept within the table: its width is the most cells any row has (its own cells plus those
  merged down into it from above), a ``colspan`` reaching beyond it is cut there and a ``rowspan``
  ends at the table's last row (one longer than the whole table is a slip and read as 1), with a
  warning naming the first such cell. So a page of cells with ``colspan="1000"`` costs what its
  cells cost, not a thousand times more.
- A table nested in a cell of an annex table is not part of the annex: neither its rows nor its text
  are read (a warning says how many were left out).
- Header rows are the rows before the first category or numbered row.
- The decree text is the text of the page's blocks before the first table inside the element that
  holds it (title, the line naming the act, preamble, annex title): navigation around it is left out.
- Every row keeps the line of its ``<tr>`` in the saved file.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import DecreeError, NoTariffTable
from ..model import ROW_NUMBER, RawDecree, RawRow, RawTable
from ..text import squash
from ..vocab import match_category, names_another_annex

_SKIP = {"script", "style", "noscript", "head", "title"}


def _soup(path: Path, text: str):
    try:
        from bs4 import BeautifulSoup
    except ImportError:  # pragma: no cover - beautifulsoup4 is a dependency
        raise DecreeError(path, "reading HTML pages needs beautifulsoup4 (pip install beautifulsoup4)") from None
    return BeautifulSoup(text, "html.parser")


def _cell_text(td) -> str:
    """The cell's own text: line breaks as spaces, tables nested in it left out."""
    for br in td.find_all("br"):
        br.replace_with(" ")
    nested = td.find_all("table")
    if not nested:
        return squash(td.get_text(" "))
    from bs4 import CData, NavigableString

    inner = {id(s) for t in nested for s in t.find_all(string=True)}
    return squash(" ".join(s for s in td.find_all(string=True)
                           if type(s) in (NavigableString, CData) and id(s) not in inner))


def _span(td, name: str) -> int:
    """A cell's ``rowspan``/``colspan`` as written (at least 1); the grid keeps it within the table."""
    value = str(td.get(name, "1")).strip().lstrip("0")
    if not (value.isascii() and value.isdigit()):
        return 1  # "", "0" (HTML's "to the end of the group"), "2x", ...
    return int(value) if len(value) <= 9 else 10 ** 9


def _own_rows(table) -> list:
    """The table's own <tr> (not those of tables nested in its cells)."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


class _Cell:
    __slots__ = ("text", "row", "col")

    def __init__(self, text: str, row: int, col: int):
        self.text, self.row, self.col = text, row, col  # row, col: where the merged cell starts


def _width(rows: list[list]) -> int:
    """The table's real width: the most cells a row has, its own plus those merged down into it."""
    n = len(rows)
    carried = [0] * (n + 1)  # difference array: cells merged down from rows above
    for r, tds in enumerate(rows):
        for td in tds:
            rs = _span(td, "rowspan")
            rs = 1 if rs > n else min(rs, n - r)  # as _grid reads it
            if rs > 1:
                carried[r + 1] += 1
                carried[r + rs] -= 1
    width, running = 0, 0
    for r, tds in enumerate(rows):
        running += carried[r]
        width = max(width, len(tds) + running)
    return width


def _grid(table, warnings: list[str] | None = None) -> list[tuple[int | None, list[_Cell]]]:
    """Rows of cells with rowspan/colspan expanded: every grid slot knows the cell covering it.

    Spans are cut at the table's edges (see the module's notes); ``warnings`` gets one line naming the
    first cell whose span reached beyond them and how many did."""
    out: list[tuple[int | None, list[_Cell]]] = []
    pending: dict[int, tuple[int, _Cell]] = {}  # column -> (rows left, cell)
    trs = _own_rows(table)
    rows = [[td for td in tr.find_all(["td", "th"]) if td.find_parent("tr") is tr] for tr in trs]
    width = _width(rows)
    beyond: list[str] = []
    for r, (tr, tds) in enumerate(zip(trs, rows)):
        cells: list[_Cell] = []

        def fill_pending():
            while len(cells) in pending:
                left, cell = pending[len(cells)]
                if left <= 1:
                    del pending[len(cells)]
                else:
                    pending[len(cells)] = (left - 1, cell)
                cells.append(cell)

        for k, td in enumerate(tds):
            fill_pending()
            cell = _Cell(_cell_text(td), r, len(cells))
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            room = max(1, width - len(cells) - (len(tds) - k - 1))  # leave a column for each cell after it
            if cs > room:
                beyond.append(f"colspan={cs} at line {getattr(td, 'sourceline', '?')} (the table has {width} columns)")
                cs = room
            if rs > len(trs) - r:
                # past the last row: cut there; longer than the whole table: a slip, read as 1 (merged
                # down over the whole table, a category cell would hide every row below it)
                cut = 1 if rs > len(trs) else len(trs) - r
                beyond.append(f"rowspan={rs} at line {getattr(td, 'sourceline', '?')} (the table ends "
                              f"{len(trs) - r} row(s) further; read as {cut})")
                rs = cut
            for _ in range(cs):
                if rs > 1:
                    pending[len(cells)] = (rs - 1, cell)
                cells.append(cell)
        fill_pending()
        out.append((getattr(tr, "sourceline", None), cells))
    if beyond and warnings is not None:
        shown = [next(b for b in beyond if b.startswith(k)) for k in ("colspan", "rowspan")
                 if any(b.startswith(k) for b in beyond)]
        more = f" and {len(beyond) - len(shown)} more" if len(beyond) > len(shown) else ""
        warnings.append(f"cell spans beyond the table were cut at its edge: {'; '.join(shown)}{more}")
    width = max((len(c) for _, c in out), default=0)
    return [(line, cells + [_Cell("", -1, -1)] * (width - len(cells))) for line, cells in out]


def _texts(cells: list[_Cell]) -> list[str]:
    """Body-row texts: a cell merged across columns keeps its text in its first column only."""
    return [c.text if c.col == i else "" for i, c in enumerate(cells)]


def _numbered(cells: list[str]) -> bool:
    return bool(cells) and bool(ROW_NUMBER.match(cells[0])) and sum(1 for c in cells if c) >= 3


def _category(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(match_category(filled[0]))


_TITLE = re.compile(r"(?im)туралы\.?\s*$|^\s*(?:Об|О)\s+утверждении")


def _text_before(table) -> str:
    """Text of the blocks before the table, gathered level by level up its ancestors until it holds
    the decree's title (so an annex heading in the table's own section does not stand alone, and
    navigation around the document is left out)."""
    from bs4 import NavigableString, Tag

    node, text = table, ""
    while node.parent is not None and node.parent.name not in ("body", "html", "[document]"):
        parent = node.parent
        chunks = []
        for child in parent.children:
            if child is node:
                break
            if isinstance(child, Tag):
                if child.name in _SKIP or child.name == "table":
                    continue
                for br in child.find_all("br"):
                    br.replace_with("\n")
                chunks.append(child.get_text(""))
            elif isinstance(child, NavigableString):
                chunks.append(str(child))
        level = "\n".join(squash(l) for c in chunks for l in c.split("\n")).strip("\n")
        text = "\n".join(t for t in (level, text) if t)
        if squash(text) and _TITLE.search(text):
            return text
        node = parent
    if squash(text):
        return text
    # the table sits right in <body>: everything before it
    chunks = [str(s) for s in table.find_all_previous(string=True)
              if s.parent is not None and s.parent.name not in _SKIP]
    return "\n".join(squash(s) for s in reversed(chunks) if squash(s))


def read_html(path: Path, text: str, sha: str) -> RawDecree:
    soup = _soup(path, text)
    numbered, spans = [], {}
    for table in soup.find_all("table"):
        spans[id(table)] = []
        rows = _grid(table, spans[id(table)])
        if any(_numbered(_texts(cells)) for _, cells in rows):
            numbered.append((table, rows))
    # tables nested inside an annex table's cell are not annexes of their own
    numbered = [(t, rows) for t, rows in numbered
                if not any(t is not o and o in t.parents for o, _ in numbered)]
    if not numbered:
        for t in soup.find_all(_SKIP):
            t.decompose()
        page_text = "\n".join(squash(l) for l in soup.get_text("\n").split("\n") if squash(l))
        raise NoTariffTable(path, "no tariff table found (no <table> with numbered rows)",
                            decree=RawDecree(path, sha, "html", page_text))
    owner = {id(t): t for t, _ in numbered}
    between: list[list[str]] = [[] for _ in numbered]  # text before each annex table (after the one before)
    k = 0
    for s in soup.find_all(string=True):
        if s.parent is None or s.parent.name in _SKIP or not squash(s):
            continue
        inside = next((p for p in s.parents if id(p) in owner), None)
        if inside is not None:
            k = next(i for i, (t, _) in enumerate(numbered) if t is inside) + 1
        elif k < len(numbered):
            between[k].append(squash(s))
    decree = RawDecree(path=path, sha256=sha, form="html", text=_text_before(numbered[0][0]))
    for n, (table, _) in enumerate(numbered, start=1):
        decree.warnings += [f"annex table {n}: {w}" for w in spans[id(table)]]
        nested = len(table.find_all("table"))
        if nested:
            decree.warnings.append(f"annex table {n}: {nested} table(s) nested in its cells were left out "
                                   "(only the cells' own text is read)")
    width = None
    for n, (table, rows) in enumerate(numbered):
        first = next(i for i, (_, cells) in enumerate(rows)
                     if _category(_texts(cells)) or _numbered(_texts(cells)))
        header = [[c.text for c in cells] for _, cells in rows[:first] if any(c.text for c in cells)]
        body = rows[first:]
        first_no = next((int(ROW_NUMBER.match(t[0]).group(1)) for _, c in body
                         if _numbered(t := _texts(c))), 1)
        # an annex split over several tables of the same width (e.g. one per page) is read as one
        if (decree.tables and len(rows[0][1]) == width and first_no != 1 and not names_another_annex(" ".join(between[n]))):
            current = decree.tables[-1]
        else:
            current = RawTable(header=header, title="\n".join(between[n]) if n else "")
            decree.tables.append(current)
            width = len(rows[0][1])
        for i, (line, cells) in enumerate(rows[first:], start=first):
            texts = _texts(cells)
            if not any(texts):
                continue
            spanned = frozenset(j for j, c in enumerate(cells) if c.row < i and c.col == j and c.text)
            current.rows.append(RawRow(cells=texts, line=line, table_row=i, spanned=spanned))
    return decree
