"""PDF-text reader: a broken row never takes the rows after it down; every row is kept or rejected."""
from conftest import seed_path
from kztariffs.dataset import extract_file

SEMI = "oral-city_2025-09-16_no1971_semi-stationary-2025_kk"


def _variant(tmp_path, name, transform):
    text = seed_path(SEMI).read_text(encoding="utf-8")
    path = tmp_path / f"{name}.pdf.txt"
    path.write_text(transform(text), encoding="utf-8")
    return extract_file(path)


def test_unreadable_price_rejects_that_row_only(tmp_path):
    # decree 1971 row 49: "Медбике 319,5" (nurse, exercise therapy help); a letter O typed for a zero
    res = _variant(tmp_path, "price", lambda t: t.replace("Медбике 319,5", "Медбике 319,5О", 1))
    assert len(res.rows) == 122
    assert [(r["row"], r["reason"]) for r in res.rejects] == [(49, "no readable price found for the row")]
    by_no = {r["service_no"]: r for r in res.rows}
    assert by_no[50]["price_kzt"] == by_no[49 + 1]["price_kzt"] and str(by_no[123]["price_kzt"]) == "844.8"


def test_missing_row_number_is_rejected_and_rows_after_it_survive(tmp_path):
    def drop_52(text):
        lines = text.split("\n")
        lines[lines.index("52")] = ""
        return "\n".join(lines)

    res = _variant(tmp_path, "number", drop_52)
    assert len(res.rows) == 122
    assert [(r["row"], r["reason"]) for r in res.rejects] == [(52, "row № 52 not found: the numbering skips it")]
    by_no = {r["service_no"]: r for r in res.rows}
    # decree: row 53 is "ТҚА бұзылған балаларға арналған жеке жаттығу терапиясы сабағы", instructor, 958,5
    assert "ТҚА бұзылған" in by_no[53]["service_text"] and str(by_no[53]["price_kzt"]) == "958.5"
    assert str(by_no[51]["price_kzt"]) == "639" and by_no[51]["position"] == "Медбике"
