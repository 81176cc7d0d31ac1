"""Decree metadata from its own text: title, the line naming the act, preamble, annex title.

Kazakh:  ``Батыс Қазақстан облысы Орал қаласы әкімдігінің 2025 жылғы 18 желтоқсандағы № 2999 қаулысы``
Russian: ``Постановление акимата города Уральска Западно-Казахстанской области от 18 декабря 2025 года № 2999``

A field the text does not state stays ``None``: it is never guessed.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .model import RawDecree
from .text import fold, squash
from .vocab import areas, load, match_setting, settings

KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан"]
RU_MONTHS = ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
             "октябр", "ноябр", "декабр"]
_KK_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

_KK_ACT = re.compile(
    r"(?P<body>[^\n.]{0,160}?)\s+(?P<kind>әкімдігінің|мәслихатының)\s+(?P<y>\d{4})\s+жылғы\s+(?P<d>\d{1,2})\s+"
    r"(?P<m>[а-яәғқңөұүһі]+)\s+(?:№\s*(?P<no>[\w/.\-]+)\s+)?(?:қаулысы|шешімі)", re.I)
_RU_ACT = re.compile(
    r"(?P<kind>Постановление акимата|Решение маслихата|постановлением акимата)\s+(?P<body>[^\n]{0,160}?)\s+от\s+"
    r"(?P<d>\d{1,2})\s+(?P<m>[а-я]+)\s+(?P<y>\d{4})\s+года\s+№\s*(?P<no>[\w/.\-]+)", re.I)
_KK_YEAR = re.compile(r"(\d{4})\s+жыл(?:ға|дарға)")
_RU_YEAR = re.compile(r"на\s+(\d{4})\s+год")


@dataclass
class Decree:
    """What a decree says about itself. ``None`` = not stated in the text."""

    decree_id: str
    title: str | None = None
    authority: str | None = None  # issuing body as printed, nominative (e.g. "Орал қаласы әкімдігі")
    authority_key: str | None = None  # area key + body kind, e.g. "oral_akimat"
    area: str | None = None  # key of the city/district/region the body governs
    region: str | None = None  # key of the region (oblast)
    kato: str | None = None
    decree_number: str | None = None
    decree_date: str | None = None  # ISO
    year: int | None = None  # the year the tariffs are for
    setting: str | None = None
    language: str | None = None
    unit: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("warnings")
        return d


def detect_language(text: str) -> str | None:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None
    kk = sum(c in _KK_LETTERS for c in letters)
    cyr = sum("а" <= c.lower() <= "я" or c in "ёЁ" for c in letters)
    if kk / len(letters) > 0.01:
        return "kk"
    if cyr / len(letters) > 0.3:
        return "ru"
    return None


def _month(name: str, lang: str) -> int | None:
    name = name.lower()
    months = KK_MONTHS if lang == "kk" else RU_MONTHS
    for i, stem in enumerate(months):
        if lang == "ru" and stem == "ма":
            if name in ("мая", "май"):
                return i + 1
            continue
        if name.startswith(stem):
            return i + 1
    return None


def match_area(body_text: str, lang: str) -> dict | None:
    """The most specific area (district/city before region) named in the issuing body's text."""
    f = fold(body_text)
    best = None
    for area in areas():
        for m in area.get(f"match_{lang}", []) + area.get("match_kk", []) + area.get("match_ru", []):
            fm = fold(m)
            if fm and fm in f:
                rank = {"district": 0, "city": 1, "republican_city": 2, "region": 3}.get(area["level"], 4)
                if best is None or rank < best[0]:
                    best = (rank, area)
    return best[1] if best else None


def _kk_authority(body: str, kind: str) -> str:
    body = squash(body)
    m = re.search(r"облысы\s+(.+)$", body)
    local = m.group(1) if m and m.group(1).strip() else body
    return f"{local} {'әкімдігі' if kind.startswith('әкім') else 'мәслихаты'}"


def _ru_authority(body: str, kind: str) -> str:
    body = squash(body)
    name = "Акимат" if "акимат" in kind.lower() else "Маслихат"
    # "города Уральска Западно-Казахстанской области" -> "города Уральска"
    m = re.match(r"((?:города|района|области)\s+\S+(?:\s+\S+)?)\s+[\w-]+(?:ской|кой)\s+области$", body)
    local = m.group(1) if m else body
    return f"{name} {local}"


def read_metadata(raw: RawDecree) -> Decree:
    head = raw.text
    lang = detect_language(head) or detect_language(" ".join(" ".join(r.cells) for r in raw.rows[:20]))
    flat = squash(head)
    title = _title(head)
    d = Decree(decree_id="", title=title, language=lang)

    act = None
    if lang == "kk":
        act = _KK_ACT.search(flat)
    elif lang == "ru":
        act = _RU_ACT.search(flat)
    if act:
        day, month, yr = int(act.group("d")), _month(act.group("m"), lang), int(act.group("y"))
        if month:
            d.decree_date = f"{yr:04d}-{month:02d}-{day:02d}"
        d.decree_number = act.group("no")
        body, kind = act.group("body"), act.group("kind")
        d.authority = _kk_authority(body, kind) if lang == "kk" else _ru_authority(body, kind)
        area = match_area(body, lang)
        if area:
            d.area = area["key"]
            d.region = area["key"] if area.get("parent") is None else area["parent"]
            d.kato = area.get("kato")
            d.authority_key = f"{area['key']}_{'akimat' if 'ким' in kind.lower() or 'әкім' in kind else 'maslikhat'}"
        else:
            d.warnings.append(f"issuing body {squash(body)!r} is not in vocab/regions.yaml")
    else:
        d.warnings.append("the line naming the act (body, date, number) was not found")

    # Year the tariffs are for: title first, then the whole head (preamble, annex title).
    for text in (title or "", flat):
        m = (_KK_YEAR if lang == "kk" else _RU_YEAR).search(text)
        if m:
            d.year = int(m.group(1))
            break
    # Setting: title, then annex title/header, then the table header.
    header_text = " ".join(" ".join(r) for r in raw.header)
    for text in (title or "", flat, header_text):
        s = match_setting(text)
        if s:
            d.setting = s
            break
    d.unit = price_unit(header_text, d.setting, flat, d.warnings)
    d.decree_id = make_decree_id(d)
    return d


def price_unit(header_text: str, setting: str | None, head: str, warnings: list[str]) -> str | None:
    """Unit of the price columns: from the column header, else from the setting's usual unit."""
    units = load("columns")["units"]
    f = fold(header_text)
    for unit, words in units.items():
        if any(fold(w) in f for w in words):
            return unit
    if setting:
        default = next(s["default_unit"] for s in settings() if s["key"] == setting)
        warnings.append(f"price unit not stated in the table header; taken as {default} "
                        f"(the usual unit for the {setting} setting)")
        return default
    return None


def _title(head: str) -> str | None:
    """The decree's title: its first paragraph, up to 'туралы' / the first line in Russian."""
    lines = [squash(l) for l in head.split("\n")]
    lines = [l for l in lines if l and not l.startswith("[")]
    if not lines:
        return None
    out = []
    for line in lines[:6]:
        out.append(line)
        if re.search(r"(туралы|год[а]?|годы)$", line):
            break
    return " ".join(out)


def make_decree_id(d: Decree) -> str:
    """Stable across forms and languages of one decree: ``<authority_key>_<date>_<number>``."""
    body = d.authority_key or "unknown"
    number = re.sub(r"[^\w-]+", "-", d.decree_number or "nonumber").strip("-")
    return f"{body}_{d.decree_date or 'nodate'}_{number}"
