"""The main job end to end, in a scratch copy of the project: reports, index, brief, Excel,
reproducibility, failure handling, and a real browser following every link."""
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def make_project(dest: Path) -> Path:
    for sub in ("data/raw", "data/scenarios", "notebooks"):
        src = ROOT / sub
        if src.exists():
            shutil.copytree(src, dest / sub, ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    return dest


def report(cwd: Path, *args):
    return subprocess.run([sys.executable, "-m", "kztariffs.cli", "report", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("project"))
    proc = report(proj)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proj


def test_reports_index_and_outputs(project):
    reports = project / "reports"
    index = (reports / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"href='([^']+)'", index)
    assert links
    for link in links:
        assert (reports / link).exists(), link
    names = {p.name for p in reports.glob("*.html")}
    assert "compare_regions__home_2026.html" in names
    assert "policy_brief__home_2026.html" in names and (reports / "policy_brief__home_2026.pdf").exists()
    assert (reports / "policy_brief__home_2026.pdf").read_bytes()[:5] == b"%PDF-"
    # audits grouped by setting, year and region: the two home-care decrees of West Kazakhstan on one page
    assert {"audit_decree__home_2026_west_kazakhstan.html", "audit_decree__oral_akimat_2025-09-16_1971.html"} <= names
    assert not any(n.startswith("audit_decree__oral_akimat_2025-12-18") for n in names)
    # sources: every decree hash listed
    for sha in ("9236014f6b131e56b8ee0a5d22eb30ae82a1b1478ff4d3f47f8a0444776226ca",
                "b5d82cc0eda8d30944505ecb8952415136a35659a27c8db2cd02aa43522ffa91",
                "4454727270180e2c8e463c6c97e008d558dc60fdeffd0c23aaca8aa7d3e2200f"):
        assert sha in index
    # reports carry no code and no absolute path of the machine
    for p in reports.rglob("*"):
        if p.suffix in (".html", ".ipynb", ".csv", ".md"):
            text = p.read_text(encoding="utf-8", errors="replace")
            assert str(project) not in text and str(ROOT) not in text, p.name
    assert "import " not in (reports / "compare_regions__home_2026.html").read_text(encoding="utf-8") \
        .split("<body", 1)[1].replace("important", "")


def test_excel_export(project):
    import pandas as pd

    xlsx = project / "data" / "processed" / "tariffs.xlsx"
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert len(sheets["tariffs"]) == 275
    assert "columns" in sheets and "price_kzt" in set(sheets["columns"]["column"])
    assert set(sheets["decrees"]["sheet"]) <= set(sheets)
    oral = sheets["oral_2025-12-18_2999"]
    assert list(oral["row"]) == list(range(1, 77))
    # decree 2999 row 2: 1 896,60 (funeral assistance, care worker)
    assert f"{oral.loc[oral.row == 2, 'price_kzt_all'].iloc[0]:.2f}" == "1896.60"
    bokey = sheets["bokey_orda_2025-12-24_167"]
    assert "price_kzt_village" in bokey and "price_kzt_city" not in bokey


def test_same_inputs_same_outputs(project, tmp_path):
    again = make_project(tmp_path / "again")
    proc = report(again)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for rel in ("data/processed/tariffs.csv", "data/processed/rejects.csv", "data/processed/decrees.csv"):
        assert (project / rel).read_bytes() == (again / rel).read_bytes(), rel
    stamp = re.compile(r'"(start_time|end_time|duration|iopub\.[\w.]+|shell\.[\w.]+)": [^,\n]+')
    strip = lambda s: stamp.sub("", s)
    for p in (project / "reports").glob("*.ipynb"):
        q = again / "reports" / p.name
        assert strip(p.read_text(encoding="utf-8")) == strip(q.read_text(encoding="utf-8")), p.name


def test_failing_notebook_fails_loudly_and_keeps_previous_reports(project, tmp_path):
    broken = make_project(tmp_path / "broken")
    shutil.copytree(project / "reports", broken / "reports")
    before = sorted(p.name for p in (broken / "reports").iterdir())
    nb = broken / "notebooks" / "positions_rates.py"
    nb.write_text(nb.read_text(encoding="utf-8") + "\n# %%\nraise RuntimeError('deliberate failure')\n",
                  encoding="utf-8")
    (broken / "notebooks" / "positions_rates.ipynb").unlink(missing_ok=True)
    proc = report(broken)
    assert proc.returncode != 0
    assert "positions_rates" in proc.stderr and "cell" in proc.stderr and "deliberate failure" in proc.stderr
    assert sorted(p.name for p in (broken / "reports").iterdir()) == before


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs Debian's "
                                              "chromium where apt-get is available); browser test skipped")
def test_every_link_and_figure_loads_in_chromium(project):
    from playwright.sync_api import sync_playwright

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(project / "reports"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            assert page.goto(base + "index.html").ok
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            assert len(links) >= 8
            figures = 0
            for link in links:
                if link.endswith(".html"):
                    resp = page.goto(base + link)
                    assert resp and resp.ok, link
                    page.wait_for_load_state("load")
                    broken = page.eval_on_selector_all(
                        "img", "els => els.filter(e => !(e.complete && e.naturalWidth > 0)).length")
                    assert broken == 0, f"{link}: {broken} figure(s) did not load"
                    figures += page.eval_on_selector_all("img", "els => els.length")
                else:
                    resp = page.request.get(base + link)
                    assert resp.ok, link
            assert figures >= 5
            browser.close()
    finally:
        server.shutdown()
