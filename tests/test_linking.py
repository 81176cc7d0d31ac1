"""Service linking across decrees (hand-checked: both home-care decrees list the same 76 services
in the same order, 62 numbered services in Oral's wording vs Bokey Orda's, with the specialist rows
of Bokey Orda on empty-№ lines; row i of one is row i of the other)."""
import subprocess
import sys

from conftest import ROOT, seed_path
from kztariffs.linking import link

ORAL, BOKEY = "oral_akimat_2025-12-18_2999", "bokey_orda_akimat_2025-12-24_167"


def test_home_care_decrees_pair_every_row_with_its_counterpart(seed_dataset):
    a = seed_dataset[seed_dataset.decree_id == ORAL]
    b = seed_dataset[seed_dataset.decree_id == BOKEY]
    pairs = link(a, b)
    assert len(pairs) == 76
    assert pairs["row_a"].notna().all() and pairs["row_b"].notna().all()
    assert (pairs["row_a"] == pairs["row_b"]).all()
    # numbering differs: Oral's row 15 is № 15, Bokey Orda's row 15 is № 14 (its row 14 has an empty №)
    assert int(a[a.row == 15].service_no.iloc[0]) == 15 and int(b[b.row == 15].service_no.iloc[0]) == 14


def test_linked_rows_share_service_key(seed_dataset):
    a = seed_dataset[seed_dataset.decree_id == ORAL].set_index("row")
    b = seed_dataset[seed_dataset.decree_id == BOKEY].set_index("row")
    assert (a.loc[range(1, 77), "service_key"].values == b.loc[range(1, 77), "service_key"].values).all()
    semi = seed_dataset[seed_dataset.setting == "semi_stationary"]
    assert not set(semi.service_key) & set(a.service_key)


def test_order_alone_does_not_pair_different_positions(seed_dataset):
    a = seed_dataset[seed_dataset.decree_id == ORAL]
    b = seed_dataset[seed_dataset.decree_id == BOKEY].copy()
    b.loc[b.row == 14, "position_key"] = "nurse"  # a position the other decree never prices
    pairs = link(a, b)
    assert pairs[(pairs.row_b == 14)]["row_a"].isna().all()
    assert pairs[(pairs.row_a == 14)]["row_b"].isna().all()


def test_link_cli(tmp_path):
    out = tmp_path / "pairs.csv"
    proc = subprocess.run([sys.executable, "-m", "kztariffs.cli", "link",
                           seed_path("oral-city_2025-12-18_no2999_home-2026_kk"),
                           seed_path("bokey-orda-district_2025-12-24_no167_home-2026_kk"), "-o", out],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    import pandas as pd

    pairs = pd.read_csv(out)
    assert list(pairs.columns) == ["row_a", "row_b", "score"] and len(pairs) == 76
