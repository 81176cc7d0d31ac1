"""A Word file (.docx): the decree text and its annex tables, cells read from the XML itself.

The legal portal serves every decree as a Word file too, and the akimats' clerks each build the
annex table their own way (one table or one per page, merged № and service cells, two-level price
headers, layout tables around the signature or the annex heading). So the reader does not trust
python-docx's ``row.cells`` (it repeats a merged cell in every slot, hiding where a merge is) but
walks ``w:tr``/``w:tc`` itself:

- ``w:gridSpan`` merges across columns, ``w:vMerge`` (restart/continue) down rows,
  ``w:gridBefore``/``w:gridAfter`` leave cells out at a row's start/end; the grid then follows the
  merged-cell convention of ``model.py`` (header rows repeat a merged text everywhere; body rows keep
  a horizontal merge in its first column and repeat a vertical one, listing it in ``spanned``).
- Body rows start at the first category row or numbered row; the rows above are the header. A row
  numbering the columns (``1 2 3 4``) is a header row, not service 1.
- A table without body rows is layout: its cells are read as text (and tables inside them as tables).
- A cell's text is its own paragraphs; a table nested in a cell is left out with a warning.
- Word tables of the same width with only empty paragraphs (or "продолжение"/"жалғасы") between them
  are one annex; a header repeated in the next part is skipped. Any other text between tables (an
  annex heading ``... қосымша`` / ``Приложение ...``, a title) starts a new annex table and becomes
  its title; the text before the first table is the decree text (the first table's title is empty,
  as in the other readers).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import DecreeError, NoTariffTable
from ..model import ROW_NUMBER, RawDecree, RawRow, RawTable
from ..text import squash
from ..vocab import match_category

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
P, TBL, TR, TC = (f"{{{_W}}}{t}" for t in ("p", "tbl", "tr", "tc"))
_WRAPPERS = {f"{{{_W}}}{t}" for t in ("sdt", "sdtContent", "customXml")}
_RUN_TEXT = etree.XPath(
    ".//*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]"
    "[not(ancestor::w:pPr) and not(ancestor::w:del) and not(ancestor::mc:Fallback)]", namespaces=_NS)
_CONTINUED = re.compile(r"^(продолжение( таблицы)?|(кестенің )?жалғасы)\W*$", re.IGNORECASE)
_OLE = b"\xd0\xcf\x11\xe0"
# A Word file unpacks to at most this many bytes in at most this many parts (a decree's .docx unpacks to
# a few megabytes): a larger archive is refused before any part is unpacked.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 2000


def _open(path: Path, data: bytes):
    if not data.strip():
        raise DecreeError(path, "empty file")
    if data[:4] == _OLE:
        raise DecreeError(path, "old .doc or encrypted Word file; save it as .docx")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise DecreeError(path, "not a DOCX file (not a ZIP archive; damaged or renamed?)") from None
    names = {i.filename for i in infos}
    unzipped = sum(i.file_size for i in infos)  # the sizes the archive declares; zipfile never reads more
    if len(infos) > MAX_PARTS or unzipped > MAX_UNZIPPED_BYTES:
        big = max(infos, key=lambda i: i.file_size)
        raise DecreeError(path, f"DOCX unpacks to {unzipped / 1024 / 1024:.0f} MB in {len(infos)} part(s) "
                                f"(largest {big.filename}, {big.file_size / 1024 / 1024:.0f} MB): over the limit of "
                                f"{MAX_UNZIPPED_BYTES // 1024 // 1024} MB and {MAX_PARTS} parts for a Word file "
                                "(a ZIP bomb?); refused without unpacking it")
    if "word/document.xml" not in names:
        raise DecreeError(path, "ZIP archive without word/document.xml: not a Word document")
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a dependency
        raise DecreeError(path, "reading Word files needs python-docx (pip install python-docx)") from None
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx/lxml/zipfile raise many kinds for a damaged file
        message = (str(exc).splitlines() or [""])[0]
        if isinstance(exc, ValueError) and "content type is" in message:  # .dotx, .docm ...
            kind = message.rsplit("content type is", 1)[1].strip(" '\"")
            raise DecreeError(path, f"not a Word document but {kind!r} (a template or macro file? "
                                    "save it as .docx)") from None
        detail = f"{type(exc).__name__}: {message[:120]}" if message else type(exc).__name__
        raise DecreeError(path, f"corrupt DOCX file ({detail})") from None


def _kids(el, tags: set[str]):
    """Children of ``el`` with one of ``tags``, looking through content controls and custom XML."""
    for child in el:
        if child.tag in tags:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _kids(child, tags)


def _para_text(p) -> str:
    """Text of one ``w:p`` with its line breaks (deleted text and tab-stop definitions left out)."""
    out = []
    for el in _RUN_TEXT(p):
        name = etree.QName(el).localname
        out.append(el.text or "" if name == "t" else {"tab": "\t", "noBreakHyphen": "-"}.get(name, "\n"))
    return "\n".join(squash(line) for line in "".join(out).split("\n") if squash(line))


def _prop(el, path: str, default: str | None = None) -> str | None:
    """``w:val`` of the property element at ``path`` (e.g. ``w:tcPr/w:gridSpan``), or ``default``."""
    found = el.find(path, _NS)
    return default if found is None else found.get(f"{{{_W}}}val", default)


def _count(el, path: str) -> int:
    try:
        return max(0, min(int(_prop(el, path, "0")), 1000))
    except ValueError:
        return 0


class _Grid:
    """One Word table as a grid of region keys: a key ``(row, col)`` names the cell where a merge starts."""

    def __init__(self, tbl, warnings: list[str]):
        self.keys: list[list[tuple[int, int] | None]] = []
        self.text: dict[tuple[int, int], str] = {}
        vmerged: set[tuple[int, int]] = set()  # cells that start (or are) a vertical merge
        nested = 0
        self.trs = [tr for tr in _kids(tbl, {TR}) if tr.find("w:trPr/w:del", _NS) is None]  # not deleted rows
        for r, tr in enumerate(self.trs):
            row: list[tuple[int, int] | None] = [None] * _count(tr, "w:trPr/w:gridBefore")
            for tc in _kids(tr, {TC}):
                c = len(row)
                vm = _prop(tc, "w:tcPr/w:vMerge", "continue") if tc.find("w:tcPr/w:vMerge", _NS) is not None else None
                above = self.keys[r - 1][c] if r and c < len(self.keys[r - 1]) else None
                if vm == "continue" and above in vmerged:
                    key = above  # a continued cell: its own text (normally none) is not shown by Word
                else:
                    key = (r, c)
                    self.text[key] = squash(" ".join(_para_text(p) for p in _kids(tc, {P})))
                    nested += sum(1 for _ in _kids(tc, {TBL}))
                    if vm is not None:
                        vmerged.add(key)
                row += [key] * max(1, _count(tc, "w:tcPr/w:gridSpan"))
            row += [None] * _count(tr, "w:trPr/w:gridAfter")
            self.keys.append(row)
        self.width = max((len(k) for k in self.keys), default=0)
        for row in self.keys:
            row += [None] * (self.width - len(row))
        self.first_body = next((r for r in range(len(self.keys)) if self._is_body(r)), None)
        if nested and self.first_body is not None:
            warnings.append(f"{nested} table(s) nested in annex table cells were left out (only the cells' "
                            "own paragraphs are read)")

    def head(self, r: int) -> list[str]:
        """Row ``r`` with a merged cell's text in every slot it covers (header rows)."""
        return [self.text[k] if k else "" for k in self.keys[r]]

    def body(self, r: int) -> tuple[list[str], frozenset[int]]:
        """Row ``r`` by the body convention: horizontal merge in its first column, vertical repeated."""
        cells, spanned, row = [], set(), self.keys[r]
        for c, k in enumerate(row):
            first = k is not None and (c == 0 or row[c - 1] != k)
            cells.append(self.text[k] if first else "")
            if first and k[0] != r and self.text[k]:
                spanned.add(c)
        return cells, frozenset(spanned)

    def _is_body(self, r: int) -> bool:
        filled = [c for c in self.head(r) if c]
        if len(set(filled)) == 1 and match_category(filled[0]):
            return True
        cells = [c for c in self.body(r)[0] if c]
        if len(cells) < 3 or not ROW_NUMBER.match(cells[0]):
            return False
        numbers = [int(m.group(1)) if (m := ROW_NUMBER.match(c)) else None for c in cells]
        return numbers != list(range(numbers[0], numbers[0] + len(numbers)))  # "1 2 3 4" numbers columns

    @property
    def header(self) -> list[list[str]]:
        return [cells for r in range(self.first_body or 0) if any(cells := self.head(r))]


def _walk(container, warnings: list[str], out: list):
    """Paragraph texts (str) and annex tables (_Grid) in document order; layout tables read as text."""
    for el in _kids(container, {P, TBL}):
        if el.tag == P:
            out.append(_para_text(el))
            continue
        grid = _Grid(el, warnings)
        if grid.first_body is not None:
            out.append(grid)
            continue
        for tr in grid.trs:  # layout table: its cells' paragraphs (and tables) in reading order
            for tc in _kids(tr, {TC}):
                _walk(tc, warnings, out)


def read_docx(path: Path, data: bytes, sha: str) -> RawDecree:
    document = _open(path, data)
    warnings: list[str] = []
    blocks: list = []
    _walk(document.element.body, warnings, blocks)
    tables: list[RawTable] = []
    text, pending, prev = None, [], None
    for block in blocks:
        if isinstance(block, str):
            if block:
                pending.append(block)
            continue
        between = [p for p in pending if not _CONTINUED.match(p)]
        header = block.header
        same = prev is not None and block.width == prev.width
        if same and not between and all(h in tables[-1].header for h in header):
            table = tables[-1]  # the next part of the same annex; its repeated header is skipped
        else:
            if text is None:  # the first table's heading and title are the end of the decree text
                text, pending = "\n".join(pending), []
            table = RawTable(header=header, title="\n".join(pending))
            tables.append(table)
        for r in range(block.first_body, len(block.keys)):
            cells, spanned = block.body(r)
            if any(cells):
                table.rows.append(RawRow(cells=cells, table_row=r, spanned=spanned))
        pending, prev = [], block
    if not tables:
        raise NoTariffTable(path, "no tariff table found (no Word table with numbered or category rows)",
                            decree=RawDecree(path, sha, "docx", "\n".join(pending), warnings=warnings))
    return RawDecree(path=path, sha256=sha, form="docx", text=text or "", tables=tables, warnings=warnings)
