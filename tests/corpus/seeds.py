"""Seed content for the corpus: the three Kazakh seed decrees and the constructed Russian texts.

Read straight from committed files, without the package (its readers are what the corpus tests):

- the Kazakh annex tables from the portal-style HTML fixtures in ``tests/fixtures/html/`` (made from
  ``data/raw/`` by ``tests/fixtures/make_fixtures.py``; checked here against ``tests/gold/*.csv``);
- the Russian texts from ``tests/fixtures/ru/*.portal.txt`` (constructed translations; see the README there);
- category keys from ``kztariffs/vocab/categories.yaml`` (plain YAML).

A table is ``{"text": [...], "heading": str, "title": str, "header": [[...]], "rows": [...]}`` with rows
``{"kind": "category", "text": ...}`` or ``{"kind": "row", "cells": [...], "span": n}`` (``span`` > 1: this
row's № and service cells cover the next ``span - 1`` rows, whose own № and service cells are empty and
whose ``span`` is 0).
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import html as lhtml

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures"
GOLD = ROOT / "tests" / "gold"

S2999 = "oral-city_2025-12-18_no2999_home-2026_kk"
S1971 = "oral-city_2025-09-16_no1971_semi-stationary-2025_kk"
S167 = "bokey-orda-district_2025-12-24_no167_home-2026_kk"
SEEDS = (S2999, S1971, S167)


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


@lru_cache(None)
def category_matchers() -> tuple[tuple[str, tuple[str, ...]], ...]:
    doc = yaml.safe_load((ROOT / "kztariffs" / "vocab" / "categories.yaml").read_text(encoding="utf-8"))
    return tuple((c["key"], tuple(c["match"])) for c in doc["categories"])


def category_key(text: str) -> str | None:
    low = squash(text).lower()
    for key, stems in category_matchers():
        if any(s in low for s in stems):
            return key
    return None


# The 1971 seed is text taken from a PDF (words out of order in places): its decree text is written
# out here in clean paragraphs, word for word from data/raw/oral-city_2025-09-16_no1971_semi-stationary-2025_kk.pdf.txt.
TEXT_1971 = [
    "2025 жылға Орал қаласы бойынша жартылай стационар жағдайында арнаулы әлеуметтік қызметтер көрсетуге "
    "арналған тарифтерді бекіту туралы",
    "Батыс Қазақстан облысы Орал қаласы әкімдігінің 2025 жылғы 16 қыркүйектегі № 1971 қаулысы",
    "Қазақстан Республикасының Әлеуметтік кодексіне, \"Қазақстан Республикасындағы жергілікті мемлекеттік "
    "басқару және өзін-өзі басқару туралы\" Қазақстан Республикасының Заңына, \"Арнаулы әлеуметтік қызметтер "
    "көрсететін ұйымдар қызметінің қағидаларын бекіту туралы\" Қазақстан Республикасы Премьер-Министрінің "
    "орынбасары - Еңбек және халықты әлеуметтік қорғау министрінің 2023 жылғы 22 маусымдағы № 230 бұйрығына "
    "(Нормативтік құқықтық актілерді мемлекеттік тіркеу тізілімінде № 32875 болып тіркелген), \"Халықты "
    "әлеуметтік қорғау саласында арнаулы әлеуметтік қызметтер көрсету стандарттарын бекіту туралы\" Қазақстан "
    "Республикасы Премьер-Министрінің орынбасары - Еңбек және халықты әлеуметтік қорғау министрінің 2023 жылғы "
    "29 маусымдағы № 263 бұйрығына (Нормативтік құқықтық актілерді мемлекеттік тіркеу тізілімінде № 32941 болып "
    "тіркелген), \"Арнаулы әлеуметтік қызметтерге тарифтерді қалыптастырудың ережесі мен әдістемесін бекіту "
    "туралы\" Қазақстан Республикасы Премьер-Министрінің орынбасары - Еңбек және халықты әлеуметтік қорғау "
    "министрінің 2023 жылғы 30 маусымдағы № 281 бұйрығына (Нормативтік құқықтық актілерді мемлекеттік тіркеу "
    "тізілімінде № 32987 болып тіркелген) сәйкес, Орал қаласының әкімдігі ҚАУЛЫ ЕТЕДІ:",
    "1. Осы қаулының қосымшасына сәйкес 2025 жылға Орал қаласы бойынша жартылай стационар жағдайында арнаулы "
    "әлеуметтік қызметтер көрсетуге арналған тарифтері бекітілсін.",
    "2. \"Жұмыспен қамту және әлеуметтік бағдарламалар бөлімі\" мемлекеттік мекемесі осы қаулыдан туындайтын "
    "қажетті шараларды қабылдасын.",
    "3. Осы қаулының орындалуын бақылау Орал қаласы әкімінің жетекшілік ететін орынбасарына жүктелсін.",
    "4. Осы қаулы оның алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа "
    "енгізіледі.",
    "Қала әкімі М. Байменов",
]


def _cell_text(td) -> str:
    return squash(td.text_content())


@lru_cache(None)
def kk_seed(stem: str) -> dict:
    """A Kazakh seed decree read from its portal-style HTML fixture."""
    doc = lhtml.fromstring((FIX / "html" / f"{stem}.html").read_bytes())
    body = doc.get_element_by_id("document")
    text = [squash(e.text_content()) for e in body.xpath("./h1|./p")]
    head = body.xpath("./div[contains(@class,'annex-head')]")[0]
    heading_lines = [squash(x) for x in head.xpath(".//text()") if squash(x)]
    title = squash(body.xpath("./h3")[0].text_content())
    if stem == S1971:  # the PDF text breaks the annex title into the heading block
        text = list(TEXT_1971)
        title = squash(heading_lines[-1] + " " + title)
        heading_lines = heading_lines[:-1]
    table = body.xpath(".//table")[0]
    trs = table.xpath(".//tr")
    nhead = 2 if stem == S167 else 1
    ncols = 5 if stem == S167 else 4
    if nhead == 2:  # № / service / position span both header rows, the tariff spans both price columns
        header = [[_cell_text(td) for td in trs[0].xpath("./td")[:4]] + [None],
                  [None, None, None] + [_cell_text(td) for td in trs[1].xpath("./td")]]
    else:
        header = [[_cell_text(td) for td in trs[0].xpath("./td")]]
    rows: list[dict] = []
    for tr in trs[nhead:]:
        tds = tr.xpath("./td")
        if len(tds) == 1:
            rows.append({"kind": "category", "text": _cell_text(tds[0])})
            continue
        cells = [_cell_text(td) for td in tds]
        if len(cells) < ncols:  # continuation row under a rowspan
            cells = ["", ""] + cells
            rows.append({"kind": "row", "cells": cells, "span": 0})
            continue
        span = int(tds[0].get("rowspan", 1))
        rows.append({"kind": "row", "cells": cells, "span": span})
    return {"text": text, "heading": " ".join(heading_lines), "heading_lines": heading_lines, "title": title,
            "header": header, "rows": rows}


# ---------------------------------------------------------------- Russian (constructed) portal texts


@lru_cache(None)
def ru_text(stem_kk: str) -> dict:
    """The constructed Russian version of a seed (tests/fixtures/ru/<stem>_ru.portal.txt)."""
    stem = stem_kk[: -len("_kk")] + "_ru"
    raw = (FIX / "ru" / f"{stem}.portal.txt").read_text(encoding="utf-8")
    lines = raw.split("\n")
    text: list[str] = []
    i = 0
    while "Приложение к постановлению" not in lines[i]:
        s = squash(lines[i])
        if s and not s.startswith("[bookmark"):
            text.append(s)
        i += 1
    # signature: "Аким города" + "М. Байменов" on one line, as the Kazakh text prints it
    if len(text) >= 2 and not text[-1].endswith((".", ":")) and not text[-2].endswith((".", ":")):
        text[-2:] = [text[-2] + " " + text[-1]]
    heading_lines = []
    while squash(lines[i]):
        heading_lines.append(squash(lines[i]))
        i += 1
    while not squash(lines[i]):
        i += 1
    title = squash(lines[i])
    # portal text view: a blank line, then a line holding only a tab, starts a row; a tab line separates cells
    body = "\n".join(lines[i + 1:]).rstrip()
    table_rows = []
    for chunk in re.split(r"\n\n(?=\t *\n)", "\n\n" + body.lstrip("\n")):
        if not chunk.strip():
            continue
        cells = re.split(r"(?:^|\n)\t *\n", chunk)[1:]
        table_rows.append([squash(c) for c in cells])
    return {"text": text, "heading_lines": heading_lines, "heading": " ".join(heading_lines), "title": title,
            "table_rows": table_rows}


def ru_table(stem_kk: str) -> dict:
    """The Russian table in the corpus shape (header, rows with spans)."""
    t = ru_text(stem_kk)
    trs = t["table_rows"]
    header, body = [trs[0]], trs[1:]  # the Oral fixtures have a one-row header
    ncols = len(header[0])
    rows: list[dict] = []
    for cells in body:
        filled = [c for c in cells if c]
        if len(filled) == 1 and category_key(filled[0]):
            rows.append({"kind": "category", "text": filled[0]})
            continue
        cells = (cells + [""] * ncols)[:ncols]
        if not cells[0] and not cells[1] and rows:
            prev = next(x for x in reversed(rows) if x["kind"] == "row" and x["cells"][0])
            prev["span"] += 1
            rows.append({"kind": "row", "cells": cells, "span": 0})
            continue
        rows.append({"kind": "row", "cells": cells, "span": 1})
    return {"text": t["text"], "heading": t["heading"], "heading_lines": t["heading_lines"], "title": t["title"],
            "header": header, "rows": rows}


def gold(stem: str) -> list[dict]:
    with open(GOLD / f"{stem}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
