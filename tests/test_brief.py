"""The policy brief and the audit report in Kazakh, Russian and English: texts from the catalogs,
money, numbers and percentages by locale, names (not keys), complete reasons, tables without an
index column, charts without scientific notation and with readable captions."""
import re
from decimal import Decimal

import pandas as pd
import pytest

from kztariffs.audit import audit_decree
from kztariffs.brief import build_brief, show, write_pdf
from kztariffs.errors import DecreeError
from kztariffs.i18n import t
from kztariffs.vocab import label

ORAL_HOME = "oral_akimat_2025-12-18_2999"
ORAL_SEMI = "oral_akimat_2025-09-16_1971"
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


@pytest.fixture(scope="module")
def briefs(seed_dataset):
    out = {lang: build_brief(seed_dataset, "home", 2026, [], lang) for lang in ("kk", "ru", "en")}
    yield out
    for b in out.values():
        b.close()


def _own_texts(brief):
    """Texts the brief writes itself (headings, key figures, the explanation of the chart, table headers):
    no decree text, file name or scenario text."""
    texts = [brief.title] + [s.heading for s in brief.sections]
    texts += brief.sections[0].paragraphs + brief.sections[1].paragraphs
    for s in brief.sections:
        if s.table is not None:
            texts += [str(c) for c in s.table.columns if c != "SHA-256"]
    return texts


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_in_kazakh_or_russian_brief(briefs, lang):
    texts = _own_texts(briefs[lang])
    assert briefs[lang].title == t("brief_title", lang, setting={"kk": "үй жағдайында", "ru": "на дому"}[lang],
                                   year=2026)
    leftovers = [w for text in texts for w in LATIN_WORD.findall(text)]
    assert leftovers == [], leftovers


def test_money_and_percent_by_locale(briefs):
    ru = "\n".join(briefs["ru"].sections[0].paragraphs)
    en = "\n".join(briefs["en"].sections[0].paragraphs)
    assert "948,30" in ru and "948.30" in en  # Oral's care worker rate
    assert "−3,3\u00a0%" in ru and "−3.3%" in en  # Bokey Orda against Oral at the median
    assert "город Уральск" in ru and "oral" not in ru.lower().replace("орал", "")  # names, never keys


def test_reasons_complete_and_tables_without_index(seed_dataset, tmp_path, monkeypatch):
    """The semi-stationary decree has flagged rows: each reason is in the brief in full."""
    sub = seed_dataset[seed_dataset["decree_id"] == ORAL_SEMI]
    audit = audit_decree(sub)
    from kztariffs import audit_text

    reasons = [audit_text.reason(r, "ru") for r in audit[audit["fits"] == False].itertuples()]  # noqa: E712
    assert reasons and max(map(len, reasons)) > 60
    brief = build_brief(seed_dataset, "semi_stationary", 2025, [], "ru")
    table = next(s.table for s in brief.sections if s.heading == t("brief_audit", "ru"))
    shown = list(table[t("brief_col_finding", "ru")])
    assert shown == reasons[:len(shown)]  # whole reasons, not cut
    assert list(table.columns)[0] == t("brief_col_decree", "ru")
    shown_html = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown_html.extend(objs))
    show(brief)
    tables = [o.data for o in shown_html if isinstance(o, IPython.display.HTML)]
    assert tables and all("<th></th>" not in h and "<tbody>\n    <tr>\n      <th>" not in h for h in tables)
    assert write_pdf(brief, tmp_path / "semi.pdf").read_bytes()[:5] == b"%PDF-"
    brief.close()


def test_unknown_language_is_one_line(seed_dataset):
    with pytest.raises(DecreeError, match="unknown language 'de'"):
        build_brief(seed_dataset, "home", 2026, [], "de")


def test_charts_plain_numbers_and_readable_captions(seed_dataset):
    import matplotlib

    from kztariffs.brief_charts import CHART_FONT, rate_charts

    rates = pd.DataFrame({"area": ["oral", "oral"], "position_key": ["care_worker", "nurse"],
                          "hourly_rate": [Decimal("1250000.00"), Decimal("2500000.00")]})
    (fig,) = rate_charts(rates, ["oral"], {"oral": "Орал"}, "title", "a caption", "ru")
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [x.get_text() for x in ax.get_xticklabels() if x.get_text()]
    assert ticks and not any("e+" in x or "1e" in x for x in ticks)
    assert any("\u00a0" in x or " " in x for x in ticks)  # Russian digit groups: 1 250 000
    assert ax.xaxis.get_offset_text().get_text() == ""  # no "1e6" offset either
    captions = [x for x in fig.texts if x.get_text() == "a caption"]
    assert captions and captions[0].get_fontsize() >= 8 and CHART_FONT >= 8
    matplotlib.pyplot.close(fig)


def test_audit_view_tables_in_language(seed_dataset):
    from kztariffs import audit_view
    from kztariffs.audit import decree_rates

    rows = seed_dataset[seed_dataset["decree_id"] == ORAL_SEMI]
    audit = audit_decree(rows)
    flagged = audit_view.flagged_table(audit, "kk")
    assert list(flagged.columns)[:2] == [t("audit_col_row", "kk"), t("audit_col_service_no", "kk")]
    from kztariffs import audit_text

    assert list(flagged[t("audit_col_reason", "kk")]) == [audit_text.reason(r, "kk")
                                                          for r in audit[audit["fits"] == False].itertuples()]  # noqa: E712
    raw = decree_rates(rows)
    rates = audit_view.rates_table(raw, "ru")
    assert set(rates[t("audit_col_position", "ru")]) == {label("position", k, "ru") for k in raw["position_key"]}
    assert "Учитель-дефектолог" in set(rates[t("audit_col_position", "ru")])
    assert not set(raw["position_key"]) & set(rates[t("audit_col_position", "ru")])  # names, not keys
    assert set(rates[t("audit_col_status", "ru")]) <= {t(f"audit_status_{s}", "ru") for s in
                                                       ("ok", "too_few_rows", "no_consistent_rate", "ambiguous")}
    with pytest.raises(DecreeError, match="no such decree in .*: nope"):
        audit_view.select(seed_dataset, [ORAL_HOME, "nope"])
    page = audit_view.select(seed_dataset, [ORAL_HOME, ORAL_SEMI])
    html = audit_view.contents_html(page, [audit_decree(r) for _, r in page], "ru")
    assert html.count("<li><a href='#decree-") == 2 and "<script" not in html
