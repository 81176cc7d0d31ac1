"""Russian-language decrees are read as well as Kazakh ones.

The Russian fixtures in tests/fixtures/ru/ are CONSTRUCTED (see README there): the seed tables with a
Russian title, act line, preamble, headers, categories and positions. Each must give the same rows and
the same decree keys as its Kazakh original.
"""
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from kztariffs.metadata import detect_language, read_metadata
from kztariffs.model import RawDecree, RawTable

RU = ROOT / "tests" / "fixtures" / "ru"
CLI = [sys.executable, "-m", "kztariffs.cli"]
ORAL = "oral-city_2025-12-18_no2999_home-2026_kk"
SEMI = "oral-city_2025-09-16_no1971_semi-stationary-2025_kk"
BOKEY = "bokey-orda-district_2025-12-24_no167_home-2026_kk"

ROW_KEYS = ("row", "service_no", "category", "position_key", "locality", "price_kzt")
DECREE_KEYS = ("decree_id", "year", "setting", "unit", "region", "kato", "area", "authority_key",
               "decree_number", "decree_date")


def ru_path(stem: str) -> Path:
    return RU / f"{stem.removesuffix('_kk')}_ru.portal.txt"


@pytest.fixture(scope="module")
def ru_results():
    from kztariffs.dataset import extract_file

    return {stem: extract_file(ru_path(stem)) for stem in SEEDS}


# ---------------------------------------------------------------- (a) fixtures vs Kazakh originals

@pytest.mark.parametrize("stem", list(SEEDS))
def test_russian_fixture_gives_the_same_rows(stem, ru_results, seed_results):
    kk, ru = seed_results[stem], ru_results[stem]
    got = [tuple(r[k] for k in ROW_KEYS) for r in ru.rows]
    expected = [tuple(r[k] for k in ROW_KEYS) for r in kk.rows]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e
    # not-applicable zeros (Bokey Orda city column) are rejected the same way
    assert [(r["row"], r["locality"], r["kind"]) for r in ru.rejects] == \
           [(r["row"], r["locality"], r["kind"]) for r in kk.rejects]


@pytest.mark.parametrize("stem", list(SEEDS))
def test_russian_fixture_gives_the_same_decree_keys(stem, ru_results, seed_results):
    kk, ru = seed_results[stem].decree, ru_results[stem].decree
    assert ru.language == "ru" and kk.language == "kk"
    for key in DECREE_KEYS:
        assert getattr(ru, key) == getattr(kk, key), key
    assert all(r["decree_id"] == kk.decree_id for r in ru_results[stem].rows)


@pytest.mark.parametrize("stem,authority,title_setting", [
    (ORAL, "Акимат города Уральска", "home"),
    (SEMI, "Акимат города Уральска", "semi_stationary"),
    (BOKEY, "Акимат Бокейординского района", None),  # only the annex title names the setting
])
def test_russian_fixture_metadata(stem, authority, title_setting, ru_results):
    from kztariffs.vocab import match_setting

    d = ru_results[stem].decree
    assert d.authority == authority
    assert d.title.startswith("Об утверждении тарифов") and "Постановление" not in d.title
    assert match_setting(d.title) == title_setting


def test_russian_rows_use_russian_categories_and_positions(ru_results):
    rows = ru_results[ORAL].rows
    assert rows[0]["category_text"] == "Социально-бытовые услуги"
    assert rows[0]["position"] == "Социальный работник по уходу"
    # service texts are Russian (translated for the tests): no Kazakh letters in any of them
    assert all(not set("әғқңөұүһі") & set(r["service_text"].lower()) for r in rows if r["service_text"])


def test_fixtures_are_up_to_date():
    spec = importlib.util.spec_from_file_location("make_ru_fixtures", RU / "make_ru_fixtures.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for stem in gen.DECREES:
        path = RU / f"{stem}_ru.portal.txt"
        assert path.read_text(encoding="utf-8") == gen.render(stem), \
            f"{path.name} is out of date: run tests/fixtures/ru/make_ru_fixtures.py"


# ---------------------------------------------------------------- (b) titles and act lines

def meta(text: str, header=None):
    return read_metadata(RawDecree(Path("x.txt"), "0" * 64, "portal_text", text,
                                   tables=[RawTable(header=header or [])]))


PREAMBLE = ("      В соответствии с Социальным кодексом Республики Казахстан, {issuer} ПОСТАНОВЛЯЕТ:\n\n"
            "      1. Утвердить тарифы на оказание специальных социальных услуг согласно приложению к "
            "настоящему постановлению.\n\n      2. Контроль за исполнением настоящего постановления "
            "возложить на курирующего заместителя акима.\n")
TITLE = "Об утверждении тарифов на оказание специальных социальных услуг"


def decree_text(title: str, act: str, issuer: str = "акимат города Уральска") -> str:
    return f" {title}\n{act}\n[bookmark: z2]\n" + PREAMBLE.format(issuer=issuer)


def test_number_with_letters_and_slash_and_same_id_as_kazakh():
    ru = meta(decree_text(f"{TITLE} в условиях стационара на 2025 год",
                          "Постановление акимата города Уральска Западно-Казахстанской области "
                          "от 3 февраля 2025 года № А-7/112"))
    assert ru.decree_number == "А-7/112" and ru.decree_date == "2025-02-03"
    assert ru.setting == "stationary" and ru.year == 2025 and ru.unit == "per_recipient_day"
    assert ru.authority == "Акимат города Уральска" and ru.kato == "271000000"
    kk = meta(" 2025 жылға Орал қаласы бойынша стационар жағдайында арнаулы әлеуметтік қызметтер "
              "көрсетуге арналған тарифтерді бекіту туралы\nБатыс Қазақстан облысы Орал қаласы "
              "әкімдігінің 2025 жылғы 3 ақпандағы № A-7/112 қаулысы\n")  # Latin A in this version
    assert kk.language == "kk" and ru.language == "ru"
    assert ru.decree_id == kk.decree_id == "oral_akimat_2025-02-03_A-7-112"


def test_district_akimat():
    d = meta(decree_text(f"{TITLE} на дому по Бокейординскому району на 2026 год",
                         "Постановление акимата Бокейординского района Западно-Казахстанской области "
                         "от 24 декабря 2025 года № 167", "акимат Бокейординского района"))
    assert (d.authority, d.authority_key, d.area, d.region, d.kato) == \
           ("Акимат Бокейординского района", "bokey_orda_akimat", "bokey_orda", "west_kazakhstan", "275400000")
    assert d.decree_id == "bokey_orda_akimat_2025-12-24_167"
    assert (d.year, d.setting, d.unit) == (2026, "home", "per_service")


def test_regional_akimat():
    d = meta(decree_text(f"{TITLE} в условиях временного пребывания на 2024 год",
                         "Постановление акимата Западно-Казахстанской области от 5 марта 2024 года № 45",
                         "акимат Западно-Казахстанской области"))
    assert (d.authority, d.authority_key, d.area, d.region, d.kato) == \
           ("Акимат Западно-Казахстанской области", "west_kazakhstan_akimat", "west_kazakhstan",
            "west_kazakhstan", "270000000")
    assert (d.decree_number, d.decree_date) == ("45", "2024-03-05")
    assert (d.year, d.setting) == (2024, "temporary")
    assert d.decree_id == "west_kazakhstan_akimat_2024-03-05_45"


def test_region_named_after_the_word_oblast():
    d = meta(decree_text(f"{TITLE} на дому на 2025 год",
                         "Постановление акимата города Семей области Абай от 12 января 2025 года № 8"))
    assert (d.authority, d.area, d.region) == ("Акимат города Семей", "semey", "abai")


@pytest.mark.parametrize("title,setting,year", [
    (f"Об утверждении тарифа {TITLE[len('Об утверждении тарифов '):]} на дому на 2026 год", "home", 2026),
    (f"{TITLE} в условиях полустационара на 2025 год", "semi_stationary", 2025),
    (f"{TITLE} в условиях стационара на 2025-2026 годы", "stationary", 2025),
    (f"{TITLE} в условиях временного пребывания на 2026 год", "temporary", 2026),
    (TITLE, None, None),
])
def test_title_setting_and_year(title, setting, year):
    d = meta(decree_text(title, "Постановление акимата города Уральска Западно-Казахстанской области "
                                "от 18 декабря 2025 года № 2999"))
    assert (d.setting, d.year) == (setting, year)
    assert d.title == title  # the title never runs into the act line
    assert d.decree_number == "2999" and d.language == "ru"


def test_title_without_setting_and_year_leaves_them_null():
    d = meta(decree_text(TITLE, "Постановление акимата города Уральска Западно-Казахстанской области "
                                "от 18 декабря 2025 года № 2999"))
    assert d.setting is None and d.year is None and d.unit is None
    assert d.decree_id == "oral_akimat_2025-12-18_2999"


def test_setting_and_year_from_the_annex_title_then_the_header():
    act = "Постановление акимата города Уральска Западно-Казахстанской области от 18 декабря 2025 года № 2999"
    annex = ("\n\t\n\tПриложение к постановлению\nакимата города Уральска\nот 18 декабря 2025 года № 2999\n\n\n"
             " Тарифы на специальные социальные услуги, оказываемые в условиях полустационара, на 2026 год")
    d = meta(decree_text(TITLE, act) + annex,
             header=[["№", "Наименование услуги", "Должность",
                      "Стоимость услуги на одного получателя в день (в тенге)"]])
    assert (d.setting, d.year, d.unit) == ("semi_stationary", 2026, "per_recipient_day")
    d = meta(decree_text(TITLE, act),
             header=[["№", "Наименование услуги", "Должность",
                      "Стоимость одной услуги на дому на 2027 год (в тенге)"]])
    assert (d.setting, d.year, d.unit) == ("home", 2027, "per_service")


def test_years_of_cited_acts_are_not_the_decrees_year():
    text = decree_text(TITLE, "Постановление акимата города Уральска Западно-Казахстанской области "
                              "от 18 декабря 2025 года № 2999")
    text = text.replace("Казахстан, ", "Казахстан, Законом «О республиканском бюджете на 2024-2026 "
                                       "годы», приказом об оказании услуг в условиях стационара, ", 1)
    d = meta(text)
    assert d.year is None and d.setting is None


@pytest.mark.parametrize("month,number", [
    ("января", 1), ("февраля", 2), ("марта", 3), ("апреля", 4), ("мая", 5), ("июня", 6), ("июля", 7),
    ("августа", 8), ("сентября", 9), ("октября", 10), ("ноября", 11), ("декабря", 12),
])
def test_months_in_the_genitive(month, number):
    d = meta(decree_text(TITLE, f"Постановление акимата города Уральска Западно-Казахстанской области "
                                f"от 7 {month} 2025 года № 10"))
    assert d.decree_date == f"2025-{number:02d}-07"


def test_unknown_district_keeps_its_region_but_no_code_or_key():
    d = meta(decree_text(TITLE, "Постановление акимата Зеленовского района Западно-Казахстанской области "
                                "от 20 декабря 2025 года № 300", "акимат Зеленовского района"))
    assert d.authority == "Акимат Зеленовского района"
    assert (d.area, d.kato, d.authority_key) == (None, None, None)
    assert d.region == "west_kazakhstan"  # stated in the act line
    assert d.decree_number == "300" and d.decree_date == "2025-12-20"
    assert any("not in the KATO classifier" in w for w in d.warnings)


def test_maslikhat_decision_and_city_without_region():
    d = meta(decree_text(TITLE, "Решение маслихата города Алматы от 10 января 2025 года № 12"))
    assert (d.authority, d.authority_key, d.area) == ("Маслихат города Алматы", "almaty_city_maslikhat",
                                                       "almaty_city")


def test_issuer_from_the_preamble_when_the_act_line_is_missing():
    d = meta(f" {TITLE} на дому на 2026 год\n" + PREAMBLE.format(issuer="акимат города Уральска"))
    assert (d.authority, d.area, d.kato) == ("Акимат города Уральска", "oral", "271000000")
    assert d.decree_number is None and d.decree_date is None
    assert d.decree_id == "oral_akimat_nodate_nonumber"


def test_date_and_number_from_the_annex_heading_when_the_act_line_is_missing():
    text = (f" {TITLE} на дому на 2026 год\n" + PREAMBLE.format(issuer="акимат города Уральска")
            + "\t\n\tПриложение к постановлению\nакимата города Уральска\nот 18 декабря 2025 года № 2999\n")
    d = meta(text)
    assert (d.decree_number, d.decree_date, d.area) == ("2999", "2025-12-18", "oral")
    assert d.decree_id == "oral_akimat_2025-12-18_2999"


def test_language_detection():
    assert detect_language(f"{TITLE} на дому на 2026 год") == "ru"
    assert detect_language("Постановление акимата области Жетісу от 5 марта 2024 года № 45") == "ru"
    assert detect_language("2026 жылға Орал қаласы бойынша үй жағдайында арнаулы әлеуметтік "
                           "қызметтер көрсетуге арналған тарифтерді бекіту туралы") == "kk"


# ---------------------------------------------------------------- (c) kztariffs inspect

def run(*args):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


FIELDS = ("decree_id", "authority", "region", "kato", "decree_number", "decree_date", "year", "setting",
          "language", "unit")


def test_inspect_russian_fixture():
    proc = run("inspect", ru_path(SEMI))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert {k: got[k] for k in FIELDS} == {
        "decree_id": "oral_akimat_2025-09-16_1971", "authority": "Акимат города Уральска",
        "region": "west_kazakhstan", "kato": "271000000", "decree_number": "1971",
        "decree_date": "2025-09-16", "year": 2025, "setting": "semi_stationary", "language": "ru",
        "unit": "per_recipient_day",
    }


def test_inspect_russian_decree_without_table(tmp_path):
    # the Bokey Orda fixture cut before its annex title: the title states the year, nothing states
    # the setting or the unit
    text = ru_path(BOKEY).read_text(encoding="utf-8")
    head = text.split(" Тарифы на специальные социальные услуги, оказываемые на дому")[0]
    path = tmp_path / "no_table_ru.txt"
    path.write_text(head, encoding="utf-8")
    proc = run("inspect", path)
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr and "no tariff table" in proc.stderr
    assert "Traceback" not in proc.stderr
    got = json.loads(proc.stdout)
    assert {k: got[k] for k in FIELDS} == {
        "decree_id": "bokey_orda_akimat_2025-12-24_167", "authority": "Акимат Бокейординского района",
        "region": "west_kazakhstan", "kato": "275400000", "decree_number": "167", "decree_date": "2025-12-24",
        "year": 2026, "setting": None, "language": "ru", "unit": None,
    }


def test_inspect_russian_decree_stating_nothing_optional(tmp_path):
    path = tmp_path / "bare_ru.txt"
    path.write_text(decree_text(TITLE, "Постановление акимата Зеленовского района Западно-Казахстанской "
                                       "области от 20 декабря 2025 года № А-7/112",
                                "акимат Зеленовского района"), encoding="utf-8")
    proc = run("inspect", path)
    assert proc.returncode == 0, proc.stderr
    assert "no tariff table" in proc.stderr and "not in the KATO classifier" in proc.stderr
    got = json.loads(proc.stdout)
    assert {k: got[k] for k in FIELDS} == {
        "decree_id": "unknown_2025-12-20_A-7-112", "authority": "Акимат Зеленовского района",
        "region": "west_kazakhstan", "kato": None, "decree_number": "А-7/112",
        "decree_date": "2025-12-20", "year": None, "setting": None, "language": "ru", "unit": None,
    }
