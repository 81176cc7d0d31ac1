"""The build's outputs change as a set or not at all: interrupted, failing, concurrent or misused
runs leave one complete generation on disk, and the cache holds data, never code."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS
from kztariffs import dataset
from kztariffs.errors import DecreeError

FILES = ["tariffs.parquet", "tariffs.csv", "rejects.csv", "disagreements.csv", "decrees.csv", "build_report.md"]


def raw_with(tmp_path: Path, n: int) -> Path:
    raw = tmp_path / f"raw{n}"
    raw.mkdir()
    for stem in list(SEEDS)[:n]:
        shutil.copy(ROOT / "data" / "raw" / f"{stem}{SEEDS[stem]}", raw)
    return raw


def generation_of(out: Path) -> int:
    """Number of decrees of the one complete generation in ``out`` (fails on a mix or a gap)."""
    assert all((out / f).is_file() for f in FILES), sorted(p.name for p in out.iterdir())
    csv = pd.read_csv(out / "tariffs.csv", dtype=str)
    parquet = pd.read_parquet(out / "tariffs.parquet")
    decrees = pd.read_csv(out / "decrees.csv", dtype=str)
    rejects = pd.read_csv(out / "rejects.csv", dtype=str)
    report = (out / "build_report.md").read_text(encoding="utf-8")
    assert len(csv) == len(parquet) == sum(int(r) for r in decrees["rows"])
    assert f"{len(decrees)} decree file(s) read" in report and f"{len(csv)} tariff rows, {len(rejects)} rejected" in report
    assert set(csv["decree_id"]) == set(decrees["decree_id"])
    return len(decrees)


def no_staging_left(out: Path) -> bool:
    gens = out.parent / f".{out.name}.gens"
    return not gens.exists() or not [p for p in gens.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("at", range(1, 9))
def test_interrupt_at_each_write_keeps_the_previous_generation(tmp_path, monkeypatch, at):
    out = tmp_path / "processed"
    dataset.build(raw_with(tmp_path, 2), out)
    assert generation_of(out) == 2
    calls = {"n": 0}
    real_table, real_text = dataset.write_table, dataset.write_text

    def counting(real):
        def write(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == at:
                raise KeyboardInterrupt
            return real(*args, **kwargs)
        return write

    monkeypatch.setattr(dataset, "write_table", counting(real_table))
    monkeypatch.setattr(dataset, "write_text", counting(real_text))
    raw3 = raw_with(tmp_path, 3)
    if at <= 7:  # 7 writes: tariffs.parquet, .csv, the partitioned folder, rejects, disagreements, decrees, report
        with pytest.raises(KeyboardInterrupt):
            dataset.build(raw3, out)
        assert generation_of(out) == 2
    else:  # every write done: the new generation is current
        dataset.build(raw3, out)
        assert generation_of(out) == 3
    assert no_staging_left(out)


def test_full_disk_is_one_line_naming_the_output_folder(tmp_path, monkeypatch):
    import errno

    out = tmp_path / "processed"
    dataset.build(raw_with(tmp_path, 1), out)

    def full(df, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(dataset, "write_table", full)
    with pytest.raises(DecreeError) as exc:
        dataset.build(raw_with(tmp_path, 3), out)
    assert str(exc.value) == f"{out}: cannot write the outputs (disk full); previous outputs kept"
    assert generation_of(out) == 1 and no_staging_left(out)


def test_an_older_plain_output_folder_is_taken_over(tmp_path):
    out = tmp_path / "processed"
    out.mkdir()
    (out / "tariffs.csv").write_text("old", encoding="utf-8")
    dataset.build(raw_with(tmp_path, 1), out)
    assert out.is_symlink() and generation_of(out) == 1


def cli(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "kztariffs.cli", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, **kwargs)


def test_two_builds_at_once_both_finish_one_after_the_other(tmp_path):
    out = tmp_path / "processed"
    a = cli("build", "--raw", raw_with(tmp_path, 2), "--out", out, "--no-cache")
    b = cli("build", "--raw", raw_with(tmp_path, 3), "--out", out, "--no-cache")
    assert a.wait(120) == 0 and b.wait(120) == 0, (a.stderr.read(), b.stderr.read())
    assert generation_of(out) in (2, 3) and no_staging_left(out)


def test_ctrl_c_at_many_moments_leaves_one_complete_generation(tmp_path):
    out = tmp_path / "processed"
    dataset.build(raw_with(tmp_path, 2), out)
    raw3 = raw_with(tmp_path, 3)
    interrupted = 0
    for delay in (0.3, 0.8, 1.2, 1.6, 2.0, 2.5):
        proc = cli("build", "--raw", raw3, "--out", out, "--no-cache")
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(120)
        err = proc.stderr.read()
        assert "Traceback" not in err
        if rc == 130:
            interrupted += 1
            assert "interrupted; previous outputs kept" in err
        assert generation_of(out) in (2, 3) and no_staging_left(out)
    assert interrupted >= 1


def test_cache_holds_data_only_and_a_crafted_entry_is_ignored(tmp_path):
    raw = raw_with(tmp_path, 1)
    out = tmp_path / "processed"
    dataset.build(raw, out)
    cache = dataset.cache_dir_for(out)
    entries = list(cache.iterdir())
    assert entries and all(p.suffix == ".json" for p in entries)
    for p in entries:  # a crafted pickle, then JSON with wrong types: both ignored, the file parsed again
        p.write_bytes(b"\x80\x04cos\nsystem\n(S'touch /tmp/pwned'\ntR.")
    df, *_ = dataset.build(raw, out)
    assert len(df) == 76
    for p in cache.iterdir():
        p.write_text('{"format": 2, "sha256": "x", "decree": {}, "rows": [{"price_kzt": {"a": 1}}]}')
    df, *_ = dataset.build(raw, out)
    assert len(df) == 76
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "kztariffs").rglob("*.py"))
    assert "import pickle" not in source and "pickle.load" not in source


def test_same_output_for_dataset_and_rejects_is_refused(tmp_path):
    seed = ROOT / "data" / "raw" / f"{list(SEEDS)[0]}{SEEDS[list(SEEDS)[0]]}"
    target = tmp_path / "x.csv"
    proc = cli("extract", seed, "-o", target, "--rejects", target)
    proc.wait(60)
    err = proc.stderr.read()
    assert proc.returncode == 1 and "the same file for the dataset (-o) and the rejects" in err
    assert not target.exists()
    proc = cli("extract", seed, seed, "-o", target)
    proc.wait(60)
    assert proc.returncode == 1 and "given twice" in proc.stderr.read() and not target.exists()


def test_build_says_which_entries_of_the_decree_folder_it_skips(tmp_path):
    raw = raw_with(tmp_path, 1)
    os.mkfifo(raw / "pipe.txt")
    (raw / "rand.txt").symlink_to("/dev/urandom")
    (raw / "folder.pdf").mkdir()
    proc = cli("build", "--raw", raw, "--out", tmp_path / "processed")
    assert proc.wait(120) == 0
    err = proc.stderr.read()
    for name, words in (("pipe.txt", "FIFO"), ("rand.txt", "character device"), ("folder.pdf", "directory")):
        assert any(name in line and words in line and line.startswith("warning:") for line in err.splitlines()), err
    report = (tmp_path / "processed" / "build_report.md").read_text(encoding="utf-8")
    assert "- pipe.txt: is a FIFO" in report and "- rand.txt: is a character device" in report
    assert generation_of(tmp_path / "processed") == 1
