"""Reasons and suggestions of the tariff audit as messages: a message key of ``messages/audit_reasons.yaml``
plus its values, written out in Kazakh, Russian or English only when shown.

Why a separate module: the audit (:mod:`kztariffs.audit_checks`) decides *what* to say about a row;
the words belong to the catalogs (data, one text per language) and the formats to :mod:`kztariffs.i18n`.
A reason is a list of parts, each ``(key, values)``, read one after the other with "; " between them
(the finding first, then notes such as "rate uncertain"). Values are kept language-neutral, so the same
parts give every language:

* money (``price``, ``rate``, ``expected``, ``full``): exact tenge as text (``"958.50"``);
* minutes (``minutes``, ``time``): exact decimals as text, with the places to show (``"59.2"``, ``"30.00"``);
* counts (``rows``, ``timed``, ``untimed``, ``fitting``, ``min_rows``, ``group``, ``annex``): integers;
* positions (``position``, ``other``): vocabulary keys, named by :func:`kztariffs.vocab.label`;
* ``locality``: ``all``/``city``/``village``; ``where``: the key of a message naming the decree or annex;
  ``share``: a fraction of an hour as text (``"5/6"``).

:func:`english` writes the parts as the audit's ``reason``/``suggestion`` columns have always read (tenge
without digit groups, positions by key: a stable text for CSV files and scripts); :func:`render` writes
them for a page in ``lang`` (Babel formats, position names). :func:`dumps`/:func:`loads` keep the parts
in one JSON cell (columns ``reason_values``/``suggestion_values``).
"""
from __future__ import annotations

import json
from decimal import Decimal

from . import i18n
from .vocab import label

Parts = list[tuple[str, dict]]
SEP = "; "
MONEY = frozenset({"price", "rate", "expected", "full"})
NUMBER = frozenset({"minutes", "time"})
COUNT = frozenset({"rows", "timed", "untimed", "fitting", "min_rows", "group", "annex"})
POSITION = frozenset({"position", "other"})


def _places(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _plain(name: str, value, values: dict):
    """A value as the English CSV text has it."""
    if name == "where":
        return i18n.t(value, "en", **{k: _plain(k, v, values) for k, v in values.items() if k != "where"})
    if name == "other":  # "looks like the nurse's price": the position's English name, in lower case
        return label("position", value, "en").lower()
    if name == "position":
        return value or "(unknown position)"
    return str(value)


def _local(name: str, value, values: dict, lang: str):
    """A value as a page in ``lang`` shows it."""
    if name in MONEY:
        return i18n.money(Decimal(value), lang)
    if name in NUMBER:
        return i18n.number(Decimal(str(value)), lang, _places(str(value)))
    if name in COUNT:
        return i18n.number(int(value), lang)
    if name in POSITION:
        text = label("position", value, lang) if value else ""
        return text.lower() if lang == "en" else text  # kk/ru quote the name as it is: «Медицинская сестра»
    if name == "locality":
        return i18n.t(f"brief_locality_{value}", lang) if value in ("all", "city", "village") else str(value)
    if name == "where":
        return i18n.t(value, lang, **{k: _local(k, v, values, lang) for k, v in values.items() if k != "where"})
    return str(value)


def english(parts: Parts) -> str:
    """The parts as the English text of the ``reason``/``suggestion`` columns."""
    return SEP.join(i18n.t(key, "en", **{k: _plain(k, v, values) for k, v in values.items()})
                    for key, values in parts)


def render(parts: Parts | str | None, lang: str) -> str:
    """The parts (or their JSON) as one text in ``lang``; ``""`` when there are none."""
    if parts is None or isinstance(parts, str):
        parts = loads(parts)
    return SEP.join(i18n.t(key, lang, **{k: _local(k, v, values, lang) for k, v in values.items()})
                    for key, values in parts)


def dumps(parts: Parts) -> str:
    return json.dumps([[key, values] for key, values in parts], ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> Parts:
    if not isinstance(text, str) or not text.strip():
        return []
    return [(key, dict(values)) for key, values in json.loads(text)]


def reason(row, lang: str) -> str:
    """The reason of one audit row (a mapping or a named tuple with ``reason_values``) in ``lang``."""
    return render(_get(row, "reason_values"), lang)


def suggestion(row, lang: str) -> str:
    """The suggestion of one audit row in ``lang``."""
    return render(_get(row, "suggestion_values"), lang)


def _get(row, name: str):
    try:
        return getattr(row, name)  # a named tuple (itertuples) or a Series
    except AttributeError:
        return row[name]  # a dict
