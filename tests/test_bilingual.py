"""The Kazakh and Russian versions of a decree build into one decree, every row confirmed by both;
a price the versions print differently is reported, kept out, and enters only once decided."""
import shutil
from decimal import Decimal

import pandas as pd
import pytest

from conftest import ROOT, SEEDS
from kztariffs import dataset

RU = ROOT / "tests" / "fixtures" / "ru"
ORAL = "oral-city_2025-12-18_no2999_home-2026"


@pytest.fixture
def both(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for stem, suffix in SEEDS.items():
        shutil.copy(ROOT / "data" / "raw" / f"{stem}{suffix}", raw)
    for f in RU.glob("*.portal.txt"):
        shutil.copy(f, raw)
    return raw


def test_both_versions_of_every_shipped_decree_build_into_one(both, tmp_path):
    df, rejects, results, failures = dataset.build(both, tmp_path / "out")
    assert not failures and len(results) == 6
    assert df["decree_id"].nunique() == 3 and len(df) == 275
    assert (df["versions"] == 2).all() and set(df["language"]) == {"kk+ru"}
    row = df[(df["decree_id"] == "oral_akimat_2025-12-18_2999") & (df["row"] == 1)].iloc[0]
    assert row["position_kk"] == "Күтім жөніндегі әлеуметтік қызметкер"
    assert row["position_ru"] == "Социальный работник по уходу"
    assert row["source_file"].endswith("_kk.portal.txt") and row["other_source_file"].endswith("_ru.portal.txt")
    assert pd.read_csv(tmp_path / "out" / "disagreements.csv").empty


def test_one_changed_price_is_reported_and_kept_out_until_decided(both, tmp_path):
    path = both / f"{ORAL}_ru.portal.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n1 896,60\n") >= 1
    path.write_text(text.replace("\n1 896,60\n", "\n1 986,60\n", 1), encoding="utf-8")  # row 2 in Russian only
    out = tmp_path / "out"
    df, *_ = dataset.build(both, out)
    dis = pd.read_csv(out / "disagreements.csv", dtype=str)
    assert len(dis) == 1
    d = dis.iloc[0]
    assert (d["decree_id"], d["annex"], d["row"], d["what"], d["value_kk"], d["value_ru"]) == \
        ("oral_akimat_2025-12-18_2999", "1", "2", "price_kzt", "1896.60", "1986.60")
    oral = df[df["decree_id"] == "oral_akimat_2025-12-18_2999"]
    assert len(oral) == 75 and 2 not in set(oral["row"])
    report = (out / "build_report.md").read_text(encoding="utf-8")
    assert "row 2 all: price_kzt kk '1896.60'" in report and "'1986.60'" in report

    decisions = tmp_path / "decisions.yaml"
    decisions.write_text("decisions:\n  - decree_id: oral_akimat_2025-12-18_2999\n    row: 2\n"
                         "    price_kzt: '1896.60'\n    by: test\n    note: Kazakh text agrees with the PDF\n",
                         encoding="utf-8")
    df, *_ = dataset.build(both, out, decisions=decisions)
    row2 = df[(df["decree_id"] == "oral_akimat_2025-12-18_2999") & (df["row"] == 2)]
    assert len(row2) == 1 and row2.iloc[0]["price_kzt"] == Decimal("1896.60")
    dis = pd.read_csv(out / "disagreements.csv", dtype=str)
    assert dis.iloc[0]["decided_by"] == "test"


def test_a_row_only_one_version_has_is_a_disagreement(both, tmp_path):
    from kztariffs.bilingual import merge

    res_kk = dataset.extract_file(ROOT / "data" / "raw" / f"{ORAL}_kk.portal.txt")
    res_ru = dataset.extract_file(RU / f"{ORAL}_ru.portal.txt")
    rows, problems = merge(res_kk.rows, res_ru.rows[:-1], {})
    assert len(rows) == 75 and [(p["row"], p["what"], p["value_ru"]) for p in problems] == [(76, "row", "—")]


def test_bad_decisions_file_is_one_line_error(tmp_path):
    from kztariffs.bilingual import load_decisions
    from kztariffs.errors import DecreeError

    bad = tmp_path / "d.yaml"
    bad.write_text("decisions:\n  - decree_id: x\n    row: two\n    price_kzt: 1\n    by: me\n", encoding="utf-8")
    with pytest.raises(DecreeError, match="decision 1"):
        load_decisions(bad)
