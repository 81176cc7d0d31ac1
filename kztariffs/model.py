"""What readers produce: raw table cells with provenance, before any interpretation.

Every reader (portal text view, PDF text, PDF, HTML) returns a :class:`RawDecree`:
the decree's own text before the annex table (title, preamble; metadata comes from it),
the table's header rows, and its body rows as lists of cell strings, each with the
line (text forms) or page (PDF) and the table row index where it was found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# A № cell as printed: "12" or "12." (readers use it to find body rows, normalize to read the №).
ROW_NUMBER = re.compile(r"^\s*(\d{1,4})\.?\s*$")


@dataclass
class RawRow:
    """One row of the annex table as read: cell strings plus where it was found."""

    cells: list[str]
    line: int | None = None  # 1-based line in a text file
    page: int | None = None  # 1-based page in a PDF
    table_row: int | None = None  # 0-based index of the row in the source table (HTML/PDF)
    reason: str | None = None  # set by a reader that knows the row cannot be used, and why

    @property
    def location(self) -> str:
        if self.page is not None:
            return f"page {self.page}"
        if self.line is not None:
            return f"line {self.line}"
        return f"table row {self.table_row}"


@dataclass
class RawDecree:
    """A decree as read from one file, not yet interpreted."""

    path: Path
    sha256: str
    form: str  # 'portal_text' | 'pdf_text' | 'pdf' | 'html'
    text: str  # decree text before the table (title, preamble, annex title), for metadata
    header: list[list[str]] = field(default_factory=list)  # header rows of the annex table
    rows: list[RawRow] = field(default_factory=list)  # body rows (category rows included)
    warnings: list[str] = field(default_factory=list)
