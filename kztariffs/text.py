"""Text repair shared by readers: whitespace, letter-spaced words, wrapped lines."""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
# 3+ single letters separated by single spaces: "Д ә р і г е р" (word gaps are 2+ spaces).
_SPACED = re.compile(r"(?<![^\s(\"«])((?:\w ){2,}\w)(?=$|[\s,.;:)\"»-])")
# Letters that are words on their own in Russian/Kazakh; never glued to the previous line.
_ONE_LETTER_WORDS = set("иваксоуяИВАКСОУЯ")


def squash(text: str) -> str:
    """Collapse all whitespace (incl. no-break spaces and line breaks) to single spaces."""
    return _WS.sub(" ", text or "").strip()


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
    out = re.sub(r"\s+([,.;:)»])", r"\1", out)
    out = re.sub(r"([(«])\s+", r"\1", out)
    return squash(out)


def fold(text: str) -> str:
    """Comparison form: NFC, lower case, ё->е, no spaces around hyphens/slashes, single spaces."""
    t = unicodedata.normalize("NFC", repair_letter_spacing(text or "")).lower().replace("ё", "е")
    t = t.replace("–", "-").replace("—", "-")
    t = re.sub(r"\s*([-/])\s*", r"\1", t)
    t = re.sub(r"\s*([()])\s*", r" \1 ", t)
    t = re.sub(r"[\"«»“”.,;:]", " ", t)
    return squash(t)
