"""The extractor reproduces the hand-checked gold rows of the three seed decrees exactly."""
import csv
from decimal import Decimal

import pytest

from conftest import GOLD, SEEDS
from kztariffs.text import squash as fold  # exact as printed, whitespace collapsed


def gold_rows(stem):
    with open(GOLD / f"{stem}.csv", encoding="utf-8") as fh:
        return [
            (int(r["row"]), int(r["service_no"]), r["category"], fold(r["position"]), r["locality"],
             Decimal(r["price_kzt"]))
            for r in csv.DictReader(fh)
        ]


@pytest.mark.parametrize("stem", list(SEEDS))
def test_rows_match_gold_exactly(stem, seed_results):
    got = [
        (r["row"], r["service_no"], r["category"], fold(r["position"]), r["locality"], r["price_kzt"])
        for r in seed_results[stem].rows
    ]
    expected = gold_rows(stem)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e


def test_expected_row_counts(seed_results):
    counts = {stem: len(res.rows) for stem, res in seed_results.items()}
    assert counts == {
        "oral-city_2025-12-18_no2999_home-2026_kk": 76,
        "oral-city_2025-09-16_no1971_semi-stationary-2025_kk": 123,
        "bokey-orda-district_2025-12-24_no167_home-2026_kk": 76,
    }


def test_zero_city_prices_are_not_prices(seed_results):
    res = seed_results["bokey-orda-district_2025-12-24_no167_home-2026_kk"]
    assert {r["locality"] for r in res.rows} == {"village"}
    assert len(res.rejects) == 76
    assert all(r["kind"] == "not_applicable" and r["locality"] == "city" for r in res.rejects)


@pytest.mark.parametrize("stem,meta", [
    ("oral-city_2025-12-18_no2999_home-2026_kk",
     dict(authority="Орал қаласы әкімдігі", region="west_kazakhstan", decree_number="2999",
          decree_date="2025-12-18", year=2026, setting="home", language="kk", unit="per_service")),
    ("oral-city_2025-09-16_no1971_semi-stationary-2025_kk",
     dict(authority="Орал қаласы әкімдігі", region="west_kazakhstan", decree_number="1971",
          decree_date="2025-09-16", year=2025, setting="semi_stationary", language="kk",
          unit="per_recipient_day")),
    ("bokey-orda-district_2025-12-24_no167_home-2026_kk",
     dict(authority="Бөкей ордасы ауданы әкімдігі", region="west_kazakhstan", decree_number="167",
          decree_date="2025-12-24", year=2026, setting="home", language="kk", unit="per_service")),
])
def test_metadata(stem, meta, seed_results):
    d = seed_results[stem].decree
    for key, value in meta.items():
        assert getattr(d, key) == value, key
    row = seed_results[stem].rows[0]
    assert row["decree_id"] == d.decree_id and d.decree_id.endswith(f"_{meta['decree_number']}")


def test_provenance_points_at_the_source_line(seed_results):
    from conftest import seed_path

    stem = "oral-city_2025-12-18_no2999_home-2026_kk"
    lines = seed_path(stem).read_text(encoding="utf-8").split("\n")
    for r in seed_results[stem].rows:
        # the row starts at a separator line followed by its № cell
        assert lines[r["line"]].strip() == str(r["service_no"])
    stem = "oral-city_2025-09-16_no1971_semi-stationary-2025_kk"
    lines = seed_path(stem).read_text(encoding="utf-8").split("\n")
    for r in seed_results[stem].rows:
        assert lines[r["line"] - 1].split()[0] == str(r["service_no"])


def test_bokey_orda_continuation_rows_fill_down(seed_results):
    rows = seed_results["bokey-orda-district_2025-12-24_no167_home-2026_kk"].rows
    by_row = {r["row"]: r for r in rows}
    # decree: № 13 (care worker 458,7) continues on a row with an empty № (specialist 165,35)
    assert by_row[13]["service_no"] == 13 and by_row[14]["service_no"] == 13
    assert by_row[14]["position_key"] == "social_work_specialist"
    assert by_row[14]["service_text"] == by_row[13]["service_text"]


def test_unknown_position_is_reported_not_guessed(tmp_path):
    from conftest import seed_path
    from kztariffs.dataset import extract_file

    text = seed_path("oral-city_2025-12-18_no2999_home-2026_kk").read_text(encoding="utf-8")
    odd = tmp_path / "odd.portal.txt"
    # one row's position replaced by a role that is in no vocabulary
    odd.write_text(text.replace("Күтім жөніндегі әлеуметтік қызметкер", "Бағбан", 1), encoding="utf-8")
    res = extract_file(odd)
    row1 = next(r for r in res.rows if r["row"] == 1)
    assert row1["position"] == "Бағбан" and row1["position_key"] is None
    assert any("unknown position 'Бағбан'" in n for n in res.notes)


def test_fuzzy_position_match_is_reported(tmp_path):
    from conftest import seed_path
    from kztariffs.dataset import extract_file

    text = seed_path("oral-city_2025-12-18_no2999_home-2026_kk").read_text(encoding="utf-8")
    odd = tmp_path / "typo.portal.txt"
    odd.write_text(text.replace("Күтім жөніндегі әлеуметтік қызметкер", "Күтім жөніндегі әлеуметтік қызметкерр", 1),
                   encoding="utf-8")
    res = extract_file(odd)
    assert next(r for r in res.rows if r["row"] == 1)["position_key"] == "care_worker"
    assert any("matched 'care_worker' fuzzily" in n for n in res.notes)
