"""Reader of the staffing norms: Labour Minister order No. 308 of 11.08.2022 (registry No. 29098), annex 1.

Minimum staffing norms of stationary organizations by number of recipients (the order is since repealed;
text taken from a PDF with narrow wrapped columns) -> :func:`read_staffing_norms`. Its own module because
rebuilding that table (letter-spaced chunks, position names wrapped over many lines, merged cells written
in words, footnote marks) is a parser of its own, unrelated to the health-care standard's paragraphs
(:mod:`kztariffs.reference_health`); :mod:`kztariffs.reference` writes the table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .errors import DecreeError
from .reference_source import category_key, read_lines
from .text import squash

STAFFING_NORMS_FILE = "labour-ministry-order_2022-08-11_no308_staffing-norms_kk.txt"

STAFFING_COLUMNS = [
    "section", "category", "row_no", "position", "position_footnotes", "bracket_no", "bracket_text",
    "recipients_min", "recipients_max", "bracket_footnotes", "cell_text", "norm_kind", "staff_units",
    "rule_text", "footnote_text", "source_file", "source_sha256", "line", "row_line",
]


_TABLE_TITLE = "персоналдың ең төмен штат нормативтері"
_HEADER_MARK = "Қызмет алушылардың саны"
_SECTION = re.compile(r"штат(?:тық)? нормативтері\s*$")
_NOTES_START = re.compile(r"^\s*Ескертпе\s*:")
_VALUE = re.compile(r"^(?:-|\d+(?:,\d+)?)$")
_BRACKET = re.compile(
    r"(?P<a>\d+)-(?:(?P<b>\d+)|(?P<upto>\w+ дейін)|(?P<over>\w+ артық))(?:\s+(?P<fn>\d)(?![\d,-]))?"
)
# Footnote marks printed after a position name: "дәрігер 2,3", "мұғалім 2,3,4", "Шаштараз 1, 3, 4 (..."
_POSITION_FOOTNOTES = re.compile(r"\s+([1-9](?:\s*,\s*[1-9])*)(?=\s*(?:\(|$))")
# A norm cell that starts with a count ("50 қызмет алушыға 1 бірлік", "1 техникалық жүріп тұрған көлік
# құралына 1 бірлік") takes that number with it; "мекемеге N бірлік" (N units per institution) never
# has a count in front, so a number before it is the previous bracket's value ("- 3 3 мекемеге 4 бірлік").
_PER_INSTITUTION = "мекемеге"
# Fragments of the narrow position column are at most ~8 characters; rule text lines are long.
_FRAGMENT_MAX = 12
# Words glued at a wrap point without a trailing space in the PDF text. Found by reading every
# joined position name of annex 1 against the printed table; each pair is (glued, separated).
_GLUED_WORDS = [
    ("жұмысжөн", "жұмыс жөн"),  # rows 2, 3, 4, 11, 33
    ("шаруашылыққызмет", "шаруашылық қызмет"),  # row 7
    ("Шаруашылықмеңгер", "Шаруашылық меңгер"),  # row 13
    ("Электржабды", "Электр жабды"),  # row 26
    ("тарынжөнде", "тарын жөнде"),  # row 26
    ("қызметкөрсет", "қызмет көрсет"),  # rows 26, 29, 30
    ("болғанкезде", "болған кезде"),  # rows 4, 5
    ("болғанқоқыс", "болған қоқыс"),  # row 31
    ("барболса", "бар болса"),  # row 34
    ("картоптазала", "картоп тазала"),  # row 42
    ("Шаруашылықбикесі", "Шаруашылық бикесі"),  # row 45
    ("ішкиімжуатын", "ішкиім жуатын"),  # row 47
    ("болғанжағдай", "болған жағдай"),  # row 59
]
# A line holding only footnote marks: "2", "3,4,5".
_MARKS_ONLY = re.compile(r"^[1-9](?:\s*,\s*[1-9])*$")
# 2+ single non-digit characters separated by single spaces inside a chunk: "е г і" -> "егі" (a footnote
# mark after a letter, "р 4", is not letter spacing).
_LETTER_SPACED = re.compile(r"^[^\s\d](?: [^\s\d])+$")


def _unspace(line: str) -> tuple[str, bool]:
    """Repair one PDF text line: rejoin letter-spaced chunks (words are 2+ spaces apart).

    Returns the repaired text and whether the line ended in whitespace (a word ends at the wrap).
    """
    trailing = line != line.rstrip()
    chunks = [c for c in re.split(r"\s{2,}", line.strip()) if c]
    fixed = [c.replace(" ", "") if _LETTER_SPACED.match(c) else c for c in chunks]
    return " ".join(fixed), trailing


def _join_text(lines: list[str]) -> str:
    """Join wrapped lines of a rule/heading/note: line breaks are word gaps."""
    text = " ".join(_unspace(x)[0] for x in lines if x.strip())
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+([),.;:])", r"\1", text)
    return squash(text)


def _join_fragments(fragments: list[str]) -> str:
    """Join the pieces of a narrow wrapped cell: a piece ending in a space ends a word."""
    out = ""
    for frag in fragments:
        text, trailing = _unspace(frag)
        if not text:
            continue
        if _MARKS_ONLY.match(text) and out and not out.endswith(" "):
            out += " "  # footnote marks on a line of their own: "дәрігер" + "2,3"
        out += text + (" " if trailing else "")
    for glued, sep in _GLUED_WORDS:
        out = out.replace(glued, sep)
    out = re.sub(r"\(\s+", "(", out)
    out = re.sub(r"\s+([),])", r"\1", out)
    out = re.sub(r"(\w)\(", r"\1 (", out)  # "Бағбан" + "(" -> "Бағбан ("
    out = re.sub(r",(?=[^\W\d_])", ", ", out)  # "тектес," + "сұйық" -> "тектес, сұйық"
    return squash(out)


def _split_position(name: str) -> tuple[str, str]:
    """Take footnote marks off a joined position name: ``"Педиатр дәрігер 2,3"`` -> (name, "2,3")."""
    marks: list[str] = []

    def take(m: re.Match) -> str:
        marks.extend(re.findall(r"\d", m.group(1)))
        return ""

    clean = _POSITION_FOOTNOTES.sub(take, name)
    return squash(clean), ",".join(marks)


def _units(token: str) -> str:
    """``"0,5"`` -> ``"0.5"``: the printed number with a decimal point, exact (Decimal, never float)."""
    return str(Decimal(token.replace(",", ".")))


def _mark_order(mark: str) -> tuple[int, str]:
    return (0, f"{int(mark):03d}") if mark.isdigit() else (1, mark)


@dataclass
class _StaffRow:
    row_no: int
    row_line: int
    section: str
    fragments: list[tuple[int, str]] = field(default_factory=list)
    values: list[tuple[int, str]] = field(default_factory=list)  # (line, "-" | "0,5")
    rule_lines: list[str] = field(default_factory=list)
    rule_line: int | None = None


def _split_values(line: str) -> tuple[list[str], str]:
    """Split a value line into leading value tokens and the merged-cell text that follows."""
    tokens = line.split()
    i = 0
    while i < len(tokens) and _VALUE.match(tokens[i]):
        i += 1
    values, rest = tokens[:i], tokens[i:]
    if rest and values and values[-1] != "-" and rest[0] != _PER_INSTITUTION:
        rest.insert(0, values.pop())
    return values, " ".join(rest)


def _is_value_line(line: str) -> bool:
    tokens = line.split()
    if not tokens:
        return False
    if tokens[0] == "-":
        return True
    lead = 0
    for t in tokens:
        if not _VALUE.match(t):
            break
        lead += 1
    return lead >= 2


def _blocks(lines: list[str], start: int, end: int):
    """Yield (first_line_no, [lines], after_page_break) for runs of non-blank lines in [start, end)."""
    blank_run = 0
    cur: list[str] = []
    cur_start = 0
    cur_break = False
    for idx in range(start, end):
        raw = lines[idx]
        if raw.strip():
            if not cur:
                cur_start, cur_break = idx + 1, blank_run >= 2
            cur.append(raw)
            blank_run = 0
        else:
            if cur:
                yield cur_start, cur, cur_break
                cur = []
            blank_run += 1
    if cur:
        yield cur_start, cur, cur_break


def _parse_footnotes(lines: list[str], start: int) -> dict[str, str]:
    """Read the "Ескертпе:" list: ``1 – text``, ``* – text`` (new paragraphs are indented)."""
    paras: list[list[str]] = []
    for raw in lines[start + 1:]:
        if not raw.strip():
            continue
        if re.match(r"^\s*(?:\d+|\*)\s+–", raw) or (raw[:1].isspace() and raw.strip()):
            paras.append([raw])
        elif paras:
            paras[-1].append(raw)
    notes: dict[str, str] = {}
    for p in paras:
        m = re.match(r"^\s*(\d+|\*)\s+–\s+(.*)$", " ".join(x.strip() for x in p))
        if m:
            notes[m.group(1)] = f"{m.group(1)} – {squash(m.group(2))}"
        elif notes:
            break  # the general notes that follow the footnote list
    return notes


def read_staffing_norms(path: str | Path) -> pd.DataFrame:
    """Annex 1 of order No. 308: one row per position x recipients bracket.

    ``norm_kind`` is ``units`` (``staff_units`` holds the exact number, decimal point normalized),
    ``none`` (the cell prints ``-``: no such position in that bracket) or ``rule`` (the cell prints a
    norm in words, kept verbatim in ``rule_text``; a merged cell gives the same text to every bracket it
    spans). ``line`` is the line where the cell's value is printed, ``row_line`` the line of the row
    number.
    """
    path = Path(path)
    lines, sha = read_lines(path)

    title_idx = next((i for i, x in enumerate(lines) if _TABLE_TITLE in x), None)
    if title_idx is None:
        raise DecreeError(path, f"staffing-norms table title ({_TABLE_TITLE!r}) not found")
    notes_idx = next((i for i in range(title_idx, len(lines)) if _NOTES_START.match(lines[i])), None)
    if notes_idx is None:
        raise DecreeError(path, "staffing-norms table has no 'Ескертпе:' notes after it (truncated?)")
    first_section = next((i for i in range(title_idx + 1, notes_idx) if _SECTION.search(lines[i])), None)
    if first_section is None:
        raise DecreeError(path, "staffing-norms table has no section headings")

    # Column header: the recipients brackets.
    header = _join_text(lines[title_idx + 1:first_section])
    if _HEADER_MARK not in header:
        raise DecreeError(path, f"staffing-norms header ({_HEADER_MARK!r}) not found")
    header = re.sub(r"(\d)-\s+(?=\w)", r"\1-", header.split(_HEADER_MARK, 1)[1])
    brackets = []
    for m in _BRACKET.finditer(header):
        lo, hi = int(m.group("a")), None
        if m.group("b"):
            hi = int(m.group("b"))
            text = f"{m.group('a')}-{m.group('b')}"
        elif m.group("upto"):
            lo, hi = None, int(m.group("a"))
            text = f"{m.group('a')}-{m.group('upto')}"
        else:
            lo = int(m.group("a")) + 1
            text = f"{m.group('a')}-{m.group('over')}"
        brackets.append({"bracket_text": text, "recipients_min": lo, "recipients_max": hi,
                         "bracket_footnotes": m.group("fn") or ""})
    if len(brackets) < 2:
        raise DecreeError(path, f"could not read the recipients brackets from the header: {header!r}")
    n_cols = len(brackets)
    footnotes = _parse_footnotes(lines, notes_idx)

    rows: list[_StaffRow] = []
    section = ""
    expected = 1
    pending: list[tuple[int, str]] = []  # name fragments printed before their row number

    def cur(lineno: int) -> _StaffRow:
        if not rows:
            raise DecreeError(path, f"line {lineno}: table text before the first row number")
        return rows[-1]

    for lineno, block, after_break in _blocks(lines, first_section, notes_idx):
        first = block[0].strip()
        if len(block) == 1 and _SECTION.search(first) and len(first) > 30:
            if pending:
                raise DecreeError(path, f"line {pending[0][0]}: position text without a row number")
            section = _join_text(block)
            continue
        m = re.match(r"^(\d{1,3})(?:\s+(.*))?$", first)
        if m and int(m.group(1)) == expected and not _is_value_line(first[len(m.group(1)):].strip() or "x"):
            row = _StaffRow(row_no=expected, row_line=lineno, section=section, fragments=pending)
            pending = []
            expected += 1
            rows.append(row)
            rest = (m.group(2) or "").strip()
            if rest:
                # "18 Вахтер - - - мекемеге 1 бірлік": the name, then the values on the same line.
                vm = re.search(r"(?:^|\s)(?=(?:-|\d+(?:,\d+)?)(?:\s|$))", rest)
                if vm:
                    row.fragments.append((lineno, rest[: vm.start()].strip() + " "))
                    _add_values(row, rest[vm.end():].strip(), lineno)
                else:
                    row.fragments.append((lineno, re.sub(r"^\s*\d+\s+", "", block[0])))
            for k, raw in enumerate(block[1:], start=1):
                row.fragments.append((lineno + k, raw))
            continue
        if _is_value_line(first):
            row = cur(lineno)
            if row.values or row.rule_lines:
                raise DecreeError(path, f"line {lineno}: second value line for row {row.row_no}")
            _add_values(row, first, lineno)
            if len(block) > 1:
                if row.rule_line is None:
                    row.rule_line = lineno + 1
                row.rule_lines.extend(block[1:])
            continue
        if max(len(x.strip()) for x in block) > _FRAGMENT_MAX:
            row = cur(lineno)  # a norm written in words (continues the row's value cells)
            if len(row.values) >= n_cols:
                raise DecreeError(path, f"line {lineno}: norm text after a full row {row.row_no}")
            if row.rule_line is None:
                row.rule_line = lineno
            row.rule_lines.extend(block)
            continue
        # Short pieces of a wrapped position name.
        frags = [(lineno + k, raw) for k, raw in enumerate(block)]
        if rows and not (rows[-1].values or rows[-1].rule_lines):
            rows[-1].fragments.extend(frags)
        elif rows and after_break:
            rows[-1].fragments.extend(frags)  # the rest of a row split by a page break
        else:
            pending.extend(frags)  # the top of the next row, printed above its number
    if pending:
        raise DecreeError(path, f"line {pending[0][0]}: position text without a row number")
    if not rows:
        raise DecreeError(path, "staffing-norms table has no numbered rows")

    out: list[dict] = []
    for r in rows:
        if not r.fragments:
            raise DecreeError(path, f"line {r.row_line}: row {r.row_no} has no position name")
        rule = _join_text(r.rule_lines) if r.rule_lines else ""
        cells: list[tuple[int, str, str]] = [(ln, "value", v) for ln, v in r.values]
        if rule:
            cells += [(r.rule_line, "rule", rule)] * (n_cols - len(cells))
        if len(cells) != n_cols:
            raise DecreeError(path, f"line {r.row_line}: row {r.row_no} has {len(cells)} cells, "
                                    f"expected {n_cols}")
        position, pos_marks = _split_position(_join_fragments([f for _, f in r.fragments]))
        for b_no, ((ln, kind, val), br) in enumerate(zip(cells, brackets), start=1):
            marks = [x for x in pos_marks.split(",") if x] + [x for x in br["bracket_footnotes"].split(",") if x]
            if kind == "rule" and "*" in val:
                marks.append("*")
            if kind == "rule":
                norm_kind, units, rule_text = "rule", "", val
            elif val == "-":
                norm_kind, units, rule_text = "none", "", ""
            else:
                norm_kind, units, rule_text = "units", _units(val), ""
            out.append({
                "section": r.section, "category": category_key(r.section) or "",
                "row_no": r.row_no, "position": position, "position_footnotes": pos_marks,
                "bracket_no": b_no, **br, "cell_text": val, "norm_kind": norm_kind,
                "staff_units": units, "rule_text": rule_text,
                "footnote_text": " | ".join(footnotes[x] for x in sorted(set(marks), key=_mark_order)
                                            if x in footnotes),
                "source_file": path.name, "source_sha256": sha, "line": ln, "row_line": r.row_line,
            })
    df = pd.DataFrame(out, columns=STAFFING_COLUMNS)
    for col in ("row_no", "bracket_no", "recipients_min", "recipients_max", "line", "row_line"):
        df[col] = df[col].astype("Int64")
    return df


def _add_values(row: _StaffRow, line: str, lineno: int) -> None:
    values, rest = _split_values(line)
    row.values.extend((lineno, v) for v in values)
    if rest:
        row.rule_line = lineno
        row.rule_lines.append(rest)
