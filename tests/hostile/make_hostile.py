"""Hostile inputs (issue 14), made from the shipped decrees and fixtures: nothing here is committed
but this script. ``tests/test_hostile_inputs.py`` makes each case it needs in a temporary folder.

    python tests/hostile/make_hostile.py OUT_DIR [CASE ...]    # all cases but the big ones when none named
    python tests/hostile/make_hostile.py --list

Large cases (a sparse file over the size limit, a decree followed by 200 MB of text, 30 MB lines) are
written only when named or with ``--big``; they take a few seconds and as much disk as their size
(the sparse one none).
"""
from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
ORAL = ROOT / "data" / "raw" / "oral-city_2025-12-18_no2999_home-2026_kk.portal.txt"  # 76 rows
SEMI = ROOT / "data" / "raw" / "oral-city_2025-09-16_no1971_semi-stationary-2025_kk.pdf.txt"  # 123 rows
RU = ROOT / "tests" / "fixtures" / "ru" / "oral-city_2025-12-18_no2999_home-2026_ru.portal.txt"  # 76 rows
HTML = ROOT / "tests" / "fixtures" / "html" / "oral-city_2025-12-18_no2999_home-2026_kk.html"  # 76 rows
PDF = ROOT / "tests" / "corpus" / "files" / "reportlab" / "seed-2999_kk.pdf"

MB = 1024 * 1024
PROSE = ("Осы қаулы оның алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң "
         "қолданысқа енгізіледі, 2025 жылғы 16 қыркүйек.\n")
WORD = "сөз "

CASES: dict[str, Callable[[Path], Path]] = {}
BIG: set[str] = set()


def case(name: str, big: bool = False):
    def register(fn):
        CASES[name] = fn
        if big:
            BIG.add(name)
        return fn
    return register


def oral() -> str:
    return ORAL.read_text(encoding="utf-8")


def _replace_once(text: str, old: str, new: str, regex: bool = False) -> str:
    out, n = (re.subn(old, new, text, count=1, flags=re.M) if regex else (text.replace(old, new, 1), text.count(old)))
    assert n >= 1, f"fixture changed: {old!r} not found"
    return out


def _write(out: Path, name: str, data: bytes | str) -> Path:
    path = out / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- files that are not decree text


@case("empty")
def empty(out):
    return _write(out, "empty.txt", b"")


@case("whitespace")
def whitespace(out):
    return _write(out, "whitespace.txt", " \n\t\n\u00a0\n".encode("utf-8"))


@case("binary")
def binary(out):
    return _write(out, "binary.txt", bytes(range(256)) * 10)


@case("pdf-named-txt")
def pdf_named_txt(out):
    return _write(out, "decree.txt", PDF.read_bytes())


@case("nul-bytes")
def nul_bytes(out):
    text = oral().encode("utf-8")
    at = text.index(b"\n", 5000)
    return _write(out, "nul.txt", text[:at] + b"\x00\x00" + text[at:])


# ---------------------------------------------------------------- encodings


@case("utf8-bom")
def utf8_bom(out):
    return _write(out, "bom.txt", b"\xef\xbb\xbf" + oral().encode("utf-8"))


@case("utf16-le-bom")
def utf16_le(out):
    return _write(out, "utf16le.txt", b"\xff\xfe" + oral().encode("utf-16-le"))


@case("utf16-be-bom")
def utf16_be(out):
    return _write(out, "utf16be.txt", b"\xfe\xff" + oral().encode("utf-16-be"))


@case("utf16-le-no-bom")
def utf16_le_unmarked(out):
    return _write(out, "utf16le_nobom.txt", oral().encode("utf-16-le"))


@case("utf16-whitespace")
def utf16_whitespace(out):
    return _write(out, "utf16_blank.txt", b"\xff\xfe" + " \n \n".encode("utf-16-le"))


@case("cp1251-russian")
def cp1251_russian(out):
    return _write(out, "ru_cp1251.txt", RU.read_text(encoding="utf-8").encode("cp1251"))


@case("kz1048-kazakh")
def kz1048_kazakh(out):
    return _write(out, "kk_kz1048.txt", oral().encode("kz1048"))


@case("cp1251-lossy-kazakh")
def cp1251_lossy(out):
    return _write(out, "kk_cp1251.txt", oral().encode("cp1251", errors="replace"))


@case("koi8r-russian")
def koi8r(out):
    return _write(out, "ru_koi8r.txt", RU.read_text(encoding="utf-8").encode("koi8_r", errors="replace"))


@case("mixed-encodings")
def mixed(out):
    text = RU.read_text(encoding="utf-8")
    half = len(text) // 2
    return _write(out, "mixed.txt", text[:half].encode("utf-8") + text[half:].encode("cp1251"))


# ---------------------------------------------------------------- PDF and DOCX


@case("truncated-pdf")
def truncated_pdf(out):
    data = PDF.read_bytes()
    return _write(out, "truncated.pdf", data[: len(data) // 2])


@case("zero-page-pdf")
def zero_page_pdf(out):
    import pypdfium2 as pdfium

    buf = io.BytesIO()
    doc = pdfium.PdfDocument.new()
    doc.save(buf)
    doc.close()
    return _write(out, "zero_pages.pdf", buf.getvalue())


@case("encrypted-pdf")
def encrypted_pdf(out):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(100, 700, "Тарифтер")
    c.showPage()
    c.save()
    return _write(out, "encrypted.pdf", buf.getvalue())


@case("html-named-pdf")
def html_named_pdf(out):
    return _write(out, "page.pdf", HTML.read_bytes())


@case("docx-not-zip")
def docx_not_zip(out):
    return _write(out, "decree.docx", oral())


@case("docx-zip-bomb")
def docx_bomb(out):
    """A Word file whose document.xml unpacks to 110 MB (from about 110 KB)."""
    path = out / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                          'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                     b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            chunk = b" " * MB
            for _ in range(110):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


# ---------------------------------------------------------------- special files


@case("fifo")
def fifo(out):
    path = out / "pipe.txt"
    os.mkfifo(path)
    return path


@case("link-to-urandom")
def urandom(out):
    path = out / "random.txt"
    path.symlink_to("/dev/urandom")
    return path


@case("directory-named-txt")
def directory(out):
    path = out / "folder.txt"
    path.mkdir()
    return path


@case("broken-link")
def broken_link(out):
    path = out / "gone.txt"
    path.symlink_to(out / "nowhere.txt")
    return path


@case("sparse-over-limit")
def sparse(out):
    """A file one byte over the size limit, without using the disk (sparse)."""
    from kztariffs.readers import MAX_FILE_BYTES

    path = out / "huge.txt"
    with open(path, "wb") as fh:
        fh.write(oral().encode("utf-8"))
        fh.truncate(MAX_FILE_BYTES + 1)
    return path


# ---------------------------------------------------------------- long and large text


def _tail(out: Path, name: str, size: int) -> Path:
    """The PDF-text decree followed right after its last row by ``size`` bytes of prose."""
    path = out / name
    block = (PROSE * (MB // len(PROSE.encode("utf-8")))).encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(SEMI.read_text(encoding="utf-8").rstrip("\n").encode("utf-8") + b"\n")
        written = 0
        while written < size:
            fh.write(block)
            written += len(block)
    return path


@case("tail-200mb", big=True)
def tail_200mb(out):
    return _tail(out, "tail200.txt", 200 * MB)


@case("tail-4mb")
def tail_4mb(out):
    return _tail(out, "tail4.txt", 4 * MB)


@case("tail-16mb", big=True)
def tail_16mb(out):
    return _tail(out, "tail16.txt", 16 * MB)


def _row_line(out: Path, name: str, size: int) -> Path:
    """PDF text whose row 122 carries one line of ``size`` bytes in its service cell."""
    semi = SEMI.read_text(encoding="utf-8")
    at = semi.index("Психолог 844,8")
    return _write(out, name, semi[:at] + WORD * (size // len(WORD.encode("utf-8"))) + "\n" + semi[at:])


@case("line-1mb-in-row")
def line_1mb(out):
    return _row_line(out, "line1.txt", MB)


@case("line-30mb-in-row", big=True)
def line_30mb(out):
    return _row_line(out, "line30.txt", 30 * MB)


@case("line-30mb-after", big=True)
def line_30mb_after(out):
    return _write(out, "after30.txt", oral() + "\n\n\n" + WORD * (30 * MB // len(WORD.encode("utf-8"))) + "\n")


@case("line-30mb-before", big=True)
def line_30mb_before(out):
    semi = SEMI.read_text(encoding="utf-8")
    at = semi.index("\n", 200)
    return _write(out, "before30.txt", semi[:at] + "\n" + WORD * (30 * MB // len(WORD.encode("utf-8"))) + semi[at:])


# ---------------------------------------------------------------- rows that must be rejected or kept as data


@case("price-1e12")
def price_huge(out):
    return _write(out, "price_1e12.txt", _replace_once(oral(), r"^948,30[ \u00a0]*$", "1 000 000 000 000", regex=True))


@case("price-3-decimals")
def price_3_decimals(out):
    return _write(out, "price_3dec.txt", _replace_once(oral(), r"^948,30[ \u00a0]*$", "948,305", regex=True))


@case("duplicated-number")
def duplicated_number(out):
    """Row 4 printed with the № of row 3 (and its own service)."""
    return _write(out, "dup_number.txt", _replace_once(oral(), "\n\t\n4\n\t\n", "\n\t\n3\n\t\n"))


@case("formula-service")
def formula(out):
    text = _replace_once(oral(), "Мүгедектігі бар балалар үшін бір елді мекен шегінде үйден тыс серіктестік көрсету.",
                         "=1+1")
    text = _replace_once(text, "Қарттар мен мүгедектігі бар адамдар үшін бір елді мекен шегінде үйден тыс "
                               "серіктестік көрсету.", '=HYPERLINK("http://example.invalid","x")')
    return _write(out, "formula.txt", text)


@case("script-in-text")
def script(out):
    text = _replace_once(oral(), "Мүгедектігі бар балалар үшін бір елді мекен шегінде үйден тыс серіктестік көрсету.",
                         "<script>alert(1)</script> <img src=x onerror=alert(9)>")
    return _write(out, "script.txt", text)


# ---------------------------------------------------------------- HTML tables


_NESTED = ('<table><tr><td>1</td><td>ішкі кесте</td><td>Дәрігер</td><td>5 000,00</td></tr>'
           '<tr><td>2</td><td>тағы бір жол</td><td>Медбике</td><td>7 000,00</td></tr></table>')


@case("nested-html-table")
def nested_table(out):
    """Numbered tables nested in a service cell and in a price cell of the annex table."""
    html = HTML.read_text(encoding="utf-8")
    html = _replace_once(html, "<td>Мүгедектігі бар балалар үшін бір елді мекен шегінде үйден тыс серіктестік көрсету.</td>",
                         f"<td>Мүгедектігі бар балалар үшін бір елді мекен шегінде үйден тыс серіктестік көрсету.{_NESTED}</td>")
    html = _replace_once(html, "<td>1 896,60</td>", f"<td>1 896,60{_NESTED}</td>")
    return _write(out, "nested.html", html)


@case("colspan-1000x200")
def colspan(out):
    """200 cells with colspan=1000 in one row of the annex table."""
    html = HTML.read_text(encoding="utf-8")
    row = "<tr>" + '<td colspan="1000">x</td>' * 200 + "</tr>\n"
    return _write(out, "colspan.html", _replace_once(html, "</table>", row + "</table>"))


@case("rowspan-beyond")
def rowspan(out):
    """A category row with rowspan=65534 and colspan=99 in the middle of the annex table."""
    html = HTML.read_text(encoding="utf-8")
    return _write(out, "rowspan.html", _replace_once(
        html, '<td colspan="4" align="center"><b>Әлеуметтік-тұрмыстық қызметтер</b></td>',
        '<td colspan="99" rowspan="65534" align="center"><b>Әлеуметтік-тұрмыстық қызметтер</b></td>'))


# ---------------------------------------------------------------- YAML


_BOMB = "".join([
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n',
    *(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
])


@case("yaml-bomb-scenario")
def yaml_bomb_scenario(out):
    return _write(out, "bomb_scenario.yaml", _BOMB + "name: bomb\nsetting: home\n")


@case("yaml-bomb-decisions")
def yaml_bomb_decisions(out):
    return _write(out, "bomb_decisions.yaml", _BOMB + "decisions: *i\n")


@case("yaml-deep")
def yaml_deep(out):
    return _write(out, "deep.yaml", "name: " + "[" * 5000 + "]" * 5000 + "\n")


def make(name: str, out: Path) -> Path:
    """Write case ``name`` into folder ``out``; its path."""
    out.mkdir(parents=True, exist_ok=True)
    return CASES[name](out)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[0] == "--list":
        print("\n".join(f"{n}{' (big)' if n in BIG else ''}" for n in CASES))
        return 0
    out, names = Path(argv[0]), argv[1:]
    if names == ["--big"]:
        names = list(CASES)
    for name in names or [n for n in CASES if n not in BIG]:
        print(make(name, out))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
