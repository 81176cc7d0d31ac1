"""Benchmark: the build at national scale (issue #15), in one run.

For each size (default 300, 3,000 and 10,000 decrees; ``BENCH_SIZES=300,3000``), synthetic decrees
are generated from the shipped ones (``make_national.py``) into a temporary folder and measured:

- **build s**: a cold build (``kztariffs build``: empty store and cache) in its own process;
- **cores busy**: CPU seconds of the build's whole process tree / wall seconds, over the build and
  over its parsing step alone (sampled from /proc every 0.1 s, so Linux only);
- **peak GB**: the largest sum of resident memory of the tree at one moment; **parent GB** the
  build process's own peak (``ru_maxrss``) and **worker GB** the largest worker's (sampled);
- **rebuild s**: the build again after one decree changed (one price), and **warm s** with none;
- **parse s**: parsing only (every file read and normalised on the same workers, no merge, linking
  or writing) and **build/parse**: the cold build's time over it.

Targets (issue #15, 2 cores): 10,000 decrees built in under 5 minutes with under 2 GB peak, both
cores busy while parsing, a rebuild after one changed decree in under 10 seconds.

Run: ``make bench`` (or ``.venv/bin/python bench/bench_national.py [--sizes 300,3000] [--workers N]``).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ---------------------------------------------------------------- child: one measured run


def child(mode: str, raw: Path, out: Path, workers: int | None) -> None:
    from kztariffs import dataset, parallel

    t0 = time.time()
    info: dict = {"start": t0}
    if mode == "build":
        res = dataset.build(raw, out, workers=workers)
        info.update(rows=res.rows, decrees=res.stats.decrees, parsed=len(res.stats.parsed),
                    merged=len(res.stats.merged), linked=len(res.stats.linked), phases=res.stats.seconds,
                    failures=len(res.failures))
    else:
        files = dataset.decree_files(raw)
        rows = 0
        for _, n in parallel.run(_parse_only, [str(p) for p in files], workers):
            rows += n
        info.update(rows=rows, phases={"files": time.time() - t0})
    info.update(end=time.time(), parent_maxrss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(json.dumps(info))


def _parse_only(path: str) -> int:
    from kztariffs.dataset import extract_file

    return len(extract_file(Path(path)).rows)


# ---------------------------------------------------------------- parent: sampling the process tree


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


def _sample(pid: int) -> dict[int, tuple[float, int]]:
    """pid -> (CPU seconds, resident bytes) of every process in the tree."""
    got = {}
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            got[p] = ((int(fields[11]) + int(fields[12])) / TICK, int(fields[21]) * PAGE)
        except (OSError, IndexError, ValueError):
            pass
    return got


def measure(mode: str, raw: Path, out: Path, workers: int | None) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(raw), str(out)] + (["--workers", str(workers)] if workers else [])
    t0 = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    samples: list[tuple[float, float, int]] = []  # (time, tree CPU so far, tree RSS)
    cpu_last: dict[int, float] = {}
    worker_peak = 0

    def watch():
        nonlocal worker_peak
        while proc.poll() is None:
            now = _sample(proc.pid)
            for p, (cpu, rss) in now.items():
                cpu_last[p] = cpu
                if p != proc.pid:
                    worker_peak = max(worker_peak, rss)
            samples.append((time.time(), sum(cpu_last.values()), sum(r for _, r in now.values())))
            time.sleep(0.1)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    stdout, stderr = proc.communicate()
    th.join()
    wall = time.time() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{mode} of {raw} failed ({proc.returncode}):\n{stderr[-3000:]}")
    info = json.loads(stdout.strip().splitlines()[-1])
    cpu = max(sum(cpu_last.values()), samples[-1][1] if samples else 0.0)
    files_end = info["start"] + info["phases"].get("files", 0.0)
    in_files = [s for s in samples if s[0] <= files_end]
    files_cpu = (in_files[-1][1] - in_files[0][1]) if len(in_files) > 1 else 0.0
    files_wall = (in_files[-1][0] - in_files[0][0]) if len(in_files) > 1 else 0.0
    info.update(wall=wall, cpu=cpu, busy=cpu / wall if wall else 0.0,
                busy_parse=files_cpu / files_wall if files_wall else float("nan"),
                peak=max((s[2] for s in samples), default=0), worker_peak=worker_peak)
    return info


def change_one(raw: Path) -> Path:
    """Change one price of a decree that is not its setting's reference (the last file by name)."""
    path = sorted(p for p in raw.iterdir() if p.name.endswith(".portal.txt"))[-1]
    text = path.read_text(encoding="utf-8")
    import re

    m = re.search(r"\n(\d{1,3}(?: \d{3})*),(\d{2})[ \t]*\n", text)
    cents = (int(m.group(2)) + 1) % 100
    path.write_text(text[:m.start()] + f"\n{m.group(1)},{cents:02d}\n" + text[m.end():], encoding="utf-8")
    return path


def run_size(n: int, work: Path, workers: int | None) -> dict:
    from make_national import write

    raw = work / f"raw{n}"
    write(n, raw, verify=3)
    out = work / f"out{n}"
    shutil.rmtree(work / f".out{n}.parts", ignore_errors=True)
    shutil.rmtree(work / f".out{n}.cache", ignore_errors=True)
    cold = measure("build", raw, out, workers)
    warm = measure("build", raw, out, workers)
    change_one(raw)
    rebuild = measure("build", raw, out, workers)
    parse = measure("parse", raw, out, workers)
    return {"n": n, "cold": cold, "warm": warm, "rebuild": rebuild, "parse": parse}


def table(results: list[dict]) -> str:
    head = ("decrees", "rows", "build s", "cores busy", "busy parsing", "peak GB", "parent GB", "worker GB",
            "warm s", "rebuild s", "rebuilt", "parse s", "build/parse")
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for r in results:
        c = r["cold"]
        lines.append(" | ".join(str(x) for x in (
            f"{r['n']:,}", f"{c['rows']:,}", f"{c['wall']:.1f}", f"{c['busy']:.2f}", f"{c['busy_parse']:.2f}",
            f"{c['peak'] / 1e9:.2f}", f"{c['parent_maxrss_kb'] / 1e6:.2f}", f"{c['worker_peak'] / 1e9:.2f}",
            f"{r['warm']['wall']:.1f}", f"{r['rebuild']['wall']:.1f}",
            f"{r['rebuild']['parsed']}/{r['rebuild']['merged']}/{r['rebuild']['linked']}",
            f"{r['parse']['wall']:.1f}", f"{c['wall'] / r['parse']['wall']:.2f}")))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "300,3000,10000"))
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep it (default: a temporary one)")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "RAW", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), args.workers)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="kztariffs-bench-"))
    results = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            results.append(run_size(n, work, args.workers))
            print(f"{n} decrees: build {results[-1]['cold']['wall']:.1f} s", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"national-scale build, {os.cpu_count()} cores, workers {args.workers or os.cpu_count()}")
    print(table(results))
    print("rebuilt: files parsed / decrees merged / decrees linked after one changed decree")


if __name__ == "__main__":
    main()
