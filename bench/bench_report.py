"""Benchmark: ``kztariffs report`` (``report.plan`` + ``report.make_reports``, what the command runs after
the build) on a synthetic national round of one setting and year.

The round: the shipped Oral home-care decree (№ 2999, 76 rows, home 2026) copied under ``--areas``
district and city bodies of the KATO classifier (spread over the regions), each copy with its own decree
id, body, number, file hash and an hourly-rate level of its own (every rate times 0.85 ... 1.15, the rows
kept at their time shares, so the audit still finds the pattern; rows that break it in the original
still break it). Service keys are kept: every copy is linked to the original. The shipped decrees stay
in the round, so it also holds the semi-stationary 2025 decree.

Run: .venv/bin/python bench/bench_report.py [--areas 220] [--workers 2] [--keep DIR]

Prints the plan (notebooks per kind) and the seconds of ``make_reports`` (notebooks, brief PDFs, index).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

SOURCE_DECREE = "oral_akimat_2025-12-18_2999"


def national_areas(n: int) -> list:
    """``n`` district and city areas of the classifier, taken round-robin over the regions (so every
    region has some), never the shipped decrees' own areas."""
    from kztariffs.areas import all_areas

    by_region: dict[str, list] = {}
    for a in sorted(all_areas(), key=lambda a: a.kato):
        if a.level in ("district", "city") and a.key not in ("oral", "bokey_orda"):
            by_region.setdefault(a.region, []).append(a)
    out, queues = [], [list(v) for _, v in sorted(by_region.items())]
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    if len(out) < n:
        raise ValueError(f"only {len(out)} district and city areas in the classifier")
    return out


def national_frame(df: pd.DataFrame, n_areas: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tariffs, decrees): ``df`` plus ``n_areas`` copies of decree № 2999 under other bodies."""
    from kztariffs.audit import audit_decree
    from kztariffs.numbers import to_tiyn

    src = df[df["decree_id"] == SOURCE_DECREE].reset_index(drop=True)
    if src.empty:
        raise ValueError(f"{SOURCE_DECREE} is not in the dataset")
    audit = audit_decree(src).set_index(["annex", "row", "locality"])
    parts = [df]
    for i, a in enumerate(national_areas(n_areas)):
        factor = Decimal(85 + (i * 7) % 31) / 100  # 0.85 ... 1.15
        prices = []
        for r in src.itertuples():
            au = audit.loc[(r.annex, r.row, r.locality)]
            if au["fits"] is True and au["hourly_rate"] is not None and au["minutes"] is not None:
                prices.append(to_tiyn(to_tiyn(au["hourly_rate"] * factor) * au["minutes"] / 60))
            else:
                prices.append(to_tiyn(r.price_kzt * factor))
        number = str(3000 + i)
        sha = hashlib.sha256(f"{a.key} {number}".encode()).hexdigest()
        copy = src.copy()
        copy["decree_id"] = f"{a.key}_akimat_2025-12-20_{number}"
        copy["area"], copy["region"], copy["kato"] = a.key, a.region, a.kato
        copy["authority"], copy["authority_key"] = f"{a.name_kk} әкімдігі", f"{a.key}_akimat"
        copy["decree_number"], copy["decree_date"] = number, "2025-12-20"
        copy["source_file"] = f"{a.key}_2025-12-20_no{number}_home-2026_kk.portal.txt"
        copy["source_sha256"] = sha
        copy["price_kzt"] = prices
        parts.append(copy)
    out = pd.concat(parts, ignore_index=True)
    decrees = (out.groupby("decree_id", sort=True)
               .agg(authority=("authority", "first"), authority_key=("authority_key", "first"),
                    area=("area", "first"), region=("region", "first"), kato=("kato", "first"),
                    portal_id=("portal_id", "first"), decree_number=("decree_number", "first"),
                    decree_date=("decree_date", "first"), year=("year", "first"), setting=("setting", "first"),
                    language=("language", "first"), source_file=("source_file", "first"),
                    source_sha256=("source_sha256", "first"), source_url=("source_url", "first"),
                    rows=("row", "size")).reset_index())
    decrees = decrees.astype(object).where(decrees.notna(), None)
    decrees["rows"] = decrees["rows"].astype(str)
    decrees["year"] = decrees["year"].astype(str)
    return out, decrees


def make_project(dest: Path, n_areas: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A scratch project in ``dest``: notebooks, scenarios and the national round in data/processed."""
    from kztariffs.dataset import load_dataset, write_table

    for sub in ("notebooks", "data/scenarios"):
        shutil.copytree(ROOT / sub, dest / sub, ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    df, decrees = national_frame(load_dataset(ROOT / "data" / "processed" / "tariffs.parquet"), n_areas)
    processed = dest / "data" / "processed"
    processed.mkdir(parents=True, exist_ok=True)
    write_table(df, processed / "tariffs.parquet")
    decrees.to_csv(processed / "decrees.csv", index=False)
    return df, decrees


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--areas", type=int, default=220, help="bodies in the round (default 220)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="build the project here and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)

    from kztariffs.report import make_reports, plan

    tmp = None
    if args.keep:
        proj = args.keep.resolve()
        proj.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kztariffs-bench-")
        proj = Path(tmp.name)
    old = os.getcwd()
    try:
        t0 = time.perf_counter()
        df, decrees = make_project(proj, args.areas)
        os.chdir(proj)
        scenarios = sorted(Path("data/scenarios").glob("*.yaml"))
        jobs = plan(df, scenarios)
        kinds = Counter(j.notebook for j in jobs)
        print(f"round: {decrees['decree_id'].nunique()} decrees, {len(df)} rows, "
              f"{df['area'].nunique()} areas (set up in {time.perf_counter() - t0:.1f} s)")
        print(f"plan: {len(jobs)} notebooks: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        t1 = time.perf_counter()
        make_reports(df, decrees, Path("data/processed"), Path("reports"), scenarios, jobs, workers=args.workers,
                     progress=lambda job, err: print(f"  {'FAILED' if err else 'done'} "
                                                     f"{time.perf_counter() - t1:6.1f} s  {job.out_name}"
                                                     + (f": {err}" if err else ""), flush=True))
        took = time.perf_counter() - t1
        pdfs = sorted(p.name for p in Path("reports").glob("*.pdf"))
        print(f"make_reports: {took:.1f} s with {args.workers} workers ({len(jobs)} notebooks, PDFs: {', '.join(pdfs)})")
        if args.keep:
            print(f"kept in {proj}")
    finally:
        os.chdir(old)
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
