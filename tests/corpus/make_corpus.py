"""Build the decree fixture corpus: every document spec (specs.py) through every producer, with its key.

    .venv/bin/python tests/corpus/make_corpus.py            # rebuild files/, keys/, manifest.csv and check them
    .venv/bin/python tests/corpus/make_corpus.py --check    # rebuild the keys in memory and check them against
                                                            # keys/ and every committed file (writes nothing)
    .venv/bin/python tests/corpus/make_corpus.py --docs two-level_kk,landscape_kk   # rebuild some documents only

Producers: reportlab (pdf), python-docx (docx), libreoffice (pdf from the python-docx file, and that file
re-saved as docx via .odt), html (the page), chromium (pdf printed from the page). See README.md.

Checks (both modes; any failure exits non-zero):
- the keys of the three seed documents equal the hand-checked gold files in tests/gold/ (and the Russian
  2999 key equals the 2999 gold in everything but the position);
- every file's text, extracted independently of the package (pdftotext -layout, the DOCX XML, the HTML
  text), prints exactly the key's non-zero prices: the multiset of price strings found in the file, less the
  numbers the spec prints outside price cells, equals the multiset of key prices as printed;
- in every PDF of merged-across-page_kk at least one merged service cell runs across a page break.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import render  # noqa: E402
import render_markup  # noqa: E402
from seeds import S167, S1971, S2999, category_key, gold, squash  # noqa: E402
from specs import all_docs, value  # noqa: E402

FILES, KEYS = HERE / "files", HERE / "keys"
MANIFEST = HERE / "manifest.csv"
KEY_COLUMNS = ["annex", "setting", "unit", "row", "service_no", "category", "position", "locality", "price_kzt",
               "time_norm_min"]
MANIFEST_COLUMNS = ["file", "producer", "form", "doc_id", "variant", "language", "constructed", "pages"]
# (producer, form): the files of one document
OUTPUTS = [("reportlab", "pdf"), ("python-docx", "docx"), ("libreoffice", "pdf"), ("libreoffice", "docx"),
           ("html", "html"), ("chromium", "pdf")]
GOLD_OF = {"seed-2999_kk": S2999, "seed-1971_kk": S1971, "seed-167_kk": S167}
GOLD_OF_RU = {"russian-2999_ru": S2999}
MERGED_ACROSS = "merged-across-page_kk"
LOCALITY = {"price": "all", "price_city": "city", "price_village": "village"}


# ---------------------------------------------------------------- keys


def _plain(v: Decimal) -> str:
    s = format(v.normalize(), "f")
    return s


def key_lines(doc: dict) -> list[dict]:
    """The expected rows of a document (with `printed`: the price cell as printed, whitespace squashed)."""
    out = []
    for ai, a in enumerate(doc["annexes"], 1):
        cols = a["columns"]
        cat, row, last_no = None, 0, ""
        for r in a["rows"]:
            if r["kind"] == "category":
                cat = category_key(r["text"])
                continue
            row += 1
            c = r["cells"]
            no = c[cols.index("no")] or last_no
            last_no = no
            tn = ""
            if "time_min" in cols:
                tn = _plain(value(c[cols.index("time_min")]))
            elif "time_h" in cols:
                tn = _plain(value(c[cols.index("time_h")]) * 60)
            for i, role in enumerate(cols):
                if role not in LOCALITY or value(c[i]) == 0:
                    continue
                out.append({"annex": str(ai), "setting": a["setting"], "unit": a["unit"], "row": str(row),
                            "service_no": no, "category": cat, "position": squash(c[cols.index("position")]),
                            "locality": LOCALITY[role], "price_kzt": f"{value(c[i]):.2f}", "time_norm_min": tn,
                            "printed": squash(c[i])})
    return out


def key_csv(lines: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, KEY_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(lines)
    return buf.getvalue()


def check_gold(doc: dict, lines: list[dict]) -> list[str]:
    """Seed keys equal the gold files; the Russian 2999 key equals the 2999 gold but for the position."""
    stem = GOLD_OF.get(doc["id"]) or GOLD_OF_RU.get(doc["id"])
    if not stem:
        return []
    cols = ["row", "service_no", "category", "position", "locality", "price_kzt"]
    if doc["id"] in GOLD_OF_RU:
        cols.remove("position")
    want = [tuple(g[c] for c in cols) for g in gold(stem)]
    got = [tuple(k[c] for c in cols) for k in lines]
    if want == got:
        return []
    diff = [f"  gold {w}\n  key  {g}" for w, g in zip(want, got) if w != g][:5]
    return [f"{doc['id']}: key differs from tests/gold/{stem}.csv ({len(want)} gold, {len(got)} key lines)"] + diff


# ---------------------------------------------------------------- independent text of a produced file

NUM = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?(?!\d)")


def price_tokens(text: str) -> list[str]:
    """Numbers that look like prices: a thousands group, or 1-2 decimals and >= 10, or an integer >= 100."""
    out = []
    for m in NUM.finditer(text):
        tok = re.sub(r"[ \u00a0\u202f]", " ", m.group(0))
        bare = tok.replace(" ", "")
        ip, _, dp = bare.replace(",", ".").partition(".")
        if " " in tok or (dp and len(dp) <= 2 and int(ip) >= 10) or (not dp and int(ip) >= 100):
            out.append(tok)
    return out


def file_text(path: Path) -> list[str]:
    """The text of a produced file, one string per page (PDF) or one string (DOCX, HTML)."""
    if path.suffix == ".pdf":
        out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                             capture_output=True).stdout.decode("utf-8")
        pages = out.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    if path.suffix == ".docx":
        from lxml import etree

        xml = zipfile.ZipFile(path).read("word/document.xml")
        root = etree.fromstring(xml)
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        paras = []
        for p in root.iter(w + "p"):
            parts = []
            for e in p.iter(w + "t", w + "tab", w + "br"):
                parts.append((e.text or "") if e.tag == w + "t" else " ")
            paras.append("".join(parts))
        return ["\n".join(paras)]
    from lxml import html as lhtml

    doc = lhtml.fromstring(path.read_bytes())
    return ["\n".join(doc.body.itertext())]


def expected_other_tokens(doc: dict) -> Counter:
    """Price-like numbers the spec prints outside the price cells (dates, decree numbers, minutes ...)."""
    strings = list(doc["text"])
    for a in doc["annexes"]:
        strings += a["heading_lines"] + [a["title"]] + [c for h in a["header"] for c in h if c]
        for r in a["rows"]:
            if r["kind"] == "category":
                strings.append(r["text"])
                continue
            strings += [c for role, c in zip(a["columns"], r["cells"]) if role not in LOCALITY]
    return Counter(t for s in strings for t in price_tokens(s))


def check_prices(doc: dict, lines: list[dict], path: Path, pages: list[str]) -> list[str]:
    found = Counter(t for p in pages for t in price_tokens(p))
    want = expected_other_tokens(doc) + Counter(k["printed"] for k in lines)
    if found == want:
        return []
    missing, extra = want - found, found - want
    return [f"{path.relative_to(HERE)}: printed prices differ from the key: "
            f"missing {dict(missing)} extra {dict(extra)}"]


def page_of_lines(lines: list[dict], pages: list[str]) -> list[int] | None:
    """The page (1-based) of every key line, from the order of key prices on the pages; None if the order
    does not match."""
    printed = {k["printed"] for k in lines}
    seq = [(i + 1, t) for i, p in enumerate(pages) for t in price_tokens(p) if t in printed]
    if [t for _, t in seq] != [k["printed"] for k in lines]:
        return None
    return [pg for pg, _ in seq]


def merged_runs_across(doc: dict, lines: list[dict], pages: list[str]) -> int | None:
    """How many merged (rowspan) services run across a page break: their first and last rows are on different
    pages, or their last row is itself split (the tail of its position text opens the next page, before the
    line holding that page's first price)."""
    where = page_of_lines(lines, pages)
    if where is None:
        return None
    page_of_row: dict[tuple[str, int], int] = {}
    for k, pg in zip(lines, where):
        page_of_row.setdefault((k["annex"], int(k["row"])), pg)
    header_words = {w for a in doc["annexes"] for h in a["header"] for c in h if c for w in re.findall(r"\w+", c)}
    printed = {k["printed"] for k in lines}

    def split_after(pg: int, position: str) -> bool:
        """Does the row whose price is the last one on page `pg` continue on page pg + 1?"""
        if pg >= len(pages):
            return False
        before = []
        for line in pages[pg].split("\n"):  # page pg + 1 (0-based pg)
            if any(t in printed for t in price_tokens(line)):
                break
            before.append(line)
        words = set(re.findall(r"\w+", " ".join(before)))
        return bool(words & (set(re.findall(r"\w+", position)) - header_words))

    last_on_page = {}
    for k, pg in zip(lines, where):
        last_on_page[pg] = (k["annex"], int(k["row"]), k["position"])
    n = 0
    for ai, a in enumerate(doc["annexes"], 1):
        row = 0
        for r in a["rows"]:
            if r["kind"] != "row":
                continue
            row += 1
            if r["span"] > 1:
                first = page_of_row.get((str(ai), row))
                last_row = row + r["span"] - 1
                last = page_of_row.get((str(ai), last_row))
                if first is None or last is None:
                    continue
                cut = last_on_page.get(last)
                n += first != last or (cut is not None and cut[:2] == (str(ai), last_row)
                                       and split_after(last, cut[2]))
    return n


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    d = pdfium.PdfDocument(str(path))
    n = len(d)
    d.close()
    return n


# ---------------------------------------------------------------- producers


def soffice(args: list[str], profile: Path) -> None:
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
           "--nolockcheck", "--nodefault"] + args
    subprocess.run(cmd, check=True, capture_output=True, timeout=900)


def chromium_pdf(src: Path, target: Path, profile: Path) -> None:
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={target}",
           src.resolve().as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    if not target.exists():
        raise RuntimeError(f"chromium made no PDF for {src}")


def path_of(producer: str, form: str, doc_id: str) -> Path:
    return FILES / producer / f"{doc_id}.{form}"


def build(docs: list[dict]) -> None:
    for producer, _ in OUTPUTS:
        (FILES / producer).mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    for d in docs:
        render.render_reportlab(d, path_of("reportlab", "pdf", d["id"]))
        render_markup.render_docx(d, path_of("python-docx", "docx", d["id"]))
        render_markup.render_html(d, path_of("html", "html", d["id"]))
    print(f"reportlab, python-docx, html: {time.time() - t0:.1f} s")
    tmp = Path(tempfile.mkdtemp(prefix="kzcorpus_"))
    try:
        t0 = time.time()
        docx = [str(path_of("python-docx", "docx", d["id"])) for d in docs]
        soffice(["--convert-to", "pdf", "--outdir", str(FILES / "libreoffice")] + docx, tmp / "lo_profile")
        (tmp / "odt").mkdir()
        soffice(["--convert-to", "odt", "--outdir", str(tmp / "odt")] + docx, tmp / "lo_profile")
        odt = [str(tmp / "odt" / f"{d['id']}.odt") for d in docs]
        soffice(["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(FILES / "libreoffice")] + odt,
                tmp / "lo_profile")
        for d in docs:
            p = path_of("libreoffice", "docx", d["id"])
            p.write_bytes(render_markup.fix_zip_dates(p.read_bytes()))
        print(f"libreoffice: {time.time() - t0:.1f} s")
        t0 = time.time()
        for d in docs:
            chromium_pdf(path_of("html", "html", d["id"]), path_of("chromium", "pdf", d["id"]), tmp / "chromium")
        print(f"chromium: {time.time() - t0:.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- checks, keys, manifest


def check(docs: list[dict], write: bool) -> tuple[list[str], list[dict]]:
    errors: list[str] = []
    manifest = []
    for d in docs:
        lines = key_lines(d)
        errors += check_gold(d, lines)
        text = key_csv(lines)
        kpath = KEYS / f"{d['id']}.csv"
        if write:
            KEYS.mkdir(exist_ok=True)
            kpath.write_text(text, encoding="utf-8")
        elif not kpath.exists() or kpath.read_text(encoding="utf-8") != text:
            errors.append(f"{kpath.relative_to(HERE)}: out of date (rebuild)")
        across = []
        for producer, form in OUTPUTS:
            p = path_of(producer, form, d["id"])
            if not p.exists():
                errors.append(f"{p.relative_to(HERE)}: missing")
                continue
            pages = file_text(p)
            errors += check_prices(d, lines, p, pages)
            npages = pdf_pages(p) if form == "pdf" else ""
            if form == "pdf" and any(r.get("span", 0) > 1 for a in d["annexes"] for r in a["rows"]):
                n = merged_runs_across(d, lines, pages)
                across.append(f"{producer}={n}")
                if d["id"] == MERGED_ACROSS and not n:
                    errors.append(f"{p.relative_to(HERE)}: no merged service cell runs across a page break ({n})")
            manifest.append({"file": str(p.relative_to(HERE)), "producer": producer, "form": form,
                             "doc_id": d["id"], "variant": d["variant"], "language": d["language"],
                             "constructed": "true" if d["constructed"] else "false", "pages": npages})
        extra = f"  merged cells across a page: {', '.join(across)}" if across else ""
        print(f"{d['id']:<24} {len(lines):>4} key lines{extra}")
    return errors, manifest


def write_manifest(rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, MANIFEST_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    MANIFEST.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="check keys/ and files/ against the specs; write nothing")
    ap.add_argument("--docs", help="comma-separated document ids (default: all)")
    args = ap.parse_args(argv)
    t0 = time.time()
    docs = all_docs()
    if args.docs:
        want = set(args.docs.split(","))
        unknown = want - {d["id"] for d in docs}
        if unknown:
            ap.error(f"unknown document ids: {sorted(unknown)}")
        chosen = [d for d in docs if d["id"] in want]
    else:
        chosen = docs
    if not args.check:
        build(chosen)
    errors, manifest = check(docs, write=not args.check)
    if not args.check:
        write_manifest(manifest)
    elif MANIFEST.exists():
        old = list(csv.DictReader(MANIFEST.open(encoding="utf-8")))
        if [{k: str(v) for k, v in m.items()} for m in manifest] != old:
            errors.append("manifest.csv: out of date (rebuild)")
    size = sum(p.stat().st_size for p in FILES.rglob("*") if p.is_file())
    pages = sum(int(m["pages"] or 0) for m in manifest)
    print(f"{len(docs)} documents, {len(manifest)} files, {pages} PDF pages, {size / 1e6:.1f} MB; "
          f"{time.time() - t0:.0f} s")
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
