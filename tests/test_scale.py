"""The build at scale, small (issue #15): synthetic decrees from the shipped ones (bench/make_national.py)
built on two worker processes give what one process gives; a changed decree is the only one parsed,
checked and linked again, and the result equals a cold build; filters read only their partition; the
partitioned folder and the single file hold the same rows; the streamed CSV is the frame's CSV."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

N = 48


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    from make_national import write

    raw = tmp_path_factory.mktemp("national") / "raw"
    write(N, raw, verify=4)
    return raw


def copy(raw: Path, to: Path) -> Path:
    shutil.copytree(raw, to)
    return to


def outputs(folder: Path) -> dict[str, bytes]:
    names = ["tariffs.csv", "rejects.csv", "disagreements.csv", "decrees.csv", "build_report.md"]
    return {n: (folder / n).read_bytes() for n in names}


KEY = ["decree_id", "annex", "row", "locality"]


def test_two_workers_build_what_one_builds(national, tmp_path):
    from kztariffs import dataset

    one = dataset.build(national, tmp_path / "one", workers=1)
    two = dataset.build(national, tmp_path / "two", workers=2)
    assert not one.failures and one.stats.decrees == N and one.rows > 60 * N
    assert len(two.stats.parsed) == N and len(two.stats.linked) == N
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    a, b = pq.read_table(tmp_path / "one" / "tariffs.parquet"), pq.read_table(tmp_path / "two" / "tariffs.parquet")
    assert a.equals(b) and a.num_rows == one.rows
    assert str(a.schema.field("price_kzt").type) == "decimal128(14, 2)" and str(a.schema.field("decree_date").type) == "date32[day]"


def test_one_changed_decree_is_the_only_one_redone(national, tmp_path):
    from kztariffs import dataset

    raw = copy(national, tmp_path / "raw")
    out = tmp_path / "out"
    first = dataset.build(raw, out, workers=2)
    again = dataset.build(raw, out, workers=2)
    assert (again.stats.parsed, again.stats.merged, again.stats.linked) == ([], [], [])
    assert outputs(out) == outputs(first.folder)
    # a decree that is not its setting's reference (the last home-care decree by name)
    changed = sorted(p for p in raw.glob("*_home_*.portal.txt"))[-1]
    text = changed.read_text(encoding="utf-8")
    m = re.search(r"\n(\d{1,3}(?: \d{3})*),(\d{2})[ \t]*\n", text)  # the first price
    new = f"{m.group(1)},{(int(m.group(2)) + 1) % 100:02d}"
    changed.write_text(text[:m.start()] + f"\n{new}\n" + text[m.end():], encoding="utf-8")
    t0 = time.perf_counter()
    rebuilt = dataset.build(raw, out, workers=2)
    seconds = time.perf_counter() - t0
    decree = next(f.decree.decree_id for f in rebuilt.files if f.path.name == changed.name)
    assert rebuilt.stats.parsed == [changed.name]
    assert rebuilt.stats.merged == [decree] and rebuilt.stats.linked == [decree]
    assert seconds < 15
    cold = dataset.build(raw, tmp_path / "cold", workers=1, use_cache=False)
    assert len(cold.stats.parsed) == N
    assert outputs(out) == outputs(tmp_path / "cold")
    df = rebuilt.frame(decree_id=decree)
    assert Decimal(new.strip().replace(" ", "").replace(",", ".")) in set(df["price_kzt"])


def test_filters_read_only_their_partition(national, tmp_path):
    from kztariffs import dataset

    out = tmp_path / "out"
    res = dataset.build(national, out, workers=2)
    full = dataset.load_dataset(out / "tariffs.parquet")
    assert len(full) == res.rows and full["price_kzt"].map(type).eq(Decimal).all()
    home = dataset.load_dataset(out / "tariffs.parquet", setting="home", year=2016)
    assert len(home) and set(home["setting"]) == {"home"} and set(home["year"]) == {2016}
    assert len(home) == len(full[(full.setting == "home") & (full.year == 2016)])
    assert list(home.columns) == list(full.columns) and home.dtypes.equals(full.dtypes)
    areas = sorted(set(full["area"]))[:3]
    some = dataset.load_dataset(out / "tariffs", area=areas)
    assert set(some["area"]) == set(areas) and len(some) == full["area"].isin(areas).sum()
    csv = dataset.load_dataset(out / "tariffs.csv", setting="home", year=2016)
    assert sorted(csv["price_kzt"]) == sorted(home["price_kzt"])
    # the folder is partitioned: one year and setting is one folder of files
    part = out / "tariffs" / "year=2016" / "setting=home"
    assert part.is_dir() and sum(pq.read_metadata(f).num_rows for f in part.glob("*.parquet")) == len(home)


def test_the_union_is_the_partition_files_together(national, tmp_path):
    from kztariffs import dataset

    out = tmp_path / "out"
    dataset.build(national, out, workers=2)
    pieces = []
    for f in sorted((out / "tariffs").rglob("*.parquet")):
        t = pq.read_table(f).to_pandas()
        t["year"] = int(f.parent.parent.name.split("=")[1])
        t["setting"] = f.parent.name.split("=")[1]
        pieces.append(t)
    union = pq.read_table(out / "tariffs.parquet").to_pandas()
    parts = pd.concat(pieces, ignore_index=True)[list(union.columns)]
    a = union.sort_values(KEY).reset_index(drop=True)
    b = parts.sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    # files in the generation are hard links to the part store: a rebuild copies nothing
    f = next((out / "tariffs").rglob("*.parquet"))
    assert os.stat(f).st_nlink >= 2


def test_streamed_csv_is_the_csv_of_the_frame(national, tmp_path):
    """tariffs.csv (decrees' fragments) = write_table of the loaded frame, byte for byte; and the
    fragment writer neutralises formulas exactly as write_table does."""
    from kztariffs import dataset
    from kztariffs.csvfrag import fragment
    from kztariffs.schema import COLUMNS, INT_COLUMNS

    out = tmp_path / "out"
    res = dataset.build(national, out, workers=2)
    dataset.write_table(res.frame(), tmp_path / "frame.csv")
    assert (tmp_path / "frame.csv").read_bytes() == (out / "tariffs.csv").read_bytes()
    df = res.frame(decree_id=res.files[0].decree.decree_id).head(6).copy()
    df["service_text"] = ["=1+1", "+7 days", "-", "@SUM(A1)", "'=x", "plain"]
    df["position"] = ["1", "2", "-3", "4.5", "6", "7"]  # numbers only: left alone
    dataset.write_table(df, tmp_path / "small.csv")
    data = {c: list(df[c]) for c in COLUMNS}
    body = (tmp_path / "small.csv").read_bytes().split(b"\r\n", 1)[1]
    assert fragment(COLUMNS, data, INT_COLUMNS) == body
    assert b"'=1+1" in body and b"'+7 days" in body and b",-3," in body


def test_same_decree_in_two_files_is_refused_with_both_names(national, tmp_path):
    from kztariffs import dataset
    from kztariffs.errors import DecreeError

    raw = copy(national, tmp_path / "raw")
    first = sorted(raw.iterdir())[0]
    shutil.copy(first, raw / f"copy-of-{first.name}")
    with pytest.raises(DecreeError) as exc:
        dataset.build(raw, tmp_path / "out", workers=2)
    assert first.name in str(exc.value) and f"copy-of-{first.name}" in str(exc.value)
    assert "same decree" in str(exc.value)


def test_ctrl_c_during_parallel_work_keeps_the_previous_generation(national, tmp_path):
    from kztariffs import dataset

    out = tmp_path / "out"
    small = tmp_path / "small"
    small.mkdir()
    for p in sorted(national.iterdir())[:3]:
        shutil.copy(p, small)
    dataset.build(small, out, workers=1)
    before = outputs(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    interrupted = 0
    for delay in (0.6, 1.2, 2.0):  # while the workers start, parse, link
        proc = subprocess.Popen([sys.executable, "-m", "kztariffs.cli", "build", "--raw", str(national), "--out",
                                 str(out), "--no-cache", "--workers", "2"], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)  # as the terminal does: the whole process group
        rc = proc.wait(120)
        err = proc.stderr.read()
        assert "Traceback" not in err, err
        if rc == 130:
            interrupted += 1
            assert "interrupted; previous outputs kept" in err
            assert outputs(out) == before
        gens = out.parent / f".{out.name}.gens"
        assert not [p for p in gens.iterdir() if p.name.endswith(".tmp")]
        time.sleep(1.0)
        assert not _group_members(proc.pid)  # no worker or fork server left behind
    assert interrupted >= 1


def _group_members(pgid: int) -> list[int]:
    """Processes still running in process group ``pgid`` (the build's workers and fork server)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[2]) == pgid and stat[0] != "Z":
                out.append(int(d.name))
    return out
