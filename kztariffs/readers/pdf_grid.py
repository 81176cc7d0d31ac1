"""Two independent readings of the ruled tables of a PDF, each cell's text taken from the
characters inside its ruling lines.

- camelot (lattice, vector engine, ``split_text``): the grid from the PDF's vector lines; a text
  line crossing a ruling line is cut there, so a № printed on the same text line as its service
  never ends up in the service cell.
- pdfplumber (table finder on the same ruling lines, ``lines`` strategy): every character goes to
  the cell whose box holds it.

Both give :class:`PageTable` s: per page and table, the text of every grid slot and, for slots
covered by a merged cell, the slot where that cell starts; plus the page text above the table
(an annex heading or title between two tables). The two readings share no parsing code: camelot
parses the PDF with its own engine, pdfplumber with pdfminer. Where they disagree, ``pdf.py``
keeps the row out of the dataset.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..text import join_wrapped, squash


@dataclass
class PageTable:
    page: int  # 1-based
    top: float  # distance of the table's top edge from the page's top, points
    bottom: float
    texts: list[list[str]]  # text of each slot; a merged cell's text at its first slot
    origin: list[list[tuple[int, int]]]  # first slot of the (merged) cell covering each slot
    above: str = ""  # page text between the table before it (or the page top) and this table
    landscape: bool = False
    reading: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.texts), len(self.texts[0]) if self.texts else 0


def cell_text(text: str | None) -> str:
    """Cell text as printed: letter spacing repaired, wrapped lines joined, whitespace collapsed."""
    return join_wrapped((text or "").split("\n"))


# ---------------------------------------------------------------- camelot


def camelot_tables(path: Path, doc) -> list[PageTable]:
    """First reading: camelot lattice on the vector ruling lines."""
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = list(camelot.read_pdf(str(path), pages="all", flavor="lattice", engine="vector",
                                       split_text=True, suppress_stdout=True))
    out = []
    for t in tables:
        page = doc[int(t.page) - 1]
        width, height = page.get_size()
        nr, nc = len(t.cells), len(t.cells[0]) if t.cells else 0
        if nr == 0 or nc == 0:
            continue
        origin = [[(r, c) for c in range(nc)] for r in range(nr)]
        for r in range(nr):
            for c in range(nc):
                cell = t.cells[r][c]
                if not cell.top and r > 0:
                    origin[r][c] = origin[r - 1][c]
                elif not cell.left and c > 0:
                    origin[r][c] = origin[r][c - 1]
        parts: dict[tuple[int, int], list[str]] = {}
        for r in range(nr):  # a merged cell's text may sit in any of its slots (vertically centred)
            for c in range(nc):
                if t.cells[r][c].text.strip():
                    parts.setdefault(origin[r][c], []).append(t.cells[r][c].text)
        texts = [["" for _ in range(nc)] for _ in range(nr)]
        for (r, c), chunks in parts.items():
            texts[r][c] = cell_text("\n".join(chunks))
        x1, y1, x2, y2 = t._bbox
        out.append(PageTable(int(t.page), height - y2, height - y1, texts, origin,
                             landscape=width > height, reading="camelot",
                             extra={"accuracy": t.parsing_report.get("accuracy", 100)}))
    out.sort(key=lambda p: (p.page, p.top))
    _text_above(out, lambda p, top, bottom: _pdfium_text(doc[p - 1], top, bottom))
    return out


def _pdfium_text(page, top: float, bottom: float) -> str:
    height = page.get_size()[1]
    tp = page.get_textpage()
    try:
        text = tp.get_text_bounded(bottom=height - bottom, top=height - top)
    finally:
        tp.close()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_above(tables: list[PageTable], text_between) -> None:
    prev_page, prev_bottom = None, 0.0
    for t in tables:
        start = prev_bottom if t.page == prev_page else 0.0
        t.above = text_between(t.page, start, t.top) if t.top - start > 2 else ""
        prev_page, prev_bottom = t.page, t.bottom


# ---------------------------------------------------------------- pdfplumber


def plumber_tables(path: Path) -> list[PageTable]:
    """Second reading: pdfplumber's table finder on the ruling lines, characters by position."""
    import pdfplumber

    out: list[PageTable] = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                        "explicit_horizontal_lines": _open_ends(page)}
            found = sorted(page.find_tables(settings), key=lambda tb: tb.bbox[1])
            prev_bottom = 0.0
            for tb in found:
                data = tb.extract()
                nr = len(data)
                nc = max((len(r) for r in data), default=0)
                if nr == 0 or nc == 0:
                    continue
                boxes = [list(row.cells) + [None] * (nc - len(row.cells)) for row in tb.rows]
                origin = [[(r, c) for c in range(nc)] for r in range(nr)]
                for r in range(nr):
                    for c in range(nc):
                        if boxes[r][c] is not None:
                            continue
                        up = origin[r - 1][c] if r > 0 else None
                        row_top = tb.rows[r].bbox[1]
                        if up is not None and boxes[up[0]][up[1]] is not None and \
                                boxes[up[0]][up[1]][3] > row_top + 1:
                            origin[r][c] = up
                        elif c > 0:
                            origin[r][c] = origin[r][c - 1]
                texts = [[cell_text(data[r][c]) if c < len(data[r]) and origin[r][c] == (r, c) else ""
                          for c in range(nc)] for r in range(nr)]
                x0, top, x1, bottom = tb.bbox
                above = ""
                if top - prev_bottom > 2:
                    above = page.crop((0, prev_bottom, page.width, top)).extract_text() or ""
                out.append(PageTable(page.page_number, top, bottom, texts, origin, above,
                                     landscape=page.width > page.height, reading="pdfplumber"))
                prev_bottom = bottom
    return out


def _open_ends(page) -> list[float]:
    """Where vertical rulings start or end with no horizontal ruling there (a row cut by a page
    break is drawn without its top or bottom line): a table's grid ends where its columns end."""
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 2]
    horizontals = [e["top"] for e in page.edges if e["orientation"] == "h" and e["width"] > 3]
    ends = sorted({round(e[k], 1) for e in verticals for k in ("top", "bottom")})
    return [y for y in ends if not any(abs(y - h) < 1.5 for h in horizontals)]


def squash_rows(t: PageTable) -> list[list[str]]:
    return [[squash(c) for c in row] for row in t.texts]
