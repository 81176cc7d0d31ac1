"""Document specs of the corpus: one spec per decree document, rendered by every producer (render.py).

A spec is a plain dict::

    {"id", "language": "kk"|"ru", "constructed": bool, "variant", "source": [...seed stems],
     "text": [paragraphs before the first annex: title, act line, preamble, operative points, signature],
     "annexes": [annex, ...], "style": {...}}

and an annex::

    {"heading", "heading_lines", "title", "orientation": "portrait"|"landscape", "repeat_header": bool,
     "header": [[cell or None]],   # None = covered by a span from the left or from above
     "columns": [role, ...],       # no | service | unit | position | time_min | time_h | price | price_city | price_village
     "widths": [cm, ...], "rows": [{"kind": "category", "text"} | {"kind": "row", "cells", "span"}],
     "setting": home|semi_stationary|stationary|temporary, "unit": per_service|per_recipient_day|per_month,
     "style": {...}}

Constructed documents take real service texts, positions and prices from the seeds; what is constructed
(their decree numbers, dates, titles, the extra columns and their values, the layout) is listed in
README.md and in manifest.csv (``constructed``), never inside the documents.
"""
from __future__ import annotations

import copy
from decimal import Decimal

from seeds import S167, S1971, S2999, category_key, kk_seed, ru_table, squash

# Hourly rates (tenge) implied by the seeds (tests/gold/NOTES.md): price = rate x minutes / 60.
RATE_2999 = {"care": Decimal("948.30"), "spec": Decimal("984.90")}
RATE_167 = {"care": Decimal("917.40"), "spec": Decimal("992.10")}

HEADERS_KK = {
    "no": "№", "service": "Қызмет түрлері", "position": "Лауазым", "unit": "Өлшем бірлігі",
    "time_min": "Уақыт нормасы (минут)", "time_h": "Уақыт нормасы (сағат)",
    "price": "Бір қызметтің құны (теңгемен)",
    "price_day": "Бір қызмет алушыға шаққандағы бір күндік қызметтің құны (теңге)",
}
HEADERS_RU = {
    "no": "№ п/п", "service": "Наименование услуги", "position": "Должность",
    "time_min": "Норма времени (минут)", "price": "Стоимость одной услуги (в тенге)",
    "price_day": "Стоимость услуги на одного получателя в день (в тенге)",
}


# ---------------------------------------------------------------- helpers


def value(printed: str) -> Decimal:
    """The number a price (or time) cell prints: `1 896,60` -> 1896.60, `563.2` -> 563.2."""
    s = printed.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return Decimal(s)


def fmt_comma(v: Decimal, grouped: bool = True) -> str:
    """`1 896,60` (2 decimals, decimal comma, space as thousands separator)."""
    q = f"{v.quantize(Decimal('0.01')):,.2f}"
    return q.replace(",", " " if grouped else "").replace(".", ",")


def fmt_plain(v: Decimal) -> str:
    """A time norm as printed: `30`, `7,5`, `0,25`."""
    s = format(v.normalize(), "f")
    return s.replace(".", ",")


def role_of(position: str) -> str:
    p = position.lower()
    if "күтім" in p or "по уходу" in p:
        return "care"
    if "әлеуметтік жұмыс" in p or "социальной работе" in p:
        return "spec"
    raise ValueError(position)


def minutes(price: Decimal, rate: Decimal) -> Decimal:
    m = price / rate * 60
    if m != m.quantize(Decimal("0.01")):
        raise AssertionError(f"{price} is not a whole share of {rate}")
    return m.normalize()


def pick(table: dict, numbers, renumber: bool = True) -> list[dict]:
    """The rows of the given service numbers (in table order) with the category rows above them;
    numbered 1..n again when `renumber`."""
    wanted = {str(n) for n in numbers}
    out: list[dict] = []
    cat = None
    last_cat_out = None
    keep = False
    for r in table["rows"]:
        if r["kind"] == "category":
            cat = r
            continue
        if r["cells"][0]:
            keep = r["cells"][0] in wanted
        if not keep:
            continue
        if cat is not last_cat_out:
            out.append(dict(cat))
            last_cat_out = cat
        out.append(copy.deepcopy(r))
    if renumber:
        n = 0
        for r in out:
            if r["kind"] == "row" and r["cells"][0]:
                n += 1
                r["cells"][0] = str(n)
    return out


def header_row(roles, names) -> list[list[str | None]]:
    return [[names[r] for r in roles]]


def annex(heading_lines, title, header, columns, widths, rows, setting, unit, orientation="portrait",
          repeat_header=True, **style) -> dict:
    return {"heading": " ".join(heading_lines), "heading_lines": list(heading_lines), "title": title,
            "orientation": orientation, "repeat_header": repeat_header, "header": header, "columns": columns,
            "widths": widths, "rows": rows, "setting": setting, "unit": unit, "style": style}


def doc(id, language, variant, text, annexes, constructed=True, source=(), **style) -> dict:
    return {"id": id, "language": language, "constructed": constructed, "variant": variant,
            "source": list(source), "text": text, "annexes": annexes, "style": style}


# ---------------------------------------------------------------- decree texts of constructed documents

KK_POINTS_TAIL = [
    "\"Жұмыспен қамту және әлеуметтік бағдарламалар бөлімі\" мемлекеттік мекемесі осы қаулыдан туындайтын "
    "қажетті шараларды қабылдасын.",
    "Осы қаулының орындалуын бақылау {place} әкімінің жетекшілік ететін орынбасарына жүктелсін.",
    "Осы қаулы оның алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі.",
]
KK_SETTING = {"home": "үй жағдайында", "semi_stationary": "жартылай стационар жағдайында"}


def kk_text(no: int, date: str, settings: list[str], place="Орал қаласы", place_gen="Орал қаласының",
            signature="Қала әкімі М. Байменов", year=2026) -> list[str]:
    preamble = kk_seed(S2999)["text"][2].replace("Орал қаласының әкімдігі", f"{place_gen} әкімдігі")
    what = " және ".join(KK_SETTING[s] for s in settings)
    title = f"{year} жылға {place} бойынша {what} арнаулы әлеуметтік қызметтер көрсетуге арналған тарифтерді бекіту туралы"
    act = f"Батыс Қазақстан облысы {place} әкімдігінің {date} № {no} қаулысы"
    if len(settings) == 1:
        points = [f"Осы қаулының қосымшасына сәйкес {year} жылға {place} бойынша {KK_SETTING[settings[0]]} арнаулы "
                  "әлеуметтік қызметтер көрсетуге арналған тарифтер бекітілсін."]
    else:
        points = [f"Осы қаулының {i}-қосымшасына сәйкес {year} жылға {place} бойынша {KK_SETTING[s]} арнаулы "
                  "әлеуметтік қызметтер көрсетуге арналған тарифтер бекітілсін." for i, s in enumerate(settings, 1)]
    points += [p.format(place=place) for p in KK_POINTS_TAIL]
    return [title, act, preamble] + [f"{i}. {p}" for i, p in enumerate(points, 1)] + [signature]


def kk_heading(no: int, date: str, k: int | None, place="Орал қаласы") -> list[str]:
    return [f"{place} әкімдігінің", f"{date}", f"№ {no} қаулысына {'' if k is None else f'{k}-'}қосымша"]


RU_SETTING = {"home": "на дому", "semi_stationary": "в условиях полустационара"}


def ru_text(no: int, date: str, settings: list[str], year=2026) -> list[str]:
    preamble = ru_table(S2999)["text"][2]
    what = " и ".join(RU_SETTING[s] for s in settings)
    title = f"Об утверждении тарифов на оказание специальных социальных услуг {what} по городу Уральску на {year} год"
    act = f"Постановление акимата города Уральска Западно-Казахстанской области от {date} № {no}"
    if len(settings) == 1:
        points = [f"Утвердить тарифы на оказание специальных социальных услуг {RU_SETTING[settings[0]]} по городу "
                  f"Уральску на {year} год согласно приложению к настоящему постановлению."]
    else:
        points = [f"Утвердить тарифы на оказание специальных социальных услуг {RU_SETTING[s]} по городу Уральску "
                  f"на {year} год согласно приложению {i} к настоящему постановлению." for i, s in enumerate(settings, 1)]
    points += [
        "Государственному учреждению «Отдел занятости и социальных программ» принять необходимые меры, "
        "вытекающие из настоящего постановления.",
        "Контроль за исполнением настоящего постановления возложить на курирующего заместителя акима города Уральска.",
        "Настоящее постановление вводится в действие по истечении десяти календарных дней после дня его первого "
        "официального опубликования.",
    ]
    return [title, act, preamble] + [f"{i}. {p}" for i, p in enumerate(points, 1)] + ["Аким города М. Байменов"]


def ru_heading(no: int, date: str, k: int | None) -> list[str]:
    return [f"Приложение{'' if k is None else f' {k}'} к постановлению", "акимата города Уральска",
            f"от {date} № {no}"]


TITLE_HOME_KK = "Үй жағдайында көрсетілетін арнаулы әлеуметтік қызметтерге тарифтер"
TITLE_SEMI_KK = "Жартылай стационар жағдайында көрсетілетін арнаулы әлеуметтік қызметтерге жан басына шаққандағы тарифтер"
TITLE_HOME_RU = "Тарифы на специальные социальные услуги, оказываемые на дому"
TITLE_SEMI_RU = "Подушевые тарифы на специальные социальные услуги, оказываемые в условиях полустационара"

W4 = [0.9, 8.6, 4.0, 3.4]                # № | service | position | price (portrait, 16.9 cm)
W5 = [0.9, 7.2, 3.8, 2.3, 2.7]           # five columns (portrait)


# ---------------------------------------------------------------- the documents


def seed_docs() -> list[dict]:
    out = []
    for stem, id_, setting, unit, repeat, widths in (
            (S2999, "seed-2999_kk", "home", "per_service", True, W4),
            (S1971, "seed-1971_kk", "semi_stationary", "per_recipient_day", False, W4),
            (S167, "seed-167_kk", "home", "per_service", True, [0.9, 7.4, 4.2, 2.2, 2.2])):
        t = kk_seed(stem)
        cols = ["no", "service", "position", "price"] if len(t["header"][0]) == 4 else \
            ["no", "service", "position", "price_city", "price_village"]
        a = annex(t["heading_lines"], t["title"], t["header"], cols, widths, copy.deepcopy(t["rows"]), setting, unit,
                  repeat_header=repeat)
        out.append(doc(id_, "kk", "seed", t["text"], [a], constructed=False, source=[stem]))
    return out


def _with_time(rows, rates, col_at: int, hours=False) -> list[dict]:
    """Insert a time-norm cell at `col_at` in every priced row (minutes or hours of the position's rate)."""
    for r in rows:
        if r["kind"] != "row":
            continue
        m = minutes(value(r["cells"][-1]), rates[role_of(r["cells"][2])])
        cell = fmt_plain(m / 60) if hours else fmt_plain(m)
        r["cells"].insert(col_at, cell)
    return rows


def constructed_docs() -> list[dict]:
    t2999, t1971, t167 = kk_seed(S2999), kk_seed(S1971), kk_seed(S167)
    docs = []

    # unit-col: an "Өлшем бірлігі" column between service and position
    rows = pick(t2999, list(range(1, 14)) + list(range(21, 27)) + list(range(62, 71)))
    for r in rows:
        if r["kind"] == "row":
            m = minutes(value(r["cells"][3]), RATE_2999[role_of(r["cells"][2])])
            r["cells"].insert(2, "1 сағат" if m == 60 else "1 қызмет")
    cols = ["no", "service", "unit", "position", "price"]
    docs.append(doc("unit-col_kk", "kk", "unit-col", kk_text(3001, "2026 жылғы 12 қаңтардағы", ["home"]), [annex(
        kk_heading(3001, "2026 жылғы 12 қаңтардағы", None), TITLE_HOME_KK, header_row(cols, HEADERS_KK), cols,
        [0.9, 7.3, 2.2, 3.8, 2.7], rows, "home", "per_service")], source=[S2999]))

    # time-norm in minutes (Oral 2999: care worker 948,30/h, specialist 984,90/h)
    rows = _with_time(pick(t2999, list(range(14, 21)) + list(range(27, 45))), RATE_2999, 3)
    cols = ["no", "service", "position", "time_min", "price"]
    docs.append(doc("time-norm-min_kk", "kk", "time-norm", kk_text(3002, "2026 жылғы 12 қаңтардағы", ["home"]), [annex(
        kk_heading(3002, "2026 жылғы 12 қаңтардағы", None), TITLE_HOME_KK, header_row(cols, HEADERS_KK), cols,
        [0.9, 7.6, 3.8, 2.2, 2.4], rows, "home", "per_service")], source=[S2999]))

    # time-norm in hours (Bokey Orda services whose rows are 0,5 / 1 / 2 hours; a merged group keeps the rows that are)
    rows = []
    group: list[dict] = []

    def flush():
        kept = [g for g in group if minutes(value(g["cells"][3]), RATE_167[role_of(g["cells"][2])]) in (30, 60, 120)]
        if kept and kept[0] is group[0]:
            kept[0]["span"] = len(kept)
            rows.extend(kept)
        group.clear()

    for r in t167["rows"]:
        if r["kind"] == "category":
            flush()
            rows.append(dict(r))
            continue
        if r["cells"][0]:
            flush()
        group.append({"kind": "row", "cells": r["cells"][:3] + [r["cells"][4]], "span": r["span"]})
    flush()
    rows = [r for i, r in enumerate(rows)
            if not (r["kind"] == "category" and (i + 1 == len(rows) or rows[i + 1]["kind"] == "category"))]
    n = 0
    for r in rows:
        if r["kind"] == "row" and r["cells"][0]:
            n += 1
            r["cells"][0] = str(n)
    _with_time(rows, RATE_167, 3, hours=True)
    cols = ["no", "service", "position", "time_h", "price"]
    docs.append(doc("time-norm-hours_kk", "kk", "time-norm", kk_text(
        171, "2026 жылғы 14 қаңтардағы", ["home"], place="Бөкей ордасы ауданы", place_gen="Бөкей ордасы ауданының",
        signature="Аудан әкімі Н. Даумов"), [annex(
            kk_heading(171, "2026 жылғы 14 қаңтардағы", None, place="Бөкей ордасы ауданы"), TITLE_HOME_KK,
            [["№", "Қызмет атауы", "Лауазымы", "Уақыт нормасы (сағат)", "Бір қызметтің құны (теңге)"]], cols,
            [0.9, 7.6, 3.8, 2.2, 2.4], rows, "home", "per_service")], source=[S167]))

    # two-level header, city and village prices (village: Bokey Orda's price for the same position and time)
    rows = pick(t2999, list(range(2, 13)) + list(range(45, 62)))
    city_zero, village_zero = {"9", "24"}, {"2", "27"}
    for r in rows:
        if r["kind"] != "row":
            continue
        role = role_of(r["cells"][2])
        p = value(r["cells"][3])
        village = RATE_167[role] * minutes(p, RATE_2999[role]) / 60
        r["cells"][3:] = ["0" if r["cells"][0] in city_zero else r["cells"][3],
                          "0" if r["cells"][0] in village_zero else fmt_comma(village)]
    cols = ["no", "service", "position", "price_city", "price_village"]
    header = [["№", "Қызмет атауы", "Лауазымы", "Бір қызметтің құны (теңге)", None],
              [None, None, None, "Қала тарифі", "Ауыл тарифі"]]
    docs.append(doc("two-level_kk", "kk", "two-level", kk_text(3003, "2026 жылғы 13 қаңтардағы", ["home"]), [annex(
        kk_heading(3003, "2026 жылғы 13 қаңтардағы", None), TITLE_HOME_KK, header, cols,
        [0.9, 7.4, 3.9, 2.4, 2.4], rows, "home", "per_service")], source=[S2999, S167]))

    # landscape: 1971 day-care rows on landscape pages
    rows = pick(t1971, range(20, 51))
    cols = ["no", "service", "position", "price"]
    docs.append(doc("landscape_kk", "kk", "landscape", kk_text(3004, "2025 жылғы 20 қазандағы", ["semi_stationary"],
                                                                 year=2025), [annex(
        kk_heading(3004, "2025 жылғы 20 қазандағы", None), TITLE_SEMI_KK,
        header_row(["no", "service", "position", "price_day"], HEADERS_KK), cols,
        [1.2, 14.0, 6.0, 5.0], rows, "semi_stationary", "per_recipient_day", orientation="landscape")],
        source=[S1971]))

    # dot-decimals: 1896.60
    rows = pick(t2999, list(range(1, 21)) + list(range(71, 77)))
    for r in rows:
        if r["kind"] == "row":
            r["cells"][3] = f"{value(r['cells'][3]):.2f}"
    docs.append(doc("dot-decimals_kk", "kk", "dot-decimals", kk_text(3005, "2026 жылғы 15 қаңтардағы", ["home"]), [annex(
        kk_heading(3005, "2026 жылғы 15 қаңтардағы", None), TITLE_HOME_KK,
        header_row(["no", "service", "position", "price"], HEADERS_KK), ["no", "service", "position", "price"], W4,
        rows, "home", "per_service")], source=[S2999]))

    # no-repeat / repeat: the same table with and without the header on every page
    for rep, no in ((False, 3006), (True, 3007)):
        rows = pick(t2999, range(27, 62))
        docs.append(doc(f"{'repeat' if rep else 'no-repeat'}_kk", "kk", "repeat" if rep else "no-repeat",
                        kk_text(no, "2026 жылғы 15 қаңтардағы", ["home"]), [annex(
                            kk_heading(no, "2026 жылғы 15 қаңтардағы", None), TITLE_HOME_KK,
                            header_row(["no", "service", "position", "price"], HEADERS_KK),
                            ["no", "service", "position", "price"], W4, rows, "home", "per_service",
                            repeat_header=rep, rl_split_by_row=0)], source=[S2999]))

    # two annexes: home-based per service, semi-stationary per recipient per day
    docs.append(doc("two-annexes_kk", "kk", "two-annexes",
                    kk_text(3008, "2026 жылғы 16 қаңтардағы", ["home", "semi_stationary"]), [
        annex(kk_heading(3008, "2026 жылғы 16 қаңтардағы", 1), TITLE_HOME_KK,
              header_row(["no", "service", "position", "price"], HEADERS_KK), ["no", "service", "position", "price"],
              W4, pick(t2999, range(45, 59)), "home", "per_service"),
        annex(kk_heading(3008, "2026 жылғы 16 қаңтардағы", 2), TITLE_SEMI_KK,
              header_row(["no", "service", "position", "price_day"], HEADERS_KK),
              ["no", "service", "position", "price"], W4, pick(t1971, list(range(1, 10)) + list(range(113, 124))),
              "semi_stationary", "per_recipient_day")], source=[S2999, S1971]))

    # columns reordered: position before service
    rows = pick(t2999, list(range(14, 27)) + list(range(62, 77)))
    for r in rows:
        if r["kind"] == "row":
            c = r["cells"]
            r["cells"] = [c[0], c[2], c[1], c[3]]
    docs.append(doc("columns-reordered_kk", "kk", "columns-reordered",
                    kk_text(3009, "2026 жылғы 19 қаңтардағы", ["home"]), [annex(
                        kk_heading(3009, "2026 жылғы 19 қаңтардағы", None), TITLE_HOME_KK,
                        [["№", "Лауазым", "Қызмет түрлері", "Бір қызметтің құны"]],
                        ["no", "position", "service", "price"], [0.9, 4.0, 8.6, 3.4], rows, "home", "per_service")],
                    source=[S2999]))

    # one-line services: short texts next to their №, small padding, service text close to the position cell
    short = [6, 8, 11, 21, 22, 23, 24, 25, 26, 29, 30, 46, 52, 54, 55, 56, 64, 66, 69, 72, 76]
    rows = pick(t2999, short)
    docs.append(doc("one-line_kk", "kk", "one-line", kk_text(3010, "2026 жылғы 20 қаңтардағы", ["home"]), [annex(
        kk_heading(3010, "2026 жылғы 20 қаңтардағы", None), TITLE_HOME_KK,
        header_row(["no", "service", "position", "price"], HEADERS_KK), ["no", "service", "position", "price"],
        "fit", rows, "home", "per_service", orientation="landscape", padding=1, gap=0.25)], source=[S2999]))

    # merged across a page: № and service cells merged down over 3-5 position rows (Bokey Orda style)
    groups = [(12, 14), (17, 19), (22, 24), (28, 31), (34, 36), (79, 84), (89, 91), (95, 97), (100, 104)]
    rows = []
    cat_seen = None
    n = 0
    by_no = {}
    cat_of = {}
    cat = None
    for r in t1971["rows"]:
        if r["kind"] == "category":
            cat = r
        else:
            by_no[int(r["cells"][0])] = r
            cat_of[int(r["cells"][0])] = cat
    for a, b in groups:
        if cat_of[a] is not cat_seen:
            rows.append(dict(cat_of[a]))
            cat_seen = cat_of[a]
        n += 1
        for k in range(a, b + 1):
            c = list(by_no[k]["cells"])
            if k == a:
                rows.append({"kind": "row", "cells": [str(n)] + c[1:], "span": b - a + 1})
            else:
                rows.append({"kind": "row", "cells": ["", ""] + c[2:], "span": 0})
    docs.append(doc("merged-across-page_kk", "kk", "merged-across-page",
                    kk_text(3011, "2025 жылғы 21 қазандағы", ["semi_stationary"], year=2025), [annex(
                        kk_heading(3011, "2025 жылғы 21 қазандағы", None), TITLE_SEMI_KK,
                        header_row(["no", "service", "position", "price_day"], HEADERS_KK),
                        ["no", "service", "position", "price"], W4, rows, "semi_stationary", "per_recipient_day",
                        valign="top", rl_split_by_row=0)], source=[S1971]))

    # ---- Russian
    r2999, r1971 = ru_table(S2999), ru_table(S1971)
    docs.append(doc("russian-2999_ru", "ru", "russian", r2999["text"], [annex(
        r2999["heading_lines"], r2999["title"], r2999["header"], ["no", "service", "position", "price"], W4,
        copy.deepcopy(r2999["rows"]), "home", "per_service")], source=[S2999]))
    date = "16 января 2026 года"
    docs.append(doc("two-annexes_ru", "ru", "two-annexes", ru_text(3012, date, ["home", "semi_stationary"]), [
        annex(ru_heading(3012, date, 1), TITLE_HOME_RU, header_row(["no", "service", "position", "price"], HEADERS_RU),
              ["no", "service", "position", "price"], W4, pick(r2999, range(1, 14)), "home", "per_service"),
        annex(ru_heading(3012, date, 2), TITLE_SEMI_RU,
              header_row(["no", "service", "position", "price_day"], HEADERS_RU), ["no", "service", "position", "price"],
              W4, pick(r1971, list(range(1, 10)) + list(range(113, 124))), "semi_stationary", "per_recipient_day")],
        source=[S2999, S1971]))
    date = "19 января 2026 года"
    rows = _with_time(pick(r2999, list(range(14, 21)) + list(range(27, 45))), RATE_2999, 3)
    cols = ["no", "service", "position", "time_min", "price"]
    docs.append(doc("time-norm_ru", "ru", "time-norm", ru_text(3013, date, ["home"]), [annex(
        ru_heading(3013, date, None), TITLE_HOME_RU, header_row(cols, HEADERS_RU), cols, [1.1, 7.4, 3.8, 2.2, 2.4],
        rows, "home", "per_service")], source=[S2999]))
    return docs


def all_docs() -> list[dict]:
    docs = seed_docs() + constructed_docs()
    ids = [d["id"] for d in docs]
    assert len(ids) == len(set(ids)), ids
    for d in docs:
        for a in d["annexes"]:
            n = len(a["columns"])
            assert all(len(h) == n for h in a["header"]), (d["id"], a["header"])
            for r in a["rows"]:
                if r["kind"] == "row":
                    assert len(r["cells"]) == n, (d["id"], r)
                else:
                    assert category_key(r["text"]), (d["id"], r)
            _check_spans(d["id"], a)
    return docs


def _check_spans(id_: str, a: dict) -> None:
    rows = a["rows"]
    cno, csv_ = a["columns"].index("no"), a["columns"].index("service")
    i = 0
    while i < len(rows):
        r = rows[i]
        if r["kind"] == "row" and r["span"] > 1:
            for k in range(1, r["span"]):
                x = rows[i + k]
                assert x["kind"] == "row" and x["span"] == 0 and not x["cells"][cno] and not x["cells"][csv_], (id_, i)
            i += r["span"]
            continue
        if r["kind"] == "row":
            assert r["span"] == 1 and squash(r["cells"][cno]), (id_, i, r)
        i += 1
