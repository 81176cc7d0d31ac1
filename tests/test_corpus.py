"""Every fixture of the corpus (tests/corpus: several producers x layout variants) gives exactly its
expected rows, and no row is ever written with a wrong value.

The corpus and its keys are built by tests/corpus/make_corpus.py (see tests/corpus/README.md); the
keys of the three shipped decrees equal the hand-checked gold files, and every key's prices were
counted again, independently, in the fixture's own text.
"""
import csv
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kztariffs.dataset import extract_file
from kztariffs.text import squash

# one worker reads the corpus once for every test here (instead of each xdist worker reading it all)
pytestmark = pytest.mark.xdist_group("corpus")

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = list(csv.DictReader(open(CORPUS / "manifest.csv", encoding="utf-8")))


def key(doc_id: str) -> dict:
    out = {}
    with open(CORPUS / "keys" / f"{doc_id}.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[(int(r["annex"]), int(r["row"]), r["locality"])] = (
                r["setting"], r["unit"], int(r["service_no"]) if r["service_no"] else None, r["category"],
                squash(r["position"]), Decimal(r["price_kzt"]),
                Decimal(r["time_norm_min"]) if r["time_norm_min"] else None)
    return out


def got(rows: list[dict]) -> dict:
    return {(r["annex"], r["row"], r["locality"]): (
        r["setting"], r["unit"], r["service_no"], r["category"], squash(r["position"]), r["price_kzt"],
        r["time_norm_min"]) for r in rows}


@pytest.fixture(scope="module")
def results():
    return {m["file"]: extract_file(CORPUS / m["file"]) for m in MANIFEST}


def test_corpus_covers_producers_and_variants():
    producers = {m["producer"] for m in MANIFEST}
    assert {"reportlab", "libreoffice", "chromium", "python-docx", "html"} <= producers
    variants = {m["variant"] for m in MANIFEST}
    assert {"seed", "unit-col", "time-norm", "two-level", "landscape", "dot-decimals", "two-annexes",
            "columns-reordered", "one-line", "merged-across-page", "russian"} <= variants


def test_no_row_is_ever_written_wrong(results):
    wrong = []
    for m in MANIFEST:
        expected = key(m["doc_id"])
        for k, v in got(results[m["file"]].rows).items():
            if expected.get(k) != v:
                wrong.append((m["file"], k, v, expected.get(k)))
    assert wrong == []


@pytest.mark.parametrize("entry", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_fixture_gives_exactly_its_rows(entry, results):
    res = results[entry["file"]]
    assert got(res.rows) == key(entry["doc_id"])
    # nothing is lost: a source row that is not in the dataset is in the rejects
    assert all(r["kind"] == "not_applicable" for r in res.rejects)


def test_every_form_of_a_decree_gives_the_same_metadata(results):
    """A decree reads the same from every producer and form; a shipped decree as from its text."""
    from conftest import SEEDS

    by_doc: dict[str, dict] = {}
    for m in MANIFEST:
        by_doc.setdefault(m["doc_id"], {})[m["file"]] = results[m["file"]].decree.as_dict()
    for doc, metas in by_doc.items():
        first = next(iter(metas.values()))
        assert all(m == first for m in metas.values()), (doc, metas)
        assert first["area"] and len(first["kato"]) == 9, doc  # every fixture has its area and KATO
    seeds = {"seed-2999_kk": "oral-city_2025-12-18_no2999_home-2026_kk",
             "seed-1971_kk": "oral-city_2025-09-16_no1971_semi-stationary-2025_kk",
             "seed-167_kk": "bokey-orda-district_2025-12-24_no167_home-2026_kk"}
    raw = Path(__file__).parents[1] / "data" / "raw"
    for doc, stem in seeds.items():
        text_meta = extract_file(raw / f"{stem}{SEEDS[stem]}").decree.as_dict()
        assert next(iter(by_doc[doc].values())) == text_meta


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_keys_match_the_specs_and_an_independent_count_of_printed_prices():
    """make_corpus.py --check: every key equals what its spec says (the seeds' keys equal the gold
    files), and the prices printed in every file (pdftotext, the DOCX XML, the HTML text; not the
    package's readers) are exactly the key's prices."""
    proc = subprocess.run([sys.executable, str(CORPUS / "make_corpus.py"), "--check"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
