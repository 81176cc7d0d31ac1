"""Every local body of Kazakhstan: areas from the KATO classifier, matched from the body's name
in Kazakh or Russian, and the metadata a decree's opening gives (authority, area, kato, region,
number, date, year, setting), cross-checked with the portal document id.

The decree openings below are written from the shape of real decrees on the legal portal
(title, act line, preamble ending in the enacting clause, operative point 1); the bodies,
numbers and dates are made up.
"""
import csv
import hashlib
import re
from pathlib import Path

import pytest

from conftest import RAW, ROOT
from kztariffs import areas as A, body_names as B
from kztariffs.metadata import read_metadata
from kztariffs.model import RawDecree, RawTable
from kztariffs.vocab import areas as vocab_areas, label

DATA = ROOT / "kztariffs" / "data" / "kato"


def meta(text: str, name: str = "x.txt"):
    return read_metadata(RawDecree(Path(name), "0" * 64, "portal_text", text, tables=[RawTable()]))


# ---------------------------------------------------------------- the classifier as package data

def test_package_data_is_the_official_classifier_with_its_provenance():
    provenance = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    for name in ("kato.csv", "bodycode_to_kato.csv"):
        sha = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert sha in provenance, name
    assert "NK RK 11-2025" in provenance and "MIT" in (DATA / "LICENSE").read_text()
    with open(DATA / "kato.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 15594 and len(A.kato_units()) == 15594
    assert "package-data" in (ROOT / "pyproject.toml").read_text() and '"data/kato/*"' in (ROOT / "pyproject.toml").read_text()


def test_every_region_district_and_city_administration_is_an_area():
    units = A.kato_units()
    by_kato = A.by_kato()
    for code, (level, *_rest) in units.items():
        if level in ("oblast", "district"):
            assert code in by_kato, code
    levels = [a.level for a in A.all_areas()]
    assert levels.count("region") == 17 and levels.count("republican_city") == 3
    assert levels.count("district") + levels.count("city") >= 209


def test_keys_are_unique_ascii_and_codes_are_strings_of_the_classifier():
    keys = [a.key for a in A.all_areas()]
    assert len(keys) == len(set(keys))
    units = A.kato_units()
    for a in A.all_areas():
        assert re.fullmatch(r"[a-z0-9_]+", a.key), a.key
        assert isinstance(a.kato, str) and re.fullmatch(r"\d{9}", a.kato) and a.kato in units
        assert A.by_key()[a.region].level in A.REGION_LEVELS
        assert a.en and a.kk and a.ru


@pytest.mark.parametrize("key,kato,region", [
    ("west_kazakhstan", "270000000", "west_kazakhstan"), ("oral", "271000000", "west_kazakhstan"),
    ("bokey_orda", "275400000", "west_kazakhstan"), ("taskala_district", "276000000", "west_kazakhstan"),
    ("lisakovsk_city", "392000000", "kostanay"), ("kostanay_city", "391000000", "kostanay"),
    ("mugalzhar_district", "154800000", "aktobe"), ("tselinograd_district", "116600000", "akmola"),
    ("aktobe", "150000000", "aktobe"), ("astana", "710000000", "astana"), ("almaty_city", "750000000", "almaty_city"),
    ("shymkent", "790000000", "shymkent"), ("semey", "101000000", "abai"), ("konaev", "191000000", "almaty"),
])
def test_keys_kept_and_derived(key, kato, region):
    a = A.by_key()[key]
    assert (a.kato, a.region) == (kato, region)


def test_labels_in_three_languages():
    assert label("area", "oral", "en") == "Oral (Uralsk)"
    assert label("area", "oral", "ru") == "город Уральск" and label("area", "oral", "kk") == "Орал қаласы"
    assert label("area", "bokey_orda", "kk") == "Бөкей ордасы ауданы"
    assert (label("area", "taskala_district", "en"), label("area", "taskala_district", "kk"),
            label("area", "taskala_district", "ru")) == ("Taskala District", "Тасқала ауданы", "Таскалинский район")
    assert label("area", "lisakovsk_city", "en") == "Lisakovsk"
    assert label("area", "zhambyl_district_almaty", "en") == "Zhambyl District (Almaty Region)"
    assert {"oral", "bokey_orda", "west_kazakhstan"} <= {a["key"] for a in vocab_areas()}


# ---------------------------------------------------------------- a body's name

@pytest.mark.parametrize("name,key", [
    ("Таскалинский район", "taskala_district"), ("Таскалинского района", "taskala_district"),
    ("Тасқала ауданы", "taskala_district"), ("Тасқала ауданының", "taskala_district"),
    ("город Уральск", "oral"), ("города Уральска", "oral"), ("г. Уральск", "oral"), ("г.Уральска", "oral"),
    ("города Уральск", "oral"), ("Орал қаласы", "oral"), ("Орал қаласының", "oral"), ("Уральск Г.А.", "oral"),
    ("Орал Қ.Ә.", "oral"), ("Батыс Қазақстан облысы Орал қаласы", "oral"),
    ("города Уральска Западно-Казахстанской области", "oral"),
    ("Бөкей ордасы ауданы", "bokey_orda"), ("Бөкейордасы ауданының", "bokey_orda"),
    ("Бокейординского района Западно-Казахстанской области", "bokey_orda"),
    ("Лисаков қаласының", "lisakovsk_city"), ("города Лисаковска", "lisakovsk_city"),
    ("Мұғалжар ауданы", "mugalzhar_district"), ("Мугалжарского района Актюбинской области", "mugalzhar_district"),
    ("Ақмола облысы Целиноград ауданы", "tselinograd_district"),
    ("Ақтөбе облысы", "aktobe"), ("Актюбинской области", "aktobe"), ("Западно-Казахстанской области", "west_kazakhstan"),
    ("Астана қаласы", "astana"), ("города Астаны", "astana"), ("города Нур-Султана", "astana"),
    ("Қапшағай қаласы", "konaev"), ("района имени Габита Мусрепова", "gabit_musirepov_district"),
    ("Жамбылского района Северо-Казахстанской области", "zhambyl_district_north_kazakhstan"),
    ("Мұғалжар ауданы Қандыағаш қаласы", "kandyagash_city"),
    ("Ақтөбе қаласы Алматы ауданы", "almaty_district_aktobe"),
])
def test_body_names(name, key):
    m = B.match_body(name)
    assert m.area is not None and m.area.key == key, (name, m)
    assert m.region == m.area.region


@pytest.mark.parametrize("name,problem,region,candidates", [
    ("Жамбылского района", "ambiguous", None,
     ("zhambyl_district_almaty", "zhambyl_district_north_kazakhstan", "zhambyl_district_zhambyl")),
    ("Есіл ауданының", "ambiguous", None,
     ("esil_district_akmola", "esil_district_astana", "esil_district_north_kazakhstan")),
    ("Зеленовского района Западно-Казахстанской области", "unknown", "west_kazakhstan", ()),
    ("Мугалжарского района Костанайской области", "elsewhere", "kostanay", ("mugalzhar_district",)),
    ("Ақтөбе облысы Жамбыл облысы", "regions", None, ("aktobe", "zhambyl")),
])
def test_names_that_give_no_area(name, problem, region, candidates):
    m = B.match_body(name)
    assert (m.area, m.problem, m.region, m.candidates) == (None, problem, region, candidates)
    warning = m.warning(name)
    assert all(c in warning for c in candidates)


def test_name_index_is_built_once():
    B.match_body("Орал қаласы")
    before = B._index.cache_info()
    for _ in range(20):
        B.match_body("города Уральска Западно-Казахстанской области")
    after = B._index.cache_info()
    assert after.misses == before.misses and after.hits > before.hits  # matching reuses the one index


# ---------------------------------------------------------------- decree openings

KK_PREAMBLE = ("      Қазақстан Республикасының Әлеуметтік кодексіне, Қазақстан Республикасы Премьер-Министрінің "
               "орынбасары - Еңбек және халықты әлеуметтік қорғау министрінің 2023 жылғы 30 маусымдағы № 281 "
               "\"Арнаулы әлеуметтік қызметтерге тарифтерді қалыптастырудың ережесі мен әдістемесін бекіту туралы\" "
               "бұйрығына сәйкес, {issuer} әкімдігі ҚАУЛЫ ЕТЕДІ:\n\n      1. Осы қаулының қосымшасына сәйкес "
               "арнаулы әлеуметтік қызметтер көрсету тарифтері бекітілсін.\n")
RU_PREAMBLE = ("      В соответствии с Социальным кодексом Республики Казахстан, приказом заместителя "
               "Премьер-Министра – Министра труда и социальной защиты населения Республики Казахстан от 30 июня "
               "2023 года № 281, {issuer} ПОСТАНОВЛЯЕТ:\n\n      1. Утвердить тарифы на оказание специальных "
               "социальных услуг согласно приложению к настоящему постановлению.\n")
RU_TITLE = "Об утверждении тарифов на оказание специальных социальных услуг"
KK_TITLE = "арнаулы әлеуметтік қызметтер көрсетуге арналған тарифтерді бекіту туралы"


def kk_text(title, act, issuer):
    return f" {title}\n{act}\n[bookmark: z2]\n" + KK_PREAMBLE.format(issuer=issuer)


def ru_text(title, act, issuer):
    return f" {title}\n{act}\n[bookmark: z2]\n" + RU_PREAMBLE.format(issuer=issuer)


FIELDS = ("authority", "area", "kato", "region", "decree_number", "decree_date", "year", "setting")
# (kk text, expected), (ru text, expected); the two versions of one decree give one decree_id
DECREES = {
    "oral": (
        (kk_text(f"2026 жылға Орал қаласы бойынша үй жағдайында {KK_TITLE}",
                 "Батыс Қазақстан облысы Орал қаласы әкімдігінің 2025 жылғы 18 желтоқсандағы № 2999 қаулысы",
                 "Орал қаласының"),
         ("Орал қаласы әкімдігі", "oral", "271000000", "west_kazakhstan", "2999", "2025-12-18", 2026, "home")),
        (ru_text(f"{RU_TITLE} на дому на 2026 год",
                 "Постановление акимата города Уральска Западно-Казахстанской области от 18 декабря 2025 года № 2999",
                 "акимат города Уральска"),
         ("Акимат города Уральска", "oral", "271000000", "west_kazakhstan", "2999", "2025-12-18", 2026, "home")),
    ),
    "taskala": (
        (kk_text(f"Тасқала ауданы бойынша 2026 жылға жартылай стационар жағдайында {KK_TITLE}",
                 "Батыс Қазақстан облысы Тасқала ауданы әкімдігінің 2025 жылғы 22 желтоқсандағы № 310 қаулысы",
                 "Тасқала ауданының"),
         ("Тасқала ауданы әкімдігі", "taskala_district", "276000000", "west_kazakhstan", "310", "2025-12-22",
          2026, "semi_stationary")),
        (ru_text(f"{RU_TITLE} в условиях полустационара по Таскалинскому району на 2026 год",
                 "Постановление акимата Таскалинского района Западно-Казахстанской области от 22 декабря 2025 года "
                 "№ 310", "акимат Таскалинского района"),
         ("Акимат Таскалинского района", "taskala_district", "276000000", "west_kazakhstan", "310",
          "2025-12-22", 2026, "semi_stationary")),
    ),
    "bokey_orda": (  # the classifier's spelling, without the space
        (kk_text(f"Бөкейордасы ауданы бойынша 2026 жылға үй жағдайында {KK_TITLE}",
                 "Батыс Қазақстан облысы Бөкейордасы ауданы әкімдігінің 2025 жылғы 24 желтоқсандағы № 167 қаулысы",
                 "Бөкейордасы ауданының"),
         ("Бөкейордасы ауданы әкімдігі", "bokey_orda", "275400000", "west_kazakhstan", "167", "2025-12-24",
          2026, "home")),
        (ru_text(f"{RU_TITLE} на дому по Бокейординскому району на 2026 год",
                 "Постановление акимата Бокейординского района Западно-Казахстанской области от 24 декабря 2025 "
                 "года № 167", "акимат Бокейординского района"),
         ("Акимат Бокейординского района", "bokey_orda", "275400000", "west_kazakhstan", "167", "2025-12-24",
          2026, "home")),
    ),
    "lisakovsk": (  # the Kazakh text has no act line: the enacting clause names the body
        (f" 2026 жылға Лисаков қаласы бойынша стационар жағдайында {KK_TITLE}\n[bookmark: z2]\n"
         + KK_PREAMBLE.format(issuer="Лисаков қаласының"),
         ("Лисаков қаласы әкімдігі", "lisakovsk_city", "392000000", "kostanay", None, None, 2026, "stationary")),
        (ru_text(f"{RU_TITLE} в условиях стационара на 2026 год",
                 "Постановление акимата города Лисаковска Костанайской области от 10 января 2026 года № 5",
                 "акимат города Лисаковска"),
         ("Акимат города Лисаковска", "lisakovsk_city", "392000000", "kostanay", "5", "2026-01-10", 2026,
          "stationary")),
    ),
    "kostanay": (  # a two-year period: its first year
        (kk_text(f"2026-2027 жылдарға уақытша болу жағдайында {KK_TITLE}",
                 "Қостанай облысы Қостанай қаласы әкімдігінің 2025 жылғы 25 желтоқсандағы № 2345 қаулысы",
                 "Қостанай қаласының"),
         ("Қостанай қаласы әкімдігі", "kostanay_city", "391000000", "kostanay", "2345", "2025-12-25", 2026,
          "temporary")),
        (ru_text(f"{RU_TITLE} в условиях временного пребывания на 2026-2027 годы",
                 "Постановление акимата города Костаная Костанайской области от 25 декабря 2025 года № 2345",
                 "акимат города Костаная"),
         ("Акимат города Костаная", "kostanay_city", "391000000", "kostanay", "2345", "2025-12-25", 2026,
          "temporary")),
    ),
    "mugalzhar": (  # "на дому 2026 год": the year without "на"
        (kk_text(f"Мұғалжар ауданы бойынша 2026 жылға үй жағдайында {KK_TITLE}",
                 "Ақтөбе облысы Мұғалжар ауданы әкімдігінің 2025 жылғы 19 желтоқсандағы № 412 қаулысы",
                 "Мұғалжар ауданының"),
         ("Мұғалжар ауданы әкімдігі", "mugalzhar_district", "154800000", "aktobe", "412", "2025-12-19", 2026,
          "home")),
        (ru_text(f"{RU_TITLE} на дому 2026 год",
                 "Постановление акимата Мугалжарского района Актюбинской области от 19 декабря 2025 года № 412",
                 "акимат Мугалжарского района"),
         ("Акимат Мугалжарского района", "mugalzhar_district", "154800000", "aktobe", "412", "2025-12-19", 2026,
          "home")),
    ),
    "tselinograd": (  # neither title states the year or the setting
        (kk_text(f"Целиноград ауданы бойынша {KK_TITLE}",
                 "Ақмола облысы Целиноград ауданы әкімдігінің 2025 жылғы 26 желтоқсандағы № А-12/450 қаулысы",
                 "Целиноград ауданының"),
         ("Целиноград ауданы әкімдігі", "tselinograd_district", "116600000", "akmola", "А-12/450", "2025-12-26",
          None, None)),
        (ru_text(RU_TITLE,
                 "Постановление акимата Целиноградского района Акмолинской области от 26 декабря 2025 года "
                 "№ A-12/450", "акимат Целиноградского района"),
         ("Акимат Целиноградского района", "tselinograd_district", "116600000", "akmola", "A-12/450",
          "2025-12-26", None, None)),
    ),
    "aktobe_region": (
        (kk_text(f"2026 жылға Ақтөбе облысы бойынша стационар жағдайында {KK_TITLE}",
                 "Ақтөбе облысы әкімдігінің 2025 жылғы 15 желтоқсандағы № 390 қаулысы", "Ақтөбе облысының"),
         ("Ақтөбе облысы әкімдігі", "aktobe", "150000000", "aktobe", "390", "2025-12-15", 2026, "stationary")),
        (ru_text(f"{RU_TITLE} в условиях стационара на 2026 год",
                 "Постановление акимата Актюбинской области от 15 декабря 2025 года № 390",
                 "акимат Актюбинской области"),
         ("Акимат Актюбинской области", "aktobe", "150000000", "aktobe", "390", "2025-12-15", 2026, "stationary")),
    ),
    "astana": (
        (kk_text(f"2026 жылға Астана қаласы бойынша үй жағдайында {KK_TITLE}",
                 "Астана қаласы әкімдігінің 2025 жылғы 29 желтоқсандағы № 505-2345 қаулысы", "Астана қаласының"),
         ("Астана қаласы әкімдігі", "astana", "710000000", "astana", "505-2345", "2025-12-29", 2026, "home")),
        (ru_text(f"{RU_TITLE} на дому на 2026 год",
                 "Постановление акимата города Астаны от 29 декабря 2025 года № 505-2345", "акимат города Астаны"),
         ("Акимат города Астаны", "astana", "710000000", "astana", "505-2345", "2025-12-29", 2026, "home")),
    ),
}


@pytest.mark.parametrize("name", list(DECREES))
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_decree_opening(name, lang):
    text, expected = DECREES[name][0 if lang == "kk" else 1]
    d = meta(text)
    assert d.language == lang
    assert tuple(getattr(d, f) for f in FIELDS) == expected
    assert d.authority_key == f"{d.area}_akimat"
    assert d.portal_id is None
    assert not [w for w in d.warnings if "issuing body" in w or "portal id" in w]


@pytest.mark.parametrize("name", [n for n in DECREES if n != "lisakovsk"])
def test_both_languages_give_one_decree_id(name):
    kk, ru = (meta(text) for text, _ in DECREES[name])
    assert kk.decree_id == ru.decree_id
    assert (kk.area, kk.kato, kk.region) == (ru.area, ru.kato, ru.region)


def test_preamble_body_with_abbreviated_city():
    d = meta(f" {RU_TITLE} на дому на 2026 год\n" + RU_PREAMBLE.format(issuer="акимат г. Уральска"))
    assert (d.authority, d.area, d.kato, d.decree_number) == ("Акимат г. Уральска", "oral", "271000000", None)


def test_ambiguous_district_stays_null_with_the_candidates():
    d = meta(ru_text(f"{RU_TITLE} на дому на 2026 год",
                     "Постановление акимата Жамбылского района от 20 декабря 2025 года № 300",
                     "акимат Жамбылского района"))
    assert (d.authority, d.area, d.kato, d.region, d.authority_key) == \
           ("Акимат Жамбылского района", None, None, None, None)
    assert (d.decree_number, d.decree_date, d.year) == ("300", "2025-12-20", 2026)
    warning = next(w for w in d.warnings if "several areas" in w)
    for key in ("zhambyl_district_almaty", "zhambyl_district_north_kazakhstan", "zhambyl_district_zhambyl"):
        assert key in warning
    assert d.decree_id == "unknown_2025-12-20_300"
    kk = meta(kk_text(f"Жамбыл ауданы бойынша 2026 жылға үй жағдайында {KK_TITLE}",
                      "Жамбыл ауданы әкімдігінің 2025 жылғы 20 желтоқсандағы № 300 қаулысы", "Жамбыл ауданының"))
    assert (kk.authority, kk.area, kk.kato) == ("Жамбыл ауданы әкімдігі", None, None)
    assert any("zhambyl_district_almaty" in w for w in kk.warnings)


# ---------------------------------------------------------------- portal document ids

def test_portal_id_in_the_file_name_agrees_with_the_text():
    text, _ = DECREES["oral"][0]
    d = meta(text, "G25ZA02999A_kk.txt")
    assert (d.portal_id, d.area, d.kato) == ("G25ZA02999A", "oral", "271000000")
    assert not [w for w in d.warnings if "portal id" in w]
    assert d.as_dict()["portal_id"] == "G25ZA02999A"  # a column of decrees.csv


def test_portal_id_that_disagrees_with_the_text_warns_and_the_text_wins():
    text, _ = DECREES["oral"][1]
    d = meta(text, "G25CI00412A.txt")  # CI = Мугалжарский район
    assert (d.portal_id, d.area) == ("G25CI00412A", "oral")
    assert any("G25CI00412A" in w and "mugalzhar_district" in w and "oral" in w for w in d.warnings)


def test_area_from_the_portal_id_when_the_text_names_no_body():
    d = meta(f" {RU_TITLE} на дому на 2026 год\n", "G25ZK03100A.txt")  # ZK = Таскалинский район
    assert (d.portal_id, d.area, d.kato, d.region) == ("G25ZK03100A", "taskala_district", "276000000", "west_kazakhstan")
    assert d.authority is None and d.authority_key == "taskala_district_akimat"
    assert any("from portal id G25ZK03100A" in w for w in d.warnings)


def test_portal_id_picks_one_of_the_candidates_the_text_leaves():
    d = meta(ru_text(RU_TITLE, "Постановление акимата Жамбылского района от 20 декабря 2025 года № 300",
                     "акимат Жамбылского района"), "G25SG00300A.txt")  # SG = Жамбылский район (СКО)
    assert (d.area, d.kato, d.region) == ("zhambyl_district_north_kazakhstan", "594600000", "north_kazakhstan")
    assert d.decree_id == "zhambyl_district_north_kazakhstan_akimat_2025-12-20_300"


def test_missing_body_code_stays_unknown():
    d = meta(f" {RU_TITLE} на дому на 2026 год\n", "G25QQ00001A.txt")
    assert d.portal_id == "G25QQ00001A"
    assert (d.area, d.kato, d.region, d.authority_key) == (None, None, None, None)
    assert any("body code QQ is not in the body-code table" in w for w in d.warnings)


def test_portal_id_in_the_text():
    text, _ = DECREES["taskala"][1]
    d = meta(text.replace("[bookmark: z2]", "[link: https://adilet.zan.kz/rus/docs/G25ZK03100A]"))
    assert (d.portal_id, d.area) == ("G25ZK03100A", "taskala_district")
    assert not [w for w in d.warnings if "portal id" in w]


# ---------------------------------------------------------------- the shipped decrees

def _shipped():
    from kztariffs.dataset import extract_file

    kk = {p.name.split("_kk")[0]: extract_file(p).decree for p in sorted(RAW.glob("*.txt"))}
    ru = {p.name.split("_ru")[0]: extract_file(p).decree
          for p in sorted((ROOT / "tests" / "fixtures" / "ru").glob("*.portal.txt"))}
    return kk, ru


def test_every_shipped_decree_has_area_and_kato_and_both_languages_agree():
    kk, ru = _shipped()
    assert len(kk) == 3 and set(kk) == set(ru)
    for stem in kk:
        for d in (kk[stem], ru[stem]):
            assert d.area and re.fullmatch(r"\d{9}", d.kato) and d.region == "west_kazakhstan", stem
        assert (kk[stem].decree_id, kk[stem].area, kk[stem].kato, kk[stem].region) == \
               (ru[stem].decree_id, ru[stem].area, ru[stem].kato, ru[stem].region)
    assert {d.area for d in kk.values()} == {"oral", "bokey_orda"}
