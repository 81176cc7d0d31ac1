"""Policy brief for one setting and year: key figures, areas side by side, audit findings, one
scenario, in short text, in Kazakh, Russian or English (``messages/brief.yaml``; money, numbers,
percentages and dates by ``i18n``). The same content renders in the ``policy_brief`` notebook (HTML)
and to PDF (``brief_pdf.write_pdf``: reportlab with the DejaVu font matplotlib ships).

It scales with the number of areas: up to ``SMALL`` areas the prose names each of them; beyond, it
gives ranges (lowest and highest area) and the per-area figures go to tables the PDF pages (rows
repeat their header on every page). Charts have a bounded height whatever the number of areas: the
hourly rates are dots per position (one dot per area, the median marked), and the differences
between areas are split into charts of ``DIFF_CHART_ROWS`` areas each.

The brief's texts are plain text built from decree data (body names, numbers, file names): they are
escaped for each output (``safe``): Markdown and HTML in the notebook, reportlab markup in the PDF,
and the charts draw ``$`` as a dollar sign, never as the start of math."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import audit_text, i18n
from .audit import audit_decree
from .brief_charts import SMALL, diff_charts, rate_charts
from .compare import compare_areas, decimal_median, ordered_areas, position_rates
from .errors import DecreeError
from .i18n import t
from .safe import escape_md
from .views import area_names
from .vocab import label

AUDIT_ROWS = 12  # flagged rows shown in the brief; the audit reports have them all


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None  # shown as is: headers and cells already texts in the brief's language
    figure: object | None = None  # a matplotlib Figure
    figures: list = field(default_factory=list)  # more Figures (a chart split in parts)
    note: str = ""  # under the table

    def all_figures(self) -> list:
        return ([self.figure] if self.figure is not None else []) + list(self.figures)


@dataclass
class Brief:
    title: str
    subtitle: str
    sections: list[Section]
    sources: str
    lang: str = "en"

    def close(self) -> None:
        """Free the figures (matplotlib keeps them until closed)."""
        import matplotlib.pyplot as plt

        for s in self.sections:
            for fig in s.all_figures():
                plt.close(fig)


def _values(col) -> list[Decimal]:
    return [v for v in col if v is not None and not (isinstance(v, float) and pd.isna(v))]


def _pct(v, lang: str) -> str:
    return i18n.percent(v, lang, decimals=1)


def area_differences(df: pd.DataFrame, setting: str, year: int, areas: list[str]) -> pd.DataFrame:
    """Per area but the first: the services it prices together with the first area, and the median,
    smallest and largest % difference of its tariffs from the first area's (exact Decimals)."""
    table = compare_areas(df, setting, int(year), areas) if len(areas) > 1 else pd.DataFrame()
    rows = []
    for a in areas[1:]:
        vals = _values(table[f"pct_{a}"]) if f"pct_{a}" in table else []
        rows.append({"area": a, "services": len(vals), "median": decimal_median(vals),
                     "lo": min(vals, default=None), "hi": max(vals, default=None)})
    return pd.DataFrame(rows, columns=["area", "services", "median", "lo", "hi"])


def _decree_ref(number, date, lang: str) -> str:
    return f"№ {number}, {i18n.date(date, lang)}"


def source_items(sub: pd.DataFrame, lang: str) -> list[str]:
    d = sub[["authority", "decree_number", "decree_date", "source_file", "source_sha256"]].drop_duplicates() \
        .sort_values(["decree_date", "decree_number"])
    return [t("brief_source_item", lang, authority=r.authority, number=r.decree_number,
              date=i18n.date(r.decree_date, lang), file=r.source_file, sha=str(r.source_sha256)[:12])
            for r in d.itertuples()]


def _one_rate_per_area(rates: pd.DataFrame, sub: pd.DataFrame) -> pd.DataFrame:
    """Each area's rate per position from the decree in force (the latest, as the comparisons take it)
    and, where it prices several localities, the one comparisons prefer (single tariff, city, village)."""
    from .compare import LOCALITY_PREFERENCE, _latest_decree

    rates = rates[rates["hourly_rate"].notna()]
    in_force = {a: _latest_decree(g) for a, g in sub.groupby("area")}
    rates = rates[[in_force.get(a) == d for a, d in zip(rates["area"], rates["decree_id"])]]
    order = {loc: i for i, loc in enumerate(LOCALITY_PREFERENCE)}
    rates = rates.assign(_loc=rates["locality"].map(lambda v: order.get(v, len(order))))
    return rates.sort_values(["area", "position_key", "_loc"]).drop_duplicates(["area", "position_key"]).drop(columns="_loc")


def build_brief(df: pd.DataFrame, setting: str, year: int, scenarios: list[Path] | None = None,
                lang: str = "en") -> Brief:
    lang = i18n.check_lang(lang)
    sub = df[(df["setting"] == setting) & (df["year"] == int(year))]
    if sub.empty:
        raise DecreeError(None, t("brief_no_data", lang, setting=label("setting", setting, lang), year=year))
    areas = ordered_areas(df, sub["area"].unique())
    names = area_names(areas, lang)  # two areas of one name get their region added
    s_name = label("setting", setting, lang)
    n_decrees = sub["decree_id"].nunique()
    many = len(areas) > SMALL or n_decrees > SMALL
    caption = "; ".join(source_items(sub, lang)) if n_decrees <= 3 else t("brief_caption_many", lang, decrees=n_decrees)
    diffs = area_differences(df, setting, year, areas)
    rates = _one_rate_per_area(position_rates(sub), sub)
    sections = [_key_figures(sub, areas, names, diffs, rates, lang),
                _across(areas, names, diffs, rates, s_name, year, caption, lang),
                _audit_section(sub, names, lang)]
    sections += _scenario_sections(df, setting, year, scenarios, names, lang)
    if len(areas) > 1:
        sections.append(_areas_section(sub, areas, names, diffs, lang))
    if many:
        sections.append(_sources_section(sub, lang))
    regions = sub["region"].dropna().unique()
    if len(areas) <= SMALL:
        region = label("area", regions[0], lang) if len(regions) == 1 else ""
        subtitle = ", ".join(names.values()) + (f" · {region}" if region else "")
    else:
        subtitle = t("brief_subtitle_many", lang, areas=i18n.number(len(areas), lang),
                     regions=i18n.number(len(regions), lang))
    sources = "" if many else f"{t('sources', lang)}: " + "; ".join(source_items(sub, lang))
    return Brief(title=t("brief_title", lang, setting=s_name, year=year), subtitle=subtitle,
                 sections=sections, sources=sources, lang=lang)


def _key_figures(sub, areas, names, diffs, rates, lang) -> Section:
    n = lambda v: i18n.number(v, lang)  # noqa: E731
    key = [t("brief_scope", lang, decrees=n(sub["decree_id"].nunique()), areas=n(len(areas)), rows=n(len(sub)))]
    if len(areas) <= SMALL:
        key[0] += " " + t("brief_scope_names", lang, names=", ".join(names.values()))
    base = names[areas[0]]
    if len(areas) <= SMALL:
        for r in diffs.itertuples():
            if r.services:
                key.append(t("brief_pair", lang, services=n(r.services), base=base, other=names[r.area],
                             median=_pct(r.median, lang), lo=_pct(r.lo, lang), hi=_pct(r.hi, lang)))
    else:
        d = diffs[diffs["median"].notna()]
        if len(d):
            lo, hi = d.loc[d["median"].map(float).idxmin()], d.loc[d["median"].map(float).idxmax()]
            near = sum(1 for v in d["median"] if abs(v) <= 10)
            key.append(t("brief_spread", lang, base=base, n=n(len(d)), lo=_pct(lo["median"], lang),
                         lo_area=names[lo["area"]], hi=_pct(hi["median"], lang), hi_area=names[hi["area"]],
                         near=n(near)))
    for pos, g in sorted(rates.groupby("position_key"), key=lambda kv: label("position", kv[0], lang)):
        pos_name = label("position", pos, lang)
        if len(areas) <= SMALL:
            order = {a: i for i, a in enumerate(areas)}
            g = g.sort_values("area", key=lambda s: s.map(order))
            listed = ", ".join(f"{names.get(r.area, r.area)} {i18n.money(r.hourly_rate, lang)}" for r in g.itertuples())
            key.append(t("brief_rate_list", lang, position=pos_name, rates=listed))
        else:
            g = g.assign(f=g["hourly_rate"].map(float))
            lo, hi = g.loc[g["f"].idxmin()], g.loc[g["f"].idxmax()]
            key.append(t("brief_rate_range", lang, position=pos_name, n=n(len(g)),
                         median=i18n.money(decimal_median(g["hourly_rate"]), lang),
                         lo=i18n.money(lo["hourly_rate"], lang), lo_area=names.get(lo["area"], lo["area"]),
                         hi=i18n.money(hi["hourly_rate"], lang), hi_area=names.get(hi["area"], hi["area"])))
    return Section(t("brief_key_figures", lang), key)


def _across(areas, names, diffs, rates, s_name, year, caption, lang) -> Section:
    text = [t("brief_across_text", lang)]
    figures = rate_charts(rates, areas, names, t("brief_chart_rates", lang, setting=s_name, year=year), caption, lang)
    if len(areas) > 2 and diffs["median"].notna().any():
        text.append(t("brief_across_diff", lang, base=names[areas[0]]))
        figures += diff_charts(diffs, names, t("brief_chart_diff", lang, base=names[areas[0]]), caption, lang)
    return Section(t("brief_across", lang), text, figures=figures)


def _audit_section(sub, names, lang) -> Section:
    findings, flagged_rows, n_flagged_decrees = [], [], 0
    decrees = sub.groupby("decree_id", sort=True)
    many = len(decrees) > SMALL
    for _, g in decrees:
        audit = audit_decree(g)
        flagged = audit[audit["fits"] == False]  # noqa: E712
        d = g.iloc[0]
        n_flagged_decrees += bool(len(flagged))
        if not many:
            findings.append(t("brief_audit_decree", lang, authority=d["authority"], number=d["decree_number"],
                              date=i18n.date(d["decree_date"], lang), flagged=i18n.number(len(flagged), lang),
                              rows=i18n.number(len(audit), lang)))
        for r in flagged.itertuples():
            flagged_rows.append({
                t("brief_col_decree", lang): _decree_ref(d["decree_number"], d["decree_date"], lang),
                t("brief_col_area", lang): names.get(d["area"], d["area"] or ""),
                t("brief_col_row", lang): str(r.row),
                t("brief_col_position", lang): label("position", r.position_key, lang) or str(r.position),
                t("brief_col_price", lang): i18n.money(r.price_kzt, lang),
                t("brief_col_finding", lang): audit_text.reason(r, lang),
                t("brief_col_suggestion", lang): audit_text.suggestion(r, lang)})
    if many:
        findings.append(t("brief_audit_summary", lang, flagged_decrees=i18n.number(n_flagged_decrees, lang),
                          decrees=i18n.number(len(decrees), lang), flagged=i18n.number(len(flagged_rows), lang)))
    findings.append(t("brief_audit_note", lang))
    table = pd.DataFrame(flagged_rows[:AUDIT_ROWS]) if flagged_rows else None
    if table is not None and len(names) <= 1:
        table = table.drop(columns=[t("brief_col_area", lang)])
    note = (t("brief_audit_more", lang, shown=i18n.number(AUDIT_ROWS, lang), total=i18n.number(len(flagged_rows), lang))
            if len(flagged_rows) > AUDIT_ROWS else "")
    return Section(t("brief_audit", lang), findings, table=table, note=note)


def locality_name(key: str, lang: str) -> str:
    return t(f"brief_locality_{key}", lang) if key in ("all", "city", "village") else str(key)


def _scenario_sections(df, setting, year, scenarios, names, lang) -> list[Section]:
    from .scenarios import load_scenario, run_scenario

    for path in scenarios or []:
        scn = load_scenario(path)
        if scn.setting != setting or int(scn.year) != int(year):
            continue
        res = run_scenario(path, {}, df=df)
        recipients = i18n.number(scn.recipients, lang)
        # the scenario file's title and rationale are written in one language (English in the shipped
        # files): other languages name the scenario by its file
        own = (scn.title or scn.name) if lang == "en" else scn.name
        text = [t("brief_cost_intro", lang, title=own, recipients=recipients)
                + (" " + (scn.rationale or "").strip() if lang == "en" else "")]
        rows = []
        for r in res.regions.itertuples():
            area = names.get(r.region) or label("area", r.region, lang)
            if r.monthly_per_recipient is not None:
                text.append(t("brief_cost_area", lang, area=area, monthly=i18n.money(r.monthly_per_recipient, lang),
                              yearly=i18n.money(r.yearly_total, lang), recipients=recipients))
            rows.append({t("brief_col_area", lang): area, t("brief_col_locality", lang): locality_name(r.locality, lang),
                         t("brief_col_monthly", lang): i18n.money(r.monthly_per_recipient, lang),
                         t("brief_col_yearly", lang): i18n.money(r.yearly_per_recipient, lang),
                         t("brief_col_total", lang): i18n.money(r.yearly_total, lang)})
        return [Section(t("brief_cost", lang), text, table=pd.DataFrame(rows))]
    return []


def _areas_section(sub, areas, names, diffs, lang) -> Section:
    """Every area with its decree and its differences from the first area (a paged table in the PDF)."""
    by_area = diffs.set_index("area")
    decree = sub.sort_values("decree_date").groupby("area").agg(
        number=("decree_number", "last"), date=("decree_date", "last"), region=("region", "first"),
        rows=("row", "size"))
    first = {areas[0]: 0}
    order = sorted(areas, key=lambda a: (a not in first, _region_name(decree.loc[a, "region"], lang), names[a]))
    rows = []
    for a in order:
        d = by_area.loc[a] if a in by_area.index else None
        rows.append({t("brief_col_area", lang): names[a],
                     t("brief_col_region", lang): _region_name(decree.loc[a, "region"], lang),
                     t("brief_col_decree", lang): _decree_ref(decree.loc[a, "number"], decree.loc[a, "date"], lang),
                     t("brief_col_median", lang): "—" if d is None else _pct(d["median"], lang),
                     t("brief_col_min", lang): "—" if d is None else _pct(d["lo"], lang),
                     t("brief_col_max", lang): "—" if d is None else _pct(d["hi"], lang)})
    return Section(t("brief_areas", lang), [t("brief_areas_note", lang, base=names[areas[0]])], table=pd.DataFrame(rows))


def _region_name(key, lang: str) -> str:
    return label("area", key, lang) if isinstance(key, str) and key else t("brief_region_unknown", lang)


def _sources_section(sub, lang) -> Section:
    d = sub[["authority", "decree_number", "decree_date", "source_file", "source_sha256"]].drop_duplicates() \
        .sort_values(["authority", "decree_date", "decree_number"])
    table = pd.DataFrame({t("brief_col_authority", lang): d["authority"].values,
                          t("brief_col_decree", lang): [f"№ {v}" for v in d["decree_number"]],
                          t("brief_col_date", lang): [i18n.date(v, lang) for v in d["decree_date"]],
                          t("brief_col_file", lang): d["source_file"].values,
                          "SHA-256": [str(v)[:12] + "…" for v in d["source_sha256"]]})
    return Section(t("sources", lang), [], table=table)


# ---------------------------------------------------------------- outputs

def show(brief: Brief) -> None:
    """Display in a notebook: the page title (``show.title``: the page's <title> and language), texts
    escaped for Markdown, figures with alt text, complete tables without an index column."""
    from IPython.display import HTML, Markdown, display

    from .show import figure as show_figure, text_table_html, title

    e = escape_md
    title(brief.title, brief.lang, intro=f"_{e(brief.subtitle)}_")
    for s in brief.sections:
        display(Markdown(f"## {e(s.heading)}\n\n" + "\n\n".join(e(p) for p in s.paragraphs)))
        for fig in s.all_figures():
            show_figure(fig, close=False)
        if s.table is not None and len(s.table):
            display(HTML(text_table_html(s.table)))
        if s.note:
            display(Markdown(f"_{e(s.note)}_"))
    if brief.sources:
        display(Markdown(f"_{e(brief.sources)}_"))


def write_pdf(brief: Brief, target: Path) -> Path:
    """The brief as an A4 PDF (see ``brief_pdf``)."""
    from .brief_pdf import write_pdf as _write

    return _write(brief, target)
