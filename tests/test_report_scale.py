"""Reports at national scale (issue #15, part 4): 40 areas in one setting and year. The brief's PDF lays
out (charts split, tables paged, no reportlab LayoutError), the plan groups audits by region instead of
one notebook per decree, and the main job writes the brief and a grouped audit with the real notebooks.
The round is synthetic: the Oral home-care decree copied under other KATO bodies (bench/bench_report.py)."""
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from bench_report import national_frame  # noqa: E402

N_AREAS = 40


@pytest.fixture(scope="module")
def national(seed_dataset):
    return national_frame(seed_dataset, N_AREAS)


def test_round_is_what_the_tests_need(national):
    df, decrees = national
    home = df[(df["setting"] == "home") & (df["year"] == 2026)]
    assert home["area"].nunique() == N_AREAS + 2 and home["region"].nunique() == 17
    assert len(decrees) == N_AREAS + 3 and decrees["decree_id"].is_unique


def test_brief_pdf_with_40_areas_pages_and_names_every_area(national, tmp_path):
    import pypdfium2 as pdfium

    from kztariffs.brief import build_brief, write_pdf
    from kztariffs.i18n import t
    from kztariffs.vocab import label

    df, _ = national
    brief = build_brief(df, "home", 2026, [], "ru")
    try:
        out = write_pdf(brief, tmp_path / "brief.pdf")  # 5 areas and more used to raise LayoutError
    finally:
        brief.close()
    doc = pdfium.PdfDocument(str(out))
    assert 4 <= len(doc) <= 12, len(doc)
    flat = re.sub(r"\s+", "", "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    for area in df.loc[df["setting"] == "home", "area"].unique():  # the paged table of areas lists them all
        assert re.sub(r"\s+", "", label("area", area, "ru")) in flat, area
    assert re.sub(r"\s+", "", t("brief_col_median", "ru")) in flat
    heights = [p.get_height() for p in doc]
    assert len(set(heights)) == 1  # every page A4
    # the prose summarises instead of naming 42 areas in a row
    key = brief.sections[0].paragraphs
    assert len(key) <= 6 and all(len(p) < 400 for p in key)


def test_charts_split_into_parts_of_bounded_height(seed_dataset):
    import matplotlib.pyplot as plt

    from kztariffs.brief import area_differences
    from kztariffs.brief_charts import DIFF_CHART_ROWS, diff_charts
    from kztariffs.compare import ordered_areas

    df, _ = national_frame(seed_dataset, 120)
    areas = ordered_areas(df, df.loc[df["setting"] == "home", "area"].unique())
    diffs = area_differences(df, "home", 2026, areas)
    figs = diff_charts(diffs, {a: a for a in areas}, "t", "c", "en")
    try:
        assert len(figs) == -(-diffs["median"].notna().sum() // DIFF_CHART_ROWS) == 4
        assert max(f.get_size_inches()[1] for f in figs) < 11
        shown = [x.get_text() for f in figs for x in f.axes[0].get_yticklabels()]
        assert len(shown) == len(set(shown)) == diffs["median"].notna().sum()  # every area once
    finally:
        for f in figs:
            plt.close(f)


def test_plan_groups_audits_by_region(national):
    from kztariffs.report import audit_groups, plan

    df, decrees = national
    jobs = plan(df, [])
    audits = [j for j in jobs if j.notebook == "audit_decree"]
    audited = [i for j in audits for i in j.params.get("decree_ids", [j.params.get("decree_id")])]
    assert sorted(audited) == sorted(decrees["decree_id"])  # every decree once
    assert len(audits) == len(audit_groups(df)) == 18  # 17 regions of home 2026 + the semi-stationary decree
    assert len(jobs) < 25 and len({j.out_name for j in jobs}) == len(jobs)
    one = [j for j in audits if "decree_id" in j.params]
    assert [j.out_name for j in one] == ["audit_decree__oral_akimat_2025-09-16_1971"]
    assert all(j.subgroup for j in audits) and {j.subgroup for j in audits} == {"home-based 2026",
                                                                                   "semi-stationary (day care) 2025"}


def test_main_job_with_40_areas_writes_brief_and_grouped_audit(national, tmp_path, monkeypatch):
    """The real notebooks through make_reports: the brief (HTML + PDF) and one region's audit page."""
    import shutil

    from kztariffs.dataset import write_table
    from kztariffs.report import make_reports, plan

    df, decrees = national
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    write_table(df, processed / "tariffs.parquet")
    wanted = {"policy_brief__home_2026", "audit_decree__home_2026_west_kazakhstan"}
    jobs = [j for j in plan(df, []) if j.out_name in wanted]
    assert len(jobs) == 2
    monkeypatch.chdir(tmp_path)
    make_reports(df, decrees, Path("data/processed"), Path("reports"), [], jobs, workers=2, lang="kk")
    reports = tmp_path / "reports"
    assert (reports / "policy_brief__home_2026.pdf").read_bytes()[:5] == b"%PDF-"
    page = (reports / "audit_decree__home_2026_west_kazakhstan.html").read_text(encoding="utf-8")
    group = next(j for j in jobs if j.notebook == "audit_decree").params["decree_ids"]
    assert len(re.findall(r"href=[\"']#decree-\d+", page)) == len(group) >= 3  # contents link every decree
    assert len(re.findall(r"id=[\"']decree-\d+", page)) == len(group)
    assert "Тарифтерді тексеру" in page and "Tariff audit" not in page
    assert os.path.getsize(reports / "policy_brief__home_2026.html") < 3_000_000
