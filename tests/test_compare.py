"""Comparisons: figures worked out by hand from the decree texts in data/raw/."""
from decimal import Decimal

import pandas as pd

from kztariffs.compare import (authority_years, compare_areas, compare_settings, pct_change, position_rates,
                               with_labels)
from kztariffs.schema import to_frame

D = Decimal


def test_compare_areas_home_2026(seed_dataset):
    before = seed_dataset.copy()
    c = compare_areas(seed_dataset, "home", 2026, areas=["oral", "bokey_orda"])
    pd.testing.assert_frame_equal(seed_dataset, before)
    # both decrees have 76 priced rows; every row is linked (same services, same order)
    assert len(c) == 76
    r = c.iloc[0]
    # Oral 2999 row 1 (care worker, personal care) prints 948,30; Bokey Orda 167 №1 village column 917,4.
    # 917.40 - 948.30 = -30.90; -30.90 / 948.30 x 100 = -3.2585... -> -3.26 %
    assert (r.category, r.position_key, r.row_oral, r.row_bokey_orda) == ("household", "care_worker", 1, 1)
    assert (r.price_oral, r.price_bokey_orda) == (D("948.30"), D("917.40"))
    assert (r.diff_bokey_orda, r.pct_bokey_orda) == (D("-30.90"), D("-3.26"))
    assert r.locality_oral == "all" and r.locality_bokey_orda == "village"
    assert all(isinstance(v, Decimal) for v in c["diff_bokey_orda"])
    # specialist 10-minute price: 165,35 - 164,15 = 1.20; 1.20 / 164.15 = +0.73 %
    spec = c[(c["position_key"] == "social_work_specialist") & (c["price_oral"] == D("164.15"))].iloc[0]
    assert (spec.price_bokey_orda, spec.diff_bokey_orda, spec.pct_bokey_orda) == (D("165.35"), D("1.20"), D("0.73"))
    for col in ("service_text_oral", "service_text_bokey_orda", "decree_oral", "decree_bokey_orda"):
        assert col in c


def test_compare_areas_filter_and_default_order(seed_dataset):
    c = compare_areas(seed_dataset, "home", 2026, positions=["social_work_specialist"])
    assert len(c) == 16 and set(c["position_key"]) == {"social_work_specialist"}
    assert "price_bokey_orda" in c and "pct_oral" in c  # default: areas sorted, bokey_orda first
    assert compare_areas(seed_dataset, "stationary", 2026).empty


def test_position_rates(seed_dataset):
    r = position_rates(seed_dataset)
    assert list(r.columns[:8]) == ["decree_id", "annex", "area", "setting", "year", "locality", "position_key",
                                   "hourly_rate"]
    got = {(a, s, int(y), p): rate for a, s, y, p, rate in
           r[["area", "setting", "year", "position_key", "hourly_rate"]].itertuples(index=False)}
    assert got[("oral", "home", 2026, "care_worker")] == D("948.30")
    assert got[("bokey_orda", "home", 2026, "care_worker")] == D("917.40")
    assert got[("oral", "semi_stationary", 2025, "social_work_specialist")] == D("971.10")


def test_compare_settings_specialist(seed_dataset):
    s = compare_settings(seed_dataset, "social_work_specialist")
    got = {(r.setting, r.area): (r.hourly_rate, r.median_price, r.rows) for r in s.itertuples()}
    # home: 14 of 16 rows at 164,15 (Oral) / 165,35 (Bokey Orda) -> the median is the 10-minute price
    assert got[("home", "oral")] == (D("984.90"), D("164.15"), 16)
    assert got[("home", "bokey_orda")] == (D("992.10"), D("165.35"), 16)
    # semi-stationary 1971, 20 rows sorted: 7 x 161,85, 1 x 323,7, 3 x 485,55 (rows 4, 34, 42), 3 x 647,4,
    # 958,5, 2 x 971,1, 2 x 1942,2, 3884,4 -> the 10th and 11th are both 485,55
    assert got[("semi_stationary", "oral")] == (D("971.10"), D("485.55"), 20)
    assert set(s["unit"]) == {"per_service", "per_recipient_day"}


def test_authority_years(seed_dataset):
    by = authority_years(seed_dataset, "oral_akimat")
    # different settings in 2025 and 2026: no change within a setting
    assert by["change_pct"].isna().all()
    pooled = authority_years(seed_dataset, "oral_akimat", by_setting=False)
    r = pooled[(pooled["position_key"] == "social_work_specialist") & (pooled["year"] == 2026)].iloc[0]
    # 984.90 (home 2026) vs 971.10 (semi-stationary 2025): +13.80 / 971.10 = +1.4211 % -> 1.42
    assert (r.hourly_rate, r.prev_year, r.prev_rate, r.change_pct) == (D("984.90"), 2025, D("971.10"), D("1.42"))


def test_pct_change_exact():
    assert pct_change(D("917.40"), D("948.30")) == D("-3.26")
    assert pct_change(D("1"), D("0")) is None and pct_change(None, D("1")) is None


def test_with_labels(seed_dataset):
    r = position_rates(seed_dataset)
    before = r.copy()
    ru = with_labels(r, "ru")
    pd.testing.assert_frame_equal(r, before)
    row = ru[ru["position_key"] == "care_worker"].iloc[0]
    assert row.position_label == "Социальный работник по уходу"
    assert {"category_label", "position_label", "area_label"} <= set(ru.columns)
    c = with_labels(compare_areas(seed_dataset, "home", 2026, ["oral", "bokey_orda"]), "kk")
    assert c["category_label"].iloc[0]


def _two_annex_decree():
    """One decree with two annexes (rows restart at 1): home care at 948.30/h, semi-stationary at 1200.00/h."""
    rows = []
    for annex, setting, unit, prices in ((1, "home", "per_service", ["158.05", "474.15", "948.30"]),
                                         (2, "semi_stationary", "per_recipient_day", ["400.00", "600.00", "1200.00"])):
        for i, price in enumerate(prices, start=1):
            rows.append({"decree_id": "oral_akimat_2026-01-05_7", "annex": annex, "row": i, "locality": "all",
                         "position": "p", "position_key": "care_worker", "price_kzt": D(price), "setting": setting,
                         "unit": unit, "area": "oral", "year": 2026, "authority_key": "oral_akimat",
                         "decree_date": "2026-01-05", "category": "household", "service_key": f"k{annex}:{i}"})
    return to_frame(rows)


def test_rates_and_settings_per_annex():
    df = _two_annex_decree()
    r = position_rates(df)
    assert list(zip(r["annex"], r["setting"], r["hourly_rate"])) == [(1, "home", D("948.30")),
                                                                     (2, "semi_stationary", D("1200.00"))]
    s = compare_settings(df, "care_worker")
    assert list(zip(s["setting"], s["annex"], s["unit"], s["hourly_rate"], s["median_price"])) == [
        ("home", 1, "per_service", D("948.30"), D("474.15")),
        ("semi_stationary", 2, "per_recipient_day", D("1200.00"), D("600.00"))]
    c = compare_areas(df, "semi_stationary", 2026, areas=["oral"])
    assert c["annex_oral"].tolist() == [2, 2, 2] and c["row_oral"].tolist() == [1, 2, 3]


def test_excel_decree_sheet_of_a_two_annex_decree(tmp_path):
    from kztariffs.excel import decree_sheet, write_excel

    rows = []
    # annex 2 listed first and with a village price: the sheet still sorts by annex, row
    for annex, setting, unit, items in ((2, "semi_stationary", "per_recipient_day", [("1200.00", "60", "day")]),
                                        (1, "home", "per_service", [("474.15", "30", "service"),
                                                                    ("158.05", "10", None)])):
        for i, (price, t, uom) in enumerate(items, start=1):
            for loc in ("city", "village"):
                rows.append({"decree_id": "oral_akimat_2026-01-05_7", "annex": annex, "row": i, "locality": loc,
                             "position": "p", "position_key": "care_worker", "price_kzt": D(price),
                             "time_norm_min": D(t), "unit_of_measure": uom, "setting": setting, "unit": unit,
                             "service_text": f"service {annex}.{i}"})
    df = to_frame(rows)
    sheet = decree_sheet(df)
    assert list(zip(sheet["annex"], sheet["row"])) == [(1, 1), (1, 2), (2, 1)]
    assert {"annex", "time_norm_min", "unit_of_measure", "setting", "unit", "price_kzt_city",
            "price_kzt_village"} <= set(sheet.columns)
    assert sheet["time_norm_min"].tolist() == [D("30"), D("10"), D("60")]
    assert sheet["setting"].tolist() == ["home", "home", "semi_stationary"]
    # a one-annex decree without time norms: annex shown, no empty time/unit columns
    one = decree_sheet(df[df["annex"] == 1].assign(time_norm_min=None, unit_of_measure=None))
    assert "annex" in one and not {"time_norm_min", "unit_of_measure", "setting", "unit"} & set(one.columns)
    xlsx = write_excel(df, tmp_path / "t.xlsx")
    back = pd.read_excel(xlsx, sheet_name="oral_2026-01-05_7")
    assert list(back["annex"]) == [1, 1, 2] and list(back["time_norm_min"]) == [30, 10, 60]
