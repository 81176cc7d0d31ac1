"""Decree metadata from its own text: title, the line naming the act, preamble, annex title.

Kazakh:  ``Батыс Қазақстан облысы Орал қаласы әкімдігінің 2025 жылғы 18 желтоқсандағы № 2999 қаулысы``
Russian: ``Постановление акимата города Уральска Западно-Казахстанской области от 18 декабря 2025 года № 2999``

A field the text does not state stays ``None``: it is never guessed.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .areas import PortalId, describe, find_portal_id
from .body_names import BodyMatch, match_body
from .columns import unit_named
from .model import RawDecree, RawTable
from .text import squash
from .vocab import match_setting, settings

KK_MONTHS = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан"]
RU_MONTHS = ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
             "октябр", "ноябр", "декабр"]
_KK_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Frequent words that tell the two languages apart (a Russian text quoting Kazakh names, or a
# Kazakh text quoting a Russian title, is still decided by its own running words).
_RU_WORDS = {"об", "утверждении", "постановление", "постановляет", "акимата", "акимат", "от", "года",
             "год", "на", "и", "в", "по", "для", "с", "к", "услуг", "услуги", "специальных",
             "социальных", "тарифов", "тарифы", "приложение", "настоящего", "области", "района",
             "города", "соответствии"}
_KK_WORDS = {"туралы", "жылғы", "жылға", "және", "қаулысы", "қаулы", "етеді", "әкімдігінің",
             "әкімдігі", "бойынша", "арнаулы", "әлеуметтік", "қызметтер", "бекіту", "қосымша",
             "сәйкес", "облысы", "қаласы", "ауданы", "осы", "үшін", "арналған"}

_KK_ACT = re.compile(
    r"(?P<body>[^\n.]{0,160}?)\s+(?P<kind>әкімдігінің|мәслихатының)\s+(?P<y>\d{4})\s+жылғы\s+(?P<d>\d{1,2})\s+"
    r"(?P<m>[а-яәғқңөұүһі]+)\s+(?:№\s*(?P<no>[\w/.\-]+)\s+)?(?:қаулысы|шешімі)", re.I)
_RU_DATE_NO = (r"\s+от\s+[«\"]?(?P<d>\d{1,2})[»\"]?\s+(?P<m>[а-яё]+)\s+(?P<y>\d{4})\s*(?:года|г\.)?\s*"
               r"(?:№|N)\s*(?P<no>[^\s,;]+)")
# The line naming the act: "Постановление акимата города Уральска Западно-Казахстанской области от
# 18 декабря 2025 года № 2999" (capitalised: a lower-case "постановление" is running text).
_RU_ACT = re.compile(
    r"(?-i:(?P<kind>Постановление|ПОСТАНОВЛЕНИЕ|Решение|РЕШЕНИЕ))\s+(?P<org>акимата|маслихата)\s+"
    r"(?P<body>.{0,160}?)" + _RU_DATE_NO, re.I | re.S)
# The annex naming its own decree: "Приложение к постановлению акимата ... от ... № ...",
# "Утверждены постановлением акимата ... от ... № ...".
_RU_ANNEX_ACT = re.compile(
    r"(?-i:(?P<kind>Приложение(?:\s+\d+)?\s+к\s+(?:постановлению|решению)|Утвержден[аыо]?\s+"
    r"(?:постановлением|решением)))\s+(?P<org>акимата|маслихата)\s+(?P<body>.{0,160}?)" + _RU_DATE_NO,
    re.I | re.S)
# The preamble's last words name the issuing body: "... акимат города Уральска ПОСТАНОВЛЯЕТ:",
# "... Лисаков қаласының әкімдігі ҚАУЛЫ ЕТЕДІ:" (a dot only in "г.").
_RU_ENACTS = re.compile(r"(?P<org>акимат|маслихат)\s+(?P<body>(?:[^,.:;«»()]|(?<=\bг)\.){3,120}?)\s+"
                        r"(?-i:ПОСТАНОВЛЯЕТ|РЕШИЛ)", re.I)
_KK_ENACTS = re.compile(r"(?P<body>(?:[^,.:;«»()\"]|(?<=\sқ)\.){3,160}?)\s+(?P<org>әкімдігі|мәслихаты)\s+"
                        r"(?-i:ҚАУЛЫ ЕТЕДІ|ШЕШІМ ҚАБЫЛДАДЫ)", re.I)
# The tariffs' year: "2026 жылға", "2026-2027 жылдарға"; "на 2026 год", "на дому 2026 год", "на 2025-2026
# годы", "на 2026 г." (never "2025 года" or "2025 г." of a date).
_KK_YEAR = re.compile(r"(?<![\d.])(\d{4})(?:\s*[-–—]\s*\d{4})?\s+жыл(?:ға|дарға)(?!\w)")
_RU_YEAR = re.compile(r"(?<![\d.])(\d{4})(?:\s*[-–—]\s*\d{4})?\s+(?:год|годы)(?!\w)"
                      r"|(?<=на\s)(\d{4})(?:\s*[-–—]\s*\d{4})?\s+гг?\.", re.I)
# Region part of a Russian body name: "Западно-Казахстанской области", "области Абай".
_RU_REGION = r"(?:[\w-]+(?:ской|кой)\s+области|области\s+[\w-]+)"
# Operative part, point 1 ("ПОСТАНОВЛЯЕТ: 1. Утвердить тарифы ... на дому на 2026 год ...").
_POINT_1 = re.compile(r"(?-i:ПОСТАНОВЛЯЕТ|РЕШИЛ|ҚАУЛЫ ЕТЕДІ|ШЕШІМ ҚАБЫЛДАДЫ)\s*:?\s*1\.\s*(?P<p>.+?)(?=\s2\.\s|$)",
                      re.S)


@dataclass
class Annex:
    """One annex table of a decree: its number and what its prices are (setting, unit)."""

    number: int
    title: str | None = None
    setting: str | None = None
    unit: str | None = None


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
    portal_id: str | None = None  # legal portal document id (G25ZA02999A) from the file name or text
    decree_number: str | None = None
    decree_date: str | None = None  # ISO
    year: int | None = None  # the year the tariffs are for
    setting: str | None = None  # None when the annexes differ
    language: str | None = None
    unit: str | None = None  # None when the annexes differ
    annexes: list[Annex] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("warnings")
        d.pop("annexes")
        return d


def detect_language(text: str) -> str | None:
    """'kk' or 'ru' by the running words of the text; by its letters when the words do not decide."""
    words = re.findall(r"[^\W\d_]+", (text or "").lower())
    kk_words = sum(w in _KK_WORDS for w in words)
    ru_words = sum(w in _RU_WORDS for w in words)
    if kk_words != ru_words and max(kk_words, ru_words) >= 2:
        return "kk" if kk_words > ru_words else "ru"
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


def _split_body(body: str, lang: str) -> tuple[str, str]:
    """Issuing body's name -> (local part, region part); either may be ''. Only for a name that
    matches no area, to print it: ``"Западно-Казахстанской области Зеленовского района"``.

    ``"Батыс Қазақстан облысы Орал қаласы"`` -> ``("Орал қаласы", "Батыс Қазақстан облысы")``;
    ``"города Уральска Западно-Казахстанской области"`` -> ``("города Уральска", "Западно-...")``;
    ``"Западно-Казахстанской области"`` -> ``("", "Западно-Казахстанской области")``.
    """
    body = squash(body)
    if lang == "kk":
        words = body.split()  # "... басшылыққа ала отырып Бөкей ордасы ауданының": from the name on
        first = next((i for i, w in enumerate(words) if w[:1].isupper()), 0)
        body = " ".join(words[first:])
        m = re.match(r"^(?P<region>.*?облысы)(?:\s+(?P<local>.+))?$", body)
        if m:
            return (m.group("local") or "").strip(), m.group("region").strip()
        return body, ""
    m = re.match(rf"^(?P<local>.+?)\s+(?P<region>{_RU_REGION})$", body)
    if m:
        return m.group("local"), m.group("region")
    if re.fullmatch(_RU_REGION, body):
        return "", body
    return body, ""


def _authority(name: str, org: str, lang: str) -> str:
    """Issuing body as printed, in the nominative: "Орал қаласы әкімдігі", "Акимат города Уральска"."""
    akimat = org.lower().startswith(("аким", "әкім"))
    if lang == "kk":
        name = re.sub(r"(ауданы|қаласы|облысы)(?:ның|нің)(?!\w)", r"\1", name)
        return f"{name} {'әкімдігі' if akimat else 'мәслихаты'}"
    return f"{'Акимат' if akimat else 'Маслихат'} {name}"


def _set_issuer(d: "Decree", body: str, org: str, lang: str) -> tuple[BodyMatch, str]:
    """authority, area, region, kato and authority_key from the issuing body's name.

    The area is the body's own city/district (or the region for a regional body), found in the
    KATO classifier (``areas.match_body``). A name that matches no area, or several, leaves area,
    kato and authority_key empty with a warning naming the candidates (the region it names is
    still kept): never a guess, and never the region's code for a district's.
    """
    if lang == "kk":
        body = re.split(r"(?<!\w)туралы\s+", body)[-1]  # the act line follows the title
    m = match_body(body)
    kind = "akimat" if org.lower().startswith(("аким", "әкім")) else "maslikhat"
    local, region_text = _split_body(body, lang)
    d.authority = _authority(squash(m.printed or local or region_text), org, lang)
    d.region = m.region
    if m.area is not None:
        d.area, d.kato, d.authority_key = m.area.key, m.area.kato, f"{m.area.key}_{kind}"
    else:
        shown = " ".join(p for p in ((region_text, local) if lang == "kk" else (local, region_text)) if p)
        d.warnings.append(m.warning(shown))
    return m, kind


def _check_portal_id(d: "Decree", pid: PortalId, issuer: tuple[BodyMatch, str] | None) -> None:
    """Cross-check the body the text names with the portal id's body code; the area comes from the
    text when it names one, from the portal id when the text names no body (or names several
    areas, one of them the portal id's)."""
    known = pid.area
    if known is None:
        d.warnings.append(f"portal id {pid.id}: body code {pid.body_code} is not in the body-code table "
                          "(kztariffs/data/kato/bodycode_to_kato.csv); its body stays unknown")
        return
    m, kind = issuer if issuer else (None, pid.kind)
    if kind != pid.kind:
        d.warnings.append(f"portal id {pid.id} is a {pid.kind} act but the text names a {kind}")
    if d.area is not None:
        if d.area != known.key:
            d.warnings.append(f"portal id {pid.id} names {describe(known.key)} but the text names "
                              f"{d.area}; area from the text")
        return
    if m is not None and not (m.problem == "ambiguous" and known.key in m.candidates):
        d.warnings.append(f"portal id {pid.id} names {describe(known.key)}; the text's body was not "
                          "matched, area left empty")
        return
    d.area, d.kato, d.region, d.authority_key = known.key, known.kato, known.region, f"{known.key}_{kind}"
    d.warnings.append(f"area {known.key} from portal id {pid.id} (body code {pid.body_code})"
                      + (" of the areas the text's body may name" if m else "; the text names no issuing body"))


def _annex_text(head: str) -> str:
    """The annex's own heading and title: the text after the last "Приложение ..." / "... қосымша" line."""
    lines = head.split("\n")
    marks = [i for i, line in enumerate(lines)
             if re.match(r"\s*(?:Приложение|ПРИЛОЖЕНИЕ|Утвержден[аыо]?\b)", line.strip())
             or re.search(r"(?i)қосымша(?:сы)?\s*$", line.strip())]
    return squash("\n".join(lines[marks[-1]:])) if marks else ""


def _point_one(flat: str) -> str:
    m = _POINT_1.search(flat)
    return m.group("p") if m else ""


def read_metadata(raw: RawDecree) -> Decree:
    head = raw.text
    lang = detect_language(head) or detect_language(" ".join(" ".join(r.cells) for r in raw.rows[:20]))
    flat = squash(head)
    title = _title(head)
    d = Decree(decree_id="", title=title, language=lang)

    act, issuer = None, None
    if lang == "kk":
        act = _KK_ACT.search(flat)
    elif lang == "ru":
        act = _RU_ACT.search(flat) or _RU_ANNEX_ACT.search(flat)
    if act:
        day, month, yr = int(act.group("d")), _month(act.group("m"), lang), int(act.group("y"))
        if month:
            d.decree_date = f"{yr:04d}-{month:02d}-{day:02d}"
        else:
            d.warnings.append(f"month {act.group('m')!r} of the decree date not understood")
        number = (act.group("no") or "").rstrip(".)")
        d.decree_number = number or None
        org = act.group("kind") if lang == "kk" else act.group("org")
        issuer = _set_issuer(d, act.group("body"), org, lang)
    else:
        d.warnings.append("the line naming the act (body, date, number) was not found")
        enacts = {"ru": _RU_ENACTS, "kk": _KK_ENACTS}.get(lang)
        enacts = enacts.search(flat) if enacts else None
        if enacts:  # the body is still named at the end of the preamble; date and number stay empty
            issuer = _set_issuer(d, enacts.group("body"), enacts.group("org"), lang)
    pid = find_portal_id(raw.path.name) or find_portal_id(head)
    if pid is not None:
        d.portal_id = pid.id
        _check_portal_id(d, pid, issuer)

    # Year and setting: the title, then the annex title, then the table header, then point 1 of
    # the operative part. Nothing else: years and settings in cited acts are not this decree's.
    tables = raw.tables or [RawTable()]
    first_header = " ".join(" ".join(r) for r in tables[0].header)
    annex = _annex_text(head)
    sources = (title or "", annex, first_header, _point_one(flat))
    year_res = {"kk": (_KK_YEAR,), "ru": (_RU_YEAR,)}.get(lang, (_KK_YEAR, _RU_YEAR))
    texts = (*sources, *(t.title for t in tables))
    d.year = next((int(m.group(1) or m.group(m.lastindex)) for text in texts for rx in year_res
                   if (m := rx.search(text))), None)
    if len(tables) == 1:
        setting = next((s for text in sources if (s := match_setting(text))), None)
        d.annexes = [Annex(_annex_number(annex) or 1, annex or None, setting,
                           price_unit((first_header, annex), setting, d.warnings))]
    else:
        d.annexes = _annexes(tables, head, flat, d.warnings)
    settings_ = {a.setting for a in d.annexes}
    units = {a.unit for a in d.annexes}
    d.setting = settings_.pop() if len(settings_) == 1 else None
    d.unit = units.pop() if len(units) == 1 else None
    d.decree_id = make_decree_id(d)
    return d


_ANNEX_NO = re.compile(r"(?:(?<!\w)(\d{1,2})\s*-?\s*қосымша|қосымша\s*№?\s*(\d{1,2})(?!\d)"
                       r"|(?i:приложени[еяю])\s*№?\s*(\d{1,2})(?!\d))")


def _annex_number(text: str) -> int | None:
    """Number of the annex a heading names: "2-қосымша", "Қосымша 2", "Приложение № 2"."""
    m = _ANNEX_NO.search(text or "")
    return int(next(g for g in m.groups() if g)) if m else None


def _operative_points(flat: str) -> list[str]:
    """The operative part cut at its points and sub-points ("1.", "2)")."""
    m = re.search(r"(?-i:ПОСТАНОВЛЯЕТ|РЕШИЛ|ҚАУЛЫ ЕТЕДІ|ШЕШІМ ҚАБЫЛДАДЫ)\s*:?(?P<ops>.+)$", flat, re.S)
    if not m:
        return []
    return [p for p in re.split(r"(?:^|\s)\d{1,2}[.)]\s", m.group("ops")) if p.strip()]


def _annexes(tables: list[RawTable], head: str, flat: str, warnings: list[str]) -> list[Annex]:
    """Number, setting and unit of each annex of a decree with several annex tables: from the
    annex's own heading and title, then its header, then the operative point that approves it."""
    points = _operative_points(flat)
    out: list[Annex] = []
    for i, table in enumerate(tables):
        own = table.title if i else (_annex_text(head) or table.title)
        number = _annex_number(own) or (out[-1].number + 1 if out else 1)
        header = " ".join(" ".join(r) for r in table.header)
        point = " ".join(p for p in points if _annex_number(p) == number)
        setting = next((s for text in (own, header, point) if (s := match_setting(text))), None)
        if setting is None:
            warnings.append(f"annex {number}: setting not stated in its title, header or operative point")
        out.append(Annex(number, squash(own) or None, setting, price_unit((header, own, point), setting, warnings)))
    numbers = [a.number for a in out]
    if len(set(numbers)) != len(numbers):
        warnings.append(f"annex numbers repeat ({numbers}); annexes numbered in table order")
        out = [Annex(i + 1, a.title, a.setting, a.unit) for i, a in enumerate(out)]
    return out


def price_unit(texts: tuple[str, ...], setting: str | None, warnings: list[str]) -> str | None:
    """Unit of the price columns: from the column header, then the annex title (and operative
    point), else the setting's usual unit."""
    for text in texts:
        if unit := unit_named(text):
            return unit
    if setting:
        default = next(s["default_unit"] for s in settings() if s["key"] == setting)
        warnings.append(f"price unit not stated in the table header; taken as {default} "
                        f"(the usual unit for the {setting} setting)")
        return default
    return None


_ACT_LINE = re.compile(r"^(?:Постановление|ПОСТАНОВЛЕНИЕ|Решение|РЕШЕНИЕ)\s+(?:акимата|маслихата|АКИМАТА|МАСЛИХАТА)\b"
                       r"|(?:әкімдігінің|мәслихатының)\s+\d{4}\s+жылғы")


def _title(head: str) -> str | None:
    """The decree's title: its first paragraph, up to 'туралы' / 'год(ы)', never into the act line."""
    lines = [squash(l) for l in head.split("\n")]
    lines = [l for l in lines if l and not l.startswith("[")]
    out = []
    for line in lines[:4]:
        if _ACT_LINE.search(line):
            break
        out.append(line)
        if re.search(r"(туралы|год|годы)\.?$", line):
            break
    return " ".join(out) or None


# Cyrillic letters that look like Latin ones: a number printed "А-7/112" in one language version
# and "A-7/112" in the other gives one decree_id.
_LOOKALIKE = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")


def make_decree_id(d: Decree) -> str:
    """Stable across forms and languages of one decree: ``<authority_key>_<date>_<number>``."""
    body = d.authority_key or "unknown"
    number = d.decree_number.upper().translate(_LOOKALIKE) if d.decree_number else "nonumber"
    number = re.sub(r"[^\w-]+", "-", number).strip("-") or "nonumber"
    return f"{body}_{d.decree_date or 'nodate'}_{number}"
