"""Set-up promises: environment.yml lists the same pinned dependencies as pyproject.toml;
.ci/run calls `make test`; notebooks are committed in pairs and without outputs."""
import json
import re
import tomllib

import yaml

from conftest import ROOT


def _pins(items):
    out = {}
    for item in items:
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)$", item.strip())
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    assert all("==" in d for d in declared), "every dependency is pinned"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert _pins(declared) == _pins(pip_list)
    assert "python=3.11" in env["dependencies"]


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_notebooks_are_paired_and_without_outputs():
    nbs = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert nbs
    for nb_path in nbs:
        assert nb_path.with_suffix(".py").exists(), f"{nb_path.name} has no jupytext pair"
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), f"{nb_path.name} is committed with outputs"
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]), nb_path.name
