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
