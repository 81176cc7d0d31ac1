"""Vocabularies (positions, categories, settings, column names) as data files; areas from KATO.

Each YAML file in this folder is loaded once; lookups work on folded text (see ``text.fold``)
so that case, spacing and hyphenation variants of the same name meet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from ..text import fold

LANGS = ("kk", "ru", "en")


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """Parsed YAML file ``<name>.yaml`` of this package."""
    from ..safe_yaml import loads  # plain data only: no aliases, bounded size and depth

    return loads(resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8"))


def label(kind: str, key: str | None, lang: str = "en") -> str:
    """Name of a category/position/setting/area key in ``kk``, ``ru`` or ``en``."""
    if key is None:
        return ""
    entry = _by_key(kind).get(key)
    return entry.get(lang) or entry.get("en") or key if entry else key


@lru_cache(maxsize=None)
def _by_key(kind: str) -> dict[str, dict]:
    if kind == "area":
        return {e["key"]: e for e in areas()}
    plural = {"category": "categories", "position": "positions", "setting": "settings"}[kind]
    return {e["key"]: e for e in load(plural)[plural]}


def categories() -> list[dict]:
    return load("categories")["categories"]


def settings() -> list[dict]:
    return load("settings")["settings"]


def positions() -> list[dict]:
    return load("positions")["positions"]


@lru_cache(maxsize=1)
def areas() -> list[dict]:
    """Every area of the KATO classifier (``kztariffs.areas``) as a dict: key, level, kato, region,
    parent, en/kk/ru labels, the classifier's names."""
    from dataclasses import asdict

    from ..areas import all_areas

    return [asdict(a) for a in all_areas()]


_CATEGORY_TAIL = r"\w*\s+(қызметтер|қызметтері|қызмет түрлері|услуги|услуг)"


@lru_cache(maxsize=1)
def _category_patterns() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(re.escape(fold(m)) + _CATEGORY_TAIL), c["key"]) for c in categories() for m in c["match"]]


def match_category(text: str) -> str | None:
    """Key of the category a table's category row names (the whole cell must be the name)."""
    f = fold(text).rstrip(":")
    for pattern, key in _category_patterns():
        if pattern.fullmatch(f):
            return key
    return None


_ANNEX_HEADING = re.compile(r"(?i)қосымша|приложени")


def names_another_annex(text: str) -> bool:
    """Text between two tables that starts another annex: its heading (``2-қосымша``,
    ``Приложение 2``) or a title naming a setting."""
    return bool(_ANNEX_HEADING.search(text) or match_setting(text))


def match_setting(text: str) -> str | None:
    """Key of the first setting named in ``text`` (title, annex title, header), or None."""
    f = fold(text)
    for s in settings():
        for m in s["match"]:
            fm = fold(m)
            if fm == "стационар":
                # "стационар" alone must not match inside "полустационар"/"жартылай стационар"
                if re.search(r"(?<![\w-])(?<!жартылай )(?<!полу)стационар", f):
                    return s["key"]
            elif fm in f:
                return s["key"]
    return None


@dataclass(frozen=True)
class PositionMatch:
    key: str | None
    score: float  # 100 for an exact spelling, the fuzzy score otherwise, 0 when unknown
    spelling: str | None  # the vocabulary spelling it matched

    @property
    def exact(self) -> bool:
        return self.key is not None and self.score >= 100


@lru_cache(maxsize=1)
def _position_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for p in positions():
        for s in [p["kk"], p["ru"], *p.get("spellings", [])]:
            index[fold(s)] = p["key"]
    return index


def position_threshold() -> float:
    return float(load("positions").get("fuzzy_threshold", 92))


def match_position(text: str) -> PositionMatch:
    """Key of a position as printed: exact on folded spellings, else fuzzy above the threshold."""
    f = fold(text)
    index = _position_index()
    if f in index:
        return PositionMatch(index[f], 100.0, f)
    if not f:
        return PositionMatch(None, 0.0, None)
    best = process.extractOne(f, list(index), scorer=fuzz.ratio)
    if best and best[1] >= position_threshold():
        return PositionMatch(index[best[0]], float(best[1]), best[0])
    return PositionMatch(None, float(best[1]) if best else 0.0, best[0] if best else None)


def known_position_spellings() -> dict[str, str]:
    """Folded spelling -> key, for readers that must find a position inside running text (do not modify)."""
    return _position_index()
