"""Service-cost scenarios: totals computed by hand (arithmetic in the comments), validation errors, missing
services, the INDICATIVE staff view and the CLI.

Hand-computation conventions (kztariffs/scenarios.py): a month has 52/12 = 13/3 weeks; "N/week" is N x 13/3
services a month; per-recipient-day tariffs count attendance days; a year is 12 months; money is rounded to
the tiyn, half-up, only at the end.
"""
import copy
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
import yaml

from conftest import ROOT
from kztariffs.errors import DecreeError
from kztariffs.scenarios import (by_category, by_position, by_region, load_scenario, missing_services, money,
                                 over_horizon, price_package, result_table, staff_view)

HOME = ROOT / "data" / "scenarios" / "home_care_older_person_alone.yaml"
DAY = ROOT / "data" / "scenarios" / "day_care_child_disability.yaml"
ORAL_HOME = "oral_akimat_2025-12-18_2999"
ORAL_SEMI = "oral_akimat_2025-09-16_1971"
BOKEY = "bokey_orda_akimat_2025-12-24_167"
D = Decimal


def by(df, **keys):
    for k, v in keys.items():
        df = df[df[k] == v]
    assert len(df) == 1, df
    return df.iloc[0]


# ------------------------------------------------------------------------------------------ shipped scenarios

def test_home_care_totals_by_hand(seed_dataset):
    scn = load_scenario(HOME)
    lines = price_package(scn, seed_dataset)
    reg = by_region(scn, lines)
    # Oral, decree 2999 ("all" tariff), a month per recipient:
    #   row 1  948.30 x 3/week  = 948.30 x 13       = 12 327.90
    #   row 7  948.30 x 2/week  = 948.30 x 26/3     =  8 218.60
    #   row 8 1896.60 x 1/week  = 1896.60 x 13/3    =  8 218.60
    #   row 11 474.15 x 1/week  = 474.15 x 13/3     =  2 054.65
    #   row 13 474.15 x 1/month                     =    474.15
    #   row 51 474.15 x 2/week  = 474.15 x 26/3     =  4 109.30
    #   row 59 1896.60 x 1/month                    =  1 896.60
    #   row 74 632.20 x 1/week  = 8 218.60 / 3      =  2 739.5333...
    #   row 15 164.15 x 1/month                     =    164.15
    #   sum = 40 203.4833... -> 40 203.48; a year 12 x = 482 441.80; 100 recipients a year 48 244 180.00
    oral = by(reg, region="oral")
    assert money(oral.monthly_per_recipient) == D("40203.48")
    assert money(oral.yearly_per_recipient) == D("482441.80")
    assert money(oral.monthly_total) == D("4020348.33")
    assert money(oral.yearly_total) == D("48244180.00")
    assert money(by(lines, region="oral", item=8).monthly_per_recipient) == D("2739.53")
    # Bokey Orda, decree 167, village tariff, the same services through their service keys:
    #   917.40 x 13 = 11 926.20; 917.40 x 26/3 = 7 950.80; 1834.80 x 13/3 = 7 950.80; 458.70 x 13/3 = 1 987.70;
    #   458.70; 458.70 x 26/3 = 3 975.40; 1 834.80; 611.60 x 13/3 = 2 650.2666...; 165.35
    #   sum = 38 900.0166... -> 38 900.02; year 466 800.20; 100 recipients a year 46 680 020.00
    bokey = by(reg, region="bokey_orda")
    assert money(bokey.monthly_per_recipient) == D("38900.02")
    assert money(bokey.yearly_total) == D("46680020.00")
    assert set(lines[lines["region"] == "bokey_orda"]["decree_id"]) == {BOKEY}
    assert by(lines, region="bokey_orda", item=1)["row"] == 1
    # the monthly difference per recipient: 38 900.0166... - 40 203.4833... = -1 303.4666... -> -1 303.47
    assert money(bokey.monthly_per_recipient_diff_vs_base) == D("-1303.47")
    # by category, Oral: household rows 1, 7, 8, 11, 13, 15 = 12 327.90 + 8 218.60 + 8 218.60 + 2 054.65
    #   + 474.15 + 164.15 = 31 458.05; medical rows 51, 59 = 4 109.30 + 1 896.60 = 6 005.90
    cat = by_category(scn, lines)
    assert money(by(cat, region="oral", category="household").monthly_per_recipient) == D("31458.05")
    assert money(by(cat, region="oral", category="medical").monthly_per_recipient) == D("6005.90")
    # by position, Oral: the social work specialist only gives row 15 = 164.15
    pos = by_position(scn, lines)
    assert money(by(pos, region="oral", position_key="social_work_specialist").monthly_per_recipient) == D("164.15")
    assert money(by(pos, region="oral", position_key="care_worker").monthly_per_recipient) == D("40039.33")


def test_home_care_percent_indexation_by_hand(seed_dataset):
    scn = load_scenario(HOME)
    hz = over_horizon(scn, price_package(scn, seed_dataset))
    oral = hz[hz["region"] == "oral"].set_index("year")
    # 8.5% a year: 2027 = 40 203.4833... x 1.085 = 43 620.7794... ; 2028 x 1.085^2 = 1.177225 -> 47 328.5457...
    assert [money(v) for v in oral["monthly_per_recipient"]] == [D("40203.48"), D("43620.78"), D("47328.55")]
    # cumulative for 100 recipients: 48 244 180 x (1 + 1.085 + 1.177225) = 48 244 180 x 3.262225
    #   = 157 383 370.1005 -> 157 383 370.10
    assert money(oral.loc[2028, "cumulative_total"]) == D("157383370.10")


def test_day_care_totals_by_hand(seed_dataset):
    scn = load_scenario(DAY)
    lines = price_package(scn, seed_dataset)
    assert set(lines["unit"]) == {"per_recipient_day"}
    # Oral decree 1971, per recipient per day; 21 attendance days a month, 13/3 weeks a month:
    #   row 57 159.75 x 21 = 3 354.75          row 5  161.85 x 21 = 3 398.85
    #   row 99 563.20 x 21 = 11 827.20         row 87 563.20 x 26/3 = 4 881.0666...
    #   row 88 322.60 x 26/3 = 2 795.8666...   row 69 958.50 x 26/3 = 8 307.00
    #   row 37 479.25 x 3 x 13/3 = 6 230.25    row 121 844.80 x 13/3 = 3 660.80
    #   row 58 871.35 x 1                      row 11 880.50 x 1
    #   sum = 46 207.6333... -> 46 207.63; year 554 491.60; 40 children a year 22 179 664.00
    reg = by_region(scn, lines)
    oral = by(reg, region="oral")
    assert money(oral.monthly_per_recipient) == D("46207.63")
    assert money(oral.yearly_per_recipient) == D("554491.60")
    assert money(oral.yearly_total) == D("22179664.00")
    assert by(lines, item=1)["quantity_per_month"] == 21
    assert by(lines, item=4)["quantity_per_month"] == Fraction(26, 3)
    # 7% a year: 2026 = 46 207.6333... x 1.07 = 49 442.1676... -> 49 442.17
    hz = over_horizon(scn, lines)
    assert money(hz.iloc[1]["monthly_per_recipient"]) == D("49442.17")


def test_overrides_change_the_scenario(seed_dataset):
    scn = load_scenario(DAY, {"recipients": "60", "calendar.attendance_days_per_month": 20,
                              "indexation.percent_per_year": "0"})
    assert scn.recipients == 60 and scn.attendance_days_per_month == 20
    reg = by_region(scn, price_package(scn, seed_dataset))
    # one attendance day less takes off the per-day items 1-3: 159.75 + 161.85 + 563.20 = 884.80
    #   46 207.6333... - 884.80 = 45 322.8333... -> 45 322.83; 60 children a month 2 719 370.00
    assert money(reg.iloc[0]["monthly_per_recipient"]) == D("45322.83")
    assert money(reg.iloc[0]["monthly_total"]) == D("2719370.00")


def test_money_rounds_half_up_at_the_end():
    assert money(Fraction(5, 1000)) == D("0.01")
    assert money(Fraction(-5, 1000)) == D("-0.01")
    assert money(Fraction(4999, 1000)) == D("5.00")
    assert money(Fraction(8218.6) / 3) == D("2739.53")


# ------------------------------------------------------------------------------------------ hourly-rate indexation

def stand_in_rates():
    """A tiny stand-in for kztariffs.audit.decree_rates (its contract: decree_id, locality, position_key,
    hourly_rate, rows, rows_fitting, status): the care worker's hour is 948.30 in Oral and 917.40 in Bokey Orda."""
    return pd.DataFrame([
        {"decree_id": ORAL_HOME, "locality": "all", "position_key": "care_worker", "hourly_rate": D("948.30"),
         "rows": 60, "rows_fitting": 60, "status": "ok"},
        {"decree_id": BOKEY, "locality": "village", "position_key": "care_worker", "hourly_rate": D("917.40"),
         "rows": 60, "rows_fitting": 60, "status": "ok"},
    ])


def test_hourly_rate_indexation_by_hand(seed_dataset):
    scn = load_scenario(HOME, {"indexation": {"hourly_rates": {"care_worker": 1100}}})
    hz = over_horizon(scn, price_package(scn, seed_dataset), rates=stand_in_rates())
    oral = hz[hz["region"] == "oral"].reset_index(drop=True)
    # care-worker hours a month: 13 + 26/3 + 2 x 13/3 (row 8 = 2 h) + 13/6 + 1/2 + 13/3 + 2 + 26/9 (row 74 = 2/3 h)
    #   = (234 + 156 + 156 + 39 + 9 + 78 + 36 + 52) / 18 = 760/18 = 380/9 hours
    #   at 1 100 an hour: 418 000 / 9 = 46 444.4444...; + row 15 (social work specialist, unchanged) 164.15
    #   = 46 608.5944... -> 46 608.59 (year 0 stays at the decree's 40 203.48)
    assert money(oral.loc[0, "monthly_per_recipient"]) == D("40203.48")
    assert money(oral.loc[1, "monthly_per_recipient"]) == D("46608.59")
    bokey = hz[hz["region"] == "bokey_orda"].reset_index(drop=True)
    # Bokey Orda uses the same hours (prices are 917.40 x the same shares): 46 444.4444... + 165.35 -> 46 609.79
    assert money(bokey.loc[1, "monthly_per_recipient"]) == D("46609.79")


def test_hourly_rate_indexation_with_the_real_audit(seed_dataset):
    pytest.importorskip("kztariffs.audit")
    scn = load_scenario(HOME, {"indexation": {"hourly_rates": {"care_worker": 1100}}})
    hz = over_horizon(scn, price_package(scn, seed_dataset), df=seed_dataset)
    assert money(hz[hz["region"] == "oral"].iloc[1]["monthly_per_recipient"]) == D("46608.59")


def test_hourly_rate_missing_is_reported_not_guessed(seed_dataset):
    scn = load_scenario(HOME, {"indexation": {"hourly_rates": {"care_worker": 1100}}})
    rates = stand_in_rates().iloc[:1]  # no rate for Bokey Orda
    hz = over_horizon(scn, price_package(scn, seed_dataset), rates=rates)
    b = hz[hz["region"] == "bokey_orda"].reset_index(drop=True)
    assert b.loc[1, "monthly_per_recipient"] is None
    assert "no current hourly rate" in b.loc[1, "note"]


# ------------------------------------------------------------------------------------------ decrees with annexes

TWO = "oral_akimat_2026-01-05_7"


@pytest.fixture(scope="module")
def two_annex_dataset():
    """One Oral decree for 2026 with two annexes (rows restart at 1): annex 1 home care (care worker
    948.30/h: 158.05 = 10 min, 474.15 = 30 min, 948.30 = 1 h), annex 2 semi-stationary per recipient per day
    (care worker 1200.00/h with printed times: 400.00 = 20 min, 600.00 = 30 min, 1200.00 = 60 min)."""
    from kztariffs.linking import assign_service_keys
    from kztariffs.schema import to_frame

    rows = []
    for annex, setting, unit, items in (
            (1, "home", "per_service", [("158.05", None), ("474.15", None), ("948.30", None)]),
            (2, "semi_stationary", "per_recipient_day", [("400.00", "20"), ("600.00", "30"), ("1200.00", "60")])):
        for i, (price, t) in enumerate(items, start=1):
            rows.append({"decree_id": TWO, "annex": annex, "row": i, "service_no": i, "locality": "all",
                         "category": "household", "service_text": f"service {i}", "position": "p",
                         "position_key": "care_worker", "price_kzt": D(price),
                         "time_norm_min": None if t is None else D(t), "setting": setting, "unit": unit,
                         "area": "oral", "year": 2026, "decree_date": "2026-01-05", "authority_key": "oral_akimat"})
    return assign_service_keys(to_frame(rows))


def two_annex_scenario(tmp_path, pkg, **changes):
    data = {"setting": "semi_stationary", "year": 2026, "regions": ["oral"], "recipients": 10,
            "calendar": {"attendance_days_per_month": 20}, "package": pkg, **changes}
    return load_scenario(write(tmp_path, data))


def test_item_in_annex_2_and_setting_filter(tmp_path, two_annex_dataset):
    pkg = [{"decree": TWO, "annex": 2, "row": 3, "position": "care_worker", "frequency": "1/day"}]
    scn = two_annex_scenario(tmp_path, pkg, indexation={"hourly_rates": {"care_worker": 1320}}, horizon_years=2)
    assert scn.package[0].annex == 2 and scn.package[0].ref == f"{TWO} annex 2 row 3"
    lines = price_package(scn, two_annex_dataset)
    line = by(lines, item=1)
    # annex 2 row 3: 1200.00 a recipient-day x 20 attendance days = 24 000.00 a month
    assert (line["annex"], line["row"], line["unit"], line["price_kzt"]) == (2, 3, "per_recipient_day", D("1200.00"))
    assert money(line["monthly_per_recipient"]) == D("24000.00")
    # the care worker's hourly rate of annex 2 (1200.00, from its printed times), not annex 1's 948.30:
    # 1320 / 1200 = 1.1 -> 26 400.00 a month in year 1
    hz = over_horizon(scn, lines, df=two_annex_dataset)
    assert [money(v) for v in hz["monthly_per_recipient"]] == [D("24000.00"), D("26400.00")]
    table = result_table(scn, lines)
    assert set(table.loc[table["view"] == "line", "annex"]) == {2}
    # a home scenario on the same decree sees annex 1 only; row 3 there is 948.30
    home = two_annex_scenario(tmp_path, [{"decree": TWO, "row": 3, "position": "care_worker", "frequency": "1/day"}],
                              setting="home")
    line = by(price_package(home, two_annex_dataset), item=1)
    assert (line["annex"], line["row"], line["price_kzt"]) == (1, 3, D("948.30"))


@pytest.mark.parametrize("it,words", [
    ({"row": 3}, ["is a home tariff", "scenario is semi_stationary"]),  # annex defaults to 1 (home)
    ({"annex": 5, "row": 1}, ["has no annex 5", "annexes: 1, 2"]),
    ({"annex": 2, "row": 9}, ["has no row 9 in annex 2"]),
])
def test_annex_reference_errors(tmp_path, two_annex_dataset, it, words):
    scn = two_annex_scenario(tmp_path, [{"decree": TWO, "position": "care_worker", "frequency": "1/day", **it}])
    with pytest.raises(DecreeError) as exc:
        price_package(scn, two_annex_dataset)
    assert all(w in str(exc.value) for w in words), str(exc.value)


@pytest.mark.parametrize("it,words", [
    ({"decree": TWO, "annex": 0, "row": 1}, ["annex must be a whole number >= 1"]),
    ({"service_key": "home:x:1", "annex": 2}, ["either service_key or decree"]),
])
def test_annex_validation(tmp_path, it, words):
    with pytest.raises(DecreeError) as exc:
        two_annex_scenario(tmp_path, [{"position": "care_worker", "frequency": "1/day", **it}])
    assert all(w in str(exc.value) for w in words), str(exc.value)


# ------------------------------------------------------------------------------------------ missing services

def test_missing_service_is_reported_not_priced_as_zero(seed_dataset):
    scn = load_scenario(HOME)
    key = seed_dataset[(seed_dataset["decree_id"] == ORAL_HOME) & (seed_dataset["row"] == 8)]["service_key"].iloc[0]
    df = seed_dataset[~((seed_dataset["decree_id"] == BOKEY) & (seed_dataset["service_key"] == key))]
    lines = price_package(scn, df)
    miss = missing_services(lines)
    assert list(miss["region"]) == ["bokey_orda"] and list(miss["item"]) == [3]
    line = by(lines, region="bokey_orda", item=3)
    assert line["status"] == "missing" and line["monthly_per_recipient"] is None
    reg = by(by_region(scn, lines), region="bokey_orda")
    assert not reg.complete and reg.missing == 1
    assert reg.monthly_per_recipient is None and reg.yearly_total is None
    # the priced subtotal leaves the cooking help (7 950.80) out: 38 900.0166... - 7 950.80 -> 30 949.22
    assert money(reg.priced_subtotal_monthly_per_recipient) == D("30949.22")
    table = result_table(scn, lines)
    row = table[(table["view"] == "region") & (table["region"] == "bokey_orda")
                & (table["measure"] == "monthly_per_recipient")].iloc[0]
    assert row["value"] == "" and row["status"] == "incomplete" and "3" in row["note"]
    hz = over_horizon(scn, lines)
    assert hz[hz["region"] == "bokey_orda"]["monthly_per_recipient"].map(lambda v: v is None).all()


def test_locality_without_a_tariff_is_missing(seed_dataset):
    # Bokey Orda prices village only: asking for its "all" tariff finds nothing, and says why
    scn = load_scenario(HOME, {"locality": "all"})
    lines = price_package(scn, seed_dataset)
    b = lines[lines["region"] == "bokey_orda"]
    assert (b["status"] == "missing").all()
    assert "set locality" in b["note"].iloc[0]
    # Oral's "all" tariff applies to villages too
    scn = load_scenario(HOME, {"locality": "village"})
    o = price_package(scn, seed_dataset).query("region == 'oral'")
    assert (o["status"] == "priced").all() and "'all' tariff used" in o["note"].iloc[0]


# ------------------------------------------------------------------------------------------ validation

BASE = yaml.safe_load(HOME.read_text(encoding="utf-8"))


def write(tmp_path, data, name="s.yaml"):
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def mutate(**changes):
    d = copy.deepcopy(BASE)
    for k, v in changes.items():
        if v is ...:
            d.pop(k)
        else:
            d[k] = v
    return d


def item(**kw):
    base = {"decree": ORAL_HOME, "row": 1, "position": "care_worker", "frequency": "3/week"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.parametrize("data,words", [
    (mutate(colour="red"), ["unknown key 'colour'"]),
    (mutate(setting=...), ["missing 'setting'"]),
    (mutate(package=[]), ["missing 'package'"]),
    (mutate(setting="hospital"), ["setting 'hospital'"]),
    (mutate(year="next"), ["year"]),
    (mutate(regions=["atlantis"]), ["unknown region 'atlantis'"]),
    (mutate(regions=["oral", "oral"]), ["listed twice"]),
    (mutate(locality="town"), ["locality 'town'"]),
    (mutate(locality={"aktobe": "city"}), ["not in regions"]),
    (mutate(recipients=0), ["recipients"]),
    (mutate(recipients=2.5), ["recipients"]),
    (mutate(calendar={"days_per_month": "lots"}), ["calendar.days_per_month", "not a number"]),
    (mutate(calendar={"days_per_month": 40}), ["calendar.days_per_month", "between"]),
    (mutate(calendar={"weeks": 4}), ["unknown calendar key"]),
    (mutate(indexation={"percent_per_year": 5, "hourly_rates": {"care_worker": 1000}}), ["not both"]),
    (mutate(indexation={"inflation": 5}), ["unknown indexation key"]),
    (mutate(indexation={"hourly_rates": {"astronaut": 1000}}), ["unknown position key 'astronaut'"]),
    (mutate(indexation={"hourly_rates": {"care_worker": "a lot"}}), ["hourly_rates.care_worker"]),
    (mutate(horizon_years=0), ["horizon_years"]),
    (mutate(package="everything"), ["package must be a list"]),
    (mutate(package=["row 1"]), ["package item 1", "mapping"]),
    (mutate(package=[item(service_key="home:x:1")]), ["package item 1", "either service_key or decree"]),
    (mutate(package=[item(decree=..., row=...)]), ["package item 1", "either service_key or decree"]),
    (mutate(package=[item(row="one")]), ["package item 1", "row"]),
    (mutate(package=[item(position=...)]), ["package item 1", "missing position"]),
    (mutate(package=[item(position="astronaut")]), ["unknown position key 'astronaut'"]),
    (mutate(package=[item(frequency=...)]), ["package item 1", "missing frequency"]),
    (mutate(package=[item(frequency="often")]), ["package item 1", "frequency 'often'"]),
    (mutate(package=[item(frequency={"times": 2, "per": "fortnight"})]), ["per 'fortnight'"]),
    (mutate(package=[item(frequency={"times": 0, "per": "week"})]), ["times must be > 0"]),
    (mutate(package=[item(colour="red")]), ["package item 1", "unknown key 'colour'"]),
    (mutate(package=[{"service_key": 5, "position": "care_worker", "frequency": "1/day"}]),
     ["package item 1: service_key:", "string"]),
    (mutate(staff={"organization_type": "castle"}), ["staff.organization_type 'castle'"]),
    (mutate(staff={"rates_region": "aktobe"}), ["staff.rates_region"]),
    (mutate(staff={"shifts": 3}), ["unknown staff key"]),
    ("setting: [home\n", ["not valid YAML", "line"]),
    ("- just\n- a list\n", ["must be a YAML mapping"]),
])
def test_validation_errors(tmp_path, data, words):
    path = write(tmp_path, data)
    with pytest.raises(DecreeError) as exc:
        load_scenario(path)
    msg = str(exc.value)
    assert msg.startswith(str(path)) and "\n" not in msg
    assert all(w in msg for w in words), msg


def test_missing_file_and_unknown_override(tmp_path):
    with pytest.raises(DecreeError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(DecreeError, match="unknown parameter 'colour'"):
        load_scenario(HOME, {"colour": "red"})


@pytest.mark.parametrize("pkg,changes,words", [
    ([item(decree="oral_akimat_1999-01-01_1")], {}, ["decree 'oral_akimat_1999-01-01_1' is not in the dataset"]),
    ([item(row=999)], {}, ["has no row 999"]),
    ([item(position="social_work_specialist")], {}, ["priced for position 'care_worker'"]),
    ([{"service_key": "home:nowhere:1", "position": "care_worker", "frequency": "1/day"}], {}, ["not in the dataset"]),
    ([item(decree=ORAL_SEMI, row=57, position="nurse")], {}, ["semi_stationary tariff", "scenario is home"]),
    ([item()], {"regions": ["oral", "aktobe"], "locality": "all"}, ["no home tariffs for 2026 in region 'aktobe'"]),
    ([item()], {"year": 2030}, ["no home tariffs for 2030"]),
])
def test_dataset_errors(tmp_path, seed_dataset, pkg, changes, words):
    path = write(tmp_path, mutate(package=pkg, **changes))
    with pytest.raises(DecreeError) as exc:
        price_package(load_scenario(path), seed_dataset)
    assert str(exc.value).startswith(str(path)) and all(w in str(exc.value) for w in words), str(exc.value)


def test_service_key_reference_prices_like_the_decree_row(tmp_path, seed_dataset):
    key = seed_dataset[(seed_dataset["decree_id"] == ORAL_HOME) & (seed_dataset["row"] == 1)]["service_key"].iloc[0]
    path = write(tmp_path, mutate(package=[{"service_key": key, "position": "care_worker",
                                            "frequency": {"times": 1, "per": "day"}}]))
    reg = by_region(load_scenario(path), price_package(load_scenario(path), seed_dataset))
    # 1/day x 30 days: Oral 948.30 x 30 = 28 449.00; Bokey Orda 917.40 x 30 = 27 522.00
    assert [money(v) for v in reg["monthly_per_recipient"]] == [D("28449.00"), D("27522.00")]


# ------------------------------------------------------------------------------------------ staff view

@pytest.fixture(scope="module")
def norms():
    from kztariffs.reference import STAFFING_NORMS_FILE, read_staffing_norms

    df = read_staffing_norms(ROOT / "data" / "raw" / "reference" / STAFFING_NORMS_FILE)
    return df.astype(str).replace({"<NA>": ""})


def test_staff_view_is_indicative_by_hand(seed_dataset, norms):
    scn = load_scenario(DAY)
    rates = pd.DataFrame([{"decree_id": ORAL_SEMI, "locality": "all", "position_key": "pediatrician",
                           "hourly_rate": D("1742.70"), "rows": 10, "rows_fitting": 8, "status": "ok"},
                          {"decree_id": ORAL_SEMI, "locality": "all", "position_key": "psychologist",
                           "hourly_rate": D("844.80"), "rows": 12, "rows_fitting": 12, "status": "ok"}])
    st = staff_view(scn, norms, seed_dataset, rates=rates)
    assert (st["label"] == "INDICATIVE").all()
    assert set(st["bracket"]) == {"26-50"}  # 50 recipients
    ped = by(st, position_key="pediatrician")
    # 0.5 staff unit x 1 776 hours x 1 742.70 = 1 547 517.60
    assert ped.staff_units == Fraction(1, 2) and money(ped.yearly_cost_indicative) == D("1547517.60")
    # psychologist: 0.5 x 1 776 x 844.80 = 750 182.40
    assert money(by(st, position_key="psychologist").yearly_cost_indicative) == D("750182.40")
    # a position outside the vocabulary stays listed, with no cost and a note
    director = st[st["position"] == "Директор"].iloc[0]
    assert director.yearly_cost_indicative is None and "no cost" in director.note
    # a known position without a rate: listed, no cost
    music = by(st, position_key="music_teacher")
    assert music.yearly_cost_indicative is None and "no hourly rate" in music.note


# ------------------------------------------------------------------------------------------ CLI

CLI = [sys.executable, "-m", "kztariffs.cli"]


def run(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def built(tmp_path_factory, seed_dataset, norms):
    from kztariffs.dataset import write_table

    d = tmp_path_factory.mktemp("processed")
    write_table(seed_dataset, d / "tariffs.parquet")
    norms.to_csv(d / "staffing_norms.csv", index=False)
    return d


def test_cli_home_care(built, tmp_path):
    out = tmp_path / "home.csv"
    proc = run("scenario", HOME, "--dataset", built / "tariffs.parquet", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "oral" in proc.stderr and "40203.48" in proc.stderr
    assert "38900.02 (-1303.47 vs oral)" in proc.stderr
    res = pd.read_csv(out, dtype=str, keep_default_na=False)
    reg = res[(res["view"] == "region") & (res["measure"] == "monthly_per_recipient")].set_index("region")["value"]
    assert reg.to_dict() == {"oral": "40203.48", "bokey_orda": "38900.02"}
    assert not list(tmp_path.glob(".home.*"))


def test_cli_day_care_with_override(built, tmp_path):
    out = tmp_path / "day.csv"
    proc = run("scenario", DAY, "-p", "recipients", "60", "--dataset", built / "tariffs.parquet", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "46207.63" in proc.stderr and "INDICATIVE" in proc.stderr
    res = pd.read_csv(out, dtype=str, keep_default_na=False)
    tot = res[(res["view"] == "region") & (res["measure"] == "monthly_total")]["value"].tolist()
    assert tot == ["2772458.00"]  # 46 207.6333... x 60 = 2 772 458.00
    staff = res[res["view"].str.startswith("staff_indicative")]
    assert not staff.empty and staff["status"].eq("INDICATIVE").all()


def test_cli_errors_are_one_line(built, tmp_path):
    out = tmp_path / "r.csv"
    proc = run("scenario", HOME, "--dataset", tmp_path / "none.parquet", "-o", out)
    assert proc.returncode != 0 and "kztariffs build" in proc.stderr and "Traceback" not in proc.stderr
    bad = write(tmp_path, mutate(recipients=-1))
    proc = run("scenario", bad, "--dataset", built / "tariffs.parquet", "-o", out)
    err = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert proc.returncode != 0 and len(err) == 1 and str(bad) in err[0] and "recipients" in err[0]
    assert not out.exists()


def test_notebook_runs_with_parameters(built, tmp_path):
    """The notebook, run by papermill with its parameters pointed at the test dataset, shows the
    package's totals (formatted for English by Babel)."""
    from kztariffs.notebooks import run as run_notebook

    _, html = run_notebook("cost_scenarios", {"dataset": str(built / "tariffs.parquet"), "overrides": {"recipients": 10},
                                              "lang": "en"}, out_dir=tmp_path, out_name="cost")
    text = html.read_text(encoding="utf-8")
    assert "40,203.48" in text and "38,900.02" in text
