"""Matching the name of a decree's issuing body, as printed, to its area of the KATO classifier.

Kept apart from :mod:`kztariffs.areas` (which builds the areas, keys and labels from the classifier):
this module is about wording, the forms decrees print and how they are compared, not about the data.

:func:`match_body` finds the forms decrees print (nominative and genitive, Kazakh and Russian,
``г. Уральск``, region before or after, old names from ``vocab/regions.yaml``) on folded words: case,
Kazakh/Russian letters (``қ`` = ``к``), Latin look-alikes, spaces and hyphens do not matter
(``Бөкей ордасы`` = ``Бөкейордасы``). No area or several: no match, with the candidates; never a guess.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .areas import REGION_LEVELS, Area, _kk_base, all_areas, ancestors, by_key, describe, kato_version
from .vocab import load

_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
                       "і": "и", "ё": "е", "ќ": "к", "a": "а", "c": "с", "e": "е", "i": "и", "o": "о",
                       "p": "р", "x": "х", "y": "у", "k": "к"})
_WORD = re.compile(r"[^\W_]+")
# Words that name a kind of unit: one left over after matching means a unit that is not known.
_KIND_WORDS = set("ауданы ауданынын аудандык аудан район района районного районный каласы каласынын калалык "
                  "город города городского городской г к облысы облысынын облыстык область области областного "
                  "областной кенти кентинин ауылы ауылынын округи округинин села поселка сельского округа".split())


@dataclass(frozen=True)
class BodyMatch:
    """What a body's name gives: the area, else why not (``problem``) and the candidates."""

    area: Area | None
    region: str | None  # the area's region, else the region the text names (None if none or several)
    printed: str | None = None  # the words that named the area, as printed
    candidates: tuple[str, ...] = ()
    problem: str | None = None  # unknown | ambiguous | elsewhere | regions

    def warning(self, body: str) -> str | None:
        if self.problem is None:
            return None
        names = ", ".join(describe(k) for k in self.candidates)
        return {
            "unknown": f"issuing body {body!r} is not in the KATO classifier ({kato_version()}); "
                       "area, kato and authority_key left empty",
            "ambiguous": f"issuing body {body!r} names several areas: {names}; area left empty",
            "elsewhere": f"issuing body {body!r}: no area of that name in region {self.region} "
                         f"(there is {names}); area left empty",
            "regions": f"issuing body {body!r} names several regions: {names}; area left empty",
        }[self.problem]


# ---------------------------------------------------------------- names as decrees print them


def _ru_genitive(name: str) -> str:
    """Russian genitive of a city's name: Уральск -> Уральска, Астана -> Астаны, Костанай -> Костаная,
    Сарань -> Сарани, Рудный -> Рудного; names ending in a vowel (Актобе, Алматы) do not change."""
    if re.search(r"[ыи]й$", name):
        return name[:-2] + "ого"
    if name.endswith("й"):
        return name[:-1] + "я"
    if name.endswith("ь"):
        return name[:-1] + "и"
    if name.endswith("а"):
        return name[:-1] + ("и" if name[-2:-1] in "кгхжшчщ" else "ы")
    return name + "а" if re.search(r"[бвгджзклмнпрстфхцчшщқғңһ]$", name) else name


def _city_forms(ru_names: list[str], kk_names: list[str]) -> set[str]:
    out = set()
    for b in {*ru_names, *kk_names}:  # "города Орал", "Уральск қаласы" as well
        g = _ru_genitive(b)
        out |= {f"город {b}", f"города {b}", f"города {g}", f"г. {b}", f"г. {g}", f"{b} Г.А.",
                f"{b} қаласы", f"{b} қаласының", f"{b} қалалық", f"{b} қ.", f"{b} Қ.Ә."}
    return out


def _district_forms(ru: str, kk_names: list[str]) -> set[str]:
    out = set()
    m = re.match(r"(?i)^район\s+(им\.\s*)?(.+)$", ru)
    if m:
        names = [m.group(2)] + ([f"имени {m.group(2)}", f"им. {m.group(2)}"] if m.group(1) else [])
        out |= {f"{w} {n}" for n in names for w in ("район", "района")}
    elif ru.endswith(" район"):
        adj = ru[: -len(" район")]
        gen = re.sub(r"(ий|ый|ой)$", "ого", adj)
        out |= {ru, f"{gen} района", f"{adj} районный", f"{gen} районного"}
    for b in kk_names:
        out |= {f"{b} ауданы", f"{b} ауданының", f"{b} аудандық"}
        if b.endswith("атындағы"):
            out.add(f"{b} аудан")
    return out


def _region_forms(ru: str, kk: str) -> set[str]:
    b = _kk_base(kk)
    out = {f"{b} облысы", f"{b} облысының", f"{b} облыстық", ru}
    m = re.match(r"^область\s+(.+)$", ru)
    if m:
        out.add(f"области {m.group(1)}")
    elif ru.endswith("ая область"):
        adj = ru[: -len("ая область")]
        out |= {f"{adj}ой области", f"{adj}ий областной", f"{adj}ого областного"}
    return out


def forms(a: Area) -> set[str]:
    """Every phrase that names the area (before folding)."""
    alias = {str(k): v for k, v in (load("regions").get("aliases") or {}).items()}.get(a.kato, {})
    ru_names = [*a.names_ru, *alias.get("names_ru", [])]
    kk_names = [*a.names_kk, *alias.get("names_kk", [])]
    if a.level == "region":
        out = _region_forms(a.name_ru, a.name_kk)
    elif a.level in ("city", "republican_city"):
        out = _city_forms(ru_names, kk_names)
    else:
        out = set().union(*(_district_forms(n, kk_names) for n in {a.name_ru, *alias.get("names_ru", [])}))
    return out | set(alias.get("forms", [])) | {a.name_ru, a.name_kk}


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower().translate(_FOLD)) for m in _WORD.finditer(text)]


def fold_name(text: str) -> str:
    """Comparison form of a name: its words folded and joined without spaces or hyphens."""
    return "".join(t for _, _, t in _tokens(unicodedata.normalize("NFC", text)))


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, frozenset[str]], int]:
    """Folded phrase -> keys of the areas it names; and the longest phrase in words."""
    index: dict[str, set[str]] = {}
    width = 1
    for a in all_areas():
        for phrase in forms(a):
            index.setdefault(fold_name(phrase), set()).add(a.key)
            width = max(width, len(_tokens(phrase)))
    return {k: frozenset(v) for k, v in index.items()}, width


# ---------------------------------------------------------------- matching a body's name


def match_body(text: str) -> BodyMatch:
    """The area a body's name (``Батыс Қазақстан облысы Орал қаласы``, ``города Уральска
    Западно-Казахстанской области``, ``Таскалинского района``) names.

    Phrases are found left to right, longest first. A region named narrows the local names to it;
    a city named narrows its districts' names; of a region and a unit inside it, the unit is the
    body's. Several areas left, a local name in another region only, or a word naming a unit
    (``района``, ``қаласы``) that no phrase took: no area (``problem`` says which).
    """
    text = unicodedata.normalize("NFC", text or "")
    toks = _tokens(text)
    index, width = _index()
    spans, used, i = [], set(), 0
    while i < len(toks):
        for j in range(min(len(toks), i + width), i, -1):
            keys = index.get("".join(t[2] for t in toks[i:j]))
            if keys:
                spans.append((toks[i][0], toks[j - 1][1], keys))
                used.update(range(i, j))
                i = j
                break
        else:
            i += 1
    stray = any(t[2] in _KIND_WORDS for n, t in enumerate(toks) if n not in used)
    areas_ = by_key()
    regional = [s for s in spans if all(areas_[k].level in REGION_LEVELS for k in s[2])]
    local = [(a, b, frozenset(k for k in ks if areas_[k].level not in REGION_LEVELS))
             for a, b, ks in spans if (a, b, ks) not in regional]
    regions = set().union(*(s[2] for s in regional))
    if len(regions) > 1:
        return BodyMatch(None, None, candidates=tuple(sorted(regions)), problem="regions")
    region = next(iter(regions), None)
    if not local:
        if stray or region is None:
            return BodyMatch(None, region, problem="unknown")
        a, b, _ = regional[-1]
        return BodyMatch(areas_[region], region, text[a:b])
    narrowed = []
    for a, b, ks in local:
        inside = frozenset(k for k in ks if region is None or areas_[k].region == region)
        if not inside:
            return BodyMatch(None, region, candidates=tuple(sorted(ks)), problem="elsewhere")
        narrowed.append((a, b, inside))
    unique = {next(iter(ks)) for _, _, ks in narrowed if len(ks) == 1}
    narrowed = [(a, b, frozenset(k for k in ks if ancestors(k) & unique) or ks) for a, b, ks in narrowed]
    chosen = set().union(*(ks for _, _, ks in narrowed))
    chosen = {k for k in chosen if not any(k in ancestors(o) for o in chosen)}
    if stray:
        return BodyMatch(None, region, candidates=tuple(sorted(chosen)), problem="unknown")
    if len(chosen) > 1:
        return BodyMatch(None, region, candidates=tuple(sorted(chosen)), problem="ambiguous")
    key = chosen.pop()
    a, b = next((a, b) for a, b, ks in reversed(narrowed) if key in ks)
    return BodyMatch(areas_[key], areas_[key].region, text[a:b])
