"""``build_report.md`` and ``decrees.csv`` of a build, made from the files' summaries and the decrees'
part descriptions (``builder.py``): complete at any scale without loading a row of the dataset."""
from __future__ import annotations

import pandas as pd

from .dataset import annex_summary


def decrees_frame(infos) -> pd.DataFrame:
    """One line per decree file: its metadata, annexes, file, SHA-256, source URL and counts."""
    from dataclasses import fields

    from .metadata import Decree

    names = [f.name for f in fields(Decree) if f.name not in ("warnings", "annexes")]  # Decree.as_dict, faster
    rows = []
    for info in infos:
        d = {n: getattr(info.decree, n) for n in names}
        d.update(annexes=annex_summary(info.decree), source_file=info.path.name, source_sha256=info.sha256,
                 source_url=info.source_url, rows=info.rows, rejects=info.rejects)
        rows.append(d)
    return pd.DataFrame(rows)


def build_report(infos, failures, metas: list[dict], result, skipped=()) -> str:
    lines = ["# Build report", ""]
    lines.append(f"{len(infos)} decree file(s) read, {len(failures)} failed; "
                 f"{result.rows} tariff rows, {result.rejected} rejected or not-applicable cells.")
    if result.rows:
        lines.append(f"{sum(m['both'] for m in metas)} row(s) confirmed by the Kazakh and the Russian "
                     "version of their decree.")
    lines.append("")
    if result.disagreements:
        open_ = sum(m["open_disagreements"] for m in metas)
        lines.append(f"## Kazakh and Russian versions disagree ({result.disagreements}; {open_} not decided, "
                     "kept out of the dataset: decide in data/decisions.yaml)")
        lines.extend(line for m in metas for line in m["disagreement_lines"])
        lines.append("")
    for info in infos:
        d = info.decree
        lines.append(f"## {info.path.name}")
        lines.append(f"- decree: {d.decree_id} ({d.authority}, No. {d.decree_number} of {d.decree_date}); "
                     f"setting {d.setting}, year {d.year}, unit {d.unit}, language {d.language}")
        if len(d.annexes) > 1:
            lines.append(f"- annexes: {annex_summary(d)}")
        lines.append(f"- sha256: {info.sha256}")
        lines.append(f"- rows: {info.rows}; rejects: {info.errors} errors, "
                     f"{info.not_applicable} not applicable (0 = does not apply)")
        lines.extend(f"- note: {note}" for note in info.notes)
        lines.append("")
    if skipped:
        lines.append("## Entries of the decree folder left out")
        lines.extend(f"- {line}" for line in skipped)
        lines.append("")
    if failures:
        lines.append("## Files that gave nothing")
        lines.extend(f"- {f}" for f in failures)
    return "\n".join(lines) + "\n"
