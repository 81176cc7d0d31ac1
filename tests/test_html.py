"""Saved portal web pages (Kazakh, and one constructed Russian page): the same gold rows and metadata."""
import csv
from decimal import Decimal

import pytest

from conftest import GOLD, ROOT, SEEDS
from kztariffs.text import squash

HTML = ROOT / "tests" / "fixtures" / "html"
BOKEY = "bokey-orda-district_2025-12-24_no167_home-2026_kk"


def gold_rows(stem):
    with open(GOLD / f"{stem}.csv", encoding="utf-8") as fh:
        return [(int(r["row"]), int(r["service_no"]), r["category"], squash(r["position"]), r["locality"],
                 Decimal(r["price_kzt"])) for r in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def html_results():
    from kztariffs.dataset import extract_file

    return {stem: extract_file(HTML / f"{stem}.html") for stem in SEEDS}


@pytest.mark.parametrize("stem", list(SEEDS))
def test_html_rows_match_gold_exactly(stem, html_results):
    got = [(r["row"], r["service_no"], r["category"], squash(r["position"]), r["locality"], r["price_kzt"])
           for r in html_results[stem].rows]
    expected = gold_rows(stem)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e


@pytest.mark.parametrize("stem", list(SEEDS))
def test_html_metadata_equals_text_form(stem, html_results, seed_results):
    assert html_results[stem].decree.as_dict() == seed_results[stem].decree.as_dict()


@pytest.mark.parametrize("stem", list(SEEDS))
def test_html_line_points_at_the_tr(stem, html_results):
    lines = (HTML / f"{stem}.html").read_text(encoding="utf-8").split("\n")
    for r in html_results[stem].rows:
        assert lines[r["line"] - 1].lstrip().startswith("<tr")
        assert r["page"] is None


def test_rowspan_service_fills_down(html_results):
    by_row = {r["row"]: r for r in html_results[BOKEY].rows}
    assert by_row[14]["service_no"] == 13 and by_row[14]["service_text"] == by_row[13]["service_text"]
    assert {r["locality"] for r in html_results[BOKEY].rows} == {"village"}


def test_constructed_russian_page():
    from kztariffs.dataset import extract_file

    res = extract_file(HTML / "constructed_ru_home.html")
    d = res.decree
    assert (d.language, d.decree_number, d.decree_date, d.year, d.setting, d.unit, d.authority_key) == \
        ("ru", "2999", "2025-12-18", 2026, "home", "per_service", "oral_akimat")
    got = [(r["row"], r["service_no"], r["category"], r["position_key"], r["locality"], str(r["price_kzt"]))
           for r in res.rows]
    assert got == [
        (1, 1, "household", "care_worker", "city", "948.30"),
        (2, 2, "household", "care_worker", "city", "1896.60"),
        (2, 2, "household", "care_worker", "village", "1834.80"),
        (3, 2, "household", "social_work_specialist", "city", "164.15"),
        (3, 2, "household", "social_work_specialist", "village", "165.35"),
        (4, 3, "medical", "nurse", "city", "479.25"),
        (4, 3, "medical", "nurse", "village", "458.70"),
        (5, 4, "medical", "neurologist", "city", "1742.70"),
        (5, 4, "medical", "neurologist", "village", "1742.70"),
        (6, 5, "legal", "social_work_specialist", "city", "328.30"),
        (6, 5, "legal", "social_work_specialist", "village", "330.70"),
    ]
    # the 0 in the village column of row 1 is "does not apply", not a price
    assert [(r["row"], r["locality"], r["kind"]) for r in res.rejects] == [(1, "village", "not_applicable")]


def test_page_without_table_is_no_tariff_table(tmp_path):
    from kztariffs.errors import NoTariffTable
    from kztariffs.readers import read_decree

    page = (HTML / "oral-city_2025-12-18_no2999_home-2026_kk.html").read_text(encoding="utf-8")
    cut = page[: page.index("<table")] + "</div></div></body></html>"
    path = tmp_path / "no_table.html"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(NoTariffTable) as exc:
        read_decree(path)
    assert "no tariff table" in str(exc.value) and "2999" in exc.value.decree.text


def test_annex_split_over_two_tables_reads_as_one(tmp_path):
    """A saved page whose annex is cut into two <table>s (as when a page break is saved) loses no row."""
    from kztariffs.dataset import extract_file

    stem = "oral-city_2025-12-18_no2999_home-2026_kk"
    page = (ROOT / "tests" / "fixtures" / "html" / f"{stem}.html").read_text(encoding="utf-8")
    rows = page.split("<tr")
    cut = len(rows) // 2
    split = "<tr".join(rows[:cut]) + '</table>\n<p>page 2</p>\n<table border="1" class="annex">\n<tr' + "<tr".join(rows[cut:])
    path = tmp_path / "split.html"
    path.write_text(split, encoding="utf-8")
    got = [(r["row"], r["service_no"], r["category"], squash(r["position"]), r["locality"], r["price_kzt"])
           for r in extract_file(path).rows]
    assert got == gold_rows(stem)
