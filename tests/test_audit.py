"""Tariff audit: hourly rates and time shares, checked against figures worked out by hand from the
decree texts in data/raw/ (see also tests/gold/NOTES.md, "Price pattern check")."""
import copy
import os
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest

from conftest import ROOT, seed_path
from kztariffs.audit import AUDIT_COLUMNS, CLI_FIRST, audit_decree, decree_rates

ORAL_HOME = "oral_akimat_2025-12-18_2999"
ORAL_SEMI = "oral_akimat_2025-09-16_1971"
BOKEY = "bokey_orda_akimat_2025-12-24_167"
D = Decimal


@pytest.fixture(scope="module")
def rates(seed_dataset):
    r = decree_rates(seed_dataset)
    return {(d, loc, p): (rate, n, fit, status) for d, loc, p, rate, n, fit, status in r.itertuples(index=False)}


@pytest.fixture(scope="module")
def semi(seed_dataset):
    return audit_decree(seed_dataset[seed_dataset["decree_id"] == ORAL_SEMI]).set_index("row")


def test_columns(seed_dataset):
    a = audit_decree(seed_dataset[seed_dataset["decree_id"] == ORAL_HOME])
    assert list(a.columns) == AUDIT_COLUMNS
    assert CLI_FIRST == ["row", "position_key", "hourly_rate", "minutes", "fits", "reason", "suggestion"]
    assert len(a) == 76
    assert all(isinstance(v, Decimal) for v in a["hourly_rate"]) and all(isinstance(v, Decimal) for v in a["minutes"])


def test_home_rates(rates):
    # Decree 2999 (Oral, home 2026), care worker: row 1 prints 948,30 (1 h); 158,05 x 6 = 948,30 (10 min);
    # 1896,60 / 2 = 948,30 (row 2, 2 h). All 60 care-worker rows are one of 158.05/316.10/474.15/632.20/
    # 948.30/1896.60 = 10/20/30/40/60/120 min.
    assert rates[(ORAL_HOME, "all", "care_worker")] == (D("948.30"), 60, 60, "ok")
    # Specialist: 164,15 x 6 = 984,90 (row 55 prints 984,90); 328,30 x 3 = 984,90 (row 37).
    assert rates[(ORAL_HOME, "all", "social_work_specialist")] == (D("984.90"), 16, 16, "ok")
    # Bokey Orda decree 167 (village column; the city column is all 0): 152,90 x 6 = 917,40 (care worker),
    # 165,35 x 6 = 992,10 and 330,70 x 3 = 992,10 (specialist).
    assert rates[(BOKEY, "village", "care_worker")] == (D("917.40"), 60, 60, "ok")
    assert rates[(BOKEY, "village", "social_work_specialist")] == (D("992.10"), 16, 16, "ok")


def test_semi_stationary_rates(rates):
    # Decree 1971: specialist 161,85 x 6 = 971,10 (row 22 prints 971,1); 19 of 20 rows fit (row 61 does not).
    assert rates[(ORAL_SEMI, "all", "social_work_specialist")] == (D("971.10"), 20, 19, "ok")
    # nurse 159,75 x 6 = 958,50 (row 21 prints 958,5); 3834 = 4 h (row 46)
    assert rates[(ORAL_SEMI, "all", "nurse")] == (D("958.50"), 17, 17, "ok")
    # labour-therapy instructor 146,75 x 6 = 880,50 (rows 78, 86 ...); row 91 (733,25) does not fit
    assert rates[(ORAL_SEMI, "all", "occupational_therapy_instructor")] == (D("880.50"), 13, 12, "ok")
    # psychologist 140,8 x 6 = 844,80 (rows 77, 113 print 844,8); methodologist/speech therapist/educator
    # share it: 1689,6 = 2 h, 563,2 = 40 min, 1267,2 = 90 min
    for pos in ("psychologist", "methodologist", "speech_therapist", "educator"):
        assert rates[(ORAL_SEMI, "all", pos)][0] == D("844.80"), pos
    # teachers: 322,6 x 3 = 967,8 (defectologist row 101 prints 967,8); 645,2 = 40 min
    for pos in ("defectologist", "pe_teacher", "music_teacher"):
        assert rates[(ORAL_SEMI, "all", pos)][0] == D("967.80"), pos
    # single-row positions cannot be judged
    for pos in ("senior_nurse", "disinfector", "laundry_operator", "music_director", "massage_nurse"):
        assert rates[(ORAL_SEMI, "all", pos)] == (None, 1, 0, "too_few_rows"), pos


def test_semi_stationary_flags(semi):
    # Row 61: specialist prints 958,5; 958.50 x 60 / 971.10 = 59.22 min. 958,5 is the nurse's 1-hour price.
    r = semi.loc[61]
    assert (r.position_key, r.price_kzt, r.hourly_rate, r.minutes, r.fits) == \
        ("social_work_specialist", D("958.50"), D("971.10"), D("59.2"), False)
    assert "59.2 min at the rate 971.10 of social_work_specialist" in r.reason
    assert r.suggestion.startswith("971.10 (60 min)") and "nurse's price 958.50" in r.suggestion
    # Row 91: 733,25 at 880,50 = 49.97 min; 880.50 x 5/6 = 733.75 (row 94 prints 733,75)
    r = semi.loc[91]
    assert (r.hourly_rate, r.minutes, r.fits) == (D("880.50"), D("50.0"), False)
    assert "49.97 min" in r.reason and r.suggestion.startswith("733.75 (50 min)")
    assert semi.loc[94].fits is True  # 733,75 = 50 min: fits, with a note that 50 min is uncommon
    assert "uncommon" in semi.loc[94].reason
    # Row 83: pe teacher 225,82 = 967.80 x 14/60 exactly -> whole minutes, but not a simple share
    assert semi.loc[83].fits is False and "14 min" in semi.loc[83].reason
    # Row 89: educator 1070,08 = 844.80 x 76/60
    assert semi.loc[89].fits is False and "76 min" in semi.loc[89].reason
    # Rows 72, 74: 116,18 = 580,90 / 5 (a group session?)
    assert semi.loc[72].fits is False and "/ 5" in semi.loc[72].reason
    flagged = sorted(semi.index[semi["fits"] == False])  # noqa: E712
    assert flagged == [61, 72, 74, 83, 89, 91]
    # row 14: music director, one row -> fits unknown, with the reason and a hint (90 min of 880.50)
    r = semi.loc[14]
    assert r.fits is None and r.hourly_rate is None and "only 1 row" in r.reason and "880.50" in r.reason


def test_home_decrees_have_no_flags(seed_dataset):
    a = audit_decree(seed_dataset[seed_dataset["decree_id"].isin([ORAL_HOME, BOKEY])])
    assert (a["fits"] == True).all()  # noqa: E712
    assert set(a["minutes"]) == {D(m) for m in ("10.0", "20.0", "30.0", "40.0", "60.0", "120.0")}


def test_audit_does_not_change_the_input(seed_dataset):
    df = seed_dataset[seed_dataset["decree_id"] == ORAL_SEMI].copy()
    before = copy.deepcopy(df)
    audit_decree(df)
    decree_rates(df)
    pd.testing.assert_frame_equal(df, before)
    assert list(df.columns) == list(before.columns)


def _synthetic(prices, position="care_worker"):
    n = len(prices)
    return pd.DataFrame({"decree_id": ["x_2025-01-01_1"] * n, "row": list(range(1, n + 1)),
                         "locality": ["all"] * n, "service_no": list(range(1, n + 1)),
                         "position": ["p"] * n, "position_key": [position] * n,
                         "price_kzt": [D(p) for p in prices]})


def test_robust_to_a_few_bad_rows():
    # rate 1000.00: 166.67 (10 min, 1000/6 rounded half up), 333.33, 500, 666.67, 1000, 2000
    good = ["166.67", "333.33", "500.00", "1000.00", "1000.00", "2000.00", "333.33", "666.67", "500.00", "1000.00"]
    bad = list(good)
    bad[2], bad[5] = "1234.00", "1234.00"  # 2 of 10 corrupted, and consistent with each other
    for prices in (good, bad):
        r = decree_rates(_synthetic(prices))
        assert r["hourly_rate"].tolist() == [D("1000.00")]
        assert r["status"].tolist() == ["ok"]
    a = audit_decree(_synthetic(bad))
    assert a.loc[a["fits"] == False, "row"].tolist() == [3, 6]  # noqa: E712
    # 1234.00 is 74.04 min of 1000.00; the nearest simple-share price is 70 min = 1166.67
    assert "1234.00 is 74.04 min at the rate 1000.00" in a.loc[2, "reason"]
    assert a.loc[2, "suggestion"] == "1166.67 (70 min)"


def test_too_few_and_inconsistent():
    r = decree_rates(_synthetic(["100.00"]))
    assert r.iloc[0]["status"] == "too_few_rows" and r.iloc[0]["hourly_rate"] is None
    # prices a tiyn apart: no rate gives two of them at simple shares
    r = decree_rates(_synthetic(["100.00", "100.01", "100.02"]))
    assert r.iloc[0]["status"] == "no_consistent_rate" and r.iloc[0]["hourly_rate"] is None
    a = audit_decree(_synthetic(["100.00", "100.01", "100.02"]))
    assert a["fits"].isna().all() and a["reason"].str.contains("no rate").all()
    # two rows agree, four do not: the rate explains less than half of the rows
    r = decree_rates(_synthetic(["1000.00", "1000.00", "1000.01", "1000.02", "1000.03", "1000.04"]))
    assert r.iloc[0]["status"] == "no_consistent_rate" and r.iloc[0]["rows_fitting"] == 2


# ---------------------------------------------------------------- CLI

CLI = [sys.executable, "-m", "kztariffs.cli"]


def run(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_audit_file(tmp_path):
    out = tmp_path / "audit.csv"
    proc = run("audit", seed_path("oral-city_2025-09-16_no1971_semi-stationary-2025_kk"), "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "social_work_specialist: 971.10/h" in proc.stderr
    a = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(a.columns[:7]) == CLI_FIRST and len(a) == 123
    r61 = a[a["row"] == "61"].iloc[0]
    assert (r61.hourly_rate, r61.minutes, r61.fits) == ("971.10", "59.2", "False")


def test_cli_audit_decree_id_and_unknown_id(tmp_path, seed_dataset):
    from kztariffs.dataset import write_table

    ds = tmp_path / "tariffs.parquet"
    write_table(seed_dataset, ds)
    out = tmp_path / "audit.csv"
    proc = run("audit", BOKEY, "-o", out, "--dataset", ds)
    assert proc.returncode == 0, proc.stderr
    assert "care_worker: 917.40/h" in proc.stderr
    assert len(pd.read_csv(out)) == 76
    out2 = tmp_path / "none.csv"
    proc = run("audit", "no_such_decree", "-o", out2, "--dataset", ds)
    assert proc.returncode == 1
    err = proc.stderr.strip()
    assert err.startswith(f"error: no_such_decree: no such decree in {ds}") and "\n" not in err
    assert not out2.exists()
