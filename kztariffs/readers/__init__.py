"""Read a decree file into raw cells with provenance: one reader per form behind one ``read_decree``.

- ``portal_text``: the legal portal's text view (cells on their own lines, tab separators)
- ``pdf_text``: text taken from a PDF (wrapped cells, letter-spaced words, page breaks)
- ``pdf``: the portal's PDF itself (camelot)
- ``html``: a saved portal web page
- ``docx``: a Word file (the portal's .docx; cells and merges read from the XML)

Checking the file, reading its bytes and decoding text are in :mod:`kztariffs.readers.inputs`
(a module of their own: what may be read and how its text is decoded, apart from which reader reads
it); their names are still read from here.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import DecreeError, NoTariffTable
from ..model import RawDecree
from .inputs import (ALL_SUFFIXES, DOCX_SUFFIXES, HTML_SUFFIXES, MAX_FILE_BYTES, PDF_SUFFIXES, TEXT_SUFFIXES,
                     _n, check_distinct_inputs, check_input_file, decode, decode_text, describe_skipped,
                     input_problem, load_bytes)

__all__ = ["ALL_SUFFIXES", "CELL_EXCERPT_CHARS", "DOCX_SUFFIXES", "HTML_SUFFIXES", "MAX_CELL_CHARS", "MAX_FILE_BYTES",
           "PDF_SUFFIXES", "SUPPORTED", "TEXT_SUFFIXES", "cap_cells", "check_distinct_inputs", "check_input_file",
           "decode", "decode_text", "describe_skipped", "input_problem", "load_bytes", "read_decree", "sha256_bytes"]

SUPPORTED = sorted(ALL_SUFFIXES)

# The longest cell text kept (characters). A real cell holds a service description of a few hundred
# characters; a row with a longer cell (a decree run together with megabytes of other text) is kept out
# of the dataset with this reason, its cells cut to an excerpt, so nothing downstream handles megabytes.
MAX_CELL_CHARS = 20_000
CELL_EXCERPT_CHARS = 500


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- one reader per form


def read_decree(path: str | Path) -> RawDecree:
    """Read any supported decree file; raise :class:`DecreeError` with a one-line reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ALL_SUFFIXES:
        if not path.exists():
            raise DecreeError(path, "file not found")
        raise DecreeError(path, f"unknown file type {suffix or '(no extension)'!r}; "
                                f"expected one of {', '.join(SUPPORTED)}")
    data = load_bytes(path)
    sha = sha256_bytes(data)
    try:
        return cap_cells(_read_form(path, suffix, data, sha))
    except NoTariffTable as exc:
        if exc.decree is not None:
            cap_cells(exc.decree)  # `inspect` reads its metadata
        raise


def _read_form(path: Path, suffix: str, data: bytes, sha: str) -> RawDecree:
    if suffix in DOCX_SUFFIXES:
        from .docx import read_docx  # python-docx is imported only for Word files

        return read_docx(path, data, sha)
    if suffix in PDF_SUFFIXES:
        from .pdf import read_pdf  # camelot is imported only for PDFs

        return read_pdf(path, data, sha)
    text, note = decode(path, data)
    if not text.strip():
        raise DecreeError(path, "empty file (only whitespace)")
    try:
        decree = _read_text(path, suffix, text, sha)
    except NoTariffTable as exc:
        if note and exc.decree is not None:
            exc.decree.warnings.insert(0, note)
        raise
    if note:
        decree.warnings.insert(0, note)
    return decree


def _cut(text: str) -> str:
    return text if len(text) <= CELL_EXCERPT_CHARS else text[:CELL_EXCERPT_CHARS - 1] + "…"


def _cap_lines(text: str, what: str, warnings: list[str]) -> str:
    """``text`` with every line longer than :data:`MAX_CELL_CHARS` cut to an excerpt (and a warning)."""
    if len(text) <= MAX_CELL_CHARS or max(map(len, text.split("\n"))) <= MAX_CELL_CHARS:
        return text
    lines = text.split("\n")
    long = [i for i, line in enumerate(lines) if len(line) > MAX_CELL_CHARS]
    warnings.append(f"{what}: {len(long)} line(s) longer than {_n(MAX_CELL_CHARS)} characters (the first "
                    f"of {_n(len(lines[long[0]]))}) cut to an excerpt; not a decree's text")
    cut = set(long)
    return "\n".join(_cut(line) if i in cut else line for i, line in enumerate(lines))


def cap_cells(decree: RawDecree) -> RawDecree:
    """Rows with a cell longer than :data:`MAX_CELL_CHARS` get a reason (so they go to the rejects) and
    their cells cut to an excerpt; over-long header cells and lines of the decree text and table titles
    are cut. Nothing after the reader then handles megabytes of text in one cell or line."""
    decree.text = _cap_lines(decree.text or "", "decree text", decree.warnings)
    for table in decree.tables:
        table.title = _cap_lines(table.title or "", "annex title", decree.warnings)
        table.header = [[c if len(c) <= MAX_CELL_CHARS else _cut(c) for c in row] for row in table.header]
        for row in table.rows:
            longest = max((len(c or "") for c in row.cells), default=0)
            if longest > MAX_CELL_CHARS:
                row.reason = (f"a cell of {_n(longest)} characters, longer than any real cell "
                              f"(readers.MAX_CELL_CHARS = {_n(MAX_CELL_CHARS)}); row not read")
                row.cells = [_cut(c or "") for c in row.cells]
                if row.second_reading:
                    row.second_reading = [_cut(c or "") for c in row.second_reading]
    return decree


def _read_text(path: Path, suffix: str, text: str, sha: str) -> RawDecree:
    if suffix in HTML_SUFFIXES:
        from .html import read_html

        return read_html(path, text, sha)
    from . import pdf_text, portal_text

    if portal_text.looks_like(text):
        return portal_text.read(path, text, sha)
    return pdf_text.read(path, text, sha)
