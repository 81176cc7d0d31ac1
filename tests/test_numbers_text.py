from decimal import Decimal

import pytest

from kztariffs.numbers import PriceError, format_kzt, parse_price
from kztariffs.text import join_wrapped, repair_letter_spacing


@pytest.mark.parametrize("text,value", [
    ("948,30", "948.30"),
    ("1 896,60", "1896.60"),
    ("1\u00a0896,60", "1896.60"),
    ("1\u202f896,6", "1896.6"),
    ("563.2", "563.2"),
    ("1917", "1917"),
    (" 948,30 ", "948.30"),
    ("12 345 678,9", "12345678.9"),
    ("0", "0"),
])
def test_parse_price(text, value):
    assert parse_price(text) == Decimal(value)


def test_parse_price_is_exact():
    assert parse_price("0,1") + parse_price("0,2") == Decimal("0.3")
    assert format_kzt(parse_price("563.2")) == "563.20"
    assert format_kzt(parse_price("1917")) == "1917.00"


@pytest.mark.parametrize("text", ["", "  ", "abc", "1,2,3", "12,345", "948,3О", "-5", "1.234,5"])
def test_parse_price_rejects(text):
    with pytest.raises(PriceError):
        parse_price(text)


@pytest.mark.parametrize("text,expected", [
    ("Д ә р і г е р", "Дәрігер"),
    ("К и і м  м е н  төсек-жабдықтарды", "Киім  мен  төсек-жабдықтарды"),
    ("б а й л а н ы с т ы  ұйымдастыру", "байланысты  ұйымдастыру"),
    ("Қ а з а қ с т а н  Республикасының", "Қазақстан  Республикасының"),
    # real one-letter words and short words are kept apart
    ("услуги и в том числе", "услуги и в том числе"),
    ("Медбике 958,5", "Медбике 958,5"),
])
def test_repair_letter_spacing(text, expected):
    assert repair_letter_spacing(text) == expected


def test_join_wrapped_cell():
    lines = ["Д ә р і г е р  -", "травматолог-ортопед"]
    assert join_wrapped(lines) == "Дәрігер -травматолог-ортопед"
    assert join_wrapped(["әлеуметтік-экономикалы", "қ мәселелер"]) == "әлеуметтік-экономикалық мәселелер"
    assert join_wrapped(["ТҚА бұзылған балаларды", ", мүгедек адамдарды"]) == "ТҚА бұзылған балаларды, мүгедек адамдарды"
    assert join_wrapped(["техникалық көмекші (", "орын толтырушы)"]) == "техникалық көмекші (орын толтырушы)"
    # a Russian one-letter word at a line start stays a word
    assert join_wrapped(["услуги", "и помощь"]) == "услуги и помощь"
