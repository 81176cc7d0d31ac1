"""The Kazakh and the Russian text of one decree: two independent readings of the same prices.

Every decree is published in both languages, each its own text, typed by its own hand. A build that
holds both versions of a decree (same ``decree_id``: body, date and number, whatever the language)
stores the decree once, matched row by row on (annex, row, locality):

- a priced cell both versions print alike is one dataset row, ``versions = 2``, with the service,
  position and category text of each language (``service_text_kk`` / ``service_text_ru`` ...);
- a cell the versions print differently (another price, another №, another position or category,
  or a row only one version has) is never resolved here: it goes to the disagreements (build
  report, ``disagreements.csv``, the audit) and stays out of the dataset, until a person decides
  in the decisions file (``data/decisions.yaml``: which price is right, who decided and why);
- a decree read in one language only keeps its rows as they are, ``versions = 1``.

The provenance of the first version (Kazakh when both) is in ``source_file`` / ``line`` / ``page``;
the other version's in ``other_source_file`` / ``other_source_sha256`` / ``other_line`` / ``other_page``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import DecreeError
from .numbers import format_kzt

TEXT_FIELDS = ("service_text", "position", "category_text")
DISAGREEMENT_COLUMNS = ["decree_id", "annex", "row", "locality", "what", "value_kk", "value_ru",
                        "source_file_kk", "line_kk", "page_kk", "source_file_ru", "line_ru", "page_ru",
                        "decided_price_kzt", "decided_by", "note"]


@dataclass(frozen=True)
class Decision:
    decree_id: str
    annex: int
    row: int
    locality: str
    price_kzt: Decimal
    by: str
    note: str = ""


def load_decisions(path: Path | None) -> dict[tuple, Decision]:
    """The decisions file: a person's choice for a price the two versions print differently."""
    if path is None or not path.exists():
        return {}
    import yaml

    from . import safe_yaml

    try:
        doc = safe_yaml.loads(safe_yaml.read_text(path)) or {}  # plain data, no aliases, bounded size
    except DecreeError as exc:
        raise DecreeError(path, f"decisions file cannot be read: {exc.reason}") from None
    except safe_yaml.YAMLRefused as exc:
        raise DecreeError(path, f"decisions file refused: {exc}") from None
    except yaml.YAMLError as exc:
        raise DecreeError(path, f"decisions file is not valid YAML{safe_yaml.where(exc)}: "
                                f"{safe_yaml.problem(exc)}") from None
    if not isinstance(doc, dict):
        raise DecreeError(path, "decisions file must be a YAML mapping with a list under 'decisions'")
    out = {}
    for i, d in enumerate(doc.get("decisions") or [], start=1):
        try:
            dec = Decision(str(d["decree_id"]), int(d.get("annex", 1)), int(d["row"]), str(d.get("locality", "all")),
                           Decimal(str(d["price_kzt"])), str(d["by"]), str(d.get("note", "")))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise DecreeError(path, f"decision {i}: needs decree_id, row, price_kzt and by "
                                    f"(annex and locality optional): {exc}") from None
        out[(dec.decree_id, dec.annex, dec.row, dec.locality)] = dec
    return out


def single(rows: list[dict]) -> list[dict]:
    """Rows of a decree read in one language: its texts under that language's columns."""
    out = []
    for r in rows:
        lang = r.get("language")
        extra = {f"{f}_{x}": (r[f] if x == lang else None) for f in TEXT_FIELDS for x in ("kk", "ru")}
        out.append({**r, **extra, "versions": 1, "other_source_file": None, "other_source_sha256": None,
                    "other_line": None, "other_page": None})
    return out


def merge(kk: list[dict], ru: list[dict], decisions: dict[tuple, Decision]) -> tuple[list[dict], list[dict]]:
    """One decree's Kazakh and Russian rows -> (dataset rows, disagreements)."""
    key = lambda r: (r["annex"], r["row"], r["locality"])  # noqa: E731
    a, b = {key(r): r for r in kk}, {key(r): r for r in ru}
    rows, disagreements = [], []
    for k in sorted(set(a) | set(b), key=lambda k: (k[0], k[1], k[2])):
        x, y = a.get(k), b.get(k)
        base = x or y
        problems = []
        if x is None or y is None:
            problems.append(("row", "—" if x is None else _show(x), "—" if y is None else _show(y)))
        else:
            if x["price_kzt"] != y["price_kzt"]:
                problems.append(("price_kzt", format_kzt(x["price_kzt"]), format_kzt(y["price_kzt"])))
            for field in ("service_no", "category"):
                if x[field] != y[field]:
                    problems.append((field, str(x[field]), str(y[field])))
            if x["position_key"] and y["position_key"] and x["position_key"] != y["position_key"]:
                problems.append(("position", f"{x['position']} ({x['position_key']})",
                                 f"{y['position']} ({y['position_key']})"))
        decision = decisions.get((base["decree_id"], *k))
        for what, vk, vr in problems:
            disagreements.append({
                "decree_id": base["decree_id"], "annex": k[0], "row": k[1], "locality": k[2], "what": what,
                "value_kk": vk, "value_ru": vr,
                "source_file_kk": x and x["source_file"], "line_kk": x and x["line"], "page_kk": x and x["page"],
                "source_file_ru": y and y["source_file"], "line_ru": y and y["line"], "page_ru": y and y["page"],
                "decided_price_kzt": format_kzt(decision.price_kzt) if decision else None,
                "decided_by": decision.by if decision else None, "note": decision.note if decision else None})
        if problems and decision is None:
            continue  # not used for analysis until a person decides
        row = {**base, "language": "kk+ru" if x and y else base["language"], "versions": 2 if x and y else 1}
        if problems:
            row["price_kzt"] = decision.price_kzt
        for f in TEXT_FIELDS:
            row[f"{f}_kk"], row[f"{f}_ru"] = x and x[f], y and y[f]
        other = y if x else None
        row.update(other_source_file=other and other["source_file"], other_source_sha256=other and other["source_sha256"],
                   other_line=other and other["line"], other_page=other and other["page"])
        rows.append(row)
    return rows, disagreements


def load_disagreements(dataset: str | Path, decree_id: str | None = None):
    """disagreements.csv next to a dataset file (all, or one decree's); empty when there is none."""
    import pandas as pd

    path = Path(dataset).with_name("disagreements.csv")
    if not path.exists():
        return pd.DataFrame(columns=DISAGREEMENT_COLUMNS)
    from .safe import restore_frame

    df = restore_frame(pd.read_csv(path, dtype=str, keep_default_na=False))
    return df if decree_id is None else df[df["decree_id"] == decree_id]


def _show(r: dict) -> str:
    return f"№ {r['service_no']} {r['position']}: {format_kzt(r['price_kzt'])}"
