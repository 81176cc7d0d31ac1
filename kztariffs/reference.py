"""Reference tables from two national orders kept next to the decrees.

* Health Minister order No. 153 of 13.10.2023 (registry No. 33545), the standard of special social
  services in health care (Kazakh text converted from PDF to Markdown-like text): chapters 4-6 list the
  services per level of health organization and per category -> :func:`read_health_standard`.
* Labour Minister order No. 308 of 11.08.2022 (registry No. 29098, since repealed), annex 1: minimum
  staffing norms of stationary organizations by number of recipients (text taken from a PDF with narrow
  wrapped columns) -> :func:`read_staffing_norms`.

Every row carries provenance: ``source_file`` (file name), ``source_sha256`` and ``line`` (1-based line of
the source where the item, or the printed cell, starts). Staff units are kept as exact strings
(``"0,5"`` -> ``"0.5"``), never floats; norms printed as words stay words (``rule_text``).

The readers live in :mod:`kztariffs.reference_health` and :mod:`kztariffs.reference_staffing` (one per
document, sharing :mod:`kztariffs.reference_source`); this module builds and writes the two tables and
re-exports the readers' public names.
"""
from __future__ import annotations

from pathlib import Path

from .dataset import write_table
from .reference_health import HEALTH_COLUMNS, HEALTH_STANDARD_FILE, read_health_standard
from .reference_staffing import STAFFING_COLUMNS, STAFFING_NORMS_FILE, read_staffing_norms

__all__ = [
    "HEALTH_COLUMNS", "HEALTH_STANDARD_FILE", "STAFFING_COLUMNS", "STAFFING_NORMS_FILE",
    "build_reference_tables", "read_health_standard", "read_staffing_norms",
]


# --------------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------------
def build_reference_tables(raw_reference_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Read both reference documents from ``raw_reference_dir`` and write the two CSV tables.

    Returns ``{"health_standard_services": path, "staffing_norms": path}``. Each file is written to a
    temporary file in ``out_dir`` and moved into place with :func:`os.replace`, so a reader never sees a
    half-written table.
    """
    raw_reference_dir, out_dir = Path(raw_reference_dir), Path(out_dir)
    tables = {
        "health_standard_services": read_health_standard(raw_reference_dir / HEALTH_STANDARD_FILE),
        "staffing_norms": read_staffing_norms(raw_reference_dir / STAFFING_NORMS_FILE),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, df in tables.items():
        target = out_dir / f"{name}.csv"
        write_table(df, target)
        paths[name] = target
    return paths
