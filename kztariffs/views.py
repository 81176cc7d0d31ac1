"""Comparisons as the report pages show them: long tables (one row per service and area, per position
and area ...) with names instead of keys, differences against a reference (the first area, or the
median of the areas), and the dot charts that go with them. Long rather than wide, so 2, 40 or 220
areas give a table of the same columns and charts that are split into readable pages.

Values stay exact (Decimal); formatting is left to ``show.table`` and ``plots``.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from . import i18n, plots
from .compare import decimal_median, pct_change
from .numbers import to_tiyn
from .vocab import label

SEP = " · "


def _name(kind: str, lang: str):
    return lambda k: label(kind, k if isinstance(k, str) else None, lang)


def area_names(keys, lang: str) -> dict[str, str]:
    """Area key -> its name in ``lang``; names that several keys share get their parent area (region)
    added, then the key, so rows and legends never merge two areas."""
    from .vocab import _by_key

    keys = list(dict.fromkeys(k for k in keys if isinstance(k, str)))
    names = {k: label("area", k, lang) for k in keys}
    for step in ("parent", "key"):
        counts = pd.Series(list(names.values())).value_counts()
        for k in keys:
            if counts.get(names[k], 0) > 1:
                extra = (_by_key("area").get(k) or {}).get("parent") if step == "parent" else k
                if extra:
                    names[k] += f" ({label('area', extra, lang) if step == 'parent' else extra})"
    return names


def service_texts(df: pd.DataFrame, lang: str) -> dict[tuple, str]:
    """(decree_id, annex, row) -> the service's text in ``lang`` where the decree has that language
    version (``service_text_kk`` / ``_ru``), else as printed."""
    col = f"service_text_{lang}"
    annex = df["annex"].fillna(1).astype(int) if "annex" in df else pd.Series(1, index=df.index)
    texts = df[col].where(df[col].notna() & (df[col] != ""), df["service_text"]) if col in df else df["service_text"]
    return {(d, int(a), int(r)): str(s) for d, a, r, s in zip(df["decree_id"], annex, df["row"], texts)}


# ------------------------------------------------------------------------------------ areas compared

def compare(df: pd.DataFrame, setting: str, year: int, areas: list[str], positions: list[str] | None = None):
    """``compare.compare_areas`` for a setting and year given as notebook parameters."""
    from .compare import compare_areas

    return compare_areas(df, setting, int(year), areas, positions)


def services_long(table: pd.DataFrame, areas: list[str], df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``compare.compare_areas`` output, long: one row per linked service and area other than the
    reference (``areas[0]``), with the reference's row and price, the area's row and price, and the
    difference in tenge and %. Columns: category, position, service, ref_row, ref_price, area, row,
    price, diff, pct."""
    ref = areas[0]
    texts = service_texts(df, lang)
    names = area_names(areas, lang)
    out = []
    for no, r in enumerate(table.to_dict("records"), 1):
        svc = None
        for a in areas:
            key = (r.get(f"decree_{a}"), r.get(f"annex_{a}"), r.get(f"row_{a}"))
            if not any(pd.isna(k) for k in key):
                svc = texts.get((key[0], int(key[1]), int(key[2])))
                break
        base = {"no": no, "category": label("category", r["category"], lang),
                "position": label("position", r["position_key"], lang),
                "service": svc or "", "ref_row": r.get(f"row_{ref}"), "ref_price": r.get(f"price_{ref}")}
        for a in areas[1:]:
            if r.get(f"price_{a}") is None and r.get(f"price_{ref}") is None:
                continue
            out.append({**base, "area": names[a], "row": r.get(f"row_{a}"), "price": r.get(f"price_{a}"),
                        "diff": r.get(f"diff_{a}"), "pct": r.get(f"pct_{a}")})
    cols = ["no", "category", "position", "service", "ref_row", "ref_price", "area", "row", "price", "diff", "pct"]
    return pd.DataFrame(out, columns=cols)


def services_summary(services: pd.DataFrame) -> pd.DataFrame:
    """One row per linked service (``no`` as in :func:`services_long`): its names, the reference's row
    and tariff, and over the other areas the lowest, median and highest tariff and how many price it.
    With many areas the page shows this once and the long table without the service texts."""
    out = []
    for no, g in services.groupby("no", sort=True):
        prices = [p for p in g["price"] if p is not None and not pd.isna(p)]
        first = g.iloc[0]
        out.append({"no": no, "category": first["category"], "position": first["position"], "service": first["service"],
                    "ref_row": first["ref_row"], "ref_price": first["ref_price"],
                    "min": min(prices) if prices else None, "median": decimal_median(prices),
                    "max": max(prices) if prices else None, "areas": len(prices)})
    return pd.DataFrame(out, columns=["no", "category", "position", "service", "ref_row", "ref_price", "min", "median",
                                      "max", "areas"])


def median_differences(services: pd.DataFrame) -> pd.DataFrame:
    """Per area, category and position: the median % difference from the reference and how many
    services. Columns: area, category, position, label, median_pct, services."""
    g = services[services["pct"].notna()]
    out = [{"area": a, "category": c, "position": p, "label": f"{c}{SEP}{p}",
            "median_pct": decimal_median(x["pct"]), "services": len(x)}
           for (a, c, p), x in g.groupby(["area", "category", "position"], sort=False)]
    return pd.DataFrame(out, columns=["area", "category", "position", "label", "median_pct", "services"])


def area_differences(services: pd.DataFrame) -> pd.DataFrame:
    """Per area: the median % difference from the reference over all its linked services, sorted."""
    g = services[services["pct"].notna()]
    out = [{"area": a, "median_pct": decimal_median(x["pct"]), "services": len(x)}
           for a, x in g.groupby("area", sort=False)]
    res = pd.DataFrame(out, columns=["area", "median_pct", "services"])
    return res.sort_values("median_pct", key=lambda s: s.map(float), kind="stable").reset_index(drop=True)


def difference_charts(services: pd.DataFrame, reference: str, title: str, lang: str, caption: str) -> list:
    """% differences from the reference area: by category and position (a dot per area) when the
    areas are few, else one dot per area (its median over all services), in pages."""
    areas = list(dict.fromkeys(services["area"]))
    xlabel = i18n.t("plot.diff_pct", lang, reference=reference)
    kw = dict(kind="percent", reference=0.0, reference_label=reference, caption=caption)
    if len(areas) <= plots.MAX_SERIES:
        med = median_differences(services)
        return plots.dot_pages(med, "label", "median_pct", "area", title, xlabel, lang, **kw)
    return plots.dot_pages(area_differences(services), "area", "median_pct", None, title, xlabel, lang, **kw)


# ------------------------------------------------------------------------------------ hourly rates

def rates_long(rates: pd.DataFrame, lang: str, areas: list[str] | None = None, reference: str = "first") -> pd.DataFrame:
    """``compare.position_rates`` rows with a rate, long, with names: one row per position and area
    (and setting, year, locality), and the difference from the reference: the first of ``areas``
    (``reference="first"``) or the median of the areas (``"median"``) for that position.
    Columns: position, setting, year, area, locality, hourly_rate, ref_rate, diff, pct, rows, rows_fitting,
    decree_id, area_key, position_key."""
    r = rates[rates["hourly_rate"].notna()].copy()
    order = {a: i for i, a in enumerate(areas or sorted(r["area"].dropna().unique()))}
    r = r[r["area"].isin(order)] if areas else r
    names = area_names(list(order) + list(r["area"].unique()), lang)
    out = []
    for (s, y, p), g in r.groupby(["setting", "year", "position_key"], sort=True):
        if reference == "first":
            first = g[g["area"] == next(iter(order))]
            ref = first["hourly_rate"].iloc[0] if len(first) else None
        else:
            ref = decimal_median(g["hourly_rate"])
        for x in g.itertuples():
            is_ref = reference == "first" and x.area == next(iter(order))
            out.append({"position": label("position", p, lang), "setting": label("setting", s, lang), "year": int(y),
                        "area": names.get(x.area, x.area), "locality": i18n.t(f"locality.{x.locality}", lang)
                        if f"locality.{x.locality}" in i18n.catalog() else x.locality,
                        "hourly_rate": x.hourly_rate, "ref_rate": ref,
                        "diff": None if ref is None or is_ref else to_tiyn(Decimal(x.hourly_rate) - Decimal(ref)),
                        "pct": None if is_ref else pct_change(x.hourly_rate, ref), "rows": x.rows, "rows_fitting": x.rows_fitting,
                        "decree_id": x.decree_id, "area_key": x.area, "position_key": p,
                        "_order": order.get(x.area, len(order))})
    cols = ["position", "setting", "year", "area", "locality", "hourly_rate", "ref_rate", "diff", "pct", "rows",
            "rows_fitting", "decree_id", "area_key", "position_key"]
    res = pd.DataFrame(out, columns=cols + ["_order"])
    return res.sort_values(["setting", "year", "position", "_order"], kind="stable").drop(columns="_order") \
        .reset_index(drop=True)


def rate_charts(long: pd.DataFrame, title: str, lang: str, caption: str, reference: str = "first") -> list:
    """Dot charts of implied hourly rates. Few areas: one chart, a row per position, a dot per area.
    Many areas: one chart per position, a row per area sorted by rate, a dashed line at the reference
    (the first area or the median), split into pages of ``plots.MAX_ROWS`` areas."""
    xlabel = i18n.t("hourly_rate", lang)
    if long.empty:
        return [plots.dots(long, "position", "hourly_rate", None, title, xlabel, lang)]
    several = long["locality"].nunique() > 1  # a city and a village tariff of the same area
    long = long.assign(series=long["area"] + (SEP + long["locality"] if several else ""))
    if long["series"].nunique() <= plots.MAX_SERIES:  # positions from the lowest median rate up
        med = {p: float(decimal_median(g["hourly_rate"])) for p, g in long.groupby("position")}
        long = long.sort_values("position", key=lambda s: s.map(med), kind="stable")
        return plots.dot_pages(long, "position", "hourly_rate", "series", title, xlabel, lang, caption=caption)
    ref_label = (i18n.t("plot.median", lang) if reference == "median" else
                 i18n.t("plot.reference", lang, name=long["area"].iloc[0]))
    figs = []
    for pos, g in long.groupby("position", sort=False):
        g = g.sort_values("hourly_rate", key=lambda s: s.map(float), kind="stable")
        ref = g["ref_rate"].dropna()
        figs += plots.dot_pages(g, "series", "hourly_rate", None, f"{title}: {pos}", xlabel, lang, caption=caption,
                                reference=float(ref.iloc[0]) if len(ref) else None, reference_label=ref_label)
    return figs


# ------------------------------------------------------------------------------------ one area, settings

def settings_long(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``compare.compare_settings`` rows (one area) with names of positions, settings, units, localities."""
    cat = i18n.catalog()

    def coded(kind, k):
        return i18n.t(f"{kind}.{k}", lang) if f"{kind}.{k}" in cat else ("" if k is None else str(k))

    return table.assign(position=table["position_key"].map(_name("position", lang)),
                        setting_name=table["setting"].map(_name("setting", lang)),
                        unit_name=table["unit"].map(lambda k: coded("unit", k)),
                        locality_name=table["locality"].map(lambda k: coded("locality", k)))


def tariffs_view(sel: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Tariff rows with the names of area, category and position and the service text in ``lang``."""
    texts = service_texts(sel, lang)
    annex = sel["annex"].fillna(1).astype(int) if "annex" in sel else pd.Series(1, index=sel.index)
    cat = i18n.catalog()
    return sel.assign(area_name=sel["area"].map(_name("area", lang)),
                      category_name=sel["category"].map(_name("category", lang)),
                      position_name=sel["position_key"].map(_name("position", lang)),
                      locality_name=sel["locality"].map(lambda k: i18n.t(f"locality.{k}", lang)
                                                        if f"locality.{k}" in cat else k),
                      service=[texts.get((d, int(a), int(r)), "") for d, a, r in zip(sel["decree_id"], annex, sel["row"])])


def median_tariffs(sel: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Median tariff per area and position (names), sorted by the median."""
    out = [{"label": f"{label('area', a, lang)}{SEP}{label('position', p, lang)}", "median": decimal_median(g["price_kzt"])}
           for (a, p), g in sel.groupby(["area", "position_key"], sort=True)]
    res = pd.DataFrame(out, columns=["label", "median"])
    return res.sort_values("median", key=lambda s: s.map(float), kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------ cost scenarios

def coded(kind: str, key, lang: str) -> str:
    """The catalog name of a coded value (``unit.per_service``, ``locality.village``, ``status.priced``);
    the value itself when the catalog has none."""
    if key is None or (isinstance(key, float) and pd.isna(key)):
        return ""
    k = f"{kind}.{key}"
    return i18n.t(k, lang) if k in i18n.catalog() else str(key)


def _amount(v, lang: str) -> str:
    d = Decimal(str(v)) if not isinstance(v, Decimal) else v
    d = d.quantize(Decimal("0.01")) if d != d.to_integral_value() else d
    return i18n.number(d, lang, decimals=0 if d == d.to_integral_value() else
                       (1 if (d * 10) == (d * 10).to_integral_value() else 2))


def frequency(text: str, lang: str) -> str:
    """A package line's frequency (``3/week``, ``0.5/day``) in words: ``аптасына 3 рет`` / ``3 раз(а)
    в неделю`` / ``3 a week``; the text itself when it is not of that form."""
    times, _, per = str(text).rpartition("/")
    if f"freq.{per}" not in i18n.catalog():
        return str(text)
    try:
        return i18n.t(f"freq.{per}", lang, n=_amount(Decimal(times), lang))
    except ArithmeticError:
        return str(text)


def indexation(scn, lang: str) -> str:
    """The scenario's indexation in words: a percent a year, new hourly rates, or none."""
    if scn.percent_per_year is not None:
        return i18n.t("sc.index_pct", lang, pct=_amount(Decimal(scn.percent_per_year.numerator)
                                                        / Decimal(scn.percent_per_year.denominator), lang))
    if scn.hourly_rates:
        rates = ", ".join(f"{label('position', k, lang)} {i18n.money(v, lang)}" for k, v in scn.hourly_rates.items())
        return i18n.t("sc.index_rates", lang, rates=rates)
    return i18n.t("sc.index_none", lang)


def line_services(lines: pd.DataFrame, df: pd.DataFrame, lang: str) -> list[str]:
    """The decree's text of each priced package line (in ``lang`` where the decree has it)."""
    texts = service_texts(df, lang)
    annex = lines["annex"] if "annex" in lines else pd.Series(1, index=lines.index)
    return [texts.get((d, int(a) if not pd.isna(a) else 1, int(r)), "") if not pd.isna(r) else ""
            for d, a, r in zip(lines["decree_id"], annex, lines["row"])]


def staff_note(r, scn, lang: str) -> str:
    """Why a staff line has no cost, in ``lang`` (the norm's own wording is in column ``rule_text``)."""
    if r.get("position_key") is None or (isinstance(r.get("position_key"), float) and pd.isna(r["position_key"])):
        return i18n.t("sc.staff_no_key", lang)
    if r.get("hourly_rate") is None:
        return i18n.t("sc.staff_no_rate", lang)
    return ""
