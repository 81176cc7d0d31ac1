"""Read a decree file into raw cells with provenance: one reader per form behind one ``read_decree``.

- ``portal_text``: the legal portal's text view (cells on their own lines, tab separators)
- ``pdf_text``: text taken from a PDF (wrapped cells, letter-spaced words, page breaks)
- ``pdf``: the portal's PDF itself (camelot)
- ``html``: a saved portal web page
- ``docx``: a Word file (the portal's .docx; cells and merges read from the XML)
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import DecreeError
from ..model import RawDecree

TEXT_SUFFIXES = {".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm"}
DOCX_SUFFIXES = {".docx"}
ALL_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES
SUPPORTED = sorted(ALL_SUFFIXES)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DecreeError(path, "file not found") from None
    except IsADirectoryError:
        raise DecreeError(path, "is a directory, not a decree file") from None
    except OSError as exc:
        raise DecreeError(path, f"cannot read file ({exc.strerror})") from None
    if not data.strip():
        raise DecreeError(path, "empty file")
    return data


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text of a text or HTML file; a binary or non-UTF-8 file is refused with a reason."""
    if b"\x00" in data[:4096] or data[:5] == b"%PDF-":
        raise DecreeError(path, "binary file, not a text decree (wrong extension?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecreeError(path, f"not UTF-8 text (invalid byte at offset {exc.start}); "
                                "save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
    if suffix in DOCX_SUFFIXES:
        from .docx import read_docx  # python-docx is imported only for Word files

        return read_docx(path, data, sha)
    if suffix in PDF_SUFFIXES:
        from .pdf import read_pdf  # camelot is imported only for PDFs

        return read_pdf(path, data, sha)
    text = decode_text(path, data)
    if suffix in HTML_SUFFIXES:
        from .html import read_html

        return read_html(path, text, sha)
    from . import pdf_text, portal_text

    if portal_text.looks_like(text):
        return portal_text.read(path, text, sha)
    return pdf_text.read(path, text, sha)
