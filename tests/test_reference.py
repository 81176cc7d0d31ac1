"""Reference tables from the health-care standard (order No. 153) and the staffing norms (order No. 308).

Every expected value below was read by hand from the source text files in data/raw/reference/; the
comments give the line numbers (1-based) where it is printed.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from kztariffs.errors import DecreeError
from kztariffs.reference import (
    HEALTH_STANDARD_FILE,
    STAFFING_NORMS_FILE,
    build_reference_tables,
    read_health_standard,
    read_staffing_norms,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw" / "reference"
HEALTH = RAW / HEALTH_STANDARD_FILE
STAFF = RAW / STAFFING_NORMS_FILE


@pytest.fixture(scope="module")
def health() -> pd.DataFrame:
    return read_health_standard(HEALTH)


@pytest.fixture(scope="module")
def staff() -> pd.DataFrame:
    return read_staffing_norms(STAFF)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------------
# health-care standard
# --------------------------------------------------------------------------------------------------
def test_health_counts_per_chapter_and_category(health):
    # Counted by hand in the text:
    # ch. 4 (line 171): p.14 medical 1)-9) l.175-183; p.15 psychological 1)-3) l.185,186,190;
    #   p.16 pedagogical 1)-2) l.194,196; p.17 economic 1)-3) l.200-204; p.18 legal 1)-4) l.208-214;
    #   p.19 labour and p.20 cultural are one-sentence paragraphs (l.216, l.218).
    # ch. 5 (line 222): p.22 medical 4 (l.226-232); p.23 psychological 7 (l.236-248); p.24 pedagogical 4
    #   (l.252-258); p.25 economic 3 (l.262-266); p.26 legal 5 (l.270-278); p.27 labour, p.28 cultural
    #   one paragraph each (l.280, l.282).
    # ch. 6 (line 286): p.30 medical 6 (l.290-295); p.31 psychological 4 (l.299-305); p.32 pedagogical 3
    #   (l.309-313); p.33 economic: one unnumbered paragraph (l.317); p.34 legal 3 (l.321-325);
    #   p.35 household 7 (l.329-341); p.36 cultural 3 (l.345-349).
    expected = {
        (4, "medical"): 9, (4, "psychological"): 3, (4, "pedagogical"): 2, (4, "economic"): 3,
        (4, "legal"): 4, (4, "labour"): 1, (4, "cultural"): 1,
        (5, "medical"): 4, (5, "psychological"): 7, (5, "pedagogical"): 4, (5, "economic"): 3,
        (5, "legal"): 5, (5, "labour"): 1, (5, "cultural"): 1,
        (6, "medical"): 6, (6, "psychological"): 4, (6, "pedagogical"): 3, (6, "economic"): 1,
        (6, "legal"): 3, (6, "household"): 7, (6, "cultural"): 3,
    }
    got = health.groupby(["chapter_no", "category"]).size().to_dict()
    assert got == expected
    assert len(health) == 75
    assert health.groupby("chapter_no").size().to_dict() == {4: 23, 5: 25, 6: 27}


def test_health_chapter_titles_and_paragraphs(health):
    titles = health.drop_duplicates("chapter_no").set_index("chapter_no")["chapter_title"]
    # line 171: "#### **4-тарау. Амбулаториялық-емханалық ... сапасы мен көлемі**"
    assert titles[4].startswith("Амбулаториялық-емханалық көмек көрсететін ұйымдардың")
    assert titles[4].endswith("қызметтердің сапасы мен көлемі")
    # line 222: "**5-тарау. Стационарлық көмек, қалпына келтіру емі ..."
    assert titles[5].startswith("Стационарлық көмек, қалпына келтіру емі")
    # line 286: "**6-тарау. Туғаннан үш жасқа дейінгі жетім балаларға ..."
    assert titles[6].startswith("Туғаннан үш жасқа дейінгі жетім балаларға")
    assert not health["chapter_title"].str.contains(r"\*\*|#").any()
    # Paragraph numbers of the category paragraphs: 14-20, 22-28, 30-36 (21, 29, 37 are about quality).
    assert sorted(health["paragraph_no"].unique()) == [*range(14, 21), *range(22, 29), *range(30, 37)]


def test_health_specific_items(health):
    def one(chapter, paragraph, item):
        rows = health[(health.chapter_no == chapter) & (health.paragraph_no == paragraph)
                      & (health.item_no == item)]
        assert len(rows) == 1
        return rows.iloc[0]

    # line 182: "  - 8) жұмысқа орналасу мәселелері бойынша жәрдемдесу;"
    r = one(4, 14, 8)
    assert r.category == "medical" and r.category_text == "Әлеуметтік-медициналық қызметтер"
    assert r.service_text == "жұмысқа орналасу мәселелері бойынша жәрдемдесу;"
    assert r.line == 182
    # line 190 (after a page break, no list dash): "3) жеке әлеуметтік-психологиялық көмек көрсету ..."
    r = one(4, 15, 3)
    assert r.category == "psychological" and r.line == 190
    assert r.service_text == ("жеке әлеуметтік-психологиялық көмек көрсету және әлеуметтік-психологиялық "
                              "тренингтер жүргізу, интерактивті әдістер қолдану.")
    # line 248: item 7) of p.23, the last psychological item of chapter 5
    r = one(5, 23, 7)
    assert r.service_text.startswith("дағдарыс жағдайларында (оның ішінде суицид, нашақорлық")
    assert r.line == 248
    # line 335: "4) дұрыс, диеталық және емдік тамақтануды ұсыну;" (p.35 household)
    r = one(6, 35, 4)
    assert r.category == "household" and r.category_text == "Әлеуметтік-тұрмыстық қызметтер"
    assert r.service_text == "дұрыс, диеталық және емдік тамақтануды ұсыну;" and r.line == 335
    # line 329: item 1) of p.35 keeps its printed numbers ("1,8 шаршы метр")
    assert "1 балаға кемінде 1,8 шаршы метр тұрғын алаңын" in one(6, 35, 1).service_text


def test_health_paragraph_services_without_item_number(health):
    no_item = health[health.item_no.isna()].set_index(["chapter_no", "paragraph_no"])
    assert sorted(no_item.index) == [(4, 19), (4, 20), (5, 27), (5, 28), (6, 33)]
    # line 280: "27. Арнаулы ... еңбек дағдысын қалыптастыруға бағытталған әлеуметтік-еңбек қызметтері."
    r = no_item.loc[(5, 27)]
    assert r.category == "labour" and r.category_text == "әлеуметтік-еңбек қызметтері" and r.line == 280
    assert r.service_text == ("Арнаулы әлеуметтік көрсетілетін қызметтерге мұқтаж адамның (отбасының) "
                              "еңбек дағдысын қалыптастыруға бағытталған әлеуметтік-еңбек қызметтері.")
    # lines 315-317: "33. Әлеуметтік-экономикалық қызметтер:" then one unnumbered paragraph
    r = no_item.loc[(6, 33)]
    assert r.category == "economic" and r.line == 317
    assert r.service_text.startswith("Қазақстан Республикасы Әлеуметтік кодексінің 11, 13, 14-тарауларына")
    assert r.service_text.endswith("тұрғын үй жағдайларын жақсартуға жәрдемдесу.")


def test_health_provenance(health):
    assert set(health.source_file) == {HEALTH.name}
    assert set(health.source_sha256) == {_sha(HEALTH)}
    lines = HEALTH.read_text(encoding="utf-8").splitlines()
    for r in health.itertuples():
        printed = lines[r.line - 1]
        # the item starts on its line: the first words of service_text are printed there
        assert " ".join(r.service_text.split()[:3]) in printed, (r.line, printed)
        if pd.notna(r.item_no):
            assert f"{r.item_no})" in printed


# --------------------------------------------------------------------------------------------------
# staffing norms
# --------------------------------------------------------------------------------------------------
def _cell(staff, row_no, bracket_no):
    rows = staff[(staff.row_no == row_no) & (staff.bracket_no == bracket_no)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_staffing_shape_and_brackets(staff):
    # 78 numbered positions (line 419 "1" ... line 1335 "78 Заңгер") x 11 recipient brackets.
    assert len(staff) == 78 * 11
    assert staff.row_no.nunique() == 78 and staff.row_no.max() == 78
    # Header lines 389-415: "6-30 1" (1 = footnote), "25-ке дейін", "26-50" ... "500-ден артық".
    b = staff.drop_duplicates("bracket_no").set_index("bracket_no")
    assert list(b.bracket_text) == ["6-30", "25-ке дейін", "26-50", "51-100", "101-150", "151-200",
                                    "201-250", "251-300", "301-400", "401-500", "500-ден артық"]
    assert (b.loc[1, "recipients_min"], b.loc[1, "recipients_max"], b.loc[1, "bracket_footnotes"]) == (6, 30, "1")
    # bracket boundary: "up to 25" ends at 25, the next bracket starts at 26
    assert pd.isna(b.loc[2, "recipients_min"]) and b.loc[2, "recipients_max"] == 25
    assert (b.loc[3, "recipients_min"], b.loc[3, "recipients_max"]) == (26, 50)
    # "500-ден артық" = more than 500
    assert b.loc[11, "recipients_min"] == 501 and pd.isna(b.loc[11, "recipients_max"])


def test_staffing_numeric_rows(staff):
    # line 848, row 33 "Әлеуметтiк жұмыс жөнiндегi маман": "1 1,5 2 2,5 3,5 4,5 5,5 6,5 8 9,5 10"
    r33 = staff[staff.row_no == 33].sort_values("bracket_no")
    assert list(r33.staff_units) == ["1", "1.5", "2", "2.5", "3.5", "4.5", "5.5", "6.5", "8", "9.5", "10"]
    assert set(r33.norm_kind) == {"units"} and set(r33.line) == {848}
    assert r33.iloc[0].position == "Әлеуметтiк жұмыс жөнiндегi маман"  # Latin i as printed
    # line 937, row 40 "Аспаз/шы": "- 1 2 2 3 4 4 5 7 7 8" -- bracket boundary 25 -> 26
    assert _cell(staff, 40, 1).norm_kind == "none" and _cell(staff, 40, 1).cell_text == "-"
    assert _cell(staff, 40, 2).staff_units == "1"    # up to 25 recipients
    assert _cell(staff, 40, 3).staff_units == "2"    # 26-50
    assert _cell(staff, 40, 11).staff_units == "8"   # more than 500
    # line 633, row 17 "Дезинфектор": "- 0,5 0,5 0,5 1 1 1,5 2 2 2 2" -> 201-250 = 1,5
    c = _cell(staff, 17, 7)
    assert (c.bracket_text, c.cell_text, c.staff_units, c.line) == ("201-250", "1,5", "1.5", 633)
    # line 577, row 12 "Бөлімше меңгерушісі": "1 - - - - - - - - - -" (only the 6-30 units)
    r12 = staff[staff.row_no == 12].sort_values("bracket_no")
    assert list(r12.norm_kind) == ["units"] + ["none"] * 10 and r12.iloc[0].staff_units == "1"
    # line 499, row 5: "- - - 1 1 1 1 1 1 1 -"
    assert list(staff[staff.row_no == 5].sort_values("bracket_no").cell_text) == \
        ["-", "-", "-", "1", "1", "1", "1", "1", "1", "1", "-"]
    # staff units are exact strings, never floats
    units = staff.loc[staff.norm_kind == "units", "staff_units"]
    assert units.map(type).eq(str).all() and units.str.fullmatch(r"\d+(\.\d+)?").all()
    assert (staff.loc[staff.norm_kind != "units", "staff_units"] == "").all()


def test_staffing_text_rules(staff):
    # line 972, row 44 "Буфетші": "- 0,5 0,5 50 қызмет алушыға 1 бірлік" -> 0,5 up to 50 recipients,
    # then "1 unit per 50 recipients" in words (merged cell, brackets 4-11)
    assert _cell(staff, 44, 3).staff_units == "0.5"
    c = _cell(staff, 44, 4)
    assert (c.norm_kind, c.rule_text, c.staff_units, c.line) == ("rule", "50 қызмет алушыға 1 бірлік", "", 972)
    assert set(staff[(staff.row_no == 44) & (staff.bracket_no >= 4)].rule_text) == {"50 қызмет алушыға 1 бірлік"}
    # line 656, row 20 "Күзетші": "- 3 3 мекемеге 4 бірлік" -> 3, 3, then "4 units per institution"
    assert _cell(staff, 20, 3).staff_units == "3"
    assert _cell(staff, 20, 4).rule_text == "мекемеге 4 бірлік"
    # line 661, row 21 "Жүргізуші": "- 1 техникалық жүріп тұрған көлік құралына 1 бірлік"
    assert _cell(staff, 21, 2).rule_text == "1 техникалық жүріп тұрған көлік құралына 1 бірлік"
    # lines 875-882, row 35 "Санитар-палатадығы 2": a merged cell over all brackets (no leading "-")
    r35 = staff[staff.row_no == 35]
    assert set(r35.norm_kind) == {"rule"} and set(r35.line) == {875}
    assert r35.iloc[0].rule_text.startswith("Мыналардан: өзіне-өзі қызмет ету")
    assert r35.iloc[0].rule_text.endswith("тұратын топқа 5,25 ставка")
    # line 1224, row 68 "Тәрбиеші 2,3": "- оқу тобына 1,5 бірліктен *" (the * footnote is attached)
    c = _cell(staff, 68, 5)
    assert c.rule_text == "оқу тобына 1,5 бірліктен *" and c.staff_units == ""
    assert "* – оқу топтары" in c.footnote_text


def test_staffing_page_broken_rows(staff):
    # row 31: name lines 797-807 and 813-818 around "- - -" (line 809) and a page break;
    # its norm "4 бірлік кәріз болмаған жағдайда ..." is printed on line 820.
    r31 = staff[staff.row_no == 31].sort_values("bracket_no")
    assert r31.iloc[0].position == "Қазылған орлардан қатты шөгінділерден болған қоқысты шығару жөніндегі тасушы"
    assert list(r31.cell_text[:3]) == ["-", "-", "-"] and list(r31.line[:3]) == [809] * 3
    assert r31.iloc[3].rule_text == ("4 бірлік кәріз болмаған жағдайда және егер қазылған орларды "
                                     "тазарту орталықтандырылған тәртіпте жүргізілмесе")
    assert r31.iloc[3].line == 820
    # row 4: the name starts on line 455, above "4 асары (" (line 467); values on line 478
    c = _cell(staff, 4, 11)
    assert c.position == ("Директордың медициналық жұмыс жөніндегі орынбасары "
                          "(кем дегенде 6 дәрігерлік лауазым болған кезде)")
    assert (c.staff_units, c.line, c.row_line) == ("1", 478, 467)
    # row 75: "Мәден/и/ұйымд" (lines 1299-1301), values line 1303, "астыру/шы" after the page break
    c = _cell(staff, 75, 7)
    assert (c.position, c.staff_units, c.line) == ("Мәдени ұйымдастырушы", "2", 1303)
    # row 47: "Киім/және/ішкиім" (1000-1002) before "47 жуаты" (1006)
    assert _cell(staff, 47, 1).position == "Киім және ішкиім жуатын машинист"


def test_staffing_positions_sections_footnotes(staff):
    pos = staff.drop_duplicates("row_no").set_index("row_no")
    # lines 1033-1036 "Педиат/р/дәрігер/2,3" -> name + footnote marks 2,3
    assert (pos.loc[50, "position"], pos.loc[50, "position_footnotes"]) == ("Педиатр дәрігер", "2,3")
    # lines 854-862 "Шашта/раз 1, 3/,  4  (/жабды/..." -> marks inside the name
    assert (pos.loc[34, "position"], pos.loc[34, "position_footnotes"]) == \
        ("Шаштараз (жабдықталған шаштараз бар болса)", "1,3,4")
    # lines 897-902 "Бақыла/у/жөнінд/е г і/санита/р 4"
    assert (pos.loc[37, "position"], pos.loc[37, "position_footnotes"]) == ("Бақылау жөніндегі санитар", "4")
    # lines 673-682 "Бағбан/(/тазала/натын/алаң/0,75 га/к е м/емес)" -- 0,75 is not a footnote
    assert (pos.loc[23, "position"], pos.loc[23, "position_footnotes"]) == \
        ("Бағбан (тазаланатын алаң 0,75 га кем емес)", "")
    assert pos.loc[26, "position"] == "Электр жабдықтарын жөндеу және қызмет көрсету жөніндегі электромонтер"
    assert pos.loc[30, "position"].startswith("Газ тектес, сұйық және қатты отынмен жанатын")
    assert pos.loc[18, "position"] == "Вахтер"  # line 635 "18 Вахтер - - - мекемеге 1 бірлік"
    assert pos.loc[78, "position"] == "Заңгер"  # line 1335
    # footnote 2 text (lines 1340-1341)
    assert "2 – стационарлық үлгідегі балалар психоневрологиялық ұйымдарында енгізіледі;" in \
        pos.loc[50, "footnote_text"]
    # sections (lines 417, 837, 850, 1029, 1205, 1214, 1278, 1295, 1333) and their category keys
    assert pos.loc[1, "section"].startswith("Басшы жұмыскерлер мен қызмет көрсетуші-шаруашылық")
    assert (pos.loc[33, "category"], pos.loc[34, "category"], pos.loc[50, "category"]) == ("", "household", "medical")
    assert (pos.loc[66, "category"], pos.loc[74, "category"], pos.loc[77, "category"]) == \
        ("psychological", "labour", "cultural")
    assert pos.loc[78, "category"] == "legal"
    assert staff.drop_duplicates("row_no").groupby("section", sort=False).size().tolist() == \
        [32, 1, 16, 16, 1, 7, 1, 3, 1]


def test_staffing_provenance(staff):
    assert set(staff.source_file) == {STAFF.name} and set(staff.source_sha256) == {_sha(STAFF)}
    lines = STAFF.read_text(encoding="utf-8").splitlines()
    for r in staff.itertuples():
        assert lines[r.row_line - 1].split()[0] == str(r.row_no)
        if r.norm_kind != "rule":
            assert r.cell_text in lines[r.line - 1].split()


# --------------------------------------------------------------------------------------------------
# build + errors
# --------------------------------------------------------------------------------------------------
def test_build_reference_tables(tmp_path):
    out = tmp_path / "reference"
    paths = build_reference_tables(RAW, out)
    assert set(paths) == {"health_standard_services", "staffing_norms"}
    assert paths["health_standard_services"] == out / "health_standard_services.csv"
    assert sorted(p.name for p in out.iterdir()) == ["health_standard_services.csv", "staffing_norms.csv"]
    h = pd.read_csv(paths["health_standard_services"], dtype=str, keep_default_na=False, encoding="utf-8")
    s = pd.read_csv(paths["staffing_norms"], dtype=str, keep_default_na=False, encoding="utf-8")
    assert len(h) == 75 and len(s) == 858
    assert list(h.columns[:3]) == ["chapter_no", "chapter_title", "paragraph_no"]
    assert {"source_file", "source_sha256", "line"} <= set(h.columns) & set(s.columns)
    row = s[(s.row_no == "17") & (s.bracket_no == "7")].iloc[0]
    assert row.staff_units == "1.5" and row.recipients_min == "201"


def test_build_failure_keeps_old_table(tmp_path, monkeypatch):
    out = tmp_path / "reference"
    out.mkdir()
    (out / "health_standard_services.csv").write_text("old\n", encoding="utf-8")

    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError):
        build_reference_tables(RAW, out)
    assert (out / "health_standard_services.csv").read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in out.iterdir()] == ["health_standard_services.csv"]  # no temp files left


def test_errors(tmp_path):
    with pytest.raises(DecreeError, match="file not found"):
        read_health_standard(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Бұйрық cp1251".encode("cp1251", errors="replace") + b"\xff")
    with pytest.raises(DecreeError, match="not UTF-8"):
        read_staffing_norms(bad)
    other = tmp_path / "other.txt"
    other.write_text("Бұйрық\n1. Мәтін.\n", encoding="utf-8")
    with pytest.raises(DecreeError) as err:
        read_health_standard(other)
    assert str(other) in str(err.value)
    with pytest.raises(DecreeError, match="table title"):
        read_staffing_norms(other)
    with pytest.raises(DecreeError):
        build_reference_tables(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_health_wrapped_item_and_unnumbered_paragraph(tmp_path):
    # A synthetic mini standard: an item wrapped over two lines is one row that starts on its first line.
    text = (
        "**4-тарау. Бір деңгейдегі қызметтер**\n"
        "\n"
        "14. Әлеуметтік-құқықтық қызметтер:\n"
        "\n"
        "1) бірінші қызмет,\n"
        "жалғасы;\n"
        "- 2) екінші қызмет.\n"
        "\n"
        "15. Бос уақытты ұйымдастыруға бағытталған әлеуметтік-мәдени қызметтер.\n"
        "16. Сапаны қамтамасыз етеді.\n"
    )
    path = tmp_path / "mini.txt"
    path.write_text(text, encoding="utf-8")
    df = read_health_standard(path)
    assert list(df.service_text) == ["бірінші қызмет, жалғасы;", "екінші қызмет.",
                                     "Бос уақытты ұйымдастыруға бағытталған әлеуметтік-мәдени қызметтер."]
    assert list(df.line) == [5, 7, 9]
    assert list(df.category) == ["legal", "legal", "cultural"]
    assert df.item_no.tolist()[:2] == [1, 2] and pd.isna(df.item_no.iloc[2])
