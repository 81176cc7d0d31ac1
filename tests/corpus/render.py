"""Renderers: one document spec (specs.py) -> reportlab PDF (here), python-docx DOCX and HTML page
(render_markup.py), and the table geometry they share.

The DOCX goes on to LibreOffice (PDF, and a re-saved DOCX), the HTML to Chromium (PDF); see make_corpus.py.
"""
from __future__ import annotations

import html
import io
from pathlib import Path

AUTHOR = "kztariffs corpus"
CREATOR = "kztariffs tests/corpus/make_corpus.py"

PORTRAIT_W, LANDSCAPE_W = 17.5, 26.2   # usable text width (cm) of an A4 page with the margins below


# ---------------------------------------------------------------- table geometry shared by the renderers


def header_spans(header: list[list[str | None]]) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, col) of each header cell that prints -> (rowspan, colspan). A None cell is covered from above
    when the cell above it is covered or prints, and the row is not the first; else from the left."""
    nr, nc = len(header), len(header[0])
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(nr):
        for c in range(nc):
            if header[r][c] is not None:
                owner[(r, c)] = (r, c)
            elif r > 0 and (r - 1, c) in owner and owner[(r - 1, c)][1] == c:
                owner[(r, c)] = owner[(r - 1, c)]
            elif c > 0:
                owner[(r, c)] = owner[(r, c - 1)]
            else:
                owner[(r, c)] = owner[(r - 1, c)]
    spans = {}
    for (r, c), o in owner.items():
        if o == (r, c):
            rs = 1 + sum(1 for k in range(r + 1, nr) if owner[(k, c)] == o)
            cs = 1 + sum(1 for k in range(c + 1, nc) if owner[(r, k)] == o)
            spans[(r, c)] = (rs, cs)
    return spans


def widths_cm(doc: dict, annex: dict) -> list[float]:
    """Column widths in cm; "fit": the service column just wide enough for its longest text (one-line)."""
    if annex["widths"] != "fit":
        return list(annex["widths"])
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _fonts()
    size = annex["style"].get("font_size", 8.5)
    cols = annex["columns"]
    pad = annex["style"].get("padding", 3)
    need = {}
    for i, role in enumerate(cols):
        texts = [r["cells"][i] for r in annex["rows"] if r["kind"] == "row"]
        need[role] = max(stringWidth(t, "DejaVu", size) for t in texts) + 2 * pad
    total = LANDSCAPE_W if annex["orientation"] == "landscape" else PORTRAIT_W
    pt = 72 / 2.54
    no, price = 1.0, 2.6
    service = need["service"] / pt + annex["style"].get("gap", 0.2)
    position = total - no - price - service
    return [{"no": no, "service": round(service, 2), "position": round(position, 2), "price": price}[r] for r in cols]


def role_index(annex: dict, role: str) -> int:
    return annex["columns"].index(role)


def is_numeric(role: str) -> bool:
    return role in ("no", "unit", "time_min", "time_h", "price", "price_city", "price_village")


# ---------------------------------------------------------------- reportlab


def _fonts():
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(ttf / "DejaVuSans-Bold.ttf")))


def _styles(size: float):
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    lead = size * 1.24
    return {
        "title": ParagraphStyle("title", fontName="DejaVu-Bold", fontSize=10.5, leading=13, alignment=TA_CENTER,
                                spaceAfter=6),
        "act": ParagraphStyle("act", fontName="DejaVu", fontSize=9.5, leading=12, alignment=TA_CENTER, spaceAfter=8),
        "body": ParagraphStyle("body", fontName="DejaVu", fontSize=10, leading=13, alignment=TA_JUSTIFY,
                               firstLineIndent=28, spaceAfter=4),
        "sign": ParagraphStyle("sign", fontName="DejaVu-Bold", fontSize=10, leading=13, spaceBefore=14),
        "right": ParagraphStyle("right", fontName="DejaVu", fontSize=10, leading=13, alignment=TA_RIGHT),
        "annex": ParagraphStyle("annex", fontName="DejaVu-Bold", fontSize=10.5, leading=13, alignment=TA_CENTER,
                                spaceBefore=10, spaceAfter=10),
        "cell": ParagraphStyle("cell", fontName="DejaVu", fontSize=size, leading=lead, alignment=TA_LEFT),
        "jcell": ParagraphStyle("jcell", fontName="DejaVu", fontSize=size, leading=lead, alignment=TA_JUSTIFY),
        "ccell": ParagraphStyle("ccell", fontName="DejaVu", fontSize=size, leading=lead, alignment=TA_CENTER),
        "head": ParagraphStyle("head", fontName="DejaVu-Bold", fontSize=size, leading=lead, alignment=TA_CENTER),
        "cat": ParagraphStyle("cat", fontName="DejaVu-Bold", fontSize=size, leading=lead, alignment=TA_CENTER),
    }


def _table_class():
    from reportlab.platypus import Table

    class SpanSplitTable(Table):
        """Two fixes to reportlab's row splitting (splitInRow):
        - it splits a row inside a merged range in two without splitting the merged cell's text (which then runs
          out of the table): here a page break that falls in a row under a merged cell goes just above that row
          instead, where reportlab splits the merged cell between its lines;
        - it splits a row when nothing of it fits, leaving the repeated header alone at the foot of a page:
          here the row goes to the next page whole."""

        def _splitRows(self, availHeight, doInRowSplit=0):
            if doInRowSplit and self._spanCmds:
                n = self._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)
                tail = any(r and r[1] < n <= r[3] and r[1] != r[3] for r in self._spanRanges.values())
                if 0 < n < len(self._rowHeights) and tail:
                    availHeight = min(availHeight, sum(self._rowHeights[:n]) + 0.5)
            parts = super()._splitRows(availHeight, doInRowSplit)
            if doInRowSplit and len(parts) == 2 and all(not v for v in parts[0]._cellvalues[-1]):
                return []  # nothing of the split row fits: reportlab would leave a lone repeated header
            return parts

        def _splitCell(self, value, style, oldHeight, newHeight, width):
            # reportlab passes the last column's width when it splits a merged cell: use the cell's own
            if isinstance(value, (list, tuple)) and value:
                for row in self._cellvalues:
                    for c, v in enumerate(row):
                        if v is value:
                            width = self._colWidths[c]
            return super()._splitCell(value, style, oldHeight, newHeight, width)

    return SpanSplitTable


def _rl_table(doc: dict, annex: dict):
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, TableStyle

    _fonts()
    st_ = annex["style"]
    st = _styles(st_.get("font_size", 8.5))
    esc = html.escape
    cols = annex["columns"]
    ncols = len(cols)
    pad = st_.get("padding", 3)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), "DejaVu"),
        ("FONTSIZE", (0, 0), (-1, -1), st["cell"].fontSize), ("LEADING", (0, 0), (-1, -1), st["cell"].leading),
        ("VALIGN", (0, 0), (-1, -1), "TOP" if st_.get("valign") == "top" else "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), max(1, pad - 1)), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
    ]
    data = []
    for r, hrow in enumerate(annex["header"]):
        data.append([Paragraph(esc(c), st["head"]) if c else "" for c in hrow])
    for (r, c), (rs, cs) in header_spans(annex["header"]).items():
        if rs > 1 or cs > 1:
            style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
    nh = len(annex["header"])
    style.append(("LINEBELOW", (0, nh - 1), (-1, nh - 1), 0.5, "black"))
    cno, csv_ = role_index(annex, "no"), role_index(annex, "service")
    for row in annex["rows"]:
        i = len(data)
        if row["kind"] == "category":
            data.append([Paragraph(esc(row["text"]), st["cat"])] + [""] * (ncols - 1))
            style.append(("SPAN", (0, i), (-1, i)))
            continue
        out = []
        for role, cell in zip(cols, row["cells"]):
            if not cell:
                out.append("")
            elif role in ("no", "unit", "time_min", "time_h") or role.startswith("price"):
                out.append(Paragraph(esc(cell), st["ccell"]))
            elif role == "service" and annex["widths"] != "fit":
                out.append(Paragraph(esc(cell), st["jcell"]))
            else:
                out.append(Paragraph(esc(cell), st["cell"]))
        cells = [[x] if x else "" for x in out]  # a list: reportlab splits only listed flowables in a cell
        if row["span"] > 1:
            # a merged service cell as one flowable per line: reportlab then splits it between lines when the
            # merged cell runs across a page (it does not split a paragraph inside a spanned cell)
            from reportlab.lib.utils import simpleSplit

            w = widths_cm(doc, annex)[csv_] * cm - 2 * pad
            lines = simpleSplit(row["cells"][csv_], "DejaVu", st["cell"].fontSize, w)
            cells[csv_] = [Paragraph(esc(l), st["cell"]) for l in lines]
        if row["span"] == 0:
            # a row under a merged cell holds plain strings, which reportlab will not split inside the row
            # (see SpanSplitTable): the page break then goes above the row, through the merged cell
            from reportlab.lib.utils import simpleSplit

            wcm = widths_cm(doc, annex)
            for c, (role, cell) in enumerate(zip(cols, row["cells"])):
                if c in (cno, csv_) or not cell:
                    continue
                cells[c] = "\n".join(simpleSplit(cell, "DejaVu", st["cell"].fontSize, wcm[c] * cm - 2 * pad))
                if is_numeric(role):
                    style.append(("ALIGN", (c, i), (c, i), "CENTER"))
        data.append(cells)
        if row["span"] > 1:
            for c in (cno, csv_):
                style.append(("SPAN", (c, i), (c, i + row["span"] - 1)))
    widths = [w_ * cm for w_ in widths_cm(doc, annex)]
    return _table_class()(data, colWidths=widths, style=TableStyle(style), repeatRows=nh if annex["repeat_header"] else 0,
                 splitInRow=1, splitByRow=st_.get("rl_split_by_row", 1))


def render_reportlab(doc: dict, target: Path) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
                                    Spacer)

    _fonts()
    st = _styles(8.5)
    esc = html.escape
    text = doc["text"]
    story = [Paragraph(esc(text[0]), st["title"]), Paragraph(esc(text[1]), st["act"])]
    for line in text[2:-1]:
        story.append(Paragraph(esc(line), st["body"]))
    story.append(Paragraph(esc(text[-1]), st["sign"]))
    for annex in doc["annexes"]:
        story += [NextPageTemplate(annex["orientation"]), PageBreak()]
        story.append(Paragraph("<br/>".join(esc(l) for l in annex["heading_lines"]), st["right"]))
        story.append(Paragraph(esc(annex["title"]), st["annex"]))
        story.append(Spacer(1, 4))
        story.append(_rl_table(doc, annex))
    pw, ph = A4
    lw, lh = landscape(A4)
    templates = [
        PageTemplate("portrait", [Frame(2 * cm, 2 * cm, pw - 3.5 * cm, ph - 4 * cm, id="p")], pagesize=A4),
        PageTemplate("landscape", [Frame(2 * cm, 1.5 * cm, lw - 3.5 * cm, lh - 3 * cm, id="l")],
                     pagesize=landscape(A4)),
    ]
    buf = io.BytesIO()
    d = BaseDocTemplate(buf, pagesize=A4, pageTemplates=templates, title=text[0][:120], author=AUTHOR,
                        creator=CREATOR, invariant=1)
    d.build(story)
    target.write_bytes(buf.getvalue())

