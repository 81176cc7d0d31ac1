"""The audit report (``notebooks/audit_decree.py``) for one decree or a group of decrees (one setting
and year of one region: ``report.audit_groups``), in Kazakh, Russian or English
(``messages/audit.yaml``; money and numbers by ``i18n``).

Tables are built here as frames whose headers and cells are already texts in the report's language
(names, not keys), and shown complete as static HTML without an index column, every cell escaped
(``show.text_table_html``); figures carry alt text. A page of several decrees starts with a list of them linking to each
decree's section (in-page anchors: no script). Reasons and suggestions are shown complete, written in
the page's language from the audit's message keys and values (``audit_text``, ``messages/audit_reasons.yaml``),
positions by name and money by locale."""
from __future__ import annotations

import pandas as pd

from . import audit_text, i18n
from .audit import audit_decree, decree_rates
from .i18n import t
from .safe import escape_html, escape_md, md_code
from .vocab import label


def select(df: pd.DataFrame, ids: list[str], dataset: str = "", lang: str = "en") -> list[tuple[str, pd.DataFrame]]:
    """``(decree_id, rows)`` for each id, in the order given; a one-line DecreeError names the ids not in
    ``df``."""
    from .errors import DecreeError

    missing = [i for i in ids if not (df["decree_id"] == i).any()]
    if missing:
        raise DecreeError(None, i18n.t("audit_no_decree", lang, dataset=dataset or "dataset",
                                       ids=", ".join(map(str, missing))))
    return [(i, df[df["decree_id"] == i]) for i in ids]


def page_title(decrees: list[tuple[str, pd.DataFrame]], lang: str) -> str:
    if len(decrees) == 1:
        return f"{t('audit_title', lang)}: {heading(decrees[0][1].iloc[0], lang)}"
    d = decrees[0][1].iloc[0]
    regions = {r.iloc[0]["region"] for _, r in decrees}
    where = (label("area", d["region"], lang) if len(regions) == 1 and isinstance(d["region"], str) and d["region"]
             else t("audit_region_unknown", lang))
    return t("audit_title_group", lang, where=where, setting=label("setting", d["setting"], lang), year=d["year"])


def heading(d, lang: str) -> str:
    return t("audit_decree_heading", lang, authority=d["authority"], number=d["decree_number"],
             date=i18n.date(d["decree_date"], lang))


def anchor(i: int) -> str:
    return f"decree-{i + 1}"


def contents_html(decrees: list[tuple[str, pd.DataFrame]], audits: list[pd.DataFrame], lang: str) -> str:
    """A list of the page's decrees, each linking to its section, with its number of flagged rows."""
    items = []
    for i, ((_, rows), audit) in enumerate(zip(decrees, audits)):
        d = rows.iloc[0]
        text = t("audit_contents_item", lang, authority=d["authority"], number=d["decree_number"],
                 date=i18n.date(d["decree_date"], lang), flagged=i18n.number(int((audit["fits"] == False).sum()), lang))  # noqa: E712
        items.append(f"<li><a href='#{anchor(i)}'>{escape_html(text)}</a></li>")
    return f"<h2>{escape_html(t('audit_contents', lang))}</h2><ul>{''.join(items)}</ul>"


def heading_html(i: int, d, lang: str) -> str:
    return f"<h2 id='{anchor(i)}'>{escape_html(heading(d, lang))}</h2>"


def summary_md(rows: pd.DataFrame, lang: str) -> str:
    d = rows.iloc[0]
    return t("audit_summary", lang, setting=escape_md(label("setting", d["setting"], lang)), year=escape_md(d["year"]),
             rows=i18n.number(len(rows), lang), file=md_code(d["source_file"]),
             sha=md_code(str(d["source_sha256"])[:16] + "…"))


def _locality(key, lang: str) -> str:
    return t(f"brief_locality_{key}", lang) if key in ("all", "city", "village") else ("" if key is None else str(key))


def _position(key, printed, lang: str) -> str:
    return label("position", key, lang) if isinstance(key, str) and key else ("" if printed is None else str(printed))


def _int(v) -> str:
    return "—" if v is None or pd.isna(v) else str(int(v))


def rates_table(rates: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each position's hourly rate: position, locality (when the decree has several), rate, rows, rows
    that fit, status and where the rate comes from."""
    out = pd.DataFrame({
        t("audit_col_position", lang): [_position(k, None, lang) for k in rates["position_key"]],
        t("audit_col_locality", lang): [_locality(v, lang) for v in rates["locality"]],
        t("audit_col_rate", lang): [i18n.money(v, lang) for v in rates["hourly_rate"]],
        t("audit_col_rows", lang): [_int(v) for v in rates["rows"]],
        t("audit_col_fitting", lang): [_int(v) for v in rates["rows_fitting"]],
        t("audit_col_status", lang): [t(f"audit_status_{s}", lang) for s in rates["status"]],
        t("audit_col_method", lang): [t(f"audit_method_{m}", lang) for m in rates["method"]]})
    if rates["locality"].nunique() <= 1:
        out = out.drop(columns=[t("audit_col_locality", lang)])
    return out


def _row_table(audit: pd.DataFrame, lang: str, minutes: bool = True) -> pd.DataFrame:
    cols = {t("audit_col_row", lang): [_int(v) for v in audit["row"]],
            t("audit_col_service_no", lang): [_int(v) for v in audit["service_no"]],
            t("audit_col_position", lang): [_position(k, p, lang) for k, p in zip(audit["position_key"], audit["position"])],
            t("audit_col_price", lang): [i18n.money(v, lang) for v in audit["price_kzt"]]}
    if minutes:
        cols[t("audit_col_rate", lang)] = [i18n.money(v, lang) for v in audit["hourly_rate"]]
        cols[t("audit_col_minutes", lang)] = [i18n.number(v, lang, 1) for v in audit["minutes"]]
    cols[t("audit_col_reason", lang)] = [audit_text.render(v, lang) for v in audit["reason_values"]]
    if minutes:
        cols[t("audit_col_suggestion", lang)] = [audit_text.render(v, lang) for v in audit["suggestion_values"]]
    out = pd.DataFrame(cols)
    if audit["annex"].nunique() > 1:
        out.insert(0, t("audit_col_annex", lang), [_int(v) for v in audit["annex"]])
    return out


def flagged_table(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    return _row_table(audit[audit["fits"] == False], lang)  # noqa: E712


def unknown_table(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    return _row_table(audit[audit["fits"].isna()], lang, minutes=False)


def counts_md(audit: pd.DataFrame, lang: str) -> str:
    n = lambda v: i18n.number(int(v), lang)  # noqa: E731
    return t("audit_counts", lang, flagged=n((audit["fits"] == False).sum()), unknown=n(audit["fits"].isna().sum()),  # noqa: E712
             fit=n((audit["fits"] == True).sum()))  # noqa: E712


def disagreements_table(disagree: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("audit_col_annex", lang): disagree["annex"].values, t("audit_col_row", lang): disagree["row"].values,
        t("audit_col_locality", lang): [_locality(v, lang) for v in disagree["locality"]],
        t("audit_col_what", lang): disagree["what"].values, t("audit_col_value_kk", lang): disagree["value_kk"].values,
        t("audit_col_value_ru", lang): disagree["value_ru"].values,
        t("audit_col_decided", lang): disagree["decided_price_kzt"].values,
        t("audit_col_decided_by", lang): disagree["decided_by"].values})


def rates_chart(rates: pd.DataFrame, rows: pd.DataFrame, lang: str):
    """The decree's hourly rates as dots per position (``brief.rate_charts`` with one area); None when
    no rate could be judged."""
    from .brief import source_items
    from .brief_charts import rate_charts

    judged = rates[rates["hourly_rate"].notna()].drop_duplicates("position_key")
    if judged.empty:
        return None
    d = rows.iloc[0]
    area = d["area"] if isinstance(d["area"], str) else ""
    figs = rate_charts(judged.assign(area=area), [area], {area: label("area", area, lang) or d["authority"]},
                       t("audit_chart_title", lang, number=d["decree_number"]),
                       f"{t('sources', lang)}: " + "; ".join(source_items(rows, lang)), lang)
    return figs


def show_page(df: pd.DataFrame, ids: list[str], dataset: str, lang: str) -> None:
    """Display the whole report: title and intro, the list of decrees (several), and per decree its
    summary, rates (table and chart), flagged and unjudged rows, and its language versions."""
    from IPython.display import HTML, Markdown, display

    from .bilingual import load_disagreements
    from .show import figure as show_figure, text_table_html
    from .show import title

    lang = i18n.check_lang(lang)
    decrees = select(df, ids, dataset, lang)
    audits = [audit_decree(rows) for _, rows in decrees]
    title(page_title(decrees, lang), lang, intro=t("audit_intro", lang))
    if len(decrees) > 1:
        display(HTML(contents_html(decrees, audits, lang)))
    for i, ((decree_id, rows), audit) in enumerate(zip(decrees, audits)):
        if len(decrees) > 1:
            display(HTML(heading_html(i, rows.iloc[0], lang)))
        display(Markdown(summary_md(rows, lang)))
        rates = decree_rates(rows)
        display(Markdown(f"### {escape_md(t('audit_rates', lang))}"))
        display(HTML(text_table_html(rates_table(rates, lang))))
        for fig in rates_chart(rates, rows, lang) or []:
            show_figure(fig)
        display(Markdown(f"### {escape_md(t('audit_flagged', lang))}\n\n{counts_md(audit, lang)}"))
        if (audit["fits"] == False).any():  # noqa: E712
            display(HTML(text_table_html(flagged_table(audit, lang))))
        if audit["fits"].isna().any():
            display(Markdown(f"### {escape_md(t('audit_unknown', lang))}"))
            display(HTML(text_table_html(unknown_table(audit, lang))))
        both = int((rows["versions"] == 2).sum()) if "versions" in rows else 0
        disagree = load_disagreements(dataset, decree_id)
        display(Markdown(f"### {escape_md(t('audit_versions', lang))}\n\n{t('audit_versions_text', lang)}\n\n"
                         + t("audit_versions_counts", lang, both=i18n.number(both, lang),
                             rows=i18n.number(len(rows), lang), disagree=i18n.number(len(disagree), lang))))
        if len(disagree):
            display(HTML(text_table_html(disagreements_table(disagree, lang))))
