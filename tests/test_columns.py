"""Column roles come from what the header says (Kazakh or Russian), never from where a column is."""
from pathlib import Path

import pytest

from kztariffs.columns import LayoutError, column_roles, describe, is_header_row
from kztariffs.metadata import read_metadata
from kztariffs.model import RawDecree, RawRow, RawTable
from kztariffs.normalize import normalize


def roles(header, ncols=None, body=None):
    ncols = ncols or max(len(r) for r in header)
    return [(c.role, c.locality, c.unit, c.time_unit) for c in column_roles(header, ncols, body)]


def test_kazakh_header_with_unit_and_time_norm_columns():
    got = roles([["№", "Қызмет түрлері", "Өлшем бірлігі", "Лауазым", "Уақыт нормасы (минут)",
                  "Бір қызметтің құны (теңгемен)"]])
    assert got == [("number", None, None, None), ("service", None, None, None),
                   ("unit_of_measure", None, None, None), ("position", None, None, None),
                   ("time_norm", None, None, "minutes"), ("price", "all", "per_service", None)]


def test_russian_header_columns_in_another_order():
    got = roles([["№ п/п", "Должность", "Наименование услуги", "Норма времени (часов)",
                  "Стоимость услуги на одного получателя в день (в тенге)"]])
    assert [g[0] for g in got] == ["number", "position", "service", "time_norm", "price"]
    assert got[3][3] == "hours" and got[4][2] == "per_recipient_day"


def test_two_level_header_city_and_village():
    header = [["№", "Қызмет атауы", "Лауазымы", "Бір қызметтің құны (теңге)", "Бір қызметтің құны (теңге)"],
              ["№", "Қызмет атауы", "Лауазымы", "Қала", "Ауыл"]]
    got = roles(header)
    assert got[3] == ("price", "city", "per_service", None) and got[4] == ("price", "village", "per_service", None)


def test_an_unknown_column_is_kept_aside_never_a_price():
    got = roles([["№", "Қызмет түрлері", "Лауазым", "Ескерту", "Бір қызметтің құны"]])
    assert got[3][0] == "unknown" and [g[0] for g in got].count("price") == 1


def test_time_norm_without_unit_is_not_read_as_minutes():
    got = roles([["№", "Қызмет түрлері", "Лауазым", "Уақыт нормасы", "Құны"]])
    assert got[3][0] == "unknown"


@pytest.mark.parametrize("header,words", [
    ([["№", "Қызмет түрлері", "Бір қызметтің құны"]], "no position column"),
    ([["№", "Қызмет түрлері", "Лауазым", "Ескерту"]], "no price column"),
    ([["№", "Қызмет түрлері", "Лауазым", "Құны", "Тариф"]], "cannot be told apart"),
    ([], "no header row"),
])
def test_tables_whose_columns_cannot_be_told_apart_are_refused(header, words):
    with pytest.raises(LayoutError, match=words):
        column_roles(header, 4 if not header else len(header[0]))


def test_short_header_rows_of_a_text_view_are_laid_over_the_columns_by_the_body():
    # the portal's text view drops merged cells: 4 header cells over a 5-column body
    header = [["Қызмет", "Лауазымы", "Қала тарифі", "Ауыл тарифі"], ["№", "Атауы", "", "", ""]]
    body = [["1", "Күтім көрсету", "Күтім жөніндегі әлеуметтік қызметкер", "0", "917,4"],
            ["2", "Жерлеу", "Күтім жөніндегі әлеуметтік қызметкер", "0", "1834,8"]]
    got = roles(header, 5, body)
    assert [g[0] for g in got] == ["number", "service", "position", "price", "price"]
    assert [g[1] for g in got[3:]] == ["city", "village"]


def test_header_rows_are_told_from_body_rows():
    assert is_header_row(["№", "Қызмет түрлері", "Лауазым", "Құны"])
    assert is_header_row(["", "", "", "Қала", "Ауыл"])
    assert not is_header_row(["", "коммуналдық қызметтерді төлеуге жәрдемдесу", "әлеуметтік қызметкер", "", ""])
    assert not is_header_row(["14", "Қызмет", "Күтім жөніндегі әлеуметтік қызметкер", "948,30"])


def decree(*tables, text=""):
    return RawDecree(Path("x.txt"), "0" * 64, "portal_text", text, tables=list(tables))


def test_rows_are_read_through_their_roles_and_unknown_columns_reported():
    table = RawTable(header=[["№", "Лауазым", "Ескерту", "Қызмет түрлері", "Уақыт нормасы (сағат)", "Құны"]], rows=[
        RawRow(["Әлеуметтік-тұрмыстық қызметтер", "", "", "", "", ""], line=5),
        RawRow(["1", "Күтім жөніндегі әлеуметтік қызметкер", "x", "Жерлеу", "0,5", "474,15"], line=6),
        RawRow(["", "Медбике", "", "", "1", "958,50"], line=7, spanned=frozenset({0, 3})),
    ])
    raw = decree(table, text="2026 жылға үй жағдайында арнаулы әлеуметтік қызметтер тарифтерін бекіту туралы")
    out = normalize(raw, read_metadata(raw))
    assert [(r["row"], r["service_no"], r["service_text"], r["position"], str(r["time_norm_min"]), str(r["price_kzt"]))
            for r in out.rows] == [(1, 1, "Жерлеу", "Күтім жөніндегі әлеуметтік қызметкер", "30.0", "474.15"),
                                   (2, 1, "Жерлеу", "Медбике", "60", "958.50")]
    assert any("column 3 ('Ескерту') not understood" in n for n in out.notes)


def test_a_refused_table_sends_every_row_to_the_rejects():
    table = RawTable(header=[["№", "Қызмет түрлері", "Ескерту", "Құны"]], rows=[
        RawRow(["1", "Жерлеу", "Медбике", "474,15"], line=6), RawRow(["2", "Басқа", "Медбике", "1"], line=7)])
    raw = decree(table)
    out = normalize(raw, read_metadata(raw))
    assert out.rows == [] and len(out.rejects) == 2
    assert all("no position column" in r["reason"] for r in out.rejects)


def test_describe_names_every_column():
    cols = column_roles([["№", "Қызмет", "Лауазым", "Ескерту", "Қала тарифі"]], 5)
    assert describe(cols) == "number | service | position | ?(Ескерту) | price(city)"


def test_portal_text_with_two_annexes_in_two_settings(tmp_path):
    """A decree approving home-based tariffs (annex 1) and day-care tariffs (annex 2): each annex
    gets its own setting and unit, `row` restarts, the decree's setting is null. Constructed from the
    two constructed Russian fixtures (tests/fixtures/ru)."""
    from kztariffs.dataset import extract_file

    ru = Path(__file__).parent / "fixtures" / "ru"
    home = (ru / "oral-city_2025-12-18_no2999_home-2026_ru.portal.txt").read_text(encoding="utf-8")
    day = (ru / "oral-city_2025-09-16_no1971_semi-stationary-2025_ru.portal.txt").read_text(encoding="utf-8")
    home = home.replace("Приложение к постановлению", "Приложение 1 к постановлению")
    annex2 = day.split("\n")[21:]
    annex2[0] = annex2[0].replace("Приложение к постановлению", "Приложение 2 к постановлению")
    path = tmp_path / "two_annexes.txt"
    path.write_text(home.rstrip("\n") + "\n\n\n" + "\n".join(annex2), encoding="utf-8")
    res = extract_file(path)
    annexes = [(a.number, a.setting, a.unit) for a in res.decree.annexes]
    assert annexes == [(1, "home", "per_service"), (2, "semi_stationary", "per_recipient_day")]
    assert res.decree.setting is None and res.decree.unit is None
    by_annex = {}
    for r in res.rows:
        by_annex.setdefault(r["annex"], []).append(r)
    assert len(by_annex[1]) == 76 and len(by_annex[2]) == 123
    assert by_annex[2][0]["row"] == 1 and by_annex[2][0]["setting"] == "semi_stationary"
    assert {r["unit"] for r in by_annex[2]} == {"per_recipient_day"}
