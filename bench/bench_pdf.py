"""Benchmark: our PDF reader against plain camelot and pdfplumber on the same fixture PDFs, in one run.

For each method: seconds per page (best of --repeat runs, imports warmed up first), the ratio to
camelot lattice with its default engine, and row accuracy against the gold files
(tests/gold/*.csv): the share of gold rows (№, category, position, locality, price) found, and the
files whose rows equal the gold exactly (running row index included).

- ours: kztariffs.readers.pdf.read_pdf (camelot lattice, vector engine + stitching and checks)
- camelot lattice (default engine): camelot.read_pdf(flavor="lattice")
- camelot lattice vector: camelot.read_pdf(flavor="lattice", engine="vector")
- pdfplumber: page.extract_tables() on every page

The baselines' tables go through the same normalize step as ours, taken as they come (every row of
every table in order, cells with whitespace collapsed, the first table's first row as header), so the
accuracy column shows what the reader's own work (page-break joins, repeated headers, letter
spacing) adds. Timings measure reading only (file -> tables / raw rows), not normalize.

Run: make bench   (or .venv/bin/python bench/bench_pdf.py [--repeat N] [pdf ...])
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kztariffs.metadata import read_metadata  # noqa: E402
from kztariffs.model import RawDecree, RawRow  # noqa: E402
from kztariffs.normalize import normalize  # noqa: E402
from kztariffs.readers import read_decree, sha256_bytes  # noqa: E402
from kztariffs.text import squash  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
GOLD = ROOT / "tests" / "gold"
DEFAULT_FILES = sorted(FIXTURES.glob("*.pdf"))


def gold_rows(stem: str) -> list[tuple]:
    with open(GOLD / f"{stem}.csv", encoding="utf-8") as fh:
        return [(int(r["row"]), int(r["service_no"]), r["category"], squash(r["position"]), r["locality"],
                 Decimal(r["price_kzt"])) for r in csv.DictReader(fh)]


def tidy(rows: list[dict]) -> list[tuple]:
    return [(r["row"], r["service_no"], r["category"], squash(r["position"]), r["locality"], r["price_kzt"])
            for r in rows]


# ---------------------------------------------------------------- methods: path -> raw rows (list of cell lists)

def ours(path: Path):
    from kztariffs.readers.pdf import read_pdf

    data = path.read_bytes()
    return read_pdf(path, data, sha256_bytes(data))


def camelot_lattice(path: Path, **kwargs):
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [t.df.values.tolist() for t in camelot.read_pdf(str(path), pages="all", flavor="lattice",
                                                               suppress_stdout=True, **kwargs)]


def camelot_vector(path: Path):
    return camelot_lattice(path, engine="vector")


def plumber(path: Path):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [t for page in pdf.pages for t in page.extract_tables()]


METHODS = {
    "ours (lattice vector + stitching)": ours,
    "camelot lattice (default engine)": camelot_lattice,
    "camelot lattice engine=vector": camelot_vector,
    "pdfplumber extract_tables": plumber,
}
BASELINE = "camelot lattice (default engine)"


def as_raw(path: Path, tables, like: RawDecree) -> RawDecree:
    """Baseline tables taken as they come, with our decree text (same metadata for all methods)."""
    if isinstance(tables, RawDecree):
        return tables
    rows = [[squash(c or "") for c in r] for t in tables for r in t]
    raw = RawDecree(path, like.sha256, "pdf", like.text)
    raw.header = rows[:1]
    raw.rows = [RawRow(cells=r) for r in rows[1:] if any(r)]
    return raw


def accuracy(raw: RawDecree, stem: str, decree) -> tuple[int, int, bool]:
    got = tidy(normalize(raw, decree).rows)
    gold = gold_rows(stem)
    # matched without the running row index, so one bad row does not shift every later one
    found = sum((Counter(g[1:] for g in got) & Counter(g[1:] for g in gold)).values())
    return found, len(gold), got == gold


def pages_of(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    n = len(doc)
    doc.close()
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files]
    pages = {f: pages_of(f) for f in files}
    total_pages = sum(pages.values())
    reference = {f: read_decree(f) for f in files}  # also warms up imports
    decrees = {f: read_metadata(reference[f]) for f in files}
    for fn in METHODS.values():  # warm-up of every library
        fn(files[0])

    # methods interleaved in every round, best round kept: a busy machine slows all of them alike
    seconds: dict[str, float] = {name: float("inf") for name in METHODS}
    results: dict[str, dict[Path, object]] = {}
    for _ in range(args.repeat):
        for name, fn in METHODS.items():
            out = {}
            t0 = time.perf_counter()
            for f in files:
                out[f] = fn(f)
            seconds[name] = min(seconds[name], time.perf_counter() - t0)
            results[name] = out

    print(f"{len(files)} PDF(s), {total_pages} pages, best of {args.repeat} run(s) each\n")
    head = f"{'method':36s} {'s/page':>8s} {'x default':>10s} {'x vector':>9s} {'gold rows found':>16s} {'exact files':>12s}"
    print(head)
    print("-" * len(head))
    base = seconds[BASELINE] / total_pages
    vec = seconds["camelot lattice engine=vector"] / total_pages
    for name in METHODS:
        per_page = seconds[name] / total_pages
        found = total = exact = 0
        for f in files:
            stem = f.stem
            if not (GOLD / f"{stem}.csv").exists():
                continue
            fnd, tot, ok = accuracy(as_raw(f, results[name][f], reference[f]), stem, decrees[f])
            found, total, exact = found + fnd, total + tot, exact + ok
        acc = f"{found}/{total} {100 * found / total:5.1f}%" if total else "n/a"
        print(f"{name:36s} {per_page:8.4f} {per_page / base:10.2f} {per_page / vec:9.2f} {acc:>16s} "
              f"{exact:>5d}/{len(files)}")
    ours_pp = seconds["ours (lattice vector + stitching)"] / total_pages
    print(f"\nours vs camelot lattice default: {base / ours_pp:.1f}x faster per page; "
          f"ours / lattice-vector = {ours_pp / vec:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
