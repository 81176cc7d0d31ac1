"""Service linking across decrees (hand-checked: both home-care decrees list the same 76 services
in the same order, 62 numbered services in Oral's wording vs Bokey Orda's, with the specialist rows
of Bokey Orda on empty-№ lines; row i of one is row i of the other)."""
import subprocess
import sys

from conftest import ROOT, seed_path
from kztariffs.linking import assign_service_keys, link
from kztariffs.schema import to_frame

ORAL, BOKEY = "oral_akimat_2025-12-18_2999", "bokey_orda_akimat_2025-12-24_167"


def test_home_care_decrees_pair_every_row_with_its_counterpart(seed_dataset):
    a = seed_dataset[seed_dataset.decree_id == ORAL]
    b = seed_dataset[seed_dataset.decree_id == BOKEY]
    pairs = link(a, b)
    assert list(pairs.columns) == ["annex_a", "row_a", "annex_b", "row_b", "score"]
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
    assert list(pairs.columns) == ["annex_a", "row_a", "annex_b", "row_b", "score"] and len(pairs) == 76
    assert set(pairs["annex_a"]) == {1} and set(pairs["annex_b"]) == {1}


SERVICES = [("household", "care_worker", "Help with personal hygiene"),
            ("household", "care_worker", "Buying and delivering food"),
            ("medical", "nurse", "Measuring blood pressure")]


def _decree(decree_id, annexes):
    """Rows of a decree: annexes = [(annex, setting, services)], rows numbered from 1 in each annex."""
    rows = []
    for annex, setting, services in annexes:
        for i, (cat, pos, text) in enumerate(services, start=1):
            rows.append({"decree_id": decree_id, "annex": annex, "row": i, "locality": "all", "category": cat,
                         "position_key": pos, "position": pos, "service_text": text, "setting": setting,
                         "price_kzt": None})
    return to_frame(rows)


def test_two_annex_decree_pairs_rows_of_the_same_setting_only():
    # decree A: annex 1 home, annex 2 semi-stationary, the same three services (rows 1-3 in each);
    # decree B: one home annex; decree C: one semi-stationary annex.
    a = _decree("a_akimat_2026-01-05_1", [(1, "home", SERVICES), (2, "semi_stationary", SERVICES)])
    b = _decree("b_akimat_2026-01-06_2", [(1, "home", SERVICES[::-1])])
    c = _decree("c_akimat_2026-01-07_3", [(1, "semi_stationary", SERVICES)])
    pairs = link(a, b)
    paired = pairs.dropna(subset=["row_a", "row_b"])
    # only annex 1 (home) pairs; B lists the services in reverse order: rows 1, 2, 3 <-> 3, 2, 1
    assert list(zip(paired["annex_a"], paired["row_a"], paired["annex_b"], paired["row_b"])) == \
        [(1, 1, 1, 3), (1, 2, 1, 2), (1, 3, 1, 1)]
    # annex 2 rows (same wording, other setting) stay unpaired
    assert list(zip(*[pairs.loc[pairs["row_b"].isna(), c] for c in ("annex_a", "row_a")])) == [(2, 1), (2, 2), (2, 3)]
    pairs = link(a, c).dropna(subset=["row_a", "row_b"])
    assert set(pairs["annex_a"]) == {2} and pairs["row_a"].tolist() == pairs["row_b"].tolist() == [1, 2, 3]

    import pandas as pd

    keyed = assign_service_keys(pd.concat([a, b, c], ignore_index=True))
    key = {(d, an, r): k for d, an, r, k in keyed[["decree_id", "annex", "row", "service_key"]].itertuples(index=False)}
    assert key[("a_akimat_2026-01-05_1", 1, 1)] == "home:a_akimat_2026-01-05_1:1"
    assert key[("a_akimat_2026-01-05_1", 2, 1)] == "semi_stationary:a_akimat_2026-01-05_1:a2:1"
    assert key[("b_akimat_2026-01-06_2", 1, 3)] == key[("a_akimat_2026-01-05_1", 1, 1)]
    assert key[("c_akimat_2026-01-07_3", 1, 2)] == key[("a_akimat_2026-01-05_1", 2, 2)]
    assert keyed["service_key"].nunique() == 6
