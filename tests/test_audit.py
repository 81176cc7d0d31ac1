"""Tariff audit: hourly rates and time shares, checked against figures worked out by hand from the
decree texts in data/raw/ (see also tests/gold/NOTES.md, "Price pattern check")."""
import copy
import os
import re
import subprocess
import sys
from decimal import Decimal

import pandas as pd
import pytest

from conftest import ROOT, seed_path
from kztariffs.audit import AUDIT_COLUMNS, CLI_FIRST, RATE_COLUMNS, audit_decree, decree_rates
from kztariffs.schema import to_frame

ORAL_HOME = "oral_akimat_2025-12-18_2999"
ORAL_SEMI = "oral_akimat_2025-09-16_1971"
BOKEY = "bokey_orda_akimat_2025-12-24_167"
D = Decimal


@pytest.fixture(scope="module")
def rates(seed_dataset):
    r = decree_rates(seed_dataset)
    assert list(r.columns) == RATE_COLUMNS and set(r["annex"]) == {1} and set(r["method"]) == {"time_share"}
    return {(x.decree_id, x.locality, x.position_key): (x.hourly_rate, x.rows, x.rows_fitting, x.status)
            for x in r.itertuples(index=False)}


@pytest.fixture(scope="module")
def semi(seed_dataset):
    return audit_decree(seed_dataset[seed_dataset["decree_id"] == ORAL_SEMI]).set_index("row")


def test_columns(seed_dataset):
    a = audit_decree(seed_dataset[seed_dataset["decree_id"] == ORAL_HOME])
    assert list(a.columns) == AUDIT_COLUMNS
    assert CLI_FIRST == ["annex", "row", "position_key", "hourly_rate", "time_norm_min", "minutes", "fits", "reason",
                         "suggestion"]
    assert len(a) == 76
    # no printed times in the seeds: every row is judged by time share
    assert set(a["annex"]) == {1} and a["time_norm_min"].isna().all() and set(a["method"]) == {"time_share"}
    assert a["expected_price_kzt"].isna().all()
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


# ---------------------------------------------------------------- printed time norms, annexes

def _rows(spec, decree_id="x_akimat_2026-01-05_7", annex=1, setting="home", unit="per_service", locality="all"):
    """Dataset rows from (position_key, price, time_norm_min or None); rows numbered from 1 in the annex."""
    return [{"decree_id": decree_id, "annex": annex, "row": i, "service_no": i, "position": pos,
             "position_key": pos, "locality": locality, "price_kzt": D(price),
             "time_norm_min": None if t is None else D(t), "setting": setting, "unit": unit,
             "source_form": "docx"} for i, (pos, price, t) in enumerate(spec, start=1)]


def test_consistent_time_norm_table_gives_no_flags():
    # care worker 1000.00/h: 10 min 166.666... -> 166.67 (half up), 7.5 min 125.00, 25 min 416.666... -> 416.67,
    # 35 min 583.333... -> 583.33, 45 min 750.00, 90 min 1500.00 (25, 35, 7.5 min are no simple shares:
    # with printed times they fit all the same)
    # nurse 958.50/h: 12 min 191.70, 20 min 319.50, 30 min 479.25, 60 min 958.50
    df = to_frame(_rows([("care_worker", "166.67", "10"), ("care_worker", "125.00", "7.5"),
                         ("care_worker", "416.67", "25"), ("care_worker", "583.33", "35"),
                         ("care_worker", "750.00", "45"), ("care_worker", "1500.00", "90"),
                         ("nurse", "191.70", "12"), ("nurse", "319.50", "20"), ("nurse", "479.25", "30"),
                         ("nurse", "958.50", "60")]))
    before = copy.deepcopy(df)
    a = audit_decree(df)
    pd.testing.assert_frame_equal(df, before)
    assert list(a.columns) == AUDIT_COLUMNS
    assert (a["fits"] == True).all() and (a["reason"] == "").all()  # noqa: E712
    assert set(a["method"]) == {"printed_time"}
    assert (a["expected_price_kzt"] == a["price_kzt"]).all()
    assert a.loc[a["row"] == 2, "time_norm_min"].iloc[0] == D("7.5")
    assert a.loc[a["row"] == 3, "minutes"].iloc[0] == D("25.0")  # 416.67 x 60 / 1000 = 25.0002
    r = decree_rates(df).set_index("position_key")
    assert (r.loc["care_worker", "hourly_rate"], r.loc["care_worker", "rows_fitting"]) == (D("1000.00"), 6)
    assert (r.loc["nurse", "hourly_rate"], r.loc["nurse", "rows_fitting"]) == (D("958.50"), 4)
    assert set(r["status"]) == {"ok"} and set(r["method"]) == {"printed_time"}


def test_wrong_printed_time_is_flagged_with_the_expected_price():
    # 1000.00/h from rows 1-3 (30, 60, 20 min); row 4 prints 20 min but 500.00, which is 30 min:
    # a simple share, so only the printed time shows it. 20 min at 1000.00 = 333.333... -> 333.33.
    df = to_frame(_rows([("care_worker", "500.00", "30"), ("care_worker", "1000.00", "60"),
                         ("care_worker", "333.33", "20"), ("care_worker", "500.00", "20")]))
    a = audit_decree(df).set_index("row")
    assert a.loc[[1, 2, 3], "fits"].tolist() == [True, True, True]
    r = a.loc[4]
    assert (r.fits, r.hourly_rate, r.time_norm_min, r.minutes, r.expected_price_kzt, r.method) == \
        (False, D("1000.00"), D("20"), D("30.0"), D("333.33"), "printed_time")
    assert r.reason == ("printed time 20 min, but 500.00 is 30.00 min at the rate 1000.00 of care_worker; "
                        "20 min at 1000.00 is 333.33")
    assert r.suggestion == "333.33 (the printed 20 min), or a time of 30 min for the printed 500.00"
    rates = decree_rates(df)
    assert rates[["hourly_rate", "rows", "rows_fitting", "status"]].iloc[0].tolist() == [D("1000.00"), 4, 3, "ok"]
    # the same rows without printed times fit (30 min is a simple share): nothing to see by shares alone
    plain = df.assign(time_norm_min=None)
    assert (audit_decree(plain)["fits"] == True).all()  # noqa: E712


def test_time_norm_rounding_is_half_up_to_the_tiyn():
    # 1000.05/h x 15 min = 250.0125 -> 250.01; 1000.05 x 45 / 60 = 750.0375 -> 750.04 (half up), not 750.03;
    # 1000.05 x 3 / 60 = 50.0025 -> 50.00
    ok = to_frame(_rows([("nurse", "250.01", "15"), ("nurse", "750.04", "45"), ("nurse", "1000.05", "60"),
                         ("nurse", "50.00", "3")]))
    assert (audit_decree(ok)["fits"] == True).all()  # noqa: E712
    # 1000.05 x 30 / 60 = 500.025 -> 500.03
    bad = to_frame(_rows([("nurse", "250.01", "15"), ("nurse", "750.03", "45"), ("nurse", "1000.05", "60"),
                          ("nurse", "500.03", "30")]))
    a = audit_decree(bad).set_index("row")
    assert a.loc[2, "fits"] is False and a.loc[2, "expected_price_kzt"] == D("750.04")


def test_two_annexes_with_different_rates_are_each_consistent():
    # one decree, two annex tables, rows restarting at 1: annex 1 (home) care worker 948.30/h, annex 2
    # (semi-stationary) care worker 1200.00/h. Pooled, neither rate would explain the other annex's rows.
    a1 = _rows([("care_worker", "158.05", "10"), ("care_worker", "474.15", "30"), ("care_worker", "948.30", "60")])
    a2 = _rows([("care_worker", "400.00", "20"), ("care_worker", "900.00", "45"), ("care_worker", "1200.00", "60")],
               annex=2, setting="semi_stationary", unit="per_recipient_day")
    df = to_frame(a1 + a2)
    a = audit_decree(df)
    assert (a["fits"] == True).all()  # noqa: E712
    assert list(zip(a["annex"], a["row"])) == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]
    assert a.groupby("annex")["hourly_rate"].unique().map(list).to_dict() == {1: [D("948.30")], 2: [D("1200.00")]}
    r = decree_rates(df)
    assert list(zip(r["annex"], r["position_key"], r["hourly_rate"], r["status"])) == \
        [(1, "care_worker", D("948.30"), "ok"), (2, "care_worker", D("1200.00"), "ok")]
    # the same without printed times: each annex is consistent by time shares of its own rate
    plain = df.assign(time_norm_min=None)
    assert (audit_decree(plain)["fits"] == True).all()  # noqa: E712
    assert decree_rates(plain)["hourly_rate"].tolist() == [D("948.30"), D("1200.00")]


def test_mixed_and_single_time_rows():
    # rate from printed times (rows 1-3); row 4 has no time: judged by share against it (474.15 = 30 min)
    df = to_frame(_rows([("care_worker", "158.05", "10"), ("care_worker", "474.15", "30"),
                         ("care_worker", "948.30", "60"), ("care_worker", "474.15", None),
                         ("nurse", "319.50", "20")]))
    a = audit_decree(df).set_index("row")
    assert (a.loc[4, "fits"], a.loc[4, "method"], a.loc[4, "minutes"]) == (True, "time_share", D("30.0"))
    assert decree_rates(df).set_index("position_key").loc["care_worker", "rows_fitting"] == 4
    # a position with one timed row cannot be judged; the reason gives the rate its time implies
    r = a.loc[5]
    assert r.fits is None and r.hourly_rate is None
    assert "only 1 row of nurse" in r.reason and "319.50 implies a rate of 958.50/h" in r.reason


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
    assert list(a.columns[:len(CLI_FIRST)]) == CLI_FIRST and len(a) == 123
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


# ---------------------------------------------------------------- reasons in kk, ru and en

NB = "\u00a0"  # Babel's digit group sign in kk and ru


def test_reasons_are_message_keys_with_values(semi):
    from kztariffs import audit_text

    r = semi.loc[61]
    assert r.reason_key == "audit_r_not_share" and r.suggestion_key == "audit_s_nearest"
    assert audit_text.loads(r.reason_values) == [("audit_r_not_share", {
        "price": "958.50", "minutes": "59.2", "rate": "971.10", "position": "social_work_specialist"})]
    assert [k for k, _ in audit_text.loads(r.suggestion_values)] == ["audit_s_nearest", "audit_s_looks_like"]
    # the English columns are the same parts written in English (positions by key, tenge without groups)
    for row in semi.itertuples():
        assert audit_text.english(audit_text.loads(row.reason_values)) == row.reason
        assert audit_text.english(audit_text.loads(row.suggestion_values)) == row.suggestion
        assert row.reason_key == (audit_text.loads(row.reason_values)[0][0] if row.reason else "")
    fitting = semi[semi["reason"] == ""]
    assert len(fitting) > 100 and (fitting["reason_values"] == "[]").all() and (fitting["reason_key"] == "").all()


def test_reasons_in_kazakh_and_russian(semi):
    from kztariffs import audit_text

    r = semi.loc[61]
    assert audit_text.reason(r, "ru") == ("958,50 — это 59,2 мин по ставке 971,10 должности "
                                          "«Специалист по социальной работе»; не простая доля часа")
    assert audit_text.suggestion(r, "ru") == ("971,10 (60 мин); похоже на цену должности «Медицинская сестра»: "
                                              "958,50 (60 мин по ставке 958,50)")
    assert audit_text.reason(r, "kk") == ("958,50 — «Әлеуметтік жұмыс жөніндегі маман» лауазымының 971,10 "
                                          "мөлшерлемесі бойынша 59,2 мин; сағаттың қарапайым үлесі емес")
    assert "«Медбике» лауазымының бағасына ұқсайды" in audit_text.suggestion(r, "kk")
    # row 72: 116,18 = 580,90 / 5, at the pediatrician's 1 742,70 (money by locale)
    r72 = semi.loc[72]
    assert f"1{NB}742,70" in audit_text.reason(r72, "ru") and "группа из 5 человек?" in audit_text.reason(r72, "ru")
    assert "5 адамдық топ па?" in audit_text.reason(r72, "kk")
    assert "1,742.70" in audit_text.reason(r72, "en") and "1742.70" in r72.reason  # the CSV text: no groups
    # row 14: one row of the music director; locality and "this decree" in the language
    r14 = semi.loc[14]
    assert audit_text.reason(r14, "ru").startswith("у должности «Музыкальный руководитель» в этом постановлении "
                                                   "(тариф: город и село) всего строк: 1")
    assert audit_text.reason(r14, "kk").startswith("осы қаулыда (тариф: қала мен ауыл) «Музыка жетекшісі»")
    # no English (no Latin letter at all) in any reason or suggestion in kk and ru
    for lang in ("kk", "ru"):
        texts = [f(row, lang) for row in semi.itertuples() for f in (audit_text.reason, audit_text.suggestion)]
        assert any(texts) and not [x for x in texts if re.search("[A-Za-z]", x)], lang


def test_printed_time_reasons_in_every_language():
    from kztariffs import audit_text

    df = to_frame(_rows([("care_worker", "500.00", "30"), ("care_worker", "1000.00", "60"),
                         ("care_worker", "333.33", "20"), ("care_worker", "500.00", "20")])
                  + _rows([("nurse", "319.50", "20")], annex=2))
    a = audit_decree(df)
    r = a[(a["annex"] == 1) & (a["row"] == 4)].iloc[0]
    assert r.reason_key == "audit_r_printed_time" and r.suggestion_key == "audit_s_printed_or_time"
    assert audit_text.reason(r, "ru") == ("указано 20 мин, но 500,00 — это 30,00 мин по ставке 1\u00a0000,00 "
                                          "должности «Социальный работник по уходу»; 20 мин по ставке "
                                          "1\u00a0000,00 стоят 333,33")
    assert audit_text.suggestion(r, "kk") == ("333,33 (көрсетілген 20 мин үшін) немесе көрсетілген 500,00 бағасы "
                                              "үшін 30 мин уақыт")
    # a single row in annex 2: "annex 2" in each language; the rate its printed time implies
    r = a[a["annex"] == 2].iloc[0]
    assert r.fits is None and "in this annex 2 (all)" in r.reason
    assert "в приложении 2 (тариф: город и село)" in audit_text.reason(r, "ru")
    assert audit_text.reason(r, "kk").startswith("2-қосымшада (тариф: қала мен ауыл) «Медбике»")
    assert "при указанных 20 мин цена 319,50 соответствует ставке 958,50 в час" in audit_text.reason(r, "ru")


def test_audit_view_writes_reasons_in_the_page_language(semi):
    from kztariffs import audit_view
    from kztariffs.i18n import t

    audit = semi.reset_index()
    for lang in ("kk", "ru"):
        flagged = audit_view.flagged_table(audit, lang)
        reasons = list(flagged[t("audit_col_reason", lang)])
        assert len(reasons) == 6 and all(reasons) and not any(re.search("[A-Za-z]", x) for x in reasons)
        unknown = audit_view.unknown_table(audit, lang)
        assert all(unknown[t("audit_col_reason", lang)])
    assert "59,2 мин" in audit_view.flagged_table(audit, "ru")[t("audit_col_reason", "ru")].iloc[
        list(audit.loc[audit["fits"] == False, "row"]).index(61)]  # noqa: E712
