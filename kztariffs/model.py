"""What readers produce: raw table cells with provenance, before any interpretation.

Every reader (portal text view, PDF text, PDF, HTML, DOCX) returns a :class:`RawDecree`: the
decree's own text before its first annex table (title, preamble, operative points; metadata comes
from it) and its annex tables as :class:`RawTable` s, in document order. A table holds its header
rows and body rows as lists of cell strings, each row with the line (text forms) or page (PDF)
and the table row index where it was found, and the text printed between the previous table and
this one (the annex heading and title, from which the annex gets its number, setting and unit).

Merged cells are written the same way by every reader, so that the meaning of a column (found
later from its header, see ``columns.py``) and not its position decides what a merge means:

- header rows: a merged cell's text is repeated in every column and row it covers;
- body rows: a cell merged across columns (a category row spanning the table) keeps its text in
  its first column only; a cell merged down over several rows repeats its text in each of them,
  and the rows below the first list that column in :attr:`RawRow.spanned`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# A № cell as printed: "12" or "12." (readers use it to find body rows, normalize to read the №).
ROW_NUMBER = re.compile(r"^\s*(\d{1,4})\.?\s*$")


@dataclass
class RawRow:
    """One row of an annex table as read: cell strings plus where it was found."""

    cells: list[str]
    line: int | None = None  # 1-based line in a text file (or the <tr>'s line in HTML)
    page: int | None = None  # 1-based page in a PDF
    table_row: int | None = None  # 0-based index of the row in the source table (HTML/PDF/DOCX)
    reason: str | None = None  # set by a reader that knows the row cannot be used, and why
    spanned: frozenset[int] = frozenset()  # columns whose cell continues a cell merged from above
    second_reading: list[str] | None = None  # another reading's cells when the two disagree (PDF)
    counted: bool = True  # False: a row only the second reading finds; rejected, and takes no row number

    @property
    def location(self) -> str:
        if self.page is not None:
            return f"page {self.page}"
        if self.line is not None:
            return f"line {self.line}"
        return f"table row {self.table_row}"


@dataclass
class RawTable:
    """One annex table: header rows, body rows (category rows included) and its own title text."""

    header: list[list[str]] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)
    title: str = ""  # text between the previous table (or the decree text) and this table
    # Column roles when the reader itself knows them (PDF text, which rebuilds the cells); else
    # they are found from the header (columns.column_roles).
    columns: list | None = None


@dataclass
class RawDecree:
    """A decree as read from one file, not yet interpreted."""

    path: Path
    sha256: str
    form: str  # 'portal_text' | 'pdf_text' | 'pdf' | 'html' | 'docx'
    text: str  # decree text before the first table (title, preamble, annex title), for metadata
    tables: list[RawTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[list[str]]:
        """Header rows of the first table (for callers that know a decree has one annex)."""
        return self.tables[0].header if self.tables else []

    @property
    def rows(self) -> list[RawRow]:
        """Body rows of all tables in order."""
        return [r for t in self.tables for r in t.rows]
