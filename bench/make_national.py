"""Synthetic national rounds of decrees, made from the shipped ones, for the scale benchmark.

A real round is ~220 local bodies x up to 4 settings a year; ten years is ~10,000 decrees. We have
three real Kazakh decrees (``data/raw``: Oral home care 2026 and day care 2025 as portal / PDF text,
Bokey Orda home care 2026). Each synthetic decree is one of them re-issued by another real body of the
KATO classifier (``kztariffs.areas``: regions, cities of republican significance, cities, districts),
for another year, with another number and date, and prices scaled by a yearly index (one decree in
ten also has a few prices changed by a tenge): the text the readers see is a real decree's text with
the issuing body, title, act line and prices replaced, so the real readers parse it unchanged.
The home-care text also gives a stationary and a temporary-stay variant (setting words in the title
and point 1), so a round has up to four settings.

Decrees are made round by round (year by year from ``--first-year``), body by body, setting by
setting, so the first N of a larger set are a set of N (300 decrees: a third of one round; 10,000:
about ten rounds). Bodies whose printed name the metadata reader does not resolve to that same area
(a name several areas share, say) are left out once, up front (``usable_bodies``); ``--verify N``
reads the first N generated decrees back and checks area, year, number and date.

    .venv/bin/python bench/make_national.py --decrees 300 --out /tmp/national
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RAW = ROOT / "data" / "raw"
# month name in the locative ("желтоқсандағы") of each template's act line is kept; day, year and number change
TEMPLATES = {
    "oral_home": ("oral-city_2025-12-18_no2999_home-2026_kk.portal.txt", "Орал қаласы", 2026, "home"),
    "oral_semi": ("oral-city_2025-09-16_no1971_semi-stationary-2025_kk.pdf.txt", "Орал қаласы", 2025,
                  "semi_stationary"),
    "bokey_home": ("bokey-orda-district_2025-12-24_no167_home-2026_kk.portal.txt", "Бөкей ордасы ауданы", 2026,
                   "home"),
}
ACT = re.compile(r"Батыс Қазақстан облысы (?:Орал қаласы|Бөкей ордасы ауданы) әкімдігінің (\d{4}) жылғы (\d{1,2}) "
                 r"(\w+) № (\d+)")
PRICE = re.compile(r"(?<![\d,.])(\d{1,3}(?: \d{3})*,\d{2})(?![\d,])")
SETTING_WORDS = {"stationary": "стационар жағдайында", "temporary": "уақытша болу жағдайында"}
BODY_LEVELS = ("region", "republican_city", "city", "district")


@dataclass(frozen=True)
class Spec:
    """One synthetic decree: which template, which body, which year, which number and day."""

    template: str
    setting: str
    area: str
    year: int
    number: int
    day: int
    changed: bool

    @property
    def name(self) -> str:
        return f"{self.area}_{self.year}_{self.setting}_no{self.number}_kk{_suffix(self.template)}"


def _suffix(template: str) -> str:
    return ".pdf.txt" if TEMPLATES[template][0].endswith(".pdf.txt") else ".portal.txt"


@lru_cache(maxsize=None)
def _template_text(template: str) -> str:
    return (RAW / TEMPLATES[template][0]).read_text(encoding="utf-8")


def _body(area) -> tuple[str, str]:
    """(act-line body, name used in the title and the operative points) of an area, in Kazakh."""
    from kztariffs.areas import by_key

    if area.level in ("region", "republican_city"):
        return area.kk, area.kk
    region = by_key()[area.region]
    return f"{region.kk} {area.kk}", area.kk


def _price(text: str, factor: Decimal, bump: bool) -> str:
    value = Decimal(text.replace(" ", "").replace(",", "."))
    if value == 0:
        return text
    value = (value * factor + (Decimal("0.01") if bump else 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    whole, cents = f"{value:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", " ")
    return f"{groups},{cents}"


def render(spec: Spec) -> str:
    """The decree text of ``spec``."""
    from kztariffs.areas import by_key

    file, old_name, old_year, _ = TEMPLATES[spec.template]
    text = _template_text(spec.template)
    area = by_key()[spec.area]
    act_body, name = _body(area)
    m = ACT.search(text)
    date_year = spec.year - (old_year - int(m.group(1)))
    act = f"{act_body} әкімдігінің {date_year} жылғы {spec.day} {m.group(3)} № {spec.number}"
    head, tail = text[:m.start()], text[m.end():]
    head = head.replace(f"{old_year} жылға", f"{spec.year} жылға")
    cut = tail.find("№ ", 200)  # the operative points end before the annex; the table follows
    points, table = (tail[:cut], tail[cut:]) if cut > 0 else (tail, "")
    points = points.replace(f"{old_year} жылға", f"{spec.year} жылға")
    if spec.setting in SETTING_WORDS:
        head = head.replace("үй жағдайында", SETTING_WORDS[spec.setting])
        points = points.replace("үй жағдайында", SETTING_WORDS[spec.setting])
    head, points = head.replace(old_name, name), points.replace(old_name, name)
    factor = Decimal("1.06") ** (spec.year - old_year)
    rng = random.Random(spec.name)
    bumped = set(rng.sample(range(60), 3)) if spec.changed else set()
    counter = iter(range(10**6))
    table = PRICE.sub(lambda p: _price(p.group(1), factor, next(counter) in bumped), table)
    return head + act + points + table


def _variants() -> list[tuple[str, str]]:
    """(template, setting): the four settings of a round."""
    return [("oral_home", "home"), ("oral_semi", "semi_stationary"), ("oral_home", "stationary"),
            ("oral_home", "temporary")]


def _meta(text: str, name: str):
    from kztariffs.metadata import read_metadata
    from kztariffs.readers import read_decree
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_text(text, encoding="utf-8")
        return read_metadata(read_decree(p))


@lru_cache(maxsize=1)
def usable_bodies() -> tuple[str, ...]:
    """Keys of the bodies whose re-issued decree reads back as that body (checked once per area)."""
    from kztariffs.areas import all_areas

    keep = []
    for a in all_areas():
        if a.level not in BODY_LEVELS:
            continue
        spec = Spec("bokey_home", "home", a.key, 2026, 1, 1, False)
        d = _meta(render(spec), spec.name)
        if d.area == a.key:
            keep.append(a.key)
    return tuple(keep)


def specs(n: int, first_year: int = 2016, seed: int = 15) -> list[Spec]:
    """The first ``n`` decrees of rounds starting in ``first_year`` (each round: every usable body, its
    settings; a body issues 1 to 4 of the four settings a year, fixed per body)."""
    rng = random.Random(seed)
    bodies = list(usable_bodies())
    per_body = {b: rng.randint(2, 4) for b in bodies}
    home = {b: rng.choice(("oral_home", "bokey_home")) for b in bodies}  # two home-care texts
    out: list[Spec] = []
    year = first_year
    while len(out) < n:
        number = 1
        for b in bodies:
            for template, setting in _variants()[:per_body[b]]:
                template = home[b] if setting == "home" else template
                out.append(Spec(template, setting, b, year, 100 + number, 1 + number % 28,
                                rng.random() < 0.1))
                number += 1
                if len(out) == n:
                    return out
        year += 1
    return out


def write(n: int, out: Path, first_year: int = 2016, verify: int = 0) -> list[Path]:
    """Write the first ``n`` synthetic decrees into ``out``; read the first ``verify`` back."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, spec in enumerate(specs(n, first_year)):
        text = render(spec)
        path = out / spec.name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
        if i < verify:
            check(spec, path)
    return paths


def check(spec: Spec, path: Path) -> None:
    """The decree written for ``spec`` reads back with its area, year, number, date and setting."""
    from kztariffs.dataset import extract_file

    res = extract_file(path)
    d = res.decree
    got = (d.area, d.year, d.decree_number, d.setting, int(d.decree_date[8:]))
    want = (spec.area, spec.year, str(spec.number), spec.setting, spec.day)
    if got != want:
        raise SystemExit(f"{path.name}: reads back as {got}, expected {want}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--decrees", type=int, default=300)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--first-year", type=int, default=2016)
    ap.add_argument("--verify", type=int, default=20, help="read the first N back and check their metadata")
    args = ap.parse_args()
    paths = write(args.decrees, args.out, args.first_year, args.verify)
    print(f"{len(paths)} decrees in {args.out} ({len(usable_bodies())} bodies)")


if __name__ == "__main__":
    main()
