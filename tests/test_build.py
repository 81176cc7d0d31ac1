"""`build`: every decree in a raw folder -> dataset files; cached by file hash; a bad file -> nothing written."""
import shutil
from decimal import Decimal

import pytest

from conftest import RAW


@pytest.fixture
def raw(tmp_path):
    d = tmp_path / "raw"
    d.mkdir()
    for p in RAW.glob("*.txt"):
        shutil.copy(p, d / p.name)
    return d


def test_build_writes_dataset_and_reuses_unchanged_files(raw, tmp_path, monkeypatch):
    from kztariffs import dataset

    out = tmp_path / "processed"
    df, rejects, results, failures = dataset.build(raw, out)
    assert not failures and len(df) == 275 and len(rejects) == 76
    for name in ("tariffs.parquet", "tariffs.csv", "rejects.csv", "decrees.csv", "build_report.md"):
        assert (out / name).exists(), name
    back = dataset.load_dataset(out / "tariffs.parquet")
    assert back["price_kzt"].map(type).eq(Decimal).all()
    assert sorted(back["price_kzt"]) == sorted(df["price_kzt"])
    assert sorted(dataset.load_dataset(out / "tariffs.csv")["price_kzt"]) == sorted(df["price_kzt"])

    calls = []
    real = dataset.extract_file
    monkeypatch.setattr(dataset, "extract_file", lambda p: calls.append(p.name) or real(p))
    dataset.build(raw, out)
    assert calls == []  # nothing parsed again
    changed = next(raw.glob("oral-city_2025-12-18*"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("948,30", "948,31", 1), encoding="utf-8")
    df2, *_ = dataset.build(raw, out)
    assert calls == [changed.name]
    assert Decimal("948.31") in set(df2["price_kzt"])


def test_build_with_a_bad_file_writes_nothing(raw, tmp_path):
    from kztariffs import dataset

    (raw / "broken.txt").write_bytes(b"")
    out = tmp_path / "processed"
    df, rejects, results, failures = dataset.build(raw, out)
    assert len(failures) == 1 and "broken.txt" in str(failures[0]) and "empty file" in str(failures[0])
    assert not (out / "tariffs.parquet").exists() and not (out / "tariffs.csv").exists()
