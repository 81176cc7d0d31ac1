"""Renderers of the editable sources: python-docx DOCX (real merged cells, repeated header rows, landscape
sections) and the HTML page (rowspan/colspan, thead, @page). LibreOffice and Chromium turn them into PDFs
(make_corpus.py)."""
from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
from pathlib import Path

from render import header_spans, is_numeric, role_index, widths_cm

FIXED_DATE = dt.datetime(2026, 1, 20, 9, 0, 0)
AUTHOR = "kztariffs corpus"

# ---------------------------------------------------------------- DOCX (python-docx)


def _set_cell_width(cell, cm_: float):
    from docx.shared import Cm

    cell.width = Cm(cm_)


def _tbl_props(table, widths: list[float], pad_pt: float):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    tblPr = table._tbl.tblPr
    layout = tblPr.find(qn("w:tblLayout"))
    if layout is None:  # table.autofit = False normally adds it
        layout = OxmlElement("w:tblLayout")
        tblPr.append(layout)
    layout.set(qn("w:type"), "fixed")
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        e = OxmlElement(f"w:{side}")
        twips = int(round(pad_pt * 20 * (1 if side in ("left", "right") else 0.6)))
        e.set(qn("w:w"), str(twips))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    layout.addnext(mar)  # schema order: ... tblLayout, tblCellMar, tblLook
    look = tblPr.find(qn("w:tblLook"))
    if look is not None:
        tblPr.remove(look)
        tblPr.append(look)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:type"), "dxa")
    tblW.set(qn("w:w"), str(int(sum(Cm(w).twips for w in widths))))
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(Cm(w).twips))


def _mark_header(row):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trPr = row._tr.get_or_add_trPr()
    h = OxmlElement("w:tblHeader")
    h.set(qn("w:val"), "true")
    trPr.append(h)


def _cell_text(cell, text: str, size: float, bold=False, align=None, valign="center"):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Pt

    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    cell.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if valign == "top"
                               else WD_CELL_VERTICAL_ALIGNMENT.CENTER)


def render_docx(doc: dict, target: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = Document()
    cp = d.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.title = doc["text"][0][:120]
    cp.created = cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    cp.revision = 1
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    rfonts = normal.element.rPr.rFonts
    for k in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(k), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)

    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Cm(2), Cm(1.5), Cm(2), Cm(2)

    def para(text, align=None, bold=False, indent=False, after=6, size=12):
        p = d.add_paragraph()
        p.paragraph_format.space_after = Pt(after)
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Cm(1.25)
        r = p.add_run(text)
        r.bold = bold
        r.font.size = Pt(size)
        return p

    text = doc["text"]
    para(text[0], WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    para(text[1], WD_ALIGN_PARAGRAPH.CENTER, after=12)
    for line in text[2:-1]:
        para(line, WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    para(text[-1], bold=True).paragraph_format.space_before = Pt(18)

    for annex in doc["annexes"]:
        st_ = annex["style"]
        sec = d.add_section(WD_SECTION.NEW_PAGE)
        if annex["orientation"] == "landscape":
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Cm(29.7), Cm(21)
            sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Cm(2), Cm(1.5), Cm(1.5), Cm(1.5)
        else:
            sec.orientation = WD_ORIENT.PORTRAIT
            sec.page_width, sec.page_height = Cm(21), Cm(29.7)
            sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Cm(2), Cm(1.5), Cm(2), Cm(2)
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for k, line in enumerate(annex["heading_lines"]):
            r = p.add_run(line)
            r.font.size = Pt(11)
            if k + 1 < len(annex["heading_lines"]):
                r.add_break()
        para(annex["title"], WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=8).paragraph_format.space_before = Pt(10)

        cols = annex["columns"]
        widths = widths_cm(doc, annex)
        size = round(st_.get("font_size", 8.5) * 1.15 * 2) / 2   # 10 pt for the usual 8.5
        nh = len(annex["header"])
        body = annex["rows"]
        table = d.add_table(rows=nh + len(body), cols=len(cols))
        table.style = d.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _tbl_props(table, widths, st_.get("padding", 3) * 1.2)
        for row in table.rows:
            for c, cell in enumerate(row.cells):
                _set_cell_width(cell, widths[c])
        valign = st_.get("valign", "center")
        # header
        for (r, c), (rs, cs) in header_spans(annex["header"]).items():
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            _cell_text(cell, annex["header"][r][c], size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        if annex["repeat_header"]:
            for r in range(nh):
                _mark_header(table.rows[r])
        cno, csv_ = role_index(annex, "no"), role_index(annex, "service")
        for i, row in enumerate(body):
            ri = nh + i
            if row["kind"] == "category":
                cell = table.cell(ri, 0).merge(table.cell(ri, len(cols) - 1))
                _cell_text(cell, row["text"], size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
                continue
            if row["span"] == 0:
                for c, cell in enumerate(row["cells"]):
                    if c not in (cno, csv_):
                        _cell_text(table.cell(ri, c), cell, size, valign=valign,
                                   align=WD_ALIGN_PARAGRAPH.CENTER if is_numeric(cols[c]) else WD_ALIGN_PARAGRAPH.LEFT)
                continue
            for c, cell in enumerate(row["cells"]):
                tc = table.cell(ri, c)
                if row["span"] > 1 and c in (cno, csv_):
                    tc = tc.merge(table.cell(ri + row["span"] - 1, c))
                align = (WD_ALIGN_PARAGRAPH.CENTER if is_numeric(cols[c])
                         else WD_ALIGN_PARAGRAPH.JUSTIFY if cols[c] == "service" and annex["widths"] != "fit"
                         else WD_ALIGN_PARAGRAPH.LEFT)
                _cell_text(tc, cell, size, align=align, valign=valign)
    buf = io.BytesIO()
    d.save(buf)
    target.write_bytes(fix_zip_dates(buf.getvalue()))


def fix_zip_dates(data: bytes) -> bytes:
    """The same zip with every member dated 1980-01-01 (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- HTML (for the HTML reader and for Chromium)

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 2cm 1.5cm 2cm 2cm; }}
@page landscape {{ size: A4 landscape; margin: 1.5cm 1.5cm 1.5cm 2cm; }}
body {{ font-family: "Times New Roman", "Liberation Serif", serif; font-size: 12pt; margin: 0; }}
h1 {{ font-size: 12pt; text-align: center; margin: 0 0 6pt 0; }}
p.act {{ text-align: center; margin: 0 0 12pt 0; }}
p {{ text-align: justify; text-indent: 1.25cm; margin: 0 0 6pt 0; }}
p.sign {{ font-weight: bold; text-indent: 0; margin-top: 18pt; }}
section.annex {{ break-before: page; }}
section.landscape {{ page: landscape; }}
div.annex-head {{ text-align: right; font-size: 11pt; }}
h3 {{ font-size: 12pt; text-align: center; margin: 10pt 0 8pt 0; }}
table {{ border-collapse: collapse; table-layout: fixed; font-size: {size}pt; margin: 0 auto; }}
td, th {{ border: 1px solid #000; padding: {pad}; vertical-align: {valign}; }}
th {{ font-weight: bold; text-align: center; }}
td.n {{ text-align: center; }}
td.s {{ text-align: {salign}; }}
td.cat {{ text-align: center; font-weight: bold; }}
</style>
</head>
<body>
<div id="document" class="document">
{body}
</div>
</body>
</html>
"""


def _html_table(doc: dict, annex: dict) -> list[str]:
    esc = html.escape
    cols = annex["columns"]
    widths = widths_cm(doc, annex)
    out = ["<table class=\"annex\">", "<colgroup>" + "".join(f'<col style="width:{w}cm">' for w in widths)
           + "</colgroup>"]
    spans = header_spans(annex["header"])
    out.append("<thead>" if annex["repeat_header"] else "<tbody>")
    for r, hrow in enumerate(annex["header"]):
        cells = []
        for c, text in enumerate(hrow):
            if (r, c) not in spans:
                continue
            rs, cs = spans[(r, c)]
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            cells.append(f"<th{attrs}>{esc(text)}</th>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if annex["repeat_header"]:
        out += ["</thead>", "<tbody>"]
    cno, csv_ = role_index(annex, "no"), role_index(annex, "service")
    for row in annex["rows"]:
        if row["kind"] == "category":
            out.append(f'<tr><td class="cat" colspan="{len(cols)}">{esc(row["text"])}</td></tr>')
            continue
        cells = []
        for c, text in enumerate(row["cells"]):
            if c in (cno, csv_) and row["span"] == 0:
                continue
            attrs = f' rowspan="{row["span"]}"' if c in (cno, csv_) and row["span"] > 1 else ""
            klass = "n" if is_numeric(cols[c]) else "s" if cols[c] == "service" else "p"
            cells.append(f'<td class="{klass}"{attrs}>{esc(text)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def render_html(doc: dict, target: Path) -> None:
    esc = html.escape
    text = doc["text"]
    body = [f"<h1>{esc(text[0])}</h1>", f'<p class="act">{esc(text[1])}</p>']
    body += [f"<p>{esc(l)}</p>" for l in text[2:-1]]
    body.append(f'<p class="sign">{esc(text[-1])}</p>')
    st_ = doc["annexes"][0]["style"]
    for annex in doc["annexes"]:
        klass = "annex landscape" if annex["orientation"] == "landscape" else "annex"
        body.append(f'<section class="{klass}">')
        body.append('<div class="annex-head">' + "<br>\n".join(esc(l) for l in annex["heading_lines"]) + "</div>")
        body.append(f"<h3>{esc(annex['title'])}</h3>")
        body += _html_table(doc, annex)
        body.append("</section>")
    pad = st_.get("padding", 3)
    page = _PAGE.format(
        lang=doc["language"], title=esc(text[0]), body="\n".join(body),
        size=round(st_.get("font_size", 8.5) * 1.15 * 2) / 2, pad=f"{max(1, pad - 1)}pt {pad}pt {pad}pt {pad}pt",
        valign="top" if st_.get("valign") == "top" else "middle",
        salign="left" if doc["annexes"][0]["widths"] == "fit" else "justify")
    target.write_text(page, encoding="utf-8")
