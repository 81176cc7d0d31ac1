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

from ..text import join_wrapped


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
    """Second reading: pdfplumber's table finder on the ruling lines; each slot's text from the
    characters inside it, and a merge only where pdfminer's own ruling lines show no border."""
    import pdfplumber
    from pdfplumber.utils import extract_text

    out: list[PageTable] = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            open_ends = _open_ends(page)
            settings = {"vertical_strategy": "lines", "horizontal_strategy": "lines",
                        "explicit_horizontal_lines": open_ends}
            found = sorted(page.find_tables(settings), key=lambda tb: tb.bbox[1])
            if not found:
                continue
            rulings = _Rulings(page, open_ends)
            chars = page.chars
            prev_bottom = 0.0
            for tb in found:
                xs = _bounds([v for x0, _, x1, _ in tb.cells for v in (x0, x1)])
                ys = _bounds([v for _, top, _, bottom in tb.cells for v in (top, bottom)])
                rows_bb = [(xs[0], t, xs[-1], b) for t, b in zip(ys, ys[1:])]
                cols_bb = [(a, ys[0], b, ys[-1]) for a, b in zip(xs, xs[1:])]
                nr, nc = len(rows_bb), len(cols_bb)
                if nr == 0 or nc == 0:
                    continue
                origin = [[(r, c) for c in range(nc)] for r in range(nr)]
                for r, (_, top, _, bottom) in enumerate(rows_bb):
                    for c, (x0, _, x1, _) in enumerate(cols_bb):
                        if r > 0 and not rulings.horizontal(top, x0, x1):
                            origin[r][c] = origin[r - 1][c]
                        elif c > 0 and not rulings.vertical(x0, top, bottom):
                            origin[r][c] = origin[r][c - 1]
                slots: dict[tuple[int, int], list] = {}
                x0s, x1s = [b[0] for b in cols_bb], [b[2] for b in cols_bb]
                tops, bottoms = [b[1] for b in rows_bb], [b[3] for b in rows_bb]
                for ch in chars:
                    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
                    r = next((i for i in range(nr) if tops[i] <= cy <= bottoms[i]), None)
                    c = next((j for j in range(nc) if x0s[j] <= cx <= x1s[j]), None) if r is not None else None
                    if c is not None:
                        slots.setdefault(origin[r][c], []).append(ch)
                texts = [["" for _ in range(nc)] for _ in range(nr)]
                for (r, c), cs in slots.items():
                    texts[r][c] = cell_text(extract_text(cs, x_tolerance=1.5, y_tolerance=3))
                x0, top, x1, bottom = tb.bbox
                above = ""
                if top - prev_bottom > 2:
                    above = page.crop((0, prev_bottom, page.width, top)).extract_text() or ""
                out.append(PageTable(page.page_number, top, bottom, texts, origin, above,
                                     landscape=page.width > page.height, reading="pdfplumber"))
                prev_bottom = bottom
    return out


def _bounds(values: list[float], tol: float = 1.5) -> list[float]:
    """Distinct grid lines among cell edges (edges closer than ``tol`` points are one line)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


class _Rulings:
    """The page's ruling lines as pdfminer draws them, to tell a cell border from a merge."""

    def __init__(self, page, open_ends: list[float]):
        edges = page.edges
        self.v = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v"]
        self.h = [(e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h" and e["width"] > 3]
        self.h += [(y, 0.0, float(page.width)) for y in open_ends]

    def vertical(self, x: float, top: float, bottom: float) -> bool:
        need = 0.5 * (bottom - top)
        return any(abs(ex - x) < 2 and min(eb, bottom) - max(et, top) >= need for ex, et, eb in self.v)

    def horizontal(self, y: float, x0: float, x1: float) -> bool:
        need = 0.5 * (x1 - x0)
        return any(abs(ey - y) < 2 and min(ex1, x1) - max(ex0, x0) >= need for ey, ex0, ex1 in self.h)


def _open_ends(page) -> list[float]:
    """Where vertical rulings start or end with no horizontal ruling there (a row cut by a page
    break is drawn without its top or bottom line): a table's grid ends where its columns end."""
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 2]
    horizontals = [e["top"] for e in page.edges if e["orientation"] == "h" and e["width"] > 3]
    ends = sorted({round(e[k], 1) for e in verticals for k in ("top", "bottom")})
    return [y for y in ends if not any(abs(y - h) < 1.5 for h in horizontals)]
