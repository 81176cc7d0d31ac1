"""Text repair shared by readers: whitespace, letter-spaced words, wrapped lines.

Every function here costs time linear in the length of its text (no pattern can backtrack over a
long run of spaces); ``tests/test_hostile_inputs.py`` times them on megabyte lines.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
# 3+ single letters separated by single spaces: "Д ә р і г е р" (word gaps are 2+ spaces). At most 100
# letters a word (the longest real word has about 30): an unbounded repeat keeps a backtracking mark per
# letter, which took 1 GB on a 30 MB line of "1 2 1 2 ...".
_SPACED = re.compile(r"(?<![^\s(\"«])((?:\w ){2,99}\w)(?=$|[\s,.;:)\"»-])")
_CHUNK = 1 << 20  # long texts are squashed a megabyte at a time (a regex sub keeps a list of its pieces)
# Letters that are words on their own in Russian/Kazakh; never glued to the previous line.
_ONE_LETTER_WORDS = set("иваксоуяИВАКСОУЯ")
# Patterns applied to squashed text (single spaces), so none of them can backtrack over a long run
# of spaces: the cost of every function here is linear in the length of the text.
_SPACE_BEFORE = re.compile(r" ([,.;:)»])")
_SPACE_AFTER = re.compile(r"([(«]) ")
_QUOTES_STOPS = str.maketrans({c: " " for c in "\"«»“”.,;:"})
_DASHES = str.maketrans({"–": "-", "—": "-"})


def squash(text: str) -> str:
    """Collapse all whitespace (incl. no-break spaces and line breaks) to single spaces."""
    text = text or ""
    if len(text) <= _CHUNK:
        return _WS.sub(" ", text).strip()
    parts, i = [], 0
    while i < len(text):  # cut where a non-space follows, so no run of whitespace is split in two
        j = min(len(text), i + _CHUNK)
        while j < len(text) and text[j].isspace():
            j += 1
        parts.append(_WS.sub(" ", text[i:j]))
        i = j
    return "".join(parts).strip()


def repair_letter_spacing(text: str) -> str:
    """Rejoin letter-spaced words, keeping real word gaps.

    PDF text writes justified words letter by letter with single spaces and separates words
    by two or more spaces: ``"К и і м  м е н  төсек"`` -> ``"Киім мен төсек"``.
    """
    return _SPACED.sub(lambda m: m.group(1).replace(" ", ""), text)


def join_wrapped(lines: list[str]) -> str:
    """Join the lines of a wrapped PDF cell into one clean string.

    Repairs letter spacing per line, glues a word split before its last letter
    (``"экономикалы" + "қ мәселелер"``), and tidies spaces around punctuation.
    """
    out = ""
    for raw in lines:
        line = squash(repair_letter_spacing(raw))
        if not line:
            continue
        if not out:
            out = line
            continue
        first = line.split(" ", 1)[0]
        if (len(first) == 1 and first.isalpha() and first.islower() and first not in _ONE_LETTER_WORDS
                and out[-1].isalpha()):
            out += line
        elif out.endswith("-") and not out.endswith(" -") or out.endswith(" -") and line[:1].isalpha():
            out += line  # a hyphen at the end of a line joins the two parts
        else:
            out += " " + line
    out = _SPACE_BEFORE.sub(r"\1", squash(out))  # single spaces only: every pattern is linear
    out = _SPACE_AFTER.sub(r"\1", out)
    return squash(out)


_FOLD_CACHED = 2000  # texts up to this length are folded once and remembered (linking folds the same
# service and position texts for every decree of a round); a long hostile text is never kept


def fold(text: str) -> str:
    """Comparison form: NFC, lower case, ё->е, quotes and stops as spaces, no spaces around
    hyphens/slashes, one around parentheses, single spaces, letter-spaced words joined.

    ``fold(fold(s)) == fold(s)``, and the cost is linear in the length of ``s`` (short texts: once, then
    remembered)."""
    text = text or ""
    return _fold_short(text) if len(text) <= _FOLD_CACHED else _fold(text)


@lru_cache(maxsize=1 << 16)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFC", repair_letter_spacing(text or "")).lower().replace("ё", "е")
    # Whitespace is squashed first, so there is at most one space on either side of a mark, and plain
    # string replacements do what ``\s*([-/])\s*`` did (which backtracked quadratically on a long run
    # of spaces: 40 000 spaces took 13 s).
    t = squash(t.translate(_DASHES).translate(_QUOTES_STOPS))
    for mark in "-/":  # no space on either side of a hyphen or slash
        t = t.replace(" " + mark, mark).replace(mark + " ", mark)
    t = squash(t.replace("(", " ( ").replace(")", " ) "))  # one space on either side of a parenthesis
    return repair_letter_spacing(t)  # single letters the stops stood between ("т.с.с." -> "тсс")
