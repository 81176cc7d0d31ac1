"""Page tables of one PDF reading -> the decree's annex tables.

A PDF cuts an annex into one ruled table per page. Put back together here, by what the rows say
(column roles from the header), not by where our example decrees put things:

- the header rows of an annex are its first table's leading rows that name columns; on later
  pages, the same rows again (a repeated header) are dropped;
- a table that follows an annex heading (``2-қосымша``, ``Приложение 2``) or a title naming a
  setting, or that has another number of columns, starts the next annex, with that text as its title;
- a row broken at a page break is joined again: its halves hold parts of the same cells (the № often
  sits on the second half, cells being vertically centred), and no column is filled in both;
- a № and service cell merged over several position rows that runs on past the page break leaves a
  first row on the next page with service text but no №: that text continues the service above.

Merged cells follow the model's convention (``model.py``).
"""
from __future__ import annotations


from ..columns import LayoutError, by_role, column_roles, is_header_row
from ..model import ROW_NUMBER, RawRow, RawTable
from ..text import fold, join_wrapped
from ..vocab import match_category, names_another_annex
from .pdf_grid import PageTable



def _is_category(cells: list[str]) -> bool:
    filled = {c for c in cells if c}
    return len(filled) == 1 and bool(match_category(next(iter(filled))))


def _is_numbered(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and bool(ROW_NUMBER.match(filled[0])) and len(filled) >= 3


def _header_rows(t: PageTable) -> list[list[str]]:
    """Header rows: a merged cell's text in every slot it covers."""
    out = []
    for r in range(len(t.texts)):
        row = [t.texts[o[0]][o[1]] for o in t.origin[r]]
        out.append(row)
    return out


def _body_row(t: PageTable, r: int) -> RawRow:
    """A body row: a cell merged across keeps its text in its first column; merged down, its text
    repeats in each row and the rows below the first list the column as spanned."""
    cells, spanned = [], set()
    for c, (orow, ocol) in enumerate(t.origin[r]):
        if ocol != c:
            cells.append("")
            continue
        cells.append(t.texts[orow][ocol])
        if orow < r and t.texts[orow][ocol]:
            spanned.add(c)
    return RawRow(cells=cells, page=t.page, table_row=r, spanned=frozenset(spanned))


def _roles(table: RawTable, ncols: int):
    try:
        return column_roles(table.header, ncols, [r.cells for r in table.rows])
    except LayoutError:
        return None


def _complete(row: RawRow, roles) -> bool:
    position, prices = by_role(roles, "position"), [c for c in roles if c.role == "price"]
    return bool(row.cells[position.index]) and all(row.cells[c.index] for c in prices)


def _join(a: RawRow, b: RawRow, roles) -> bool:
    """Join ``b`` (top of a page) into ``a`` (foot of the page before) when they are two halves of
    one row: no №, price or time-norm cell filled in both. True when joined."""
    strict = {c.index for c in roles if c.role in ("number", "price", "time_norm")}
    if any(a.cells[i] and b.cells[i] for i in strict if i < len(a.cells) and i < len(b.cells)):
        return False
    a.cells = [join_wrapped([x, y]) if x and y else x or y for x, y in zip(a.cells, b.cells)]
    a.spanned = a.spanned & b.spanned
    return True


def _continue(table: RawTable, row: RawRow, roles) -> None:
    """The first row of a page continues the rows at the foot of the page before."""
    prev = next((r for r in reversed(table.rows) if not _is_category(r.cells)), None)
    if prev is None:
        table.rows.append(row)
        return
    number, service = by_role(roles, "number"), by_role(roles, "service")
    has_no = number is not None and row.cells[number.index] and number.index not in row.spanned
    if not _complete(prev, roles) or (not has_no and not _complete(row, roles)):
        if _join(prev, row, roles):
            return
    if (service is not None and not has_no and row.cells[service.index] and service.index not in row.spanned
            and _complete(row, roles)):
        # the tail of a service cell merged over rows, cut by the page break
        origin = next((r for r in reversed(table.rows) if r.cells[service.index] and service.index not in r.spanned
                       and not _is_category(r.cells)), None)
        if origin is not None:
            origin.cells[service.index] = join_wrapped([origin.cells[service.index], row.cells[service.index]])
            row.cells[service.index] = origin.cells[service.index]
            spanned = {service.index}
            if number is not None:
                row.cells[number.index] = origin.cells[number.index]
                spanned.add(number.index)
            row.spanned = row.spanned | spanned
    table.rows.append(row)


def stitch(pages: list[PageTable]) -> tuple[list[RawTable], list[str]]:
    """Annex tables (the first one's title = the text above it on its page) and warnings."""
    tables: list[RawTable] = []
    warnings: list[str] = []
    width = 0
    header_folded: list[str] = []
    roles = None
    pending_title: list[str] = []  # text of tables without body rows (layout) and between tables
    for t in pages:
        rows = t.texts
        hdr = _header_rows(t)
        folded = [fold(" ".join(r)) for r in hdr]
        first_body = next((i for i, r in enumerate(rows) if _is_category(r) or _is_numbered(r)), None)
        lead = 0  # leading rows that name columns (a new table's header)
        while lead < len(rows) and (first_body is None or lead < first_body) and \
                (is_header_row(rows[lead]) or not any(rows[lead])):
            lead += 1
        repeated = bool(header_folded) and folded[:len(header_folded)] == header_folded
        heading = t.above.strip()
        if first_body is None and not tables:
            pending_title += [t.above, "\n".join(" ".join(c for c in r if c) for r in rows)]
            continue
        new = (not tables or t.shape[1] != width or bool(heading and names_another_annex(heading))
               or (not repeated and lead > 0 and first_body == lead))
        if new:
            if first_body is None:
                pending_title.append(t.above)
                continue
            table = RawTable(header=[r for r in hdr[:lead] if any(r)],
                             title="\n".join(x for x in pending_title + [t.above] if x.strip()))
            pending_title = []
            tables.append(table)
            width, header_folded = t.shape[1], folded[:lead]
            roles = None
            start = lead
        else:
            table = tables[-1]
            start = len(header_folded) if repeated else 0
        ncols = t.shape[1]
        for r in range(start, len(rows)):
            if not any(rows[r]) or (r >= start and folded[r] in header_folded):
                continue  # blank rule-only rows; a header repeated anywhere (also at a page foot)
            row = _body_row(t, r)
            if r == start and table.rows and not new:
                roles = roles or _roles(table, ncols)
                if roles is not None:
                    _continue(table, row, roles)
                    continue
            table.rows.append(row)
    return tables, warnings
