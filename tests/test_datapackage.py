"""datapackage.json describes every file of a build, and frictionless validates the build against it:
types, keys, foreign keys, hashes, sizes and row counts; a corrupted file is reported."""
import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Package, validate

from conftest import ROOT, SEEDS
from kztariffs import dataset
from kztariffs.datapackage import DESCRIPTOR, write_datapackage

FRICTIONLESS = ROOT / ".venv" / "bin" / "frictionless"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shipped decrees and reference orders built the way ``kztariffs build`` does (with the workbook)."""
    from kztariffs.cli import build_dataset

    out = tmp_path_factory.mktemp("dp") / "processed"
    build_dataset(ROOT / "data" / "raw", out, use_cache=False, excel=True)
    return out.resolve()


def descriptor(folder: Path) -> dict:
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def errors(report) -> dict[str, set[str]]:
    return {t.name: {e.type for e in t.errors} for t in report.tasks if not t.valid}


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


def test_build_is_valid_against_its_datapackage(built):
    report = validate(built / DESCRIPTOR)
    assert report.valid, errors(report)
    d = descriptor(built)
    # a file by its name, a folder of parts (the partitioned Parquet dataset) by the folder's name
    by_path = {r["path"] if isinstance(r["path"], str) else r["path"][0].split("/")[0]: r for r in d["resources"]}
    files = sorted(p.name for p in built.iterdir() if p.name != DESCRIPTOR and not p.name.startswith("."))
    assert sorted(by_path) == files  # every file of the generation, nothing else
    assert {"tariffs.csv", "decrees.csv", "rejects.csv", "disagreements.csv", "staffing_norms.csv",
            "health_standard_services.csv", "tariffs.parquet", "tariffs.xlsx", "build_report.md"} <= set(files)
    tasks = {t.name: t for t in report.tasks}
    for path, res in by_path.items():
        if path.endswith(".csv"):
            rows = len(pd.read_csv(built / path, dtype=str, encoding="utf-8-sig"))
            assert res.get("rows", 0) == rows == tasks[res["name"]].stats.get("rows", 0), path
        parts = [built / path] if (built / path).is_file() else sorted(p for p in (built / path).rglob("*") if p.is_file())
        if isinstance(res["path"], list):
            assert res["path"] == [p.relative_to(built).as_posix() for p in parts]
        assert res["bytes"] == sum(p.stat().st_size for p in parts)
        assert res["hash"].startswith("sha256:") and len(res["hash"]) == 7 + 64
    assert by_path["tariffs.csv"]["rows"] == 275


def test_every_csv_the_package_writes_has_a_bom(built, tmp_path):
    """UTF-8 with a byte-order mark: Excel in a Kazakh or Russian locale shows Cyrillic as written."""
    import sys

    csvs = sorted(built.glob("*.csv"))
    assert len(csvs) >= 6
    seed = ROOT / "data" / "raw" / next(f"{s}{x}" for s, x in SEEDS.items() if "2999" in s)
    other = ROOT / "data" / "raw" / next(f"{s}{x}" for s, x in SEEDS.items() if "167" in s)
    scenario = ROOT / "data" / "scenarios" / "home_care_older_person_alone.yaml"
    for args in (["extract", seed, "-o", tmp_path / "x.csv", "--rejects", tmp_path / "r.csv"],
                 ["link", seed, other, "-o", tmp_path / "l.csv"],
                 ["audit", seed, "-o", tmp_path / "a.csv"],
                 ["scenario", scenario, "--dataset", built / "tariffs.parquet", "-o", tmp_path / "s.csv"]):
        proc = subprocess.run([sys.executable, "-m", "kztariffs.cli", *map(str, args)], capture_output=True,
                              text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
    csvs += sorted(tmp_path.glob("*.csv"))
    assert len(csvs) >= 11
    for p in csvs:
        data = p.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf"), p.name
        data[3:].decode("utf-8")


def test_tables_are_typed_described_and_keyed(built):
    d = descriptor(built)
    res = {r["name"]: r for r in d["resources"]}
    tariffs = res["tariffs"]
    fields = {f["name"]: f for f in tariffs["schema"]["fields"]}
    assert fields["price_kzt"]["type"] == "number" and fields["price_kzt"]["unit"] == "KZT"
    assert fields["price_kzt"]["decimals"] == 2
    assert fields["time_norm_min"]["unit"] == "minute"
    assert fields["decree_date"]["type"] == "date"
    assert {fields[c]["type"] for c in ("line", "annex", "row", "year", "versions")} == {"integer"}
    assert fields["kato"]["type"] == "string"  # a code, never a number
    assert tariffs["schema"]["primaryKey"] == ["decree_id", "annex", "row", "locality"]
    refs = {fk["fields"][0]: fk["reference"] for fk in tariffs["schema"]["foreignKeys"]}
    assert refs["decree_id"] == {"resource": "decrees", "fields": ["decree_id"]}
    assert tariffs["encoding"] == "utf-8" and tariffs["dialect"]["lineTerminator"] == "\r\n"
    assert (built / "tariffs.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM frictionless reads
    dec = {f["name"]: f["type"] for f in res["decrees"]["schema"]["fields"]}
    assert (dec["year"], dec["rows"], dec["rejects"], dec["decree_date"]) == ("integer", "integer", "integer", "date")
    for r in d["resources"]:  # every column of every table says what it is
        for f in r.get("schema", {}).get("fields", []):
            assert f.get("description"), (r["name"], f["name"])
    files = {r["name"]: r for r in d["resources"] if r["type"] == "file"}
    assert files["tariffs.parquet"]["mediatype"] == "application/vnd.apache.parquet"
    assert files["tariffs.xlsx"]["format"] == "xlsx" and files["build_report.md"]["format"] == "md"


def test_sources_licence_and_descriptor(built):
    d = descriptor(built)
    assert d["licenses"][0]["name"] == "CC-BY-4.0"
    assert Package.validate_descriptor(str(built / DESCRIPTOR)).valid
    decrees = pd.read_csv(built / "decrees.csv", dtype=str, encoding="utf-8-sig")
    by_file = {s["file"]: s for s in d["sources"]}
    for r in decrees.itertuples():
        s = by_file[r.source_file]
        assert s["sha256"] == r.source_sha256 and s["decree_id"] == r.decree_id
        assert s["decree_number"] in s["title"] and s["decree_date"] == r.decree_date
    orders = [s for s in d["sources"] if "order No." in s["title"]]
    assert {s["file"] for s in orders} == {
        "health-ministry-order_2023-10-13_no153_health-care-standard_kk.txt",
        "labour-ministry-order_2022-08-11_no308_staffing-norms_kk.txt"}
    assert "created" not in d  # the same files give the same descriptor


def test_frictionless_command_line(built):
    if not FRICTIONLESS.exists():
        pytest.skip(f"{FRICTIONLESS} not installed")
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", DESCRIPTOR], cwd=built,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert json.loads(proc.stdout)["valid"] is True


@pytest.mark.parametrize("damage,table,expected", [
    ("price", "tariffs", {"type-error"}),
    ("duplicate", "tariffs", {"primary-key"}),
    ("unknown decree", "tariffs", {"foreign-key"}),
    ("date", "decrees", {"type-error"}),
    ("enum", "rejects", {"constraint-error"}),
])
def test_damage_is_reported(built, tmp_path, damage, table, expected):
    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    path = folder / f"{table}.csv"
    rows = read_rows(path)
    head = rows[0]
    if damage == "price":
        rows[1][head.index("price_kzt")] = "1 896,60"
    elif damage == "duplicate":
        rows.append(list(rows[1]))
    elif damage == "unknown decree":
        rows[1][head.index("decree_id")] = "nowhere_akimat_2025-01-01_1"
    elif damage == "date":
        rows[1][head.index("decree_date")] = "18.12.2025"
    elif damage == "enum":
        rows[1][head.index("kind")] = "maybe"
    write_rows(path, rows)
    found = errors(validate(folder / DESCRIPTOR))
    assert set(found) == {table}, found
    assert expected <= found[table], found
    assert "hash-count" in found[table]  # and the file is not the one described


def test_formula_texts_still_validate(seed_results, tmp_path):
    """CSV text cells that could be read as formulas start with an apostrophe; their columns stay strings
    and every typed column still validates."""
    df, _, _ = dataset.frames(list(seed_results.values()))
    df.loc[0, "service_text"], df.loc[1, "position"], df.loc[2, "category_text"] = "=1+1", "-1", "@SUM(A1)"
    dataset.write_table(df, tmp_path / "tariffs.csv")
    dataset.write_table(dataset.decrees_frame(list(seed_results.values())), tmp_path / "decrees.csv")
    assert "'=1+1" in (tmp_path / "tariffs.csv").read_text(encoding="utf-8-sig")
    write_datapackage(tmp_path)
    report = validate(tmp_path / DESCRIPTOR)
    assert report.valid, errors(report)


def test_both_languages_and_a_disagreement_validate(tmp_path):
    """Two files per decree (decrees.decree_id repeats), other_source_file, and a disagreement row."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for stem, suffix in SEEDS.items():
        shutil.copy(ROOT / "data" / "raw" / f"{stem}{suffix}", raw)
    for f in (ROOT / "tests" / "fixtures" / "ru").glob("*.portal.txt"):
        shutil.copy(f, raw)
    ru = raw / "oral-city_2025-12-18_no2999_home-2026_ru.portal.txt"
    ru.write_text(ru.read_text(encoding="utf-8").replace("\n1 896,60\n", "\n1 986,60\n", 1), encoding="utf-8")
    out = tmp_path / "out"
    dataset.build(raw, out)
    assert len(pd.read_csv(out / "disagreements.csv")) == 1
    write_datapackage(out)
    report = validate(out / DESCRIPTOR)
    assert report.valid, errors(report)
    assert len(descriptor(out)["sources"]) == 6


def test_partitioned_folder_is_one_resource(tmp_path):
    folder = tmp_path / "gen"
    parts = []
    for i in range(10_000):
        part = folder / "tariffs" / f"year={2020 + i % 7}" / f"setting=s{i % 13}" / f"part-{i:05d}.parquet"
        parts.append(part)
    for d in {p.parent for p in parts}:
        d.mkdir(parents=True)
    for i, p in enumerate(parts):
        p.write_bytes(b"PAR1%05d" % i)
    (folder / "tariffs" / ".part.tmp").write_bytes(b"hidden")
    write_datapackage(folder)  # 10,000 parts: 0.5 s on the dev box (speed is not asserted here)
    (res,) = descriptor(folder)["resources"]
    assert res["type"] == "file" and res["format"] == "parquet" and len(res["path"]) == 10_000
    assert res["path"] == sorted(res["path"], key=lambda p: p.split("/")) and res["bytes"] == 10_000 * 9
    assert all(p.startswith("tariffs/year=") for p in res["path"])
    small = tmp_path / "small"
    shutil.copytree(folder / "tariffs" / "year=2020" / "setting=s0", small / "tariffs" / "year=2020" / "setting=s0")
    write_datapackage(small)
    report = validate(small / DESCRIPTOR)  # frictionless reads a list of paths as the parts one after the other
    assert report.valid, errors(report)
    (small / "tariffs" / "year=2020" / "setting=s0" / "part-00000.parquet").write_bytes(b"changed!!")
    assert "hash-count" in errors(validate(small / DESCRIPTOR))["tariffs-parts"]


def test_same_files_same_descriptor(built, tmp_path, monkeypatch):
    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    before = (folder / DESCRIPTOR).read_bytes()
    write_datapackage(folder)
    assert (folder / DESCRIPTOR).read_bytes() == before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    write_datapackage(folder)
    assert descriptor(folder)["created"] == "2026-01-01T00:00:00Z"
    assert not [p for p in os.listdir(folder) if p.startswith(".")]  # no temporary file left


def test_pandas_one_liner_gives_exact_prices(built):
    """What the README promises for ``pd.read_parquet(..., dtype_backend="pyarrow")``."""
    from decimal import Decimal

    from kztariffs.dataset import load_dataset

    df = pd.read_parquet(built / "tariffs.parquet", dtype_backend="pyarrow")
    assert str(df["price_kzt"].dtype) == "decimal128(14, 2)[pyarrow]"
    exact = load_dataset(built / "tariffs.parquet")["price_kzt"]
    total = df["price_kzt"].sum()
    assert isinstance(total, Decimal) and total == sum(exact)
    assert df["price_kzt"].agg(["count", "min", "max", "sum"]).tolist() == [len(exact), min(exact), max(exact), sum(exact)]
    by = df.groupby("decree_id")["price_kzt"].sum()
    assert by.sum() == sum(exact) and all(isinstance(v, Decimal) for v in by)
    assert df["price_kzt"].astype("float64").describe()["count"] == len(exact)


def test_citation_and_licence_agree_with_the_datapackage(built):
    import tomllib

    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["cff-version"] == "1.2.0" and cff["authors"] == [{"name": "kztariffs contributors"}]
    assert cff["license"] == project["license"]["text"] == "MIT" and cff["version"] == project["version"]
    (data,) = [r for r in cff["references"] if r["type"] == "data"]
    assert data["license"] == descriptor(built)["licenses"][0]["name"] == "CC-BY-4.0"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "CC BY 4.0" in licence and "Article 8" in licence
