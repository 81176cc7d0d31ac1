"""The portal's PDF of a decree: its ruled annex tables, read twice and trusted where both agree.

How a decree PDF is read:

1. The file is checked first (``%PDF`` header, end-of-file marker, PDFium can open it without a
   password, it has a text layer): a bad file gets a one-line :class:`DecreeError`.
2. Two independent readings of the ruled tables (``pdf_grid.py``): camelot lattice on the vector
   lines and pdfplumber's table finder, each taking a cell's text from the characters inside its
   ruling lines (text never crosses a line, so a № on the same text line as its service stays in
   the № column).
3. Each reading's page tables are stitched into annex tables (``pdf_stitch.py``): a header
   repeated on a later page is dropped, a row broken at a page break is joined again, a merged
   service cell that runs on to the next page continues its service, and a table after an annex
   heading (or with other columns) starts the next annex.
4. The readings are compared row by row on what a tariff is: №, position, prices, time norm. A row
   they read alike goes on to normalize; a row they read differently, or that only one of them
   finds, gets a reason and both readings, so it ends in the rejects, never in the dataset.

The decree text before the annex (title, the line naming the act, preamble, annex heading) is the
PDF's own text layer: every page before the first table and the part of its page above it.
camelot, pdfplumber and PDFium are imported lazily, only when a PDF is read.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

from ..columns import LayoutError, column_roles
from ..errors import DecreeError, NoTariffTable
from ..model import RawDecree, RawRow, RawTable
from ..numbers import PriceError, parse_price
from ..text import fold, squash
from ..vocab import match_category
from .pdf_grid import camelot_tables, plumber_tables
from .pdf_stitch import stitch

MIN_ACCURACY = 80.0  # camelot's parsing-report accuracy (% of text inside cells) below which a table is not trusted


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
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise DecreeError(path, "encrypted PDF (a password is needed to open it)") from None
        if _page_count(data) == 0:  # PDFium refuses a document without pages ("PDFium: Success")
            raise DecreeError(path, "PDF has no pages") from None
        detail = msg.split('(')[-1].rstrip(').')
        detail = "PDFium: unknown error" if detail.endswith("Success") else detail
        raise DecreeError(path, f"damaged PDF, cannot be opened ({detail})") from None
    if len(doc) == 0:
        doc.close()
        raise DecreeError(path, "PDF has no pages")
    return doc


def _page_count(data: bytes) -> int | None:
    """Pages of a PDF that PDFium will not open, counted by pdfminer; None if it cannot tell."""
    import io

    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser

        document = PDFDocument(PDFParser(io.BytesIO(data)))
        return sum(1 for _ in PDFPage.create_pages(document))
    except Exception:  # a damaged file: pdfminer raises many kinds
        return None


def _page_text(page, top: float | None = None) -> str:
    tp = page.get_textpage()
    try:
        text = tp.get_text_range() if top is None else tp.get_text_bounded(bottom=top)
    finally:
        tp.close()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _has_text(doc) -> bool:
    return any(squash(_page_text(doc[i])) for i in range(len(doc)))


# ---------------------------------------------------------------- the two readings compared


def _signature(row: RawRow, columns) -> tuple:
    """What must agree between the readings: category, or №, position, prices, time norm."""
    filled = {squash(c) for c in row.cells if squash(c)}
    if len(filled) == 1 and (key := match_category(next(iter(filled)))):
        return ("category", key)
    out = []
    for c in columns:
        if c.role not in ("number", "position", "price", "time_norm"):
            continue
        text = squash(row.cells[c.index]) if c.index < len(row.cells) else ""
        if c.role == "number" and c.index in row.spanned:
            text = ""
        if c.role in ("price", "time_norm"):
            try:
                text = str(parse_price(text))
            except PriceError:
                pass
        out.append(fold(text) if c.role == "position" else text)
    return tuple(out)


def _roles(table: RawTable):
    ncols = max([len(r) for r in table.header] + [len(r.cells) for r in table.rows] + [0])
    try:
        return column_roles(table.header, ncols, [r.cells for r in table.rows])
    except LayoutError:
        return None


def cross_check(first: list[RawTable], second: list[RawTable]) -> list[str]:
    """Mark rows of ``first`` that ``second`` reads otherwise (or not at all); add rows only
    ``second`` has. Returns warnings for the build report."""
    warns = []
    if len(first) != len(second):
        warns.append(f"the two PDF readings found {len(first)} and {len(second)} annex table(s)")
    for n, table in enumerate(first):
        other = second[n] if n < len(second) else RawTable()
        columns = _roles(table)
        if columns is None:
            continue  # normalize refuses the table with the reason
        a = [_signature(r, columns) for r in table.rows]
        b = [_signature(r, columns) for r in other.rows]
        extra: list[tuple[int, RawRow]] = []
        for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            for k in range(i1, i2):
                row = table.rows[k]
                if a[k][0] == "category":
                    continue
                j = j1 + (k - i1)
                if op == "replace" and j < j2:
                    row.reason = row.reason or "the two PDF readings disagree on this row (camelot / pdfplumber)"
                    row.second_reading = other.rows[j].cells
                else:
                    row.reason = row.reason or "only one of the two PDF readings (camelot) finds this row"
            for j in range(j1 + max(0, i2 - i1), j2):
                if b[j][0] != "category":
                    r = other.rows[j]
                    extra.append((i2, RawRow(cells=r.cells, page=r.page, table_row=r.table_row, counted=False,
                                             reason="only one of the two PDF readings (pdfplumber) finds this row")))
        for at, row in reversed(extra):
            table.rows.insert(at, row)
        disagree = sum(1 for r in table.rows if r.reason and "PDF readings" in r.reason)
        if disagree:
            warns.append(f"annex table {n + 1}: {disagree} row(s) read differently by camelot and pdfplumber "
                         "(kept out of the dataset, listed in the rejects with both readings)")
    return warns


# ---------------------------------------------------------------- reader


def read_pdf(path: Path, data: bytes, sha: str) -> RawDecree:
    doc = _open(path, data)
    try:
        if not _has_text(doc):
            raise DecreeError(path, "no text layer (scanned image?); run OCR on it first or use the portal's "
                                    "text or HTML version")
        try:
            first = camelot_tables(path, doc)
            second = plumber_tables(path)
        except DecreeError:
            raise
        except Exception as exc:  # a parser failing on a PDF PDFium opened: report, don't crash
            raise DecreeError(path, f"PDF cannot be parsed ({type(exc).__name__}: {squash(str(exc))[:120]})") from None
        all_text = "\n".join(_page_text(doc[i]) for i in range(len(doc)))
        first = [t for t in first if t.shape[1] >= 3]
        if not first:
            raise NoTariffTable(path, "no tariff table found (no ruled table in the PDF; a borderless table "
                                      "cannot be read with confidence: no ruling lines tell its cells apart)",
                                decree=RawDecree(path, sha, "pdf", all_text))
        low = [t for t in first if t.extra.get("accuracy", 100) < MIN_ACCURACY]
        if low:
            raise NoTariffTable(path, f"annex table not read with confidence (page {low[0].page}: camelot accuracy "
                                      f"{low[0].extra['accuracy']:.0f}% < {MIN_ACCURACY:.0f}%)",
                                decree=RawDecree(path, sha, "pdf", all_text))
        before = "\n".join(_page_text(doc[i]) for i in range(first[0].page - 1))
        tables_a, warns = stitch(first)
        tables_b, _ = stitch([t for t in second if t.shape[1] >= 3])
        if not tables_a:
            raise NoTariffTable(path, "no tariff table found (no ruled table with numbered rows)",
                                decree=RawDecree(path, sha, "pdf", all_text))
        text = "\n".join(x for x in (before, tables_a[0].title) if x)
        tables_a[0].title = ""
        decree = RawDecree(path=path, sha256=sha, form="pdf", text=text, tables=tables_a, warnings=warns)
        decree.warnings += cross_check(tables_a, tables_b)
        return decree
    finally:
        doc.close()
