"""Run the project's notebooks with papermill and render them to HTML without code.

Notebooks live in ``notebooks/`` as a pair: ``name.ipynb`` (no outputs, committed) and its jupytext
``name.py`` (percent format, for review). Either may be given; the .py is the source of truth and
the .ipynb is regenerated from it when it is older.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

from .dataset import atomic_path
from .errors import DecreeError

NOTEBOOK_DIR = Path("notebooks")
REPORT_DIR = Path("reports")
KERNEL = "python3"
START_TIMEOUT = 120  # seconds for a kernel to start
CELL_TIMEOUT = 600  # seconds for one cell: a stuck cell becomes an error, never a hang


def jupyter_dirs() -> dict[str, str]:
    """Jupyter/IPython/matplotlib state kept inside the environment, not in the user's home."""
    prefix = Path(sys.prefix)
    return {"JUPYTER_CONFIG_DIR": str(prefix / "etc" / "jupyter"),
            "JUPYTER_DATA_DIR": str(prefix / "share" / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(prefix / "share" / "jupyter" / "runtime"),
            "IPYTHONDIR": str(prefix / "etc" / "ipython"),
            "MPLCONFIGDIR": str(prefix / "etc" / "matplotlib"),
            "JUPYTER_PLATFORM_DIRS": "1"}


for _name, _value in jupyter_dirs().items():  # notebooks run by papermill write nothing in ~ either
    os.environ.setdefault(_name, _value)


class NotebookError(DecreeError):
    """A notebook cell failed; ``str()`` names the notebook and the cell."""


def resolve(name: str | Path, notebook_dir: Path = NOTEBOOK_DIR) -> Path:
    """``compare_regions`` / ``notebooks/compare_regions.py`` / ``...ipynb`` -> the .ipynb to run."""
    p = Path(name)
    candidates = [p] if p.suffix else [notebook_dir / f"{p.name}.ipynb", notebook_dir / f"{p.name}.py"]
    if p.suffix and not p.exists() and not p.is_absolute():
        candidates.append(notebook_dir / p.name)
    for c in candidates:
        if c.exists():
            if c.suffix == ".py":
                return sync_pair(c)
            pair = c.with_suffix(".py")
            if pair.exists() and pair.stat().st_mtime > c.stat().st_mtime + 1:
                return sync_pair(pair)
            return c
    known = ", ".join(sorted(q.stem for q in notebook_dir.glob("*.ipynb")))
    raise DecreeError(name, f"no such notebook (known: {known})")


def sync_pair(py: Path) -> Path:
    """Write ``name.ipynb`` (without outputs) from its jupytext ``name.py``."""
    import jupytext

    nb = jupytext.read(py)
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (kztariffs)", "language": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: the same .py gives the same .ipynb
        cell["id"] = f"cell-{i}"
    target = py.with_suffix(".ipynb")
    with atomic_path(target) as tmp:
        jupytext.write(nb, tmp, fmt="ipynb")
    return target


def parameters_of(notebook: Path) -> dict[str, dict]:
    """Parameters declared in the notebook's ``parameters`` cell: name -> {default, help}."""
    import papermill as pm

    return pm.inspect_notebook(str(notebook))


def coerce(notebook: Path, params: dict[str, str]) -> dict:
    """CLI values are strings: read them as JSON (numbers, lists, null) where that works."""
    declared = parameters_of(notebook)
    out = {}
    for name, value in params.items():
        if name not in declared:
            raise DecreeError(notebook, f"unknown parameter {name!r} (parameters: {', '.join(declared)})")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                pass
        info = declared[name]
        wants_list = str(info.get("default", "")).startswith("[") or "list" in str(info.get("help", "")).lower()
        if isinstance(value, str) and wants_list:
            value = [v.strip() for v in value.split(",") if v.strip()]  # -p areas oral,bokey_orda
        out[name] = value
    return out


def slug(params: dict) -> str:
    parts = []
    for k, v in sorted(params.items()):
        v = "-".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
        parts.append(re.sub(r"[^\w.-]+", "-", f"{k}-{Path(v).stem if '/' in v else v}"))
    return "__".join(parts)[:120]


def run(name: str | Path, params: dict | None = None, out_dir: Path = REPORT_DIR,
        out_name: str | None = None, cwd: Path | None = None, html: bool = True) -> tuple[Path, Path | None]:
    """Execute a notebook with papermill; write the executed .ipynb and an HTML without code.

    Returns (executed notebook, html). A failing cell raises NotebookError naming the notebook
    and the cell; nothing is written in that case.
    """
    import papermill as pm

    notebook = resolve(name)
    params = coerce(notebook, {k: v for k, v in (params or {}).items()})
    stem = out_name or (notebook.stem + (f"__{slug(params)}" if params else ""))
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / f"{stem}.ipynb"
    cwd = Path(cwd or Path.cwd()).resolve()
    with atomic_path(executed) as tmp, tempfile.TemporaryDirectory(prefix="kztariffs-kernel-") as sockets:
        try:
            pm.execute_notebook(str(notebook), str(tmp), parameters=params, kernel_name=KERNEL,
                                cwd=str(cwd), progress_bar=False, log_output=False,
                                report_mode=False, request_save_on_cell_execute=False,
                                kernel_manager_class=_ipc_kernel_manager(Path(sockets)),
                                start_timeout=START_TIMEOUT, execution_timeout=CELL_TIMEOUT,
                                iopub_timeout=30, raise_on_iopub_timeout=True)
        except pm.PapermillExecutionError as exc:
            raise NotebookError(notebook, f"cell {exc.exec_count or exc.cell_index} failed: "
                                          f"{exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}") from None
        _scrub(tmp, cwd)
    html_path = None
    if html:
        html_path = out_dir / f"{stem}.html"
        render_html(executed, html_path)
    return executed, html_path


def _ipc_kernel_manager(sockets: Path):
    """A kernel manager talking to its kernel over Unix sockets in a private folder: notebooks run in
    parallel cannot race for the same TCP ports (which can leave a client waiting forever)."""
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(sockets / "kernel")

    return IPCKernelManager


def _scrub(path: Path, cwd: Path) -> None:
    """Executed notebooks must not carry the machine's absolute paths or run-dependent noise."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb.get("metadata", {}).get("papermill", {}).pop("input_path", None)
    nb.get("metadata", {}).get("papermill", {}).pop("output_path", None)
    for i, cell in enumerate(nb.get("cells", [])):  # papermill's injected cell gets a random id
        cell["id"] = f"cell-{i}"
    text = json.dumps(nb, ensure_ascii=False, indent=1)
    text = text.replace(str(cwd) + "/", "").replace(str(cwd), ".")
    path.write_text(text, encoding="utf-8")


def render_html(notebook: Path, target: Path) -> Path:
    """HTML rendering without code cells (outputs and markdown only), figures embedded."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    with atomic_path(target) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return target
