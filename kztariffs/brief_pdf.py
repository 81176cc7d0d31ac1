"""The policy brief (``brief.Brief``) as an A4 PDF with reportlab.

Nothing can overflow a page, whatever the number of areas: tables are ``LongTable`` s that continue
on the next page with their header row repeated, their columns sized to the page from their contents
(cells wrap); a chart taller than the page's frame is scaled down to fit it (the brief already splits
tall charts into parts); headings stay with what follows them. Every text is escaped for reportlab's
markup (``safe.escape_rl``). The DejaVu font matplotlib ships prints Kazakh and Russian letters.
Deterministic for the same content (``invariant``), written atomically.
"""
from __future__ import annotations

import io
from pathlib import Path

from .i18n import t
from .safe import escape_rl

FONT = "DejaVuSans"


def _font() -> str:
    from matplotlib import font_manager
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_manager.findfont("DejaVu Sans")))
    return FONT


def column_widths(table, total: float, font: str, size: float, pad: float = 12.5) -> list[float]:
    """Widths summing to ``total``: each column at least as wide as its longest word (a header never
    breaks inside a word) and its short cells (up to 16 characters: numbers, dates stay on one line);
    the rest shared by how long the column's texts are (counted up to 45 characters: longer ones wrap)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    mins, weights = [], []
    for i, col in enumerate(table.columns):
        texts = [str(col)] + ["" if v is None else str(v) for v in table.iloc[:, i]]
        unbroken = [w for s in texts for w in s.split()] + [s for s in texts[1:] if len(s) <= 16]
        mins.append(min(max((stringWidth(w, font, size) for w in unbroken), default=0) + pad, total / 3))
        weights.append(max(4.0, min(float(max(len(s) for s in texts)), 45.0)))
    spare = total - sum(mins)
    if spare <= 0:
        return [w * total / sum(mins) for w in mins]
    return [m + spare * w / sum(weights) for m, w in zip(mins, weights)]


def write_pdf(brief, target: Path) -> Path:
    """The brief as an A4 PDF (atomic write); deterministic for the same content."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from .dataset import atomic_path

    font = _font()
    lang = getattr(brief, "lang", "en")
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, spaceAfter=5)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=20, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4, keepWithNext=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5, spaceAfter=0)
    head = ParagraphStyle("head", parent=cell, textColor=colors.HexColor("#222222"))
    width, height = A4
    margin_x, margin_y = 2 * cm, 1.6 * cm
    frame_w, frame_h = width - 2 * margin_x, height - 2 * margin_y - 12  # frame padding
    story = [Paragraph(escape_rl(brief.title), h1), Paragraph(escape_rl(brief.subtitle), small), Spacer(1, 6)]
    for s in brief.sections:
        story.append(Paragraph(escape_rl(s.heading), h2))
        story += [Paragraph(escape_rl(p), body) for p in s.paragraphs]
        for fig in s.all_figures():
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
            w_in, h_in = fig.get_size_inches()
            w, h = frame_w, frame_w * h_in / w_in
            if h > frame_h - 24:  # never taller than a page (less a heading line)
                w, h = w * (frame_h - 24) / h, frame_h - 24
            story.append(Image(io.BytesIO(buf.getvalue()), width=w, height=h))
        if s.table is not None and len(s.table):
            data = [[Paragraph(escape_rl(str(c)), head) for c in s.table.columns]]
            data += [[Paragraph(escape_rl("" if v is None else str(v)), cell) for v in row]
                     for row in s.table.itertuples(index=False)]
            table = LongTable(data, repeatRows=1, colWidths=column_widths(s.table, frame_w, font, cell.fontSize))
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(table)
        if s.note:
            story.append(Paragraph(escape_rl(s.note), small))
    if brief.sources:
        story += [Spacer(1, 8), Paragraph(escape_rl(brief.sources), small)]

    def page_number(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(width - margin_x, margin_y / 2, t("brief_page", lang, page=doc.page))
        canvas.restoreState()

    with atomic_path(Path(target)) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=margin_x, rightMargin=margin_x, topMargin=margin_y,
                                bottomMargin=margin_y, title=brief.title, author="kztariffs", invariant=1,
                                lang=lang)
        doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return Path(target)
