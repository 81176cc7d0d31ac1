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
REPORT_WAIT = 900  # seconds `run` waits for a `kztariffs report` writing the same reports folder


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


# The type a parameter takes, by name, where its default (often None) does not tell.
PARAM_TYPES = {"year": "int", "areas": "list", "positions": "list", "overrides": "dict", "lang": "lang"}
LANGS = ("kk", "ru", "en")
_TYPE_WORDS = {"int": "an integer", "number": "a number", "bool": "true or false", "str": "text",
               "list": "a list (comma-separated or JSON)", "dict": "a JSON object ({...})",
               "lang": f"one of {', '.join(LANGS)}"}


def _default(info: dict):
    import ast

    try:
        return ast.literal_eval(str(info.get("default", "None")))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def expected_type(name: str, info: dict) -> str | None:
    """``int``, ``number``, ``bool``, ``str``, ``list``, ``dict`` or ``lang`` for a declared parameter: from
    its type hint in the parameters cell (``year: int = 2026``, which papermill reports too), else from
    its name (:data:`PARAM_TYPES`) or its default's type; None when nothing tells (anything goes)."""
    if name == "lang":
        return "lang"
    hinted = str(info.get("inferred_type_name") or "").split("[")[0].strip()
    hint_kinds = {"str": "str", "int": "int", "float": "number", "bool": "bool", "list": "list", "dict": "dict"}
    if hinted in hint_kinds:
        return hint_kinds[hinted]
    if name in PARAM_TYPES:
        return PARAM_TYPES[name]
    default = _default(info)
    if "list" in str(info.get("help", "")).lower():
        return "list"
    for kind, types in (("bool", bool), ("int", int), ("number", float), ("str", str), ("list", (list, tuple)),
                        ("dict", dict)):
        if isinstance(default, types):
            return kind
    return None


def _typed(notebook: Path, name: str, value, info: dict):
    """``value`` (a CLI string or a Python value) as the parameter's type; a one-line DecreeError naming
    the parameter and the type it takes otherwise."""
    kind = expected_type(name, info)
    raw = value
    if isinstance(value, str) and kind != "str":
        try:
            value = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            pass
    nullable = _default(info) is None
    if value is None and (nullable or kind is None):
        return None
    if kind == "str":
        if isinstance(value, str):
            return value if not (nullable and value in ("null", "None")) else None
        ok = False
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok and hasattr(value, "__index__") and not isinstance(value, bool):  # numpy integers
            value, ok = int(value), True
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "lang":
        ok = value in LANGS
    elif kind == "list":
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]  # -p areas oral,bokey_orda
        elif isinstance(value, (int, float)) and isinstance(raw, str):
            value = [raw.strip()]
        ok = isinstance(value, (list, tuple))
    elif kind == "dict":
        ok = isinstance(value, dict)
    else:
        ok = True
    if not ok:
        shown = raw if not isinstance(raw, str) or len(raw) <= 60 else raw[:60] + "…"
        default = f"; default {info.get('default')}" if info.get("default") not in (None, "None") else ""
        raise DecreeError(notebook, f"parameter {name!r} must be {_TYPE_WORDS[kind]}{default}; got {shown!r}")
    return value


def coerce(notebook: Path, params: dict[str, str]) -> dict:
    """Parameters checked by name and type before any kernel starts: an unknown name or a value of
    the wrong type (``-p year abc``) is a one-line DecreeError naming the parameter. CLI values are
    strings, read as JSON (numbers, lists, null) where the parameter is not text."""
    declared = parameters_of(notebook)
    out = {}
    for name, value in params.items():
        if name not in declared:
            raise DecreeError(notebook, f"unknown parameter {name!r} (parameters: {', '.join(declared)})")
        out[name] = _typed(notebook, name, value, declared[name])
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
    notebook = resolve(name)
    params = coerce(notebook, {k: v for k, v in (params or {}).items()})
    stem = out_name or (notebook.stem + (f"__{slug(params)}" if params else ""))
    with _reports_lock(Path(out_dir)):
        return _run(notebook, params, Path(out_dir), stem, cwd, html)


def _reports_lock(out_dir: Path):
    """Writing into the reports of ``kztariffs report`` (a link to its current generation, see
    ``report.py``) waits for a report run in progress, so the file lands in the generation that
    stays current (and is carried into the next one) rather than in one being replaced."""
    from contextlib import nullcontext

    from .report import lock_path

    lock_file = lock_path(out_dir)
    if not (out_dir.is_symlink() and lock_file.exists()):
        return nullcontext()
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"note: a `kztariffs report` is writing {out_dir}/; waiting for it", file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=REPORT_WAIT)
        except Timeout:
            raise DecreeError(out_dir, f"a `kztariffs report` is still writing this folder after {REPORT_WAIT} s "
                                       f"(lock {lock_file}); try again when it has finished") from None
    return _Release(lock)


class _Release:
    def __init__(self, lock):
        self.lock = lock

    def __enter__(self):
        return self.lock

    def __exit__(self, *exc):
        self.lock.release()
        return False


def _run(notebook: Path, params: dict, out_dir: Path, stem: str, cwd: Path | None, html: bool):
    import papermill as pm

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


TEMPLATES = Path(__file__).parent / "templates"


def page_info(nb) -> tuple[str, str]:
    """The page's title and language: from the output ``show.title`` marked (metadata
    ``kztariffs_page``), else the first ``#`` heading of a Markdown cell and the ``lang`` parameter
    papermill was given (``en`` when none)."""
    from .i18n import LANGS

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("kztariffs_page")
            if isinstance(meta, dict) and meta.get("title"):
                lang = meta.get("lang") if meta.get("lang") in LANGS else "en"
                return str(meta["title"]), lang
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    lang = params.get("lang") if params.get("lang") in LANGS else "en"
    for cell in nb.cells:
        if HIDDEN_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        texts = [cell.source] if cell.cell_type == "markdown" else \
            [str(o.get("data", {}).get("text/markdown", "")) for o in cell.get("outputs", [])]
        for text in texts:
            for line in text.splitlines():
                if line.startswith("# "):
                    return re.sub(r"\\(.)", r"\1", line[2:].strip()), lang  # Markdown escapes removed
    return "kztariffs", lang


HIDDEN_TAG = "report-hide"  # cells with this tag (notes for notebook users) are left out of reports


def render_html(notebook: Path, target: Path) -> Path:
    """HTML rendering without code cells (outputs and markdown only), figures embedded with alt text.

    The page is static (``templates/report.html.j2``): no script is loaded or run, and its
    Content-Security-Policy forbids scripts and remote resources. Texts from decrees reach it
    escaped by the notebooks (``safe.escape_md``, ``show.table``). Its ``<title>`` and ``<html lang>``
    come from :func:`page_info`; a link leads back to the reports' ``index.html``."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from .i18n import t

    nb = nbformat.read(str(notebook), as_version=4)
    title, lang = page_info(nb)
    nb.metadata["title"] = title
    nb.metadata["kztariffs"] = {"back": t("report.back", lang), "lang": lang}
    exporter = HTMLExporter(template_name="lab", extra_template_paths=[str(TEMPLATES)],
                            template_file="report.html.j2", language_code=lang)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={HIDDEN_TAG}, enabled=True), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    with atomic_path(target) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return target
