"""The portal's PDF form: the same gold rows and metadata as the text forms; bad PDFs get one-line errors.

Fixtures are built by tests/fixtures/make_fixtures.py from the seeds (see its docstring).
"""
import csv
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from conftest import GOLD, ROOT, SEEDS
from kztariffs.text import squash

FIXTURES = ROOT / "tests" / "fixtures"
PDF = FIXTURES / "pdf"
BAD = PDF / "bad"
BOKEY = "bokey-orda-district_2025-12-24_no167_home-2026_kk"


def gold_rows(stem):
    with open(GOLD / f"{stem}.csv", encoding="utf-8") as fh:
        return [(int(r["row"]), int(r["service_no"]), r["category"], squash(r["position"]), r["locality"],
                 Decimal(r["price_kzt"])) for r in csv.DictReader(fh)]


def tidy(rows):
    return [(r["row"], r["service_no"], r["category"], squash(r["position"]), r["locality"], r["price_kzt"])
            for r in rows]


@pytest.fixture(scope="module")
def pdf_results():
    from kztariffs.dataset import extract_file

    return {stem: extract_file(PDF / f"{stem}.pdf") for stem in SEEDS}


@pytest.mark.parametrize("stem", list(SEEDS))
def test_pdf_rows_match_gold_exactly(stem, pdf_results):
    got, expected = tidy(pdf_results[stem].rows), gold_rows(stem)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e


@pytest.mark.parametrize("stem", list(SEEDS))
def test_pdf_metadata_equals_text_form(stem, pdf_results, seed_results):
    assert pdf_results[stem].decree.as_dict() == seed_results[stem].decree.as_dict()
    assert all(r["source_form"] == "pdf" for r in pdf_results[stem].rows)


@pytest.mark.parametrize("stem", list(SEEDS))
def test_pdf_provenance_is_the_page(stem, pdf_results):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(PDF / f"{stem}.pdf"))
    pages = len(doc)
    doc.close()
    rows = pdf_results[stem].rows
    # page 1 holds the decree text; the annex table runs from page 2 to the last page
    assert all(2 <= r["page"] <= pages and r["line"] is None for r in rows)
    assert rows[0]["page"] == 2 and rows[-1]["page"] == pages
    assert [r["page"] for r in rows] == sorted(r["page"] for r in rows)


def test_fixtures_break_rows_at_page_breaks():
    """camelot sees halves of rows at page breaks (so the stitching above is exercised)."""
    import pypdfium2 as pdfium

    from kztariffs.readers.pdf_grid import camelot_tables

    path = PDF / "oral-city_2025-09-16_no1971_semi-stationary-2025_kk.pdf"
    tables = camelot_tables(path, pdfium.PdfDocument(str(path)))
    firsts = [t.texts[0] for t in tables[1:]]
    assert any(not f[0] and f[1] for f in firsts)  # a row continued at the top of a page, № elsewhere


def test_bokey_merged_service_cells_fill_down(pdf_results):
    by_row = {r["row"]: r for r in pdf_results[BOKEY].rows}
    assert by_row[13]["service_no"] == 13 and by_row[14]["service_no"] == 13
    assert by_row[14]["position_key"] == "social_work_specialist"
    assert by_row[14]["service_text"] == by_row[13]["service_text"]
    rejects = pdf_results[BOKEY].rejects
    assert len(rejects) == 76 and all(r["kind"] == "not_applicable" for r in rejects)


def test_letter_spaced_positions_are_rejoined(pdf_results):
    positions = {r["position"] for r in pdf_results["oral-city_2025-09-16_no1971_semi-stationary-2025_kk"].rows}
    assert "Дәрігер -травматолог-ортопед" in positions and "Дәрігер травматолог-ортопед" in positions
    assert not any("Д ә" in p for p in positions)


# ---------------------------------------------------------------- bad PDFs

CLI = [sys.executable, "-m", "kztariffs.cli"]


def run(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    path = tmp_path_factory.mktemp("damaged") / "damaged.pdf"
    data = (PDF / f"{BOKEY}.pdf").read_bytes()
    cut = len(data) // 3
    path.write_bytes(data[:200] + b"\x00garbage" * (cut // 8) + data[-600:])  # header and trailer kept
    return path


@pytest.mark.parametrize("name,words", [
    ("scanned", ["no text layer", "scanned"]),
    ("encrypted", ["encrypted", "password"]),
    ("truncated", ["truncated"]),
    ("not_a_pdf", ["not a PDF"]),
    ("borderless", ["no ruled table", "confidence"]),
    ("damaged", ["damaged"]),
])
def test_bad_pdf_one_line_error_nothing_written(name, words, tmp_path, damaged):
    path = damaged if name == "damaged" else BAD / f"{name}.pdf"
    out = tmp_path / "out.csv"
    proc = run("extract", path, "-o", out)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:") and str(path) in l]
    assert len(errors) == 1 and all(w in errors[0] for w in words), proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.*"))


def test_borderless_table_gives_no_rows_but_keeps_metadata():
    from kztariffs.errors import NoTariffTable
    from kztariffs.metadata import read_metadata
    from kztariffs.readers import read_decree

    with pytest.raises(NoTariffTable) as exc:
        read_decree(BAD / "borderless.pdf")
    assert exc.value.decree is not None and not exc.value.decree.rows
    meta = read_metadata(exc.value.decree)
    assert meta.decree_number == "2999" and meta.year == 2026 and meta.setting == "home"


def test_cli_extracts_a_pdf(tmp_path):
    import pandas as pd

    out = tmp_path / "x.csv"
    proc = run("extract", PDF / "oral-city_2025-12-18_no2999_home-2026_kk.pdf", "-o", out)
    assert proc.returncode == 0, proc.stderr
    df = pd.read_csv(out)
    assert len(df) == 76 and set(df["source_form"]) == {"pdf"} and df["page"].min() == 2


def test_generator_rebuilds_the_committed_fixtures(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(FIXTURES))
    made = make_fixtures.build_all(tmp_path)
    for name, path in made.items():
        committed = FIXTURES / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), f"{name}: rerun tests/fixtures/make_fixtures.py"
    size = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    assert size < 3_000_000
