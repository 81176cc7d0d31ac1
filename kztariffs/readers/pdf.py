"""The portal's PDF of a decree: the bordered annex table read with camelot (lattice, vector engine).

How a decree PDF is read:

1. The file is checked first (``%PDF`` header, end-of-file marker, PDFium can open it without a
   password, it has a text layer): a bad file gets a one-line :class:`DecreeError`.
2. camelot ``lattice`` with ``engine="vector"`` reads the ruled tables straight from the PDF's vector
   lines (no rendering; several times faster than the default raster+vector engine).
3. The tables of all pages are stitched into one annex: the header row(s) of the first table are the
   header, a header repeated on later pages is dropped, a row broken at a page break is joined again
   (its № often sits on the second half because cells are vertically centred), and cells merged over
   several position rows stay empty below their first row (normalize fills them down).
4. The result is checked: same number of columns on every page, row numbers 1, 2, 3 ... in order,
   every row with a position and readable prices, camelot's own accuracy figure. A table that fails
   is not returned (:class:`NoTariffTable` with the reason): never wrong rows.
5. A PDF without ruled tables gets camelot's ``network`` flavor as a fallback, under the same checks.

The decree text before the annex (title, the line naming the act, preamble, annex title) is the
PDF's own text layer: every page before the table and the part of the table's page above it.
camelot and PDFium are imported lazily, only when a PDF is read.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from ..columns import is_header_row
from ..errors import DecreeError, NoTariffTable
from ..model import ROW_NUMBER, RawDecree, RawRow, RawTable
from ..numbers import looks_like_price
from ..text import fold, join_wrapped, squash
from ..vocab import load, match_category

MIN_ACCURACY = 80.0  # camelot's parsing-report accuracy (% of text inside cells) below which a table is not trusted
MAX_BAD_SHARE = 0.1  # share of rows with a missing position or unreadable price above which the table is refused


# ---------------------------------------------------------------- file checks


def _open(path: Path, data: bytes):
    """PDFium document of a sound PDF; a one-line DecreeError for anything else."""
    head = data[:1024]
    if b"%PDF-" not in head:
        kind = "an HTML page" if b"<html" in head.lower() or b"<!doctype" in head.lower() else \
            "a ZIP/Office file" if head.startswith(b"PK") else "some other file"
        raise DecreeError(path, f"not a PDF file (no %PDF header; looks like {kind})")
    if b"%%EOF" not in data[-2048:]:
        raise DecreeError(path, "damaged or truncated PDF (no end-of-file marker); download it again")
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise DecreeError(path, "encrypted PDF (a password is needed to open it)") from None
        raise DecreeError(path, f"damaged PDF, cannot be opened ({msg.split('(')[-1].rstrip(').')})") from None


def _page_text(page, top: float | None = None) -> str:
    tp = page.get_textpage()
    try:
        text = tp.get_text_range() if top is None else tp.get_text_bounded(bottom=top)
    finally:
        tp.close()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _has_text(doc) -> bool:
    return any(squash(_page_text(doc[i])) for i in range(len(doc)))


# ---------------------------------------------------------------- cells and rows


def _cell(text: str) -> str:
    """Cell text as printed: letter spacing repaired, wrapped lines joined, whitespace collapsed."""
    return join_wrapped((text or "").split("\n"))


def _category(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) == 1 and bool(match_category(filled[0]))


def _numbered(cells: list[str]) -> bool:
    return bool(cells) and bool(ROW_NUMBER.match(cells[0]))


def _complete(cells: list[str], nprices: int) -> bool:
    """A row that can stand on its own: a category row, or a position with all its prices and
    either its own № or (a continuation row) neither № nor service text."""
    if _category(cells):
        return True
    if not cells[2] or not all(cells[3:3 + nprices]):
        return False
    return bool(cells[0]) or not cells[1]


def _join(a: list[str], b: list[str]) -> list[str] | None:
    """The two halves of a row broken at a page break, or None when they cannot be one row
    (both halves hold a № or a price)."""
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x and y and (i == 0 or i >= 3):
            return None
        out.append(join_wrapped([x, y]) if x and y else x or y)
    return out


class _Piece:
    __slots__ = ("cells", "page", "table_row")

    def __init__(self, cells, page, table_row):
        self.cells, self.page, self.table_row = cells, page, table_row


def _stitch(tables, path: Path) -> tuple[list[list[str]], list[_Piece], list[str]]:
    """Header rows and body rows of the annex from camelot tables in page order."""
    warnings_: list[str] = []
    header: list[list[str]] = []
    header_folded: list[str] = []
    body: list[_Piece] = []
    ncols = None
    for t_index, table in enumerate(tables):
        rows = [[_cell(c) for c in r] for r in table.df.values.tolist()]
        if ncols is None:
            ncols = len(rows[0]) if rows else 0
        elif rows and len(rows[0]) != ncols:
            raise NoTariffTable(path, f"annex table not read with confidence: page {table.page} has "
                                      f"{len(rows[0])} columns, page {tables[0].page} has {ncols}")
        start = 0
        if t_index == 0:
            while start < len(rows) and not (_category(rows[start]) or _numbered(rows[start])):
                if any(rows[start]):
                    header.append(rows[start])
                start += 1
            header_folded = [fold(" ".join(r)) for r in header]
        else:
            while start < len(rows) and (not any(rows[start]) or fold(" ".join(rows[start])) in header_folded):
                start += 1
        first = True
        for i in range(start, len(rows)):
            cells = rows[i]
            if not any(cells) or fold(" ".join(cells)) in header_folded:
                continue  # blank rule-only rows; a header repeated anywhere (also at a page foot)
            piece = _Piece(cells, int(table.page), i)
            if first and body and t_index > 0:
                first = False
                prev = body[-1]
                nprices = ncols - 3
                if not _complete(prev.cells, nprices) or not _complete(cells, nprices):
                    joined = _join(prev.cells, cells)
                    if joined is not None:
                        prev.cells = joined
                        continue
                    if not cells[0] and cells[1] and not _category(cells):
                        # the tail of a service cell merged over rows, broken at the page break
                        prev_service = next((p for p in reversed(body) if p.cells[1]), None)
                        if prev_service is not None:
                            prev_service.cells[1] = join_wrapped([prev_service.cells[1], cells[1]])
                            cells[1] = ""
            first = False
            body.append(piece)
    return header, body, warnings_


def _check(body: list[_Piece], ncols: int) -> tuple[str | None, dict[int, str]]:
    """Reason the table cannot be trusted (or None), and reasons for single unusable rows."""
    nprices = ncols - 3
    if ncols < 4:
        return f"{ncols} columns, a tariff table has at least 4 (№, service, position, price)", {}
    expected = 1
    numbered = 0
    bad: dict[int, str] = {}
    for i, p in enumerate(body):
        cells = p.cells
        if _category(cells):
            continue
        if cells[0]:
            if not _numbered(cells):
                return f"page {p.page}: row number {cells[0]!r} is not a number", {}
            n = int(cells[0].rstrip("."))
            if n != expected:
                if expected == 1:
                    return f"page {p.page}: the first row number is {n}, not 1", {}
                return f"page {p.page}: row numbers jump from {expected - 1} to {n}", {}
            expected += 1
            numbered += 1
        elif cells[1] or numbered == 0:
            bad[i] = "row without a № but with its own service text"
            continue
        if not cells[2]:
            bad[i] = "empty position cell"
        elif not all(looks_like_price(c) for c in cells[3:3 + nprices]):
            bad[i] = "price cell unreadable: " + " | ".join(cells[3:])
    if numbered == 0:
        return "no numbered rows", {}
    if len(bad) > MAX_BAD_SHARE * len(body):
        first = next(iter(bad))
        return (f"{len(bad)} of {len(body)} rows incomplete (e.g. page {body[first].page}: {bad[first]})", {})
    return None, bad


# ---------------------------------------------------------------- reader


def _camelot_tables(path: Path, flavor: str, **kwargs):
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(camelot.read_pdf(str(path), pages="all", flavor=flavor, suppress_stdout=True, **kwargs))


def _build(path: Path, sha: str, doc, tables, flavor: str) -> RawDecree:
    tables = sorted(tables, key=lambda t: (int(t.page), -t._bbox[3]))
    first = tables[0]
    page_no = int(first.page)
    text = "\n".join([_page_text(doc[i]) for i in range(page_no - 1)] + [_page_text(doc[page_no - 1], first._bbox[3])])
    decree = RawDecree(path=path, sha256=sha, form="pdf", text=text)
    low = [t for t in tables if t.parsing_report.get("accuracy", 100) < MIN_ACCURACY]
    if low:
        t = low[0]
        raise NoTariffTable(path, f"annex table not read with confidence ({flavor}: page {t.page} accuracy "
                                  f"{t.parsing_report['accuracy']:.0f}% < {MIN_ACCURACY:.0f}%)", decree=decree)
    header, body, warns = _stitch(tables, path)
    decree.warnings += warns
    ncols = len(body[0].cells) if body else 0
    reason, bad = _check(body, ncols)
    if reason:
        raise NoTariffTable(path, f"annex table not read with confidence ({flavor}: {reason})", decree=decree)
    decree.tables = [RawTable(header=header, rows=[
        RawRow(cells=p.cells, page=p.page, table_row=p.table_row, reason=bad.get(i)) for i, p in enumerate(body)])]
    return decree


def read_pdf(path: Path, data: bytes, sha: str) -> RawDecree:
    doc = _open(path, data)
    try:
        try:
            tables = _camelot_tables(path, "lattice", engine="vector")
        except Exception as exc:  # camelot/playa failing on a PDF PDFium opened: report, don't crash
            raise DecreeError(path, f"PDF cannot be parsed ({type(exc).__name__}: {squash(str(exc))[:120]})") from None
        # a one-row table is kept: the last page may hold just the final row or a split row's tail
        tables = [t for t in tables if t.shape[0] >= 1 and t.shape[1] >= 4]
        if tables:
            return _build(path, sha, doc, tables, "lattice")
        if not _has_text(doc):
            raise DecreeError(path, "no text layer (scanned image?); run OCR on it first or use the portal's "
                                    "text or HTML version")
        text = "\n".join(_page_text(doc[i]) for i in range(len(doc)))
        # No ruled table: camelot's borderless flavor, trusted only if every check passes.
        try:
            tables = [t for t in _camelot_tables(path, "network") if t.shape[1] >= 4]
        except Exception:  # noqa: BLE001 - a failed fallback is just "not readable"
            tables = []
        if not tables:
            raise NoTariffTable(path, "no tariff table found (no ruled table in the PDF)",
                                decree=RawDecree(path, sha, "pdf", text))
        try:
            return _build(path, sha, doc, tables, "network")
        except NoTariffTable as exc:
            raise NoTariffTable(path, "no ruled table in the PDF, and the borderless table could not be read "
                                      f"with confidence: {exc.reason}", decree=RawDecree(path, sha, "pdf", text)) from None
    finally:
        doc.close()
