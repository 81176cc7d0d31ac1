"""Policy brief for one setting and year: key figures, cross-region chart, audit findings, one
scenario, in short text. The same content renders in the ``policy_brief`` notebook (HTML) and to
PDF here (reportlab with the DejaVu font matplotlib ships, so Kazakh and Russian letters print).

The brief's texts are plain text built from decree data (body names, numbers, file names): they are
escaped for each output (``safe``): Markdown in the notebook, reportlab markup in the PDF, and the
chart draws ``$`` as a dollar sign, never as the start of math."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import plots
from .safe import escape_mathtext, escape_md, escape_rl, plain_text_charts
from .audit import audit_decree
from .compare import compare_areas, decimal_median, ordered_areas, position_rates
from .vocab import label


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    figure: object | None = None  # matplotlib Figure


@dataclass
class Brief:
    title: str
    subtitle: str
    sections: list[Section]
    sources: str


def _pct(v) -> str:
    return "—" if v is None else f"{Decimal(v):+.2f} %"


def build_brief(df: pd.DataFrame, setting: str, year: int, scenarios: list[Path] | None = None,
                lang: str = "en") -> Brief:
    sub = df[(df["setting"] == setting) & (df["year"] == int(year))]
    if sub.empty:
        raise ValueError(f"no tariffs for setting {setting!r} and year {year}")
    areas = ordered_areas(df, sub["area"].unique())
    names = {a: label("area", a, lang) for a in areas}
    s_name = label("setting", setting, lang)
    sections = []

    # key figures
    rates = position_rates(sub)
    rates = rates[rates["hourly_rate"].notna()]
    table = compare_areas(df, setting, int(year), areas) if len(areas) > 1 else pd.DataFrame()
    key = [f"{len(sub['decree_id'].unique())} decree(s) of {len(areas)} area(s): "
           + ", ".join(names.values()) + f"; {len(sub)} priced rows."]
    if len(areas) > 1 and len(table):
        base = areas[0]
        for other in areas[1:]:
            med = decimal_median([v for v in table[f"pct_{other}"] if v is not None])
            lo = min((v for v in table[f"pct_{other}"] if v is not None), default=None)
            hi = max((v for v in table[f"pct_{other}"] if v is not None), default=None)
            key.append(f"{len(table)} services are priced in both {names[base]} and {names[other]}; "
                       f"{names[other]}'s tariffs differ from {names[base]}'s by {_pct(med)} at the median "
                       f"(from {_pct(lo)} to {_pct(hi)}).")
    for pos, g in rates.groupby("position_key"):
        parts = [f"{names.get(r.area, r.area)} {plots.money(r.hourly_rate)}" for r in g.itertuples()]
        key.append(f"{label('position', pos, lang)}: implied hourly rate " + ", ".join(parts) + " tenge.")
    sections.append(Section("Key figures", key))

    # cross-region chart (every text drawn as written: no mathtext from a name or a file name)
    plain_text_charts()
    m = escape_mathtext
    wide = rates.assign(area_name=rates["area"].map(lambda a: m(names.get(a, a))),
                        position=rates["position_key"].map(lambda k: m(label("position", k, lang)))) \
        .pivot_table(index="position", columns="area_name", values="hourly_rate", aggfunc="first").reset_index()
    cols = [m(names[a]) for a in areas if m(names[a]) in wide]
    fig = plots.barh(wide, "position", cols, m(f"Implied hourly rate by position, {s_name} {year}"),
                     m(plots.t("hourly_rate", lang)), caption=m(plots.sources_caption(sub, lang)), legend=cols,
                     width=8)
    sections.append(Section("Across areas", [
        "Each tariff is a position's hourly rate times a share of an hour, so the hourly rate a decree "
        "implies for a position is the fairest way to compare areas."], figure=fig))

    # audit
    findings, rows = [], []
    for decree_id, g in sub.groupby("decree_id", sort=True):
        audit = audit_decree(g)
        flagged = audit[audit["fits"] == False]  # noqa: E712
        d = g.iloc[0]
        findings.append(f"{d['authority']} № {d['decree_number']} ({d['decree_date']}): {len(flagged)} of "
                        f"{len(audit)} rows break the rate × time-share pattern.")
        for r in flagged.itertuples():
            rows.append({"decree": f"№ {d['decree_number']}", "row": r.row, "position": label("position", r.position_key, lang),
                         "price": plots.money(r.price_kzt), "finding": r.reason, "suggestion": r.suggestion})
    sections.append(Section("Rows worth a second look", findings + [
        "A flagged row may be a typo in the decree or a deliberate time norm; check the decree before citing "
        "either. The data are never corrected."], table=pd.DataFrame(rows).head(12) if rows else None))

    # one scenario
    for path in scenarios or []:
        from .scenarios import display_money, load_scenario, run_scenario

        scn = load_scenario(path)
        if scn.setting != setting or int(scn.year) != int(year):
            continue
        res = run_scenario(path, {}, df=df)
        reg = display_money(res.regions)
        text = [f"{scn.title or scn.name}: {scn.recipients} recipients. " + (scn.rationale or "").strip()]
        for r in reg.itertuples():
            if r.monthly_per_recipient is not None:
                text.append(f"{names.get(r.region, r.region)}: {plots.money(r.monthly_per_recipient)} tenge a month per "
                            f"recipient, {plots.money(r.yearly_total)} tenge a year for {scn.recipients}.")
        sections.append(Section("What a care package costs", text, table=reg[[
            "region", "locality", "monthly_per_recipient", "yearly_per_recipient", "yearly_total"]]))
        break
    d0 = sub.sort_values("decree_date").iloc[0]
    return Brief(title=f"Tariffs for {s_name} special social services, {year}",
                 subtitle=", ".join(names.values()) + f" · {d0['region'] and label('area', d0['region'], lang)}",
                 sections=sections, sources=plots.sources_caption(sub, lang))


def show(brief: Brief) -> None:
    """Display in a notebook (every text escaped for Markdown; tables are escaped by pandas)."""
    from IPython.display import Markdown, display

    e = escape_md
    display(Markdown(f"# {e(brief.title)}\n_{e(brief.subtitle)}_"))
    for s in brief.sections:
        display(Markdown(f"## {e(s.heading)}\n\n" + "\n\n".join(e(p) for p in s.paragraphs)))
        if s.figure is not None:
            display(s.figure)
        if s.table is not None:
            display(s.table)
    display(Markdown(f"_{e(brief.sources)}_"))


def _font() -> str:
    from matplotlib import font_manager
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", font_manager.findfont("DejaVu Sans")))
    return "DejaVuSans"


def write_pdf(brief: Brief, target: Path) -> Path:
    """The brief as an A4 PDF (atomic write); deterministic for the same content."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .dataset import atomic_path

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, spaceAfter=5)
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=8.5, textColor=colors.grey)
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=20, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    story = [Paragraph(escape_rl(brief.title), h1), Paragraph(escape_rl(brief.subtitle), small), Spacer(1, 6)]
    for s in brief.sections:
        story.append(Paragraph(escape_rl(s.heading), h2))
        story += [Paragraph(escape_rl(p), body) for p in s.paragraphs]
        if s.figure is not None:
            buf = io.BytesIO()
            s.figure.savefig(buf, format="png", dpi=150, metadata={"Software": None})
            w, h = s.figure.get_size_inches()
            width = 17 * cm
            story.append(Image(io.BytesIO(buf.getvalue()), width=width, height=width * h / w))
        if s.table is not None and len(s.table):
            cell = ParagraphStyle("cell", parent=body, fontSize=7, leading=8.5, spaceAfter=0)
            data = [[Paragraph(escape_rl(str(c)), cell) for c in s.table.columns]]
            data += [[Paragraph(escape_rl("" if v is None else str(v)), cell) for v in row]
                     for row in s.table.itertuples(index=False)]
            t = Table(data, repeatRows=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(t)
    story += [Spacer(1, 8), Paragraph(escape_rl(brief.sources), small)]
    with atomic_path(Path(target)) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.6 * cm,
                                bottomMargin=1.6 * cm, title=brief.title, author="kztariffs", invariant=1)
        doc.build(story)
    return Path(target)
