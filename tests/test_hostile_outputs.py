"""Issue 14, outputs: what a decree says is data, never markup or a formula; the report folder
changes as a set or not at all.

1. Decrees carrying payloads (a body name ``<img src=x onerror=alert(9)>``, a service text
   ``<script>``, a position ``</td><b>``, a ``$...$`` that matplotlib would read as math, formulas)
   are built into a dataset, a few real notebooks are rendered from it, with the index and the
   brief: every HTML file shows the payloads as text only, loads no script, and the PDF builds.
2. Formula-like cells are written as text in the Excel export and, through
   ``safe.neutralize_frame``, in CSV; numbers and prices are never touched.
3. ``make_reports`` with a fake (fast) notebook runner: interrupted at every step, by an exception
   in-process and by SIGINT to the process group at many moments, and run twice at once: ``reports/``
   is always exactly one complete generation (an index, every file it links, every file its manifest
   names).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS, seed_path

BODY = "<img src=x onerror=alert(9)>"
SCRIPT = "<script>alert(1)</script>"
TD = "</td><b>"
SVG = "<svg onload=alert(3)>"
MATH = r"$\undefinedcommand{x}$"  # matplotlib's mathtext fails to draw this: the cell would fail
RAW_MARKUP = (BODY, SCRIPT, TD, SVG, "<img src=x", "<script", "<svg")
FORMULAS = ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1"]

BOKEY = "bokey-orda-district_2025-12-24_no167_home-2026_kk"
ORAL = "oral-city_2025-12-18_no2999_home-2026_kk"


# ------------------------------------------------------------------------------- hostile dataset


def _inject(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def write_hostile_decrees(raw: Path) -> None:
    """The three seed decrees, the Bokey Orda one with payloads in service texts and a position, and a
    copy of Oral № 2999 whose act line names the body ``Орал <img ...> қаласы`` (a body name the KATO
    classifier does not know is kept as printed: that is how it reaches the reports)."""
    raw.mkdir(parents=True)
    for stem in SEEDS:
        shutil.copy(seed_path(stem), raw / seed_path(stem).name)
    bokey = raw / seed_path(BOKEY).name
    t = bokey.read_text(encoding="utf-8")
    t = _inject(t, "қарттар мен мүгедектер үшін жерлеу", f"{SCRIPT} {MATH} қарттар мен мүгедектер үшін жерлеу")
    t = _inject(t, "\nКүтім жөніндегі әлеуметтік қызметкер\n", f"\nКүтім жөніндегі әлеуметтік қызметкер {TD}\n")
    # formulas at the start of five service texts (the lines after a row number)
    lines = t.split("\n")
    targets = [i for i, line in enumerate(lines) if line and line[0].isalpha() and len(line) > 40 and
               i > 0 and lines[i - 1].strip() == "" and lines[i - 2].strip().isdigit()]
    for formula, i in zip(FORMULAS, targets[2:]):
        lines[i] = f"{formula} {lines[i]}"
    bokey.write_text("\n".join(lines), encoding="utf-8")
    oral = seed_path(ORAL).read_text(encoding="utf-8")
    oral = _inject(oral, "Батыс Қазақстан облысы Орал қаласы әкімдігінің 2025",
                   f"Батыс Қазақстан облысы Орал {BODY} қаласы әкімдігінің 2025")
    (raw / "oral-payload-body.portal.txt").write_text(oral, encoding="utf-8")


def build_frames(raw: Path):
    from kztariffs.dataset import decrees_frame, extract_file, frames
    from kztariffs.linking import assign_service_keys

    results = [extract_file(p) for p in sorted(raw.iterdir())]
    df, rejects, _ = frames(results)
    return assign_service_keys(df), rejects, decrees_frame(results)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A scratch project whose dataset carries the payloads: parsed from the decrees where the readers
    keep them, set on the frame where they do not (a category text, and a body name of a decree whose
    area is known, so that comparisons and the brief show it too)."""
    from kztariffs.dataset import write_table

    proj = tmp_path_factory.mktemp("hostile")
    write_hostile_decrees(proj / "data" / "raw")
    shutil.copytree(ROOT / "notebooks", proj / "notebooks", ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    df, rejects, decrees = build_frames(proj / "data" / "raw")
    bokey = df["decree_id"] == "bokey_orda_akimat_2025-12-24_167"
    frame_body = f"Бөкей ордасы {BODY} {MATH} ауданы әкімдігі"
    df.loc[bokey, "authority"] = frame_body
    decrees.loc[decrees["decree_id"] == "bokey_orda_akimat_2025-12-24_167", "authority"] = frame_body
    df.loc[bokey, "category_text"] = f"әлеуметтік-тұрмыстық {SVG} қызметтер"
    processed = proj / "data" / "processed"
    processed.mkdir(parents=True)
    write_table(df, processed / "tariffs.parquet")
    write_table(df, processed / "tariffs.csv")
    write_table(rejects, processed / "rejects.csv")
    decrees.to_csv(processed / "decrees.csv", index=False)
    return proj, df, rejects, decrees


def test_payloads_survive_parsing_as_data(hostile):
    """The payloads are in the dataset (so the outputs below are really tested) and no row is lost."""
    _, df, _, decrees = hostile
    assert len(df) == 76 + 123 + 76 + 76  # three seeds and the copy of № 2999
    unknown = decrees[decrees["decree_id"].str.startswith("unknown_")]
    assert len(unknown) == 1 and BODY in unknown["authority"].iloc[0]
    texts = set(df["service_text"])
    assert any(SCRIPT in t and MATH in t for t in texts)
    assert any(TD in p for p in df["position"])
    for f in FORMULAS:
        assert any(t.startswith(f + " ") for t in texts), f


@pytest.fixture(scope="module")
def hostile_reports(hostile):
    """``make_reports`` with the real notebooks for the reports that show the payloads (five of
    them: the audit of West Kazakhstan's home-care decrees (Bokey Orda's and the one of the unknown body
    on one page), the comparison, the positions' rates and the brief), the index and the PDF."""
    from kztariffs.report import make_reports, plan

    proj, df, _, decrees = hostile
    wanted = {"compare_regions__home_2026", "policy_brief__home_2026", "positions_rates",
              "audit_decree__home_2026_west_kazakhstan"}
    jobs = [j for j in plan(df, []) if j.out_name in wanted]
    assert len(jobs) == 4
    old = os.getcwd()
    os.chdir(proj)
    try:
        make_reports(df, decrees, Path("data/processed"), Path("reports"), [], jobs, workers=2)
    finally:
        os.chdir(old)
    return proj / "reports", jobs


def _html_files(reports: Path) -> list[Path]:
    files = sorted(reports.glob("*.html"))
    assert files
    return files


def test_every_html_output_shows_payloads_as_text_only(hostile_reports):
    from bs4 import BeautifulSoup

    reports, jobs = hostile_reports
    files = _html_files(reports)
    assert len(files) == len(jobs) + 1  # the notebooks and the index
    seen = {}
    for p in files:
        text = p.read_text(encoding="utf-8")
        for raw in RAW_MARKUP:
            assert raw not in text, f"{p.name}: {raw!r} written as markup"
        soup = BeautifulSoup(text, "html.parser")
        assert soup.find_all("script") == [], f"{p.name}: loads or runs a script"
        assert not soup.find_all("svg") and not soup.find_all("iframe"), p.name
        for tag in soup.find_all(True):
            handlers = [a for a in tag.attrs if a.lower().startswith("on")]
            assert not handlers, f"{p.name}: <{tag.name}> has event handler(s) {handlers}"
        for img in soup.find_all("img"):
            assert img.get("src", "").startswith("data:image/"), f"{p.name}: <img src={img.get('src')!r}>"
        csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert csp is not None and "default-src 'none'" in csp["content"], f"{p.name}: no Content-Security-Policy"
        seen[p.name] = soup.get_text()
    # ... and the payloads are shown, as text, where the data are shown
    index = seen["index.html"]
    assert BODY in index and MATH in index
    audits = seen["audit_decree__home_2026_west_kazakhstan.html"]  # the unknown body's decree and Bokey Orda's
    assert BODY in audits and TD in audits
    assert BODY in seen["compare_regions__home_2026.html"]  # the sources caption (Markdown)
    assert BODY in seen["policy_brief__home_2026.html"] and MATH in seen["policy_brief__home_2026.html"]


def test_brief_pdf_builds_and_prints_the_payload_as_text(hostile_reports):
    import pypdfium2 as pdfium

    reports, _ = hostile_reports
    pdf = reports / "policy_brief__home_2026.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    doc = pdfium.PdfDocument(str(pdf))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", BODY) in flat


def test_brief_markup_and_mathtext_in_every_text(tmp_path):
    """reportlab's Paragraph markup and mathtext in every text of a brief: the PDF builds, the chart draws."""
    import matplotlib

    from kztariffs import plots
    from kztariffs.brief import Brief, Section, write_pdf

    nasty = f"{BODY} <para>x</para> <font name=Nope>y</font> &amp; & <a href='javascript:alert(1)'>z</a> {MATH}"
    old = matplotlib.rcParams["text.parse_math"]
    try:
        matplotlib.rcParams["text.parse_math"] = True  # as in a fresh process: escape_mathtext must act
        from kztariffs.safe import escape_mathtext

        fig = plots.barh(pd.DataFrame({"k": [escape_mathtext(nasty)], "v": [1.0]}), "k", ["v"],
                         escape_mathtext(nasty), "x", caption=escape_mathtext(nasty))
        fig.savefig(io.BytesIO(), format="png")
    finally:
        matplotlib.rcParams["text.parse_math"] = old
    b = Brief(title=nasty, subtitle=nasty, sources=nasty,
              sections=[Section(nasty, [nasty, nasty], table=pd.DataFrame({nasty: [nasty]}), figure=fig)])
    out = write_pdf(b, tmp_path / "b.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("value", [BODY, SCRIPT, TD, SVG, MATH, "[x](javascript:alert(1))", "![i](http://e/x.png)",
                                   "<http://e>", "*a* _b_ `c` ~~d~~", "# h\n- item\n1. one\n> quote", "a | b |\n|---|",
                                   "&lt;b&gt; &amp;", "x\\", "line\r\nbreak", "=1+1"])
def test_escape_md_renders_the_value_verbatim(value):
    from bs4 import BeautifulSoup
    from nbconvert.filters import markdown2html

    from kztariffs.safe import escape_md, md_code

    for wrapped in (f"**{escape_md(value)}** and _{escape_md(value)}_", f"source {md_code(value)}"):
        html_ = markdown2html(wrapped)
        soup = BeautifulSoup(html_, "html.parser")
        names = {t.name for t in soup.find_all(True)}
        assert names <= {"p", "strong", "em", "code"}, (value, html_)
        shown = " ".join(re.sub(r"\s+", " ", value).split())
        assert shown in " ".join(soup.get_text().split()), (value, html_)


def test_index_escapes_titles_names_and_links():
    from kztariffs.report import Job, index_html

    jobs = [Job("audit_decree", {"decree_id": f"x{BODY}"}, f"Audit: {BODY} № {SCRIPT}", f"G{TD}", "audit'x",
                outputs=["a'b\".pdf"])]
    decrees = pd.DataFrame([{"decree_id": "d", "authority": BODY, "decree_number": SCRIPT, "decree_date": TD,
                             "setting": SVG, "year": "2026", "portal_id": "'\"><b>", "source_file": f"{BODY}.txt",
                             "source_sha256": "ab", "rows": "<i>1</i>"}])
    page = index_html(jobs, decrees, {"k<": f"{SCRIPT}"}, others=["o'<b>.html"])
    for raw in RAW_MARKUP + ("<i>1", "<b>", "'x.html'", "a'b"):
        assert raw not in page, raw
    assert "href='audit%27x.html'" in page and "href='o%27%3Cb%3E.html'" in page


# ------------------------------------------------------------------------------------- CSV and Excel


def test_excel_formulas_are_text(hostile, tmp_path):
    from openpyxl import load_workbook

    from kztariffs.excel import write_excel

    _, df, _, decrees = hostile
    extra = df.head(4).copy()
    extra["service_text"] = ["\t=1+1", "\r=2+2", "ctl\x01\x1b[31m", "＝1+1"]
    target = write_excel(pd.concat([df, extra], ignore_index=True), tmp_path / "t.xlsx", decrees)
    wb = load_workbook(target)
    found = {}
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate}: formula {c.value!r}"
                if isinstance(c.value, str) and c.value and c.value[0] in "=+-@\t\r＝":
                    assert c.data_type == "s" and c.quotePrefix, f"{ws.title}!{c.coordinate}: {c.value!r}"
                    found.setdefault(c.value.split(" ")[0], c.value)
            for name, c in zip(header, row):
                if name and str(name).startswith("price_kzt") and c.value is not None:
                    assert c.data_type == "n", f"{ws.title}!{c.coordinate}: price {c.value!r} not a number"
    for f in FORMULAS + ["\t=1+1", "\r=2+2", "＝1+1"]:
        assert f in found, f  # value unchanged (not prefixed, not evaluated)
    tidy = pd.read_excel(target, sheet_name="tariffs")
    assert len(tidy) == len(df) + 4  # no row lost
    assert "ctl\ufffd\ufffd[31m" in set(tidy["service_text"])  # control characters xlsx cannot hold


def test_neutralize_frame_for_csv(hostile):
    from decimal import Decimal

    from kztariffs.dataset import csv_frame
    from kztariffs.safe import neutralize_frame, restore_frame

    _, df, rejects, _ = hostile
    extra = df.head(2).copy()
    extra["service_text"] = ["\t=1+1", "@x"]
    frame = pd.concat([df, extra], ignore_index=True)
    before = frame.copy()
    out = neutralize_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not changed
    # a carriage return is neutralised like a tab (the CSV writer must quote it: pandas' default
    # line terminator "\n" does not, see the report to the lead; the readers never keep one)
    cr = neutralize_frame(pd.DataFrame({"service_text": ["\r=2+2", "ok"]}))
    assert list(cr["service_text"]) == ["'\r=2+2", "ok"]
    buf = io.StringIO()
    csv_frame(out).to_csv(buf, index=False)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == len(frame)
    texts = [r["service_text"] for r in rows]
    for f in FORMULAS:
        assert any(t.startswith("'" + f + " ") for t in texts), f
        assert not any(t.startswith(f) for t in texts), f
    assert {"'\t=1+1", "'@x"} <= set(texts)
    plain = list(csv.DictReader(io.StringIO(csv_frame(frame).to_csv(index=False))))
    assert [r["price_kzt"] for r in rows] == [r["price_kzt"] for r in plain]  # prices untouched
    for a, b in zip(rows, plain):  # only formula-like cells differ, by one leading apostrophe
        for k in a:
            assert a[k] == b[k] or a[k] == "'" + b[k], (k, a[k], b[k])
    # numbers stay numbers, also when written as text, also negative; text columns are neutralised
    small = pd.DataFrame({"price_kzt": [Decimal("-1.00"), Decimal("5")], "as_text": ["-1.50", "2"],
                          "n": [-1, 2], "text": ["-1", "ok"]})
    got = neutralize_frame(small)
    assert list(got["price_kzt"]) == [Decimal("-1.00"), Decimal("5")]
    assert list(got["as_text"]) == ["-1.50", "2"] and list(got["n"]) == [-1, 2]
    assert list(got["text"]) == ["'-1", "ok"]
    # the same call on csv_frame's output (prices already text) leaves the prices alone too
    assert list(neutralize_frame(csv_frame(frame))["price_kzt"]) == list(csv_frame(frame)["price_kzt"])
    assert len(neutralize_frame(rejects)) == len(rejects)
    # a lone dash ("no norm" in the staffing norms) is no formula; read back, every text is as extracted
    assert list(neutralize_frame(pd.DataFrame({"t": ["-", "+", "x"]}))["t"]) == ["-", "+", "x"]
    back = restore_frame(pd.read_csv(io.StringIO(buf.getvalue()), dtype=str, keep_default_na=False, na_values=[""]))
    assert list(back["service_text"]) == list(frame["service_text"])
    tricky = pd.DataFrame({"t": ["=x", "'=x", "''=x", "'a", "-", "'", "@", "ok"]})
    assert list(neutralize_frame(tricky)["t"]) == ["'=x", "''=x", "'''=x", "'a", "-", "'", "'@", "ok"]
    pd.testing.assert_frame_equal(restore_frame(neutralize_frame(tricky)), tricky)


# --------------------------------------------------------------------------------- report folder


def fake_run(delay: float = 0.0):
    """A stand-in for ``notebooks.run``: writes the executed notebook and its HTML."""

    def run(name, params=None, out_dir=None, out_name=None, cwd=None, html=True):
        time.sleep(delay)
        out_dir = Path(out_dir)
        (out_dir / f"{out_name}.ipynb").write_text("{}", encoding="utf-8")
        (out_dir / f"{out_name}.html").write_text(f"<p>{out_name}</p>", encoding="utf-8")
        return out_dir / f"{out_name}.ipynb", out_dir / f"{out_name}.html"

    return run


def complete_generation(reports: Path) -> tuple[str, set[str]]:
    """``reports`` is one complete generation: its index, every file the index links, every file
    its manifest names. Returns (the generation's folder name, its file names)."""
    from kztariffs.report import MANIFEST

    real = reports.resolve(strict=True)
    index = (real / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"href='([^']+)'", index)
    assert len(links) >= 8
    for link in links:
        assert (real / link).exists(), f"dead link {link} in {real.name}"
    manifest = json.loads((real / MANIFEST).read_text(encoding="utf-8"))
    for name in manifest["files"]:
        assert (real / name).exists(), f"{name} named by the manifest is missing in {real.name}"
    assert (real / "policy_brief__home_2026.pdf").read_bytes()[:5] == b"%PDF-"
    return real.name, {p.name for p in real.iterdir()}


@pytest.fixture(scope="module")
def inputs(seed_dataset, seed_results, tmp_path_factory):
    from kztariffs.dataset import decrees_frame, write_table

    d = tmp_path_factory.mktemp("inputs")
    processed = d / "processed"
    processed.mkdir()
    write_table(seed_dataset, processed / "tariffs.parquet")
    write_table(seed_dataset, processed / "tariffs.csv")
    (processed / "rejects.csv").write_text("x\n", encoding="utf-8")
    decrees = decrees_frame(list(seed_results.values()))
    decrees.to_csv(processed / "decrees.csv", index=False)
    return seed_dataset, decrees, processed


@pytest.fixture
def reporter(inputs, tmp_path, monkeypatch):
    """make_reports in a scratch folder with the fake notebook runner (workers fork: they see it)."""
    from kztariffs import notebooks, report

    df, decrees, processed = inputs
    monkeypatch.setattr(notebooks, "run", fake_run())
    monkeypatch.chdir(tmp_path)
    jobs = report.plan(df, [])
    notes = []

    def make(**kw):
        return report.make_reports(df, decrees, processed, tmp_path / "reports", [], jobs,
                                   notify=notes.append, **kw)

    make.reports = tmp_path / "reports"
    make.notes = notes
    return make


def _staging_left(reports: Path) -> list[str]:
    gens = reports.parent / f".{reports.name}.gens"
    return [p.name for p in gens.iterdir() if p.name.endswith(".tmp")] if gens.is_dir() else []


def test_report_folder_is_a_link_to_one_generation(reporter):
    reporter()
    first, names = complete_generation(reporter.reports)
    assert reporter.reports.is_symlink() and (reporter.reports / "index.html").is_file()
    reporter()
    second, _ = complete_generation(reporter.reports)
    assert second != first
    reporter()
    gens = reporter.reports.parent / ".reports.gens"
    assert len([p for p in gens.iterdir() if p.is_dir()]) <= 2  # old generations removed after the switch
    assert _staging_left(reporter.reports) == []


STEPS = ["render", "_write_briefs", "_copy_data", "_keep_run_outputs", "_write_index", "_write_manifest", "switch"]


@pytest.mark.parametrize("step", STEPS)
def test_interrupt_at_each_step_keeps_previous_reports(reporter, monkeypatch, step):
    from kztariffs import outputs, report

    reporter()
    before = complete_generation(reporter.reports)

    def boom(*a, **k):
        raise KeyboardInterrupt

    kw = {}
    if step == "render":
        kw["progress"] = lambda job, err: boom()
    elif step == "switch":
        monkeypatch.setattr(outputs, "_relink", boom)
    else:
        monkeypatch.setattr(report, step, boom)
    with pytest.raises(report.ReportsInterrupted) as exc:
        reporter(**kw)
    assert str(exc.value) == "interrupted; previous reports kept"
    assert isinstance(exc.value, KeyboardInterrupt)  # exit 130 at the command line
    assert complete_generation(reporter.reports) == before
    assert _staging_left(reporter.reports) == []


def test_interrupt_after_the_switch_says_new_reports_are_in_place(reporter, monkeypatch):
    from kztariffs import outputs, report

    reporter()
    before, _ = complete_generation(reporter.reports)

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "_prune", boom)
    with pytest.raises(report.ReportsInterrupted) as exc:
        reporter()
    assert str(exc.value) == "interrupted; the new reports are in place"
    after, _ = complete_generation(reporter.reports)
    assert after != before


def test_failing_notebook_keeps_previous_reports(reporter, monkeypatch):
    from kztariffs import notebooks
    from kztariffs.notebooks import NotebookError

    reporter()
    before = complete_generation(reporter.reports)

    def failing(name, params=None, out_dir=None, out_name=None, cwd=None, html=True):
        raise NotebookError(name, "cell 3 failed: RuntimeError: deliberate")

    monkeypatch.setattr(notebooks, "run", failing)
    with pytest.raises(NotebookError, match="deliberate"):
        reporter()
    assert complete_generation(reporter.reports) == before
    assert _staging_left(reporter.reports) == []


def test_outputs_of_kztariffs_run_are_kept_and_listed(reporter):
    reporter()
    current = reporter.reports
    (current / "explore__area-oral.html").write_text("<p>mine</p>", encoding="utf-8")
    (current / "explore__area-oral.ipynb").write_text("{}", encoding="utf-8")
    (current / "mine").mkdir()
    (current / "mine" / "x.html").write_text("x", encoding="utf-8")
    reporter()
    _, names = complete_generation(current)
    assert {"explore__area-oral.html", "explore__area-oral.ipynb", "mine"} <= names
    assert (current / "mine" / "x.html").read_text(encoding="utf-8") == "x"
    index = (current / "index.html").read_text(encoding="utf-8")
    from kztariffs.i18n import LANGS, t

    assert any(t("idx.others", lang) in index for lang in LANGS) and "href='explore__area-oral.html'" in index
    assert len(reporter.notes) == 1 and "\n" not in reporter.notes[0]
    assert "kept 3 file(s) that `kztariffs run` wrote" in reporter.notes[0]
    # kept again by the next run (they are not the report's own files)
    reporter()
    _, names = complete_generation(current)
    assert "explore__area-oral.html" in names


def test_run_output_with_a_report_name_is_replaced_with_a_word(reporter, tmp_path):
    """A plain folder from an older version (or from `kztariffs run` before any report): moved into the
    generations once; a file the new report writes under the same name replaces it, and the note says so."""
    legacy = reporter.reports
    legacy.mkdir()
    (legacy / "compare_regions__home_2026.html").write_text("<p>by hand</p>", encoding="utf-8")
    (legacy / "audit_decree__custom.html").write_text("<p>by hand</p>", encoding="utf-8")
    reporter()
    _, names = complete_generation(legacy)
    assert legacy.is_symlink() and "audit_decree__custom.html" in names
    assert (legacy / "compare_regions__home_2026.html").read_text(encoding="utf-8") != "<p>by hand</p>"
    assert len(reporter.notes) == 1
    assert "replaced by this report's file of the same name: compare_regions__home_2026.html" in reporter.notes[0]


def test_second_run_refuses_with_one_line_when_told_not_to_wait(reporter):
    from filelock import FileLock

    from kztariffs.errors import DecreeError
    from kztariffs.report import lock_path

    reporter()
    before = complete_generation(reporter.reports)
    lock = FileLock(str(lock_path(reporter.reports)))
    with lock:
        t0 = time.monotonic()
        with pytest.raises(DecreeError) as exc:
            reporter(wait=0)
        assert time.monotonic() - t0 < 5
    msg = str(exc.value)
    assert "\n" not in msg and "another run" in msg and "reports" in msg
    assert complete_generation(reporter.reports) == before


# ------------------------------------------------------------- real processes: signals, two runs

SCRIPT_TEXT = r'''
import sys, time
from pathlib import Path
try:
    import pandas as pd
    from kztariffs import notebooks, report
    from kztariffs.dataset import load_dataset

    processed, reports, delay, wait = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])

    def run(name, params=None, out_dir=None, out_name=None, cwd=None, html=True):
        time.sleep(delay)
        (Path(out_dir) / f"{out_name}.ipynb").write_text("{}")
        (Path(out_dir) / f"{out_name}.html").write_text(f"<p>{out_name}</p>")

    notebooks.run = run
    df = load_dataset(processed / "tariffs.parquet")
    decrees = pd.read_csv(processed / "decrees.csv", dtype=str)
    jobs = report.plan(df, [])
    print("start", flush=True)
    report.make_reports(df, decrees, processed, reports, [], jobs, workers=2, wait=wait)
    print("done", flush=True)
except KeyboardInterrupt as exc:
    print(str(exc) or "interrupted; previous outputs kept", file=sys.stderr)
    sys.exit(130)
'''


MESSAGES = ("interrupted; previous reports kept", "interrupted; the new reports are in place",
            "interrupted; previous outputs kept")  # the last: Ctrl-C before make_reports started


def _start(script: Path, processed: Path, reports: Path, delay: float, wait: float = 600) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(script), str(processed), str(reports), str(delay), str(wait)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=reports.parent,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)


@pytest.fixture
def script(tmp_path):
    p = tmp_path / "run_report.py"
    p.write_text(SCRIPT_TEXT, encoding="utf-8")
    return p


def test_sigint_at_many_moments_leaves_one_complete_generation(inputs, script, tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) at many moments of a run:
    every time ``reports/`` is the previous generation or the new one, complete; one line; exit 130."""
    _, _, processed = inputs
    reports = tmp_path / "reports"
    first = _start(script, processed, reports, 0.0)
    assert first.wait(120) == 0, first.stderr.read()
    generation, _ = complete_generation(reports)
    outcomes = []
    for delay in (0.0, 0.15, 0.35, 0.6, 0.9, 1.3, 1.8, 2.6):
        proc = _start(script, processed, reports, 0.1)
        assert proc.stdout.readline().strip() == "start"
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:
            pass
        out, err = proc.communicate(timeout=120)
        lines = err.strip().splitlines()
        said = [line for line in lines if line in MESSAGES]
        if "done" not in out:  # one of the two interrupt lines, no traceback (a loaded machine may add a warning)
            assert proc.returncode == 130 and len(said) == 1 and "Traceback" not in err, (proc.returncode, err)
        now, _ = complete_generation(reports)
        if said == ["interrupted; previous reports kept"]:
            assert now == generation, delay
        elif "done" in out or said == ["interrupted; the new reports are in place"]:
            assert now != generation, delay
        outcomes.append(proc.returncode)
        generation = now
        assert _staging_left(reports) == []
    assert 130 in outcomes  # the signal did land inside runs


def test_two_runs_at_once_both_finish_and_leave_one_complete_generation(inputs, script, tmp_path):
    _, _, processed = inputs
    reports = tmp_path / "reports"
    problems, stop = [], threading.Event()

    def watch():  # whenever reports/ exists, it is one complete generation
        while not stop.is_set():
            real = reports.resolve() if reports.exists() else None
            try:
                if real is not None:
                    complete_generation(reports)
            except FileNotFoundError:
                pass  # the generation being read was replaced and pruned meanwhile: read again
            except AssertionError as exc:
                if real.exists() and reports.resolve() == real:
                    problems.append(str(exc))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        procs = [_start(script, processed, reports, 0.25) for _ in range(2)]
        results = [p.communicate(timeout=180) for p in procs]
    finally:
        stop.set()
        watcher.join(5)
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0 and "done" in out, err
    waited = [err for _, err in results if "waiting for it" in err]
    assert len(waited) <= 1
    complete_generation(reports)
    assert problems == []
    gens = tmp_path / ".reports.gens"
    assert len([p for p in gens.iterdir() if p.is_dir()]) <= 2 and _staging_left(reports) == []
