"""Notebooks run where researchers run them, not only through ``kztariffs run``:

- JupyterLab starts the kernel in ``notebooks/``: every notebook is executed here with nbclient and the
  kernel's working directory set to ``notebooks/`` of a scratch project, with its default parameters;
- plain ``papermill`` from a folder outside the project, the project named by ``KZTARIFFS_HOME``, with
  parameters as papermill's ``-p`` and ``-y`` give them (a list parameter as one text, as YAML);
- ``papermill --help-notebook`` shows each parameter's type.
The scratch project has its own data (built from the shipped decrees), so a notebook that found the
repository's data instead would be caught by the sources it names.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    proj = tmp_path_factory.mktemp("nbanywhere") / "myproject"
    for sub in ("data/raw", "data/scenarios", "notebooks"):
        shutil.copytree(ROOT / sub, proj / sub)
    # the decree files renamed: a notebook that read the repository's data would name other files
    for p in (proj / "data" / "raw").glob("*.txt"):
        p.rename(p.with_name("mine-" + p.name))
    env = {k: v for k, v in os.environ.items() if k != "KZTARIFFS_HOME"}
    proc = subprocess.run([str(BIN / "kztariffs"), "build"], cwd=proj, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proj


def _errors(nb: dict) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb["cells"] for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_notebooks_folder_like_jupyterlab(project, name, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("KZTARIFFS_HOME", raising=False)
    monkeypatch.chdir(project.parent)  # the client's own folder is not the project
    nb = nbformat.read(project / "notebooks" / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(project / "notebooks")}})
    client.execute()
    assert not _errors(nb), _errors(nb)
    text = json.dumps(nb, ensure_ascii=False)
    assert "mine-" in text.replace("\\", ""), "the notebook does not name its sources from its own project"


def _papermill(project, out, *args, cwd):
    env = {**os.environ, "KZTARIFFS_HOME": str(project)}
    return subprocess.run([str(BIN / "papermill"), str(project / "notebooks" / "compare_regions.ipynb"),
                           str(out), "--no-progress-bar", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_plain_papermill_from_another_folder_with_list_parameters(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for i, args in enumerate((["-p", "areas", "oral", "-p", "year", "2026", "-p", "lang", "ru"],
                              ["-y", "areas: [oral]\npositions: [care_worker]\nlang: kk"])):
        out = elsewhere / f"out{i}.ipynb"
        proc = _papermill(project, out, *args, cwd=elsewhere)
        assert proc.returncode == 0, proc.stderr[-2000:]
        nb = json.loads(out.read_text(encoding="utf-8"))
        assert not _errors(nb)
        assert "Орал" in json.dumps(nb, ensure_ascii=False)  # the area's name, in the language asked


def test_unknown_language_stops_with_one_line(project, tmp_path):
    proc = _papermill(project, tmp_path / "de.ipynb", "-p", "lang", "de", cwd=tmp_path)
    assert proc.returncode != 0
    assert "unknown language 'de'; use one of kk, ru, en" in proc.stderr


def test_help_notebook_shows_parameter_types(project):
    proc = subprocess.run([str(BIN / "papermill"), "--help-notebook",
                           str(project / "notebooks" / "compare_regions.ipynb")],
                          capture_output=True, text=True, cwd=project)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "year: int (default 2026)" in out and "areas: list (default None)" in out and "setting: str" in out
    assert "Unknown type" not in out
