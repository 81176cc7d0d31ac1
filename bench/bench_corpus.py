"""Benchmark: every PDF of the fixture corpus (tests/corpus), per producer and per layout variant, in one run.

For each group: rows exact / rows expected (a row is exact when annex, row, locality, setting, unit,
№, category, position, price and time norm all equal its key), rows written with a wrong value
(must be 0: a row the reader cannot vouch for goes to the rejects), and seconds per page of our
reader (two readings + stitching + cross-check, reading only) against plain camelot lattice (default
engine) on the same files, measured in the same run, interleaved file by file.

Run: make bench   (or .venv/bin/python bench/bench_corpus.py [--repeat N] [--only TEXT])
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from kztariffs.dataset import extract_file  # noqa: E402
from kztariffs.readers import read_decree  # noqa: E402
from test_corpus import CORPUS, MANIFEST, got, key  # noqa: E402


def camelot_lattice(path: Path) -> None:
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        camelot.read_pdf(str(path), pages="all", flavor="lattice", suppress_stdout=True)


def best(fn, path: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    pdfs = [m for m in MANIFEST if m["form"] == "pdf" and args.only in m["file"]]
    read_decree(CORPUS / pdfs[0]["file"])  # warm up imports
    camelot_lattice(CORPUS / pdfs[0]["file"])
    groups: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(float))
    for m in pdfs:
        path = CORPUS / m["file"]
        expected = key(m["doc_id"])
        rows = got(extract_file(path).rows)
        exact = sum(1 for k, v in rows.items() if expected.get(k) == v)
        wrong = sum(1 for k, v in rows.items() if expected.get(k) != v)
        ours = best(read_decree, path, args.repeat)
        base = best(camelot_lattice, path, args.repeat)
        for g in (("producer", m["producer"]), ("variant", m["variant"]), ("all", "all")):
            s = groups[g]
            s["files"] += 1
            s["pages"] += int(m["pages"] or 0)
            s["exact"] += exact
            s["expected"] += len(expected)
            s["wrong"] += wrong
            s["ours"] += ours
            s["base"] += base
    print(f"{'group':32s} {'files':>5s} {'pages':>5s} {'rows exact/expected':>20s} {'wrong':>6s} "
          f"{'ours s/page':>11s} {'camelot s/page':>14s} {'ratio':>6s}")
    for kind in ("producer", "variant", "all"):
        for (k, name), s in sorted(groups.items()):
            if k != kind:
                continue
            pages = max(s["pages"], 1)
            print(f"{kind + ': ' + name:32s} {int(s['files']):5d} {int(s['pages']):5d} "
                  f"{int(s['exact']):>9d}/{int(s['expected']):<10d} {int(s['wrong']):6d} "
                  f"{s['ours'] / pages:11.3f} {s['base'] / pages:14.3f} {s['ours'] / s['base']:6.2f}")
        print()


if __name__ == "__main__":
    main()
