"""Word (.docx) decrees: documents built here with python-docx, read back as raw tables and cells."""
import copy
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from conftest import RAW
from kztariffs.errors import DecreeError, NoTariffTable
from kztariffs.readers.docx import read_docx
from kztariffs.text import squash
from kztariffs.vocab import match_category

TITLE = "2026 жылға Орал қаласы бойынша үй жағдайында арнаулы әлеуметтік қызметтер көрсетуге арналған тарифтерді бекіту туралы"
ACT = "Батыс Қазақстан облысы Орал қаласы әкімдігінің 2025 жылғы 18 желтоқсандағы № 2999 қаулысы"
PREAMBLE = "Қазақстан Республикасының Әлеуметтік кодексіне сәйкес, Орал қаласының әкімдігі ҚАУЛЫ ЕТЕДІ:"
POINT = "1. Осы қаулының қосымшасына сәйкес 2026 жылға тарифтер бекітілсін."
ANNEX = "Орал қаласы әкімдігінің 2025 жылғы 18 желтоқсан № 2999 қаулысына қосымша"
ANNEX_TITLE = "Үй жағдайында көрсетілетін арнаулы әлеуметтік қызметтерге тарифтер"
HEAD = ["№", "Қызмет түрлері", "Лауазым", "Бір қызметтің құны (теңгемен)"]
HOUSEHOLD, MEDICAL = "Әлеуметтік-тұрмыстық қызметтер", "Әлеуметтік-медициналық қызметтер"
CARE, NURSE = "Күтім жөніндегі әлеуметтік қызметкер", "Медбике"


# ---- building documents ------------------------------------------------------------------------

def add_table(doc, rows, merges=()):
    """A table from cell texts; ``merges`` are ((r1, c1), (r2, c2)) corners (text goes in r1, c1)."""
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for a, b in merges:
        table.cell(*a).merge(table.cell(*b))
    return table


def category_merges(rows):
    """Merge every category row across the table (as clerks do)."""
    width = max(len(r) for r in rows)
    return [((r, 0), (r, width - 1)) for r, row in enumerate(rows)
            if [c for c in row if c] and match_category([c for c in row if c][0]) and sum(map(bool, row)) == 1]


def paragraphs(doc, *texts):
    for t in texts:
        doc.add_paragraph(t)


def read(tmp_path, doc, name="decree.docx"):
    buf = io.BytesIO()
    doc.save(buf)
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return read_docx(path, buf.getvalue(), "0" * 64)


ORAL_ROWS = [
    HEAD,
    [HOUSEHOLD, "", "", ""],
    ["1", "Жеке күтім көрсету", CARE, "948,30"],
    [MEDICAL, "", "", ""],
    ["2", "Денсаулық жағдайын бақылау", NURSE, "563,20"],
    ["", "", "Дәрігер-педиатр", "1 200,00"],
    ["", "", "Психолог", "700,00"],
    ["3", "Емдік дене шынықтыру", NURSE, "281,60"],
]


def oral_doc(signature=True):
    doc = docx.Document()
    paragraphs(doc, TITLE, ACT, "", PREAMBLE, POINT, "", ANNEX, ANNEX_TITLE)
    add_table(doc, ORAL_ROWS, category_merges(ORAL_ROWS) + [((4, 0), (6, 0)), ((4, 1), (6, 1))])
    if signature:
        paragraphs(doc, "Қала әкімі М. Байменов")
    return doc


# ---- one annex: text, title, header, category rows, vertical merges -----------------------------

def test_decree_text_title_header_and_rows(tmp_path):
    d = read(tmp_path, oral_doc())
    assert d.form == "docx" and d.sha256 == "0" * 64 and not d.warnings
    assert d.text.split("\n") == [TITLE, ACT, PREAMBLE, POINT, ANNEX, ANNEX_TITLE]
    assert len(d.tables) == 1
    t = d.tables[0]
    assert t.title == ""  # the annex heading and title end the decree text
    assert t.header == [HEAD]
    assert [r.cells for r in t.rows] == [
        [HOUSEHOLD, "", "", ""],
        ["1", "Жеке күтім көрсету", CARE, "948,30"],
        [MEDICAL, "", "", ""],
        ["2", "Денсаулық жағдайын бақылау", NURSE, "563,20"],
        ["2", "Денсаулық жағдайын бақылау", "Дәрігер-педиатр", "1 200,00"],
        ["2", "Денсаулық жағдайын бақылау", "Психолог", "700,00"],
        ["3", "Емдік дене шынықтыру", NURSE, "281,60"],
    ]
    assert [r.spanned for r in t.rows] == [frozenset()] * 4 + [frozenset({0, 1})] * 2 + [frozenset()]
    assert [r.table_row for r in t.rows] == [1, 2, 3, 4, 5, 6, 7]
    assert all(r.line is None and r.page is None and r.reason is None for r in t.rows)
    assert t.rows[4].location == "table row 5"


def test_two_level_header_repeats_merged_text(tmp_path):
    doc = docx.Document()
    paragraphs(doc, "Бөкей ордасы ауданы әкімдігінің қаулысына қосымша")
    price = "Бір қызметтің құны (теңгемен)"
    rows = [["№", "Қызмет түрлері", "Лауазым", price, ""],
            ["", "", "", "Қала тарифі", "Ауыл тарифі"],
            [HOUSEHOLD, "", "", "", ""],
            ["1", "Жеке күтім көрсету", CARE, "0", "948,30"]]
    merges = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (1, 2)), ((0, 3), (0, 4))] + category_merges(rows)
    add_table(doc, rows, merges)
    t = read(tmp_path, doc).tables[0]
    assert t.header == [["№", "Қызмет түрлері", "Лауазым", price, price],
                        ["№", "Қызмет түрлері", "Лауазым", "Қала тарифі", "Ауыл тарифі"]]
    assert [r.cells for r in t.rows] == [[HOUSEHOLD, "", "", "", ""], ["1", "Жеке күтім көрсету", CARE, "0", "948,30"]]


def test_column_number_row_is_header_and_multi_paragraph_cells_join(tmp_path):
    doc = docx.Document()
    rows = [HEAD, ["1", "2", "3", "4"], ["1", "Жерлеу рәсімдерін ұйымдастыру", CARE, "1 896,60"]]
    table = add_table(doc, rows)
    cell = table.cell(2, 1)
    cell.add_paragraph("Оның   ішінде\tкиіну  және шешіну.")
    t = read(tmp_path, doc).tables[0]
    assert t.header == [HEAD, ["1", "2", "3", "4"]]
    assert t.rows[0].cells[1] == "Жерлеу рәсімдерін ұйымдастыру Оның ішінде киіну және шешіну."
    assert t.rows[0].table_row == 2


def test_grid_before_and_after_leave_cells_out(tmp_path):
    doc = docx.Document()
    rows = [HEAD, ["1", "Қызмет", CARE, "948,30"], ["", "", NURSE, "563,20"], ["2", "Басқа қызмет", CARE, ""]]
    table = add_table(doc, rows)
    for tr, (tag, drop) in ((table.rows[2]._tr, ("w:gridBefore", 0)), (table.rows[3]._tr, ("w:gridAfter", -1))):
        tr.remove(tr.findall(qn("w:tc"))[drop])  # a ragged row: Word shifts the cells, gridBefore fills the gap
        el = OxmlElement(tag)
        el.set(qn("w:val"), "1")
        tr.get_or_add_trPr().append(el)
    t = read(tmp_path, doc).tables[0]
    assert [r.cells for r in t.rows] == [rows[1], ["", "", NURSE, "563,20"], ["2", "Басқа қызмет", CARE, ""]]
    assert t.rows[1].spanned == frozenset()


def test_vertical_merge_in_header_and_body_of_price(tmp_path):
    doc = docx.Document()
    rows = [HEAD, ["1", "Қызмет", CARE, "948,30"], ["2", "Басқа қызмет", NURSE, ""]]
    add_table(doc, rows, [((1, 3), (2, 3))])
    t = read(tmp_path, doc).tables[0]
    assert t.rows[1].cells == ["2", "Басқа қызмет", NURSE, "948,30"]
    assert t.rows[1].spanned == frozenset({3})


def test_empty_cell_merged_down_is_not_spanned(tmp_path):
    doc = docx.Document()
    rows = [HEAD + ["Ескерту"], ["1", "Қызмет", CARE, "948,30", ""], ["2", "Басқа қызмет", NURSE, "563,20", ""]]
    add_table(doc, rows, [((1, 4), (2, 4))])
    t = read(tmp_path, doc).tables[0]
    assert [r.spanned for r in t.rows] == [frozenset(), frozenset()]


# ---- several tables ----------------------------------------------------------------------------

def test_two_annexes_separated_by_an_annex_heading(tmp_path):
    doc = docx.Document()
    paragraphs(doc, TITLE, ACT, "1-қосымша", "Үй жағдайындағы тарифтер")
    add_table(doc, [HEAD, ["1", "Қызмет", CARE, "948,30"]])
    paragraphs(doc, "", "Приложение 2 к постановлению акимата", "Тарифы в условиях полустационара")
    add_table(doc, [["№", "Наименование услуги", "Должность", "Стоимость"], ["1", "Услуга", "Психолог", "700"]])
    d = read(tmp_path, doc)
    assert d.text == f"{TITLE}\n{ACT}\n1-қосымша\nҮй жағдайындағы тарифтер"
    assert [t.title for t in d.tables] == ["", "Приложение 2 к постановлению акимата\nТарифы в условиях полустационара"]
    assert d.tables[1].header == [["№", "Наименование услуги", "Должность", "Стоимость"]]
    assert [r.cells[1] for r in d.rows] == ["Қызмет", "Услуга"]


def test_annex_split_over_two_word_tables_is_one(tmp_path):
    doc = oral_doc(signature=False)
    paragraphs(doc, "", "Кестенің жалғасы")
    part2 = [HEAD, ["4", "Массаж", "Массаж бойынша медбике", "474,15"], ["5", "Дене шынықтыру", NURSE, "563,20"]]
    add_table(doc, part2)
    paragraphs(doc, "")
    add_table(doc, [["6", "Соңғы қызмет", CARE, "948,30"]])  # third part without a header
    d = read(tmp_path, doc)
    assert len(d.tables) == 1
    t = d.tables[0]
    assert t.header == [HEAD]
    assert [r.cells[0] for r in t.rows] == ["Әлеуметтік-тұрмыстық қызметтер", "1", "Әлеуметтік-медициналық қызметтер",
                                            "2", "2", "2", "3", "4", "5", "6"]
    assert [r.table_row for r in t.rows][-3:] == [1, 2, 0]


def test_same_width_tables_with_a_title_between_stay_apart(tmp_path):
    doc = oral_doc()
    paragraphs(doc, "Жартылай стационар жағдайындағы тарифтер")
    add_table(doc, [HEAD, ["1", "Қызмет", CARE, "948,30"]])
    d = read(tmp_path, doc)
    assert len(d.tables) == 2
    assert d.tables[1].title == "Қала әкімі М. Байменов\nЖартылай стационар жағдайындағы тарифтер"


def test_layout_table_is_text(tmp_path):
    doc = docx.Document()
    paragraphs(doc, TITLE)
    add_table(doc, [["Қала әкімі", "М. Байменов"]])
    add_table(doc, [["", ANNEX]])
    add_table(doc, ORAL_ROWS[:3], category_merges(ORAL_ROWS[:3]))
    d = read(tmp_path, doc)
    assert d.text == f"{TITLE}\nҚала әкімі\nМ. Байменов\n{ANNEX}"
    assert len(d.tables) == 1 and d.tables[0].header == [HEAD]


def test_annex_inside_a_layout_table_and_a_content_control(tmp_path):
    doc = docx.Document()
    paragraphs(doc, TITLE)
    layout = add_table(doc, [[""]])
    layout.cell(0, 0).paragraphs[0].text = ANNEX
    annex = layout.cell(0, 0).add_table(3, 4)
    for r, row in enumerate(ORAL_ROWS[:3]):
        for c, text in enumerate(row):
            annex.cell(r, c).text = text
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")  # a content control around a row
    tr = annex.rows[2]._tr
    tr.addprevious(sdt)
    sdt.append(content)
    content.append(tr)
    d = read(tmp_path, doc)
    assert d.text == f"{TITLE}\n{ANNEX}"
    assert d.tables[0].header == [HEAD] and [r.cells[0] for r in d.rows] == [HOUSEHOLD, "1"]


def test_same_width_part_with_another_header_is_another_table(tmp_path):
    doc = oral_doc(signature=False)
    paragraphs(doc, "")
    add_table(doc, [["№", "Наименование услуги", "Должность", "Стоимость"], ["1", "Услуга", "Психолог", "700"]])
    d = read(tmp_path, doc)
    assert len(d.tables) == 2 and d.tables[1].title == ""
    assert d.tables[1].header == [["№", "Наименование услуги", "Должность", "Стоимость"]]


def test_nested_table_does_not_leak_into_rows(tmp_path):
    doc = docx.Document()
    table = add_table(doc, ORAL_ROWS[:3], category_merges(ORAL_ROWS[:3]))
    inner = table.cell(2, 1).add_table(2, 4)
    for r in range(2):
        for c in range(4):
            inner.cell(r, c).text = f"{r + 7}" if c == 0 else f"ішкі {r}{c}"
    d = read(tmp_path, doc)
    assert [r.cells for r in d.rows] == [[HOUSEHOLD, "", "", ""], ["1", "Жеке күтім көрсету", CARE, "948,30"]]
    assert any("nested" in w for w in d.warnings)
    assert not any("ішкі" in c for r in d.rows for c in r.cells)


def test_tracked_deletions_and_tab_stops_are_not_text(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph("Тарифтер")
    p.paragraph_format.tab_stops.add_tab_stop(docx.shared.Cm(3))
    deleted = copy.deepcopy(p.runs[0]._r)
    deleted.remove(deleted.find(qn("w:t")))
    dt = OxmlElement("w:delText")
    dt.text = " ЕСКІ"
    deleted.append(dt)
    wrapper = OxmlElement("w:del")
    wrapper.append(deleted)
    p._p.append(wrapper)
    add_table(doc, [HEAD, ["1", "Қызмет", CARE, "948,30"]])
    assert read(tmp_path, doc).text == "Тарифтер"


# ---- bad files -----------------------------------------------------------------------------------

def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"  \n", "empty file"),
    (b"hello, not a Word file", "not a ZIP archive"),
    (_zip({"mimetype": b"application/epub+zip", "content.xml": b"<x/>"}), "without word/document.xml"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old .doc or encrypted Word file; save it as .docx"),
    (_zip({"word/document.xml": b"<w:document"}), "corrupt DOCX file"),
])
def test_bad_files_are_one_line_errors(tmp_path, data, reason):
    path = tmp_path / "bad.docx"
    with pytest.raises(DecreeError) as exc:
        read_docx(path, data, "0" * 64)
    assert reason in str(exc.value) and str(path) in str(exc.value)
    assert "\n" not in str(exc.value) and not isinstance(exc.value, NoTariffTable)


def test_template_is_not_a_document(tmp_path):
    buf = io.BytesIO()
    oral_doc().save(buf)
    with zipfile.ZipFile(buf) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(b"document.main+xml", b"template.main+xml")
    with pytest.raises(DecreeError, match=r"not a Word document but .*template.*save it as \.docx") as exc:
        read_docx(tmp_path / "t.dotx", _zip(files), "0" * 64)
    assert "\n" not in str(exc.value)


def test_truncated_docx_is_refused(tmp_path):
    buf = io.BytesIO()
    oral_doc().save(buf)
    with pytest.raises(DecreeError, match="not a ZIP|corrupt"):
        read_docx(tmp_path / "cut.docx", buf.getvalue()[: len(buf.getvalue()) // 2], "0" * 64)


def test_no_tariff_table_keeps_the_text(tmp_path):
    doc = docx.Document()
    paragraphs(doc, TITLE, ACT)
    add_table(doc, [["Қала әкімі", "М. Байменов"]])
    with pytest.raises(NoTariffTable) as exc:
        read(tmp_path, doc)
    assert exc.value.decree.text == f"{TITLE}\n{ACT}\nҚала әкімі\nМ. Байменов"
    assert exc.value.decree.form == "docx"


# ---- the shipped decrees written to Word ---------------------------------------------------------

def decree_to_docx(decree) -> docx.Document:
    """Write a RawDecree as a clerk would: its text, then each table's title and cells, merges kept."""
    doc = docx.Document()
    paragraphs(doc, *decree.text.split("\n"))
    for n, table in enumerate(decree.tables):
        if n:
            paragraphs(doc, *table.title.split("\n"))
        width = max(len(r) for r in table.header + [r.cells for r in table.rows])
        rows = [h + [""] * (width - len(h)) for h in table.header]
        merges = []
        for h, row in enumerate(rows):  # equal neighbours in a header row: one merged cell
            c = 0
            while c < width:
                end = c
                while end + 1 < width and row[end + 1] == row[c] and row[c]:
                    end += 1
                if end > c:
                    merges.append(((h, c), (h, end)))
                    rows[h] = row = row[:c + 1] + [""] * (end - c) + row[end + 1:]
                c = end + 1
        start = len(rows)
        for i, r in enumerate(table.rows):
            cells = r.cells + [""] * (width - len(r.cells))
            filled = [c for c in cells if c]
            if len(filled) == 1 and match_category(filled[0]):
                merges.append(((start + i, 0), (start + i, width - 1)))
                cells = filled + [""] * (width - 1)
            for c in r.spanned:  # continue the merge from the row above
                cells[c] = ""
                top = i
                while top > 0 and c in table.rows[top].spanned:
                    top -= 1
                merges = [m for m in merges if m[0] != (start + top, c)] + [((start + top, c), (start + i, c))]
            rows.append(cells)
        add_table(doc, rows, merges)
    return doc


def expected_rows(table):
    width = max(len(r) for r in table.header + [r.cells for r in table.rows])
    out = []
    for r in table.rows:
        cells = [squash(c) for c in r.cells] + [""] * (width - len(r.cells))
        filled = [c for c in cells if c]
        if len(filled) == 1 and match_category(filled[0]):
            cells = filled + [""] * (width - 1)
        if any(cells):
            out.append((cells, r.spanned))
    return out


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.name)
def test_shipped_decrees_written_to_docx_read_back_the_same(tmp_path, path: Path):
    from kztariffs.readers import read_decree

    try:
        source = read_decree(path)
    except Exception as exc:  # the text readers are being moved to RawTable; the hand-built tests cover DOCX
        pytest.skip(f"text reader not on the RawTable model yet: {type(exc).__name__}: {exc}")
    got = read(tmp_path, decree_to_docx(source))
    assert got.text.split("\n") == [squash(line) for line in source.text.split("\n") if squash(line)]
    assert [t.title for t in got.tables] == [
        "\n".join(squash(line) for line in t.title.split("\n") if squash(line)) for t in source.tables]
    assert len(got.tables) == len(source.tables)
    for want, table in zip(source.tables, got.tables):
        width = len(table.header[0]) if table.header else len(table.rows[0].cells)
        assert table.header == [[squash(c) for c in h] + [""] * (width - len(h)) for h in want.header]
        assert [(r.cells, r.spanned) for r in table.rows] == expected_rows(want)
