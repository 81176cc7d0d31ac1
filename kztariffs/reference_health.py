"""Reader of the health-care standard: Health Minister order No. 153 of 13.10.2023 (registry No. 33545).

The standard of special social services in health care (Kazakh text converted from PDF to Markdown-like
text): chapters 4-6 list the services per level of health organization and per category ->
:func:`read_health_standard`. Its own module because the Markdown-like paragraph/item grammar has nothing
in common with the wrapped-column table of the staffing norms (:mod:`kztariffs.reference_staffing`);
:mod:`kztariffs.reference` writes the table.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .errors import DecreeError
from .reference_source import category_key, read_lines
from .text import squash

HEALTH_STANDARD_FILE = "health-ministry-order_2023-10-13_no153_health-care-standard_kk.txt"

HEALTH_COLUMNS = [
    "chapter_no", "chapter_title", "paragraph_no", "category", "category_text", "item_no",
    "service_text", "source_file", "source_sha256", "line",
]


# "**4-тарау. Title**", possibly behind Markdown heading marks.
_CHAPTER = re.compile(r"^\s*(?:#+\s*)?\*\*\s*(\d+)-тарау\.\s*(.*?)\s*\*\*\s*$")
# "14. Text", possibly behind heading marks / bold.
_PARAGRAPH = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?(\d+)\.\s+(.*?)(?:\*\*)?\s*$")
# "14. Әлеуметтік-медициналық қызметтер:" - a category heading whose items follow.
_CATEGORY_HEAD = re.compile(r"^(Әлеуметтік-\w+ қызметтер(?:і)?)\s*:\s*$", re.IGNORECASE)
# "19. ... бағытталған әлеуметтік-еңбек қызметтері." - a paragraph that is itself the service.
_CATEGORY_TAIL = re.compile(r"(әлеуметтік-\w+ қызметтер(?:і)?)\.\s*$", re.IGNORECASE)
# "1) text", "- 1) text", "  - 2) text".
_ITEM = re.compile(r"^\s*(?:[-*]\s+)?(\d+)\)\s+(.*?)\s*$")
_PAGE_BREAK = re.compile(r"^\s*(?:---+|\*\*\*+)\s*$")


def _strip_md(text: str) -> str:
    return squash(text.replace("**", ""))


def read_health_standard(path: str | Path) -> pd.DataFrame:
    """Service items of the health-care standard: one row per numbered item of a category paragraph.

    The document names the eight categories in numbered paragraphs of chapters 4-6 (one chapter per level
    of health organization). A paragraph ``"N. Әлеуметтік-X қызметтер:"`` is followed by items ``"1) ..."``
    (one row each, ``item_no`` = the printed number) or by one unnumbered paragraph (one row, no
    ``item_no``); a paragraph that ends in ``"... әлеуметтік-X қызметтері."`` is itself the only service of
    that category (one row, no ``item_no``, ``service_text`` = the paragraph).
    """
    path = Path(path)
    lines, sha = read_lines(path)
    rows: list[dict] = []
    chapter_no: int | None = None
    chapter_title = ""
    # The open category paragraph: (paragraph_no, category_text) or None.
    block: tuple[int, str] | None = None
    current: dict | None = None  # the row being read (continuation lines are appended)

    def emit(row: dict | None) -> None:
        if row is not None:
            row["service_text"] = squash(row["service_text"])
            rows.append(row)

    def new_row(item_no: int | None, text: str, lineno: int) -> dict:
        assert block is not None
        return {
            "chapter_no": chapter_no, "chapter_title": chapter_title, "paragraph_no": block[0],
            "category": category_key(block[1]), "category_text": block[1], "item_no": item_no,
            "service_text": text, "source_file": path.name, "source_sha256": sha, "line": lineno,
        }

    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip() or _PAGE_BREAK.match(raw):
            continue
        m = _CHAPTER.match(raw)
        if m:
            emit(current)
            current, block = None, None
            chapter_no, chapter_title = int(m.group(1)), _strip_md(m.group(2))
            continue
        m = _PARAGRAPH.match(raw)
        if m:
            emit(current)
            current, block = None, None
            para_no, body = int(m.group(1)), _strip_md(m.group(2))
            head = _CATEGORY_HEAD.match(body)
            if head:
                block = (para_no, head.group(1))
                continue
            tail = _CATEGORY_TAIL.search(body)
            if tail and chapter_no is not None:
                block = (para_no, tail.group(1))
                emit(new_row(None, body, lineno))
                block = None
            continue
        if block is None:
            continue  # text outside the category paragraphs (general provisions, signatures ...)
        m = _ITEM.match(raw)
        if m:
            emit(current)
            current = new_row(int(m.group(1)), _strip_md(m.group(2)), lineno)
            continue
        text = _strip_md(re.sub(r"^\s*(?:#+|[-*])\s+", "", raw))
        if current is None:
            current = new_row(None, text, lineno)  # an unnumbered paragraph under the heading
        else:
            current["service_text"] += " " + text  # a wrapped continuation line
    emit(current)

    if not rows:
        raise DecreeError(path, "no category paragraphs with service items found (not the health-care standard?)")
    df = pd.DataFrame(rows, columns=HEALTH_COLUMNS)
    for col in ("chapter_no", "paragraph_no", "item_no", "line"):
        df[col] = df[col].astype("Int64")
    return df
