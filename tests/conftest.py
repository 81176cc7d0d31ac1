from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"

SEEDS = {
    "oral-city_2025-12-18_no2999_home-2026_kk": ".portal.txt",
    "oral-city_2025-09-16_no1971_semi-stationary-2025_kk": ".pdf.txt",
    "bokey-orda-district_2025-12-24_no167_home-2026_kk": ".portal.txt",
}


def seed_path(stem: str) -> Path:
    return RAW / f"{stem}{SEEDS[stem]}"


@pytest.fixture(scope="session")
def seed_results():
    """extract_file on each seed decree, once per session."""
    from kztariffs.dataset import extract_file

    return {stem: extract_file(seed_path(stem)) for stem in SEEDS}


@pytest.fixture(scope="session")
def seed_dataset(seed_results):
    """The validated, linked dataset of the three seed decrees."""
    from kztariffs.dataset import frames
    from kztariffs.linking import assign_service_keys

    df, _, _ = frames(list(seed_results.values()))
    return assign_service_keys(df)
