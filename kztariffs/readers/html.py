"""A saved portal web page (Kazakh or Russian): the annex ``<table>`` and the decree text above it.

- The annex is the ``<table>`` with the most numbered rows (a first cell ``1``, ``2`` ...); layout
  tables of the page around it are ignored.
- ``rowspan``/``colspan`` are expanded into a grid. A № or service cell merged over several position
  rows stays empty in the rows below its first one (normalize fills the service down); a position
  or price cell merged over rows applies to each of them and is copied down. A category row is one
  cell spanning the table, so it stays a row with a single non-empty cell.
- Header rows are the rows before the first category or numbered row.
- The decree text is the text of the page's blocks before the table inside the element that holds
  the table (title, the line naming the act, preamble, annex title): navigation around it is left out.
- Every row keeps the line of its ``<tr>`` in the saved file.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import DecreeError, NoTariffTable
from ..model import ROW_NUMBER, RawDecree, RawRow
from ..text import squash
from ..vocab import match_category

_SKIP = {"script", "style", "noscript", "head", "title"}


def _soup(path: Path, text: str):
    try:
        from bs4 import BeautifulSoup
    except ImportError:  # pragma: no cover - beautifulsoup4 is a dependency
        raise DecreeError(path, "reading HTML pages needs beautifulsoup4 (pip install beautifulsoup4)") from None
    return BeautifulSoup(text, "html.parser")


def _cell_text(td) -> str:
    for br in td.find_all("br"):
        br.replace_with(" ")
    return squash(td.get_text(" "))


def _span(td, name: str) -> int:
    try:
        return max(1, min(int(str(td.get(name, "1")).strip() or 1), 1000))
    except ValueError:
        return 1


def _own_rows(table) -> list:
    """The table's own <tr> (not those of tables nested in its cells)."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _grid(table) -> list[tuple[int | None, list[str]]]:
    """Rows of cell texts with rowspan/colspan expanded: [(sourceline, cells), ...]."""
    out: list[tuple[int | None, list[str]]] = []
    pending: dict[int, tuple[int, str, bool]] = {}  # column -> (rows left, text, copy down)
    for tr in _own_rows(table):
        cells: list[str] = []
        col = 0
        tds = [td for td in tr.find_all(["td", "th"]) if td.find_parent("tr") is tr]

        def fill_pending():
            nonlocal col
            while col in pending:
                left, txt, copy = pending[col]
                cells.append(txt if copy else "")
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (left - 1, txt, copy)
                col += 1

        for td in tds:
            fill_pending()
            txt = _cell_text(td)
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            for k in range(cs):
                cells.append(txt if k == 0 else "")
                if rs > 1:
                    pending[col] = (rs - 1, txt if k == 0 else "", col >= 2)
                col += 1
        fill_pending()
        out.append((getattr(tr, "sourceline", None), cells))
    width = max((len(c) for _, c in out), default=0)
    return [(line, cells + [""] * (width - len(cells))) for line, cells in out]


def _numbered(cells: list[str]) -> bool:
    return bool(cells) and bool(ROW_NUMBER.match(cells[0])) and sum(1 for c in cells if c) >= 3


def _category(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(match_category(filled[0]))


def _text_before(table) -> str:
    """Text of the blocks before the table inside the nearest ancestor that holds some."""
    from bs4 import NavigableString, Tag

    node = table
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
        text = "\n".join(squash(l) for c in chunks for l in c.split("\n"))
        if squash(text):
            return text.strip("\n")
        node = parent
    # the table sits right in <body>: everything before it
    chunks = [str(s) for s in table.find_all_previous(string=True)
              if s.parent is not None and s.parent.name not in _SKIP]
    return "\n".join(squash(s) for s in reversed(chunks) if squash(s))


def read_html(path: Path, text: str, sha: str) -> RawDecree:
    soup = _soup(path, text)
    best, best_rows, best_count, numbered = None, [], 0, []
    for table in soup.find_all("table"):
        rows = _grid(table)
        count = sum(1 for _, cells in rows if _numbered(cells))
        if count:
            numbered.append((table, rows))
        if count > best_count:
            best, best_rows, best_count = table, rows, count
    if best is None:
        for t in soup.find_all(_SKIP):
            t.decompose()
        page_text = "\n".join(squash(l) for l in soup.get_text("\n").split("\n") if squash(l))
        raise NoTariffTable(path, "no tariff table found (no <table> with numbered rows)",
                            decree=RawDecree(path, sha, "html", page_text))
    width = max(len(c) for _, c in best_rows)
    # an annex split over several tables of the same width (e.g. one per page) is read as one,
    # in document order; each part's own leading header rows are skipped
    parts = [(t, rows) for t, rows in numbered if max(len(c) for _, c in rows) == width]
    if len(numbered) > len(parts):
        warnings = [f"{len(numbered) - len(parts)} other table(s) with numbered rows but another column "
                    "count were not read"]
    else:
        warnings = []
    first_table, first_rows = parts[0]
    decree = RawDecree(path=path, sha256=sha, form="html", text=_text_before(first_table), warnings=warnings)
    body = []
    for n, (_, rows) in enumerate(parts):
        first = next(i for i, (_, cells) in enumerate(rows) if _category(cells) or _numbered(cells))
        if n == 0:
            decree.header = [cells for _, cells in rows[:first] if any(cells)]
        body += [(i, line, cells) for i, (line, cells) in enumerate(rows) if i >= first]
    for i, line, cells in body:
        if not any(cells):
            continue
        decree.rows.append(RawRow(cells=cells, line=line, table_row=i))
    return decree
