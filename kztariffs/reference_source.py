"""Shared steps of the two reference-document readers (``reference_health``, ``reference_staffing``).

Both national orders are text files read with the same checks as a decree (:mod:`kztariffs.readers`),
and both name the categories of special social services in Kazakh headings; the two helpers live here
so that neither reader depends on the other.
"""
from __future__ import annotations

import re
from pathlib import Path

from .vocab import match_category


def read_lines(path: Path) -> tuple[list[str], str]:
    """The file's lines (no line ends) and the SHA-256 of its bytes (shared readers' checks)."""
    from .readers import decode_text, load_bytes, sha256_bytes

    path = Path(path)
    data = load_bytes(path)
    return decode_text(path, data).splitlines(), sha256_bytes(data)


def category_key(text: str) -> str | None:
    """Category key of a heading that names one ("... әлеуметтік-медициналық қызметтер ...")."""
    m = re.search(r"әлеуметтік-\w+", text, flags=re.IGNORECASE)
    return match_category(f"{m.group(0)} қызметтер") if m else None
