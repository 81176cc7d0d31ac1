"""Every local body's area, from the official KATO classifier shipped in ``kztariffs/data/kato/``.

Levels: ``region`` (17 oblasts), ``republican_city`` (Astana, Almaty, Shymkent), ``city`` (city
administrations ``Уральск Г.А.`` / ``Орал Қ.Ә.``, whose city row ``г.Уральск`` is the same area, and
cities of district significance ``г.Кандыагаш``, coded by their ``г.а.`` where there is one),
``district`` (``Таскалинский район`` / ``Тасқала ауданы``), ``city_district`` (``район Алматы`` of Astana).

Keys: those of the former hand-entered list by KATO code (``oral``, ``bokey_orda``, ``west_kazakhstan``;
``vocab/regions.yaml``), else a city's Russian or a district's Kazakh name transliterated, plus the
kind (``lisakovsk_city``, ``taskala_district``); a key several areas would share takes the region's
key (``zhambyl_district_almaty``).

The matching of printed body names to these areas (:func:`match_body`, :class:`BodyMatch`) is in
:mod:`kztariffs.body_names`, kept apart because it is about wording, not the classifier's data; its names
are still read from here (``from .areas import match_body``).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .vocab import load

REGION_LEVELS = ("region", "republican_city")
_DATA = "data/kato"

_LAT = dict(zip("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяќ",
                "a a b v g g d e e zh z i y k k l m n n o o p r s t u u u f kh h ts ch sh shch _ y i _ e yu ya k"
                .replace("_", "").split(" ")))


@dataclass(frozen=True)
class Area:
    key: str
    level: str  # region | republican_city | city | district | city_district
    kato: str  # 9 characters
    region: str  # key of its oblast (itself for a region or a city of republican significance)
    parent: str | None  # key of the area it lies in; None for a region
    en: str
    kk: str
    ru: str
    name_kk: str  # as in the classifier
    name_ru: str
    names_kk: tuple[str, ...] = ()  # its names, and those of its city (г.Уральск / Орал қ.), no kind word
    names_ru: tuple[str, ...] = ()



# ---------------------------------------------------------------- the classifier


@lru_cache(maxsize=1)
def kato_units() -> dict[str, tuple[str, str, str, str]]:
    """KATO code -> (level, type_code, name_ru, name_kk) for all 15,594 units."""
    with resources.files("kztariffs").joinpath(f"{_DATA}/kato.csv").open(encoding="utf-8") as fh:
        return {r["kato"]: (r["level"], r["type_code"], r["name_ru"], r["name_kk"]) for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def kato_version() -> str:
    with resources.files("kztariffs").joinpath(f"{_DATA}/kato.csv").open(encoding="utf-8") as fh:
        return next(csv.DictReader(fh))["kato_version"]


def translit(text: str) -> str:
    """ASCII transliteration of a Kazakh or Russian name (deterministic; used for keys and labels)."""
    out = "".join(_LAT.get(c, c) for c in text.lower())
    return re.sub(r"yy\b", "y", out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", translit(text)).strip("_")


def _title(text: str) -> str:
    return re.sub(r"(^|[\s-])([a-z])", lambda m: m.group(1) + m.group(2).upper(), translit(text))


def _kk_base(name: str) -> str:
    name = re.sub(r"атын\.\s*", "атындағы ", name)
    return re.sub(r"\s*(ауданы|облысы|Қ\.Ә\.|Г\.А\.|қ\.ә\.|қ\.|ќ\.)$", "", name).strip()


def _ru_base(name: str) -> str:
    return re.sub(r"^г\.\s*|\s*Г\.А\.$", "", name).strip()


def _unit(code: str, level: str, parent: str | None, ru: str, kk: str, kato: str | None = None) -> dict:
    return dict(code=code, kato=kato or code, level=level, parent=parent, ru=ru, kk=kk,
                region=code[:2] + "0000000", names_ru=[], names_kk=[])


def _units() -> list[dict]:
    """The areas as classifier rows, before keys: code, level, parent code, names."""
    units, out, by_code = kato_units(), [], {}
    for code, (lvl, typ, ru, kk) in units.items():
        oblast, district, sub = code[:2] + "0000000", code[:4] + "00000", code[:6] + "000"
        u = None
        if lvl == "oblast":
            u = _unit(code, "region" if typ == "0" else "republican_city", None, ru, kk)
        elif lvl == "district":
            u = _unit(code, "city" if ru.endswith("Г.А.") else "district", oblast, ru, kk)
        elif lvl == "sub_district" and ru.startswith("г.") and not ru.startswith("г.а") and district in by_code:
            by_code[district]["names_ru"].append(_ru_base(ru))  # the city of a city administration
            by_code[district]["names_kk"].append(_kk_base(kk))
        elif lvl == "sub_district" and units[oblast][1] == "1" and "район" in ru.lower():
            u = _unit(code, "city_district", oblast, ru, kk)
        elif lvl == "settlement" and typ == "1" and ru.startswith("г."):
            own = units.get(sub)
            kato = sub if own and "г.а" in own[2].lower() else code
            u = _unit(code, "city", district if district in by_code else oblast, ru, kk, kato)
        elif lvl == "settlement" and typ == "1" and ru.lower().startswith("район"):
            u = _unit(code, "city_district", district if district in by_code else oblast, ru, kk)
        if u is not None:
            out.append(u)
            by_code[code] = u
    return out


def _derived_key(u: dict) -> str:
    if u["level"] == "city":
        return _slug(_ru_base(u["ru"])) + "_city"
    return _slug(re.sub(r"\s*атындағы$", "", _kk_base(u["kk"]))) + "_district"


def _labels(u: dict, conf: dict) -> tuple[str, str, str]:
    ru_b, kk_b = _ru_base(u["ru"]), _kk_base(u["kk"])
    if u["level"] in ("region", "district", "city_district"):
        kk = u["kk"] if u["level"] != "region" else f"{kk_b} облысы"
        kk = re.sub(r"атын\.\s*ауданы", "атындағы аудан", kk)
        en = _title(re.sub(r"\s*атындағы$", "", kk_b)) + (" District" if u["level"] != "region" else " Region")
        ru = u["ru"][:1].upper() + u["ru"][1:] if u["level"] != "city_district" else u["ru"]
    else:
        kk, ru, en = f"{kk_b} қаласы", f"город {ru_b}", _title(ru_b)
    return conf.get("en", en), conf.get("kk", kk), conf.get("ru", ru)


@lru_cache(maxsize=1)
def all_areas() -> tuple[Area, ...]:
    """Every area, in KATO order (built once)."""
    units = _units()
    legacy = {str(code): conf for code, conf in load("regions")["keys"].items()}
    keys = {u["code"]: legacy[u["kato"]]["key"] for u in units if u["kato"] in legacy}
    derived: dict[str, list[dict]] = {}
    for u in units:
        if u["code"] not in keys:
            derived.setdefault(_derived_key(u), []).append(u)
    taken, shared = set(keys.values()), set()
    for key, group in derived.items():
        for u in group:
            k = key if len(group) == 1 and key not in taken else f"{key}_{keys[u['region']]}"
            keys[u["code"]] = k if k not in taken else f"{k}_{u['kato']}"
            taken.add(keys[u["code"]])
            if len(group) > 1:
                shared.add(u["code"])
    out = []
    for u in units:
        en, kk, ru = _labels(u, legacy.get(u["kato"], {}))
        if u["code"] in shared:  # "Abai District (Karaganda Region)"
            en = f"{en} ({legacy[u['region']]['en']})"
        names_kk = tuple(dict.fromkeys([_kk_base(u["kk"]), *u["names_kk"]]))
        names_ru = tuple(dict.fromkeys([_ru_base(u["ru"]), *u["names_ru"]]))
        out.append(Area(keys[u["code"]], u["level"], u["kato"], keys[u["region"]],
                        keys.get(u["parent"]) if u["parent"] else None, en, kk, ru, u["kk"], u["ru"],
                        names_kk, names_ru))
    return tuple(out)


@lru_cache(maxsize=1)
def by_key() -> dict[str, Area]:
    return {a.key: a for a in all_areas()}


@lru_cache(maxsize=1)
def by_kato() -> dict[str, Area]:
    return {a.kato: a for a in all_areas()}


def describe(key: str) -> str:
    a = by_key()[key]
    where = "" if a.level in REGION_LEVELS else f", {by_key()[a.region].en}"
    return f"{key} ({a.ru}{where}, KATO {a.kato})"


@lru_cache(maxsize=None)
def ancestors(key: str) -> frozenset[str]:
    parent = by_key()[key].parent
    return frozenset() if parent is None else ancestors(parent) | {parent}


# ---------------------------------------------------------------- portal document ids

PORTAL_ID = re.compile(r"(?<![A-Za-z0-9])G(\d{2})([A-Z][A-Z0-9])([A-Z0-9]{5})([AM])(?![A-Za-z0-9])", re.I)


@dataclass(frozen=True)
class PortalId:
    """A local act's id on the legal portal: ``G25ZA02999A`` = 2025, body ``ZA``, akimat decree."""

    id: str
    year: int
    body_code: str
    kind: str  # akimat (trailing A) | maslikhat (trailing M)

    @property
    def area(self) -> Area | None:
        """The issuing body's area by its body code; None when the code is not known."""
        kato = body_codes().get(self.body_code)
        return by_kato().get(kato) if kato else None


def find_portal_id(text: str) -> PortalId | None:
    m = PORTAL_ID.search(text or "")
    if not m:
        return None
    return PortalId(m.group(0).upper(), 2000 + int(m.group(1)), m.group(2).upper(),
                    "akimat" if m.group(4).upper() == "A" else "maslikhat")


@lru_cache(maxsize=1)
def body_codes() -> dict[str, str]:
    """Body code of portal ids -> KATO code (bodycode_to_kato.csv, then vocab/regions.yaml)."""
    with resources.files("kztariffs").joinpath(f"{_DATA}/bodycode_to_kato.csv").open(encoding="utf-8") as fh:
        out = {r["body_code"]: r["kato"] for r in csv.DictReader(fh)}
    for code, entry in (load("regions").get("body_codes") or {}).items():
        out.setdefault(code, str(entry["kato"]))
    return out
