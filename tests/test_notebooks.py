"""Every notebook runs with its defaults and with one other parameter set (papermill, as the CLI
runs them), on a dataset built from the seed decrees in a scratch project; a failing cell names
the notebook and the cell."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

NOTEBOOKS = {
    "compare_regions": {"areas": ["oral", "bokey_orda"], "positions": ["care_worker"], "lang": "kk"},
    "compare_settings": {"area": "oral", "lang": "ru"},
    "positions_rates": {"setting": "semi_stationary", "year": 2025, "lang": "ru"},
    "audit_decree": {"decree_id": "bokey_orda_akimat_2025-12-24_167", "lang": "kk"},
    "explore": {"area": "oral", "setting": "semi_stationary", "year": 2025, "category": "medical", "lang": "ru"},
    "cost_scenarios": {"scenario": "data/scenarios/day_care_child_disability.yaml", "lang": "ru"},
    "policy_brief": {"setting": "semi_stationary", "year": 2025, "lang": "kk"},
    "national_scale": {"setting": "semi_stationary", "year": 2025, "lang": "ru"},
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    proj = tmp_path_factory.mktemp("nbproject")
    for sub in ("data/raw", "data/scenarios", "notebooks"):
        shutil.copytree(ROOT / sub, proj / sub)
    proc = subprocess.run([sys.executable, "-m", "kztariffs.cli", "build"], cwd=proj, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    return proj


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
@pytest.mark.parametrize("variant", ["defaults", "other"])
def test_notebook_runs(project, name, variant, monkeypatch):
    from kztariffs.notebooks import run

    monkeypatch.chdir(project)
    params = {} if variant == "defaults" else NOTEBOOKS[name]
    executed, html = run(name, params, out_dir=project / "reports", out_name=f"{name}__{variant}")
    text = html.read_text(encoding="utf-8")
    assert "Traceback" not in text and "Error" not in text.split("<body", 1)[1][:200]
    assert executed.read_text(encoding="utf-8").count('"output_type": "error"') == 0
    if name not in ("explore",):
        assert "data:image/png" in text, f"{name} ({variant}) shows no chart"


def test_failing_cell_names_notebook_and_cell(project, monkeypatch):
    from kztariffs.notebooks import NotebookError, run

    monkeypatch.chdir(project)
    with pytest.raises(NotebookError) as exc:
        run("audit_decree", {"decree_id": "no_such_decree"}, out_dir=project / "failed")
    msg = str(exc.value)
    assert "audit_decree" in msg and "cell" in msg and "no_such_decree" in msg
    assert not list((project / "failed").glob("*.ipynb"))


def test_run_cli_unknown_parameter_and_notebook(project):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "kztariffs.cli", "run", "audit_decree", "-p", "colour", "red"],
                          cwd=project, capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "unknown parameter 'colour'" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "kztariffs.cli", "run", "nope"], cwd=project,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "no such notebook" in proc.stderr


def _many_areas(project, n: int):
    """A dataset of ``n`` areas (KATO keys) in one setting and year: copies of Oral's home-care decree
    with prices scaled per area."""
    from decimal import Decimal

    from kztariffs import vocab
    from kztariffs.dataset import load_dataset, write_table

    target = project / "data" / f"many_{n}" / "tariffs.parquet"
    if target.exists():
        return target
    df = load_dataset(project / "data" / "processed" / "tariffs.parquet")
    oral = df[df["decree_id"] == "oral_akimat_2025-12-18_2999"]
    parts = []
    for i, key in enumerate(a["key"] for a in vocab.areas()[:n]):
        c = oral.copy()
        k = Decimal(1000 + 3 * i) / 1000
        c["area"], c["decree_id"], c["authority_key"] = key, f"{key}_akimat_2025-12-18_{i}", f"{key}_akimat"
        c["price_kzt"] = [(p * k).quantize(Decimal("0.01")) for p in c["price_kzt"]]
        parts.append(c)
    import pandas as pd

    target.parent.mkdir(parents=True)
    write_table(pd.concat(parts, ignore_index=True), target)
    return target


@pytest.mark.parametrize("name,n", [("compare_regions", 40), ("positions_rates", 40), ("compare_regions", 220)])
def test_many_areas_stay_readable(project, monkeypatch, name, n):
    """40 or 220 areas in one setting and year: every chart holds at most plots.MAX_ROWS rows (pages),
    every table is complete, no warning reaches the page."""
    import re

    from bs4 import BeautifulSoup

    from kztariffs import plots
    from kztariffs.notebooks import run

    monkeypatch.chdir(project)
    data = _many_areas(project, n)
    _, html = run(name, {"dataset": str(data), "lang": "en"}, out_dir=project / "many", out_name=f"{name}__{n}")
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text()
    assert "Warning" not in text and "Traceback" not in text
    alts = [img.get("alt", "") for img in soup.find_all("img")]
    rows = [int(m) for a in alts for m in re.findall(r"Rows: (\d+)", a)]
    assert rows and len(rows) == len(alts) and max(rows) <= plots.MAX_ROWS, rows
    assert (sum(1 for a in alts if "page 1 of" in a) >= 1) == (n > plots.MAX_ROWS)  # split into pages
    body_rows = sum(len(t.find_all("tr")) - 1 for t in soup.find_all("table"))
    if name == "compare_regions":
        assert body_rows >= (n - 1) * 76  # every area's price of every linked service
    else:
        assert body_rows >= n * 2  # every area's rate of both positions
