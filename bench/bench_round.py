"""Benchmark: the whole main job, ``kztariffs report`` (build + every notebook + brief PDF + Excel +
index), on the decree files of a synthetic national round of one setting and year.

The round: every KATO body ``make_national.py`` can re-issue a decree for (277 of them) with its
home-care decree of ``--year``, plus the three shipped decrees (the synthetic copies for the shipped
decrees' own bodies are left out, so each body has one home-care decree that year). The project is a
fresh folder (decrees, scenarios, notebooks copied), so the build is cold: nothing parsed before.

Run: .venv/bin/python bench/bench_round.py [--year 2026] [--lang ru] [--workers 2] [--keep DIR]

Prints the number of decrees and notebooks and the wall time of ``kztariffs report``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def make_round(project: Path, year: int, setting: str = "home") -> int:
    """Write the round's decree files into ``project/data/raw``; returns how many decrees it holds."""
    import make_national as mn

    raw = project / "data" / "raw"
    raw.mkdir(parents=True)
    shipped_areas = {"oral", "bokey_orda"}
    n = 0
    for spec in mn.specs(1500, year):
        if spec.year == year and spec.setting == setting and spec.area not in shipped_areas:
            (raw / spec.name).write_text(mn.render(spec), encoding="utf-8")
            n += 1
    for p in (ROOT / "data" / "raw").iterdir():
        if p.is_file():
            shutil.copy2(p, raw / p.name)
            n += 1
    shutil.copytree(ROOT / "data" / "raw" / "reference", raw / "reference")
    shutil.copytree(ROOT / "data" / "scenarios", project / "data" / "scenarios")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--lang", default="ru")
    ap.add_argument("--workers", type=int, default=2, help="notebooks run in parallel")
    ap.add_argument("--keep", type=Path, help="make the project here and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="kztariffs-round-")
    project = args.keep or Path(tmp.name) / "round"
    try:
        n = make_round(project, args.year)
        t0 = time.perf_counter()
        proc = subprocess.run([str(Path(sys.executable).parent / "kztariffs"), "report", "--lang", args.lang,
                               "--workers", str(args.workers)], cwd=project, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return proc.returncode
        pages = len(list((project / "reports").glob("*.html"))) - 1
        print(f"national round, home care {args.year}: {n} decrees, {pages} report pages + index, "
              f"brief and Excel; `kztariffs report --lang {args.lang}` (cold build included) {wall:.1f} s "
              f"on {args.workers} notebook workers")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
