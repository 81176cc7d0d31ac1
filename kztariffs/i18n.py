"""Kazakh, Russian and English for everything people read: message catalogs kept as data, numbers,
money and dates formatted by locale with Babel.

Catalogs are YAML files in ``kztariffs/messages/`` (one per part of the product: ``plots.yaml``,
``notebooks.yaml``, ``report.yaml``, ``brief.yaml`` ...), each mapping a key to its ``kk``, ``ru`` and
``en`` text; keys are unique across the files (``tests`` check that every key has all three languages
and that the placeholders agree). Texts may hold ``{name}`` placeholders, filled by :func:`t`.

Formatting is Babel's, never by hand: ``money(Decimal("1896.6"), "ru")`` -> ``1 896,60`` (the locale's
group and decimal signs; exact, the value never passes through float); ``en`` -> ``1,896.60``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import DecreeError
from .numbers import to_tiyn

LANGS = ("kk", "ru", "en")
LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}
CATALOG_DIR = Path(__file__).parent / "messages"
MISSING = "—"


def check_lang(lang: str | None, where: str | None = None) -> str:
    """``lang`` when it is one of :data:`LANGS`; else a one-line DecreeError saying which are known."""
    if lang in LANGS:
        return lang
    raise DecreeError(where, f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """Every message: key -> {lang: text}, from all catalog files (a key defined twice is an error)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in doc.items():
            if key in out:
                raise ValueError(f"{path.name}: message {key!r} is already defined in another catalog")
            out[key] = {lang: str(texts[lang]) for lang in LANGS if lang in texts}
    return out


def t(key: str, lang: str, **values) -> str:
    """The message ``key`` in ``lang`` (English when that language lacks it), placeholders filled."""
    texts = catalog()[key]
    text = texts.get(lang) or texts["en"]
    return text.format(**values) if values else text


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


def _exact(value) -> Decimal | None:
    if value is None or value is MISSING:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return Decimal(repr(float(value)))
    if isinstance(value, Fraction):
        return to_tiyn(value)
    if not isinstance(value, (Decimal, int, str)) and hasattr(value, "__index__"):
        return Decimal(int(value))  # numpy integers
    if not isinstance(value, (Decimal, int, str)) and hasattr(value, "item"):
        return _exact(value.item())  # numpy floats
    return Decimal(value)


def money(value, lang: str) -> str:
    """Tenge to the tiyn, in the locale's format (``1 896,60``); ``—`` when missing."""
    v = _exact(value)
    if v is None:
        return MISSING
    from babel.numbers import format_decimal

    text = format_decimal(abs(to_tiyn(v)), format="#,##0.00", locale=_locale(lang))
    return f"−{text}" if v < 0 and to_tiyn(v) != 0 else text  # the minus sign percent() uses too


def number(value, lang: str, decimals: int = 0) -> str:
    """A count or quantity in the locale's format (``12 345``; ``7,5`` with ``decimals=1``)."""
    v = _exact(value)
    if v is None:
        return MISSING
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(v, format=pattern, locale=_locale(lang))


def percent(value, lang: str, decimals: int = 1, signed: bool = True) -> str:
    """A value already in percent (``-3.26``) as ``−3,3 %`` / ``-3.3%`` by locale; ``—`` when missing."""
    v = _exact(value)
    if v is None:
        return MISSING
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(abs(v), format=pattern, locale=_locale(lang))
    sign = ("+" if v > 0 else "−" if v < 0 else "±") if signed else ("−" if v < 0 else "")
    return f"{sign}{text}\u00a0%" if lang != "en" else f"{sign}{text}%"


def date(value, lang: str) -> str:
    """A date (``date`` or ISO text) in the locale's medium format; the text itself when not a date."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    from babel.dates import format_date

    return format_date(value, format="medium", locale=_locale(lang))
