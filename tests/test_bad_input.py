"""Bad input: one-line error naming the file and the reason, non-zero exit, nothing written."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, seed_path

CLI = [sys.executable, "-m", "kztariffs.cli"]
ORAL = "oral-city_2025-12-18_no2999_home-2026_kk"


def run(*args, cwd=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def assert_one_line_error(proc, path, *words):
    assert proc.returncode != 0
    err = [l for l in proc.stderr.strip().splitlines() if l.startswith("error:")]
    assert err, proc.stderr
    assert "Traceback" not in proc.stderr
    assert any(str(path) in l and all(w in l for w in words) for l in err), proc.stderr


@pytest.fixture
def bad_files(tmp_path):
    text = seed_path(ORAL).read_text(encoding="utf-8")
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.txt",
        "no_table": tmp_path / "no_table.txt",
        "unknown_type": tmp_path / "decree.odt",
        "not_utf8": tmp_path / "cp1251.txt",
    }
    files["empty"].write_text("  \n\n", encoding="utf-8")
    files["binary"].write_bytes(bytes(range(256)) * 10)
    head = text.split("Үй жағдайында көрсетілетін арнаулы әлеуметтік қызметтерге тарифтер")[0]
    files["no_table"].write_text(head, encoding="utf-8")
    files["unknown_type"].write_bytes(b"PK\x03\x04 not really a docx")
    files["not_utf8"].write_bytes(text.encode("cp1251", errors="replace"))
    return files


@pytest.mark.parametrize("kind,words", [
    ("empty", ["empty file"]),
    ("binary", ["binary"]),
    ("no_table", ["no tariff table"]),
    ("unknown_type", ["unknown file type", ".odt"]),
    ("not_utf8", ["not UTF-8"]),
])
def test_bad_file_one_line_error_nothing_written(bad_files, tmp_path, kind, words):
    out = tmp_path / "out.csv"
    proc = run("extract", bad_files[kind], "-o", out)
    assert_one_line_error(proc, bad_files[kind], *words)
    assert not out.exists()
    assert not list(tmp_path.glob(".*tmp*"))  # no temp file left behind


def test_one_bad_file_among_good_ones_writes_nothing(bad_files, tmp_path):
    out = tmp_path / "out.parquet"
    proc = run("extract", seed_path(ORAL), bad_files["empty"], "-o", out)
    assert proc.returncode != 0 and not out.exists()


def test_unreadable_price_goes_to_rejects_rest_loads(tmp_path):
    text = seed_path(ORAL).read_text(encoding="utf-8")
    assert text.count("\n1\u00a0896,60\n") >= 1
    broken = tmp_path / "broken_price.txt"
    broken.write_text(text.replace("\n1\u00a0896,60\n", "\n1\u00a0896,6O\n", 1), encoding="utf-8")
    out, rej = tmp_path / "out.csv", tmp_path / "rejects.csv"
    proc = run("extract", broken, "-o", out, "--rejects", rej)
    assert proc.returncode == 0, proc.stderr
    import pandas as pd

    rows, rejects = pd.read_csv(out), pd.read_csv(rej)
    assert len(rows) == 75
    assert len(rejects) == 1
    assert rejects.loc[0, "row"] == 2 and "not a number" in rejects.loc[0, "reason"]
    assert 2 not in set(rows["row"]) and {1, 3} <= set(rows["row"])


def test_missing_file_and_bad_output_type(tmp_path):
    proc = run("extract", tmp_path / "nope.txt", "-o", tmp_path / "o.csv")
    assert_one_line_error(proc, tmp_path / "nope.txt", "not found")
    proc = run("extract", seed_path(ORAL), "-o", tmp_path / "o.xlsx")
    assert_one_line_error(proc, tmp_path / "o.xlsx", "unknown output type")


def test_inspect_without_table_warns_and_prints_metadata(bad_files):
    import json

    proc = run("inspect", bad_files["no_table"])
    assert proc.returncode == 0
    assert "warning:" in proc.stderr and "no tariff table" in proc.stderr
    meta = json.loads(proc.stdout)
    assert meta["decree_number"] == "2999" and meta["year"] == 2026 and meta["setting"] == "home"
