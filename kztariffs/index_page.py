"""The reports' index page in Kazakh, Russian or English, from the Jinja2 template
``templates/report_index.html.j2`` (autoescaped: titles carry body names and numbers read from
decrees). Titles and groups of the planned notebooks are made here from each job's notebook and
parameters with the message catalogs (``messages/report.yaml``); a job of another notebook keeps
the title ``plan`` gave it."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from . import __version__, i18n
from .vocab import label

GROUPS = {"compare_regions": "idx.group_comparisons", "compare_settings": "idx.group_comparisons",
          "positions_rates": "idx.group_comparisons", "policy_brief": "idx.group_briefs",
          "audit_decree": "idx.group_audits", "cost_scenarios": "idx.group_scenarios"}
DATA_NOTES = {"tariffs.xlsx": "idx.data_xlsx", "tariffs.csv": "idx.data_csv", "rejects.csv": "idx.data_rejects",
              "build_report.md": "idx.data_build_report"}
RUN_KEYS = {"command": "idx.run_command", "package version": "idx.run_version",
            "data hash (SHA-256 of the source hashes)": "idx.run_data_hash", "decrees": "idx.run_decrees",
            "tariff rows": "idx.run_rows", "notebooks": "idx.run_notebooks", "language": "idx.run_language"}
SHOWN_AREAS = 3  # areas named in a comparison's title; more are counted


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def href(name: str) -> str:
    """A relative link to a file of the generation (percent-encoded; the template escapes it)."""
    return quote(str(name))


def _decree(decrees: pd.DataFrame, decree_id) -> dict | None:
    if "decree_id" not in decrees:
        return None
    hit = decrees[decrees["decree_id"] == decree_id]
    return None if hit.empty else hit.iloc[0].to_dict()


def job_title(job, decrees: pd.DataFrame, lang: str) -> str:
    """The job's title in ``lang`` (names of settings and areas from the vocabularies), capitalised."""
    text = _title(job, decrees, lang)
    return text[:1].upper() + text[1:]


def _title(job, decrees: pd.DataFrame, lang: str) -> str:
    p, nb = job.params, job.notebook
    if nb == "compare_regions" and p.get("areas"):
        names = [label("area", a, lang) for a in p["areas"]]
        shown = ", ".join(names[:SHOWN_AREAS]) + (", …" if len(names) > SHOWN_AREAS else "")
        return i18n.t("idx.job_compare_regions", lang, setting=label("setting", p["setting"], lang),
                      year=p["year"], areas=shown, n=i18n.number(len(names), lang))
    if nb == "policy_brief" and "setting" in p:
        return i18n.t("idx.job_brief", lang, setting=label("setting", p["setting"], lang), year=p["year"])
    if nb == "compare_settings" and "area" in p:
        return i18n.t("idx.job_compare_settings", lang, area=label("area", p["area"], lang))
    if nb == "positions_rates" and not p:
        return i18n.t("idx.job_positions_rates", lang)
    if nb == "audit_decree" and p.get("decree_ids"):
        ds = [d for d in (_decree(decrees, i) for i in p["decree_ids"]) if d is not None]
        if ds:
            region = ds[0].get("region")
            where = label("area", region, lang) if isinstance(region, str) and region else i18n.t("idx.region_unknown", lang)
            return i18n.t("idx.job_audit_group", lang, where=where, n=i18n.number(len(p["decree_ids"]), lang),
                          setting=label("setting", ds[0].get("setting"), lang), year=ds[0].get("year", ""))
    if nb == "audit_decree":
        d = _decree(decrees, p.get("decree_id"))
        if d is not None:
            return i18n.t("idx.job_audit", lang, authority=d.get("authority", ""), number=d.get("decree_number", ""),
                          date=i18n.date(d.get("decree_date"), lang), year=d.get("year", ""),
                          setting=label("setting", d.get("setting"), lang))
    if nb == "cost_scenarios" and "scenario" in p:
        return i18n.t("idx.job_scenario", lang, name=Path(str(p["scenario"])).stem)
    return job.title


def job_subgroup(job, decrees: pd.DataFrame, lang: str) -> str:
    """The setting and year a job belongs to within its group ("" when ``plan`` gave it none)."""
    if not getattr(job, "subgroup", ""):
        return ""
    p = job.params
    setting, year = p.get("setting"), p.get("year")
    if setting is None:
        d = _decree(decrees, p.get("decree_id") or (p.get("decree_ids") or [None])[0])
        if d is None:
            return job.subgroup
        setting, year = d.get("setting"), d.get("year")
    text = f"{label('setting', setting, lang)}, {year}"
    return text[:1].upper() + text[1:]


def _portal(d: dict, lang: str) -> dict:
    """The decree's page on the legal portal: where ``kztariffs fetch`` got it, else built from its
    portal id and language; ``url`` None when the file does not state its portal id."""
    from .portal import DEFAULT_BASE_URL

    pid, url = d.get("portal_id"), d.get("source_url")
    if not isinstance(pid, str) or not pid:
        return {"id": i18n.t("idx.no_portal_id", lang), "url": None}
    if not (isinstance(url, str) and url.startswith(("https://", "http://"))):
        url = f"{DEFAULT_BASE_URL}/{'rus' if d.get('language') == 'ru' else 'kaz'}/docs/{pid}"
    return {"id": pid, "url": url}


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def render(jobs, decrees: pd.DataFrame, run_info: dict, others=(), data=None, lang: str = "en",
           data_files=()) -> str:
    """The index page's HTML (see the module's docstring)."""
    from .report import CSP

    lang = i18n.check_lang(lang)
    groups: dict[str, dict[str, list]] = {}  # group -> subgroup ("" for none) -> jobs
    for j in jobs:
        key = GROUPS.get(j.notebook)
        name = i18n.t(key, lang) if key else j.group
        groups.setdefault(name, {}).setdefault(job_subgroup(j, decrees, lang), []).append({
            "href": href(j.out_name + ".html"), "title": job_title(j, decrees, lang), "notebook": j.notebook,
            "params": "; ".join(f"{k}={_param(v)}" for k, v in j.params.items()),
            "outputs": [{"href": href(o), "kind": Path(o).suffix[1:].upper()} for o in j.outputs]})
    names = data_files if data is None else [n for n in data_files if n in data]
    sources = []
    for _, d in decrees.sort_values("decree_id").iterrows() if "decree_id" in decrees else ():
        d = d.to_dict()
        sources.append({"authority": _text(d.get("authority")), "number": _text(d.get("decree_number")),
                        "date": i18n.date(_text(d.get("decree_date")), lang),
                        "setting": label("setting", d.get("setting"), lang) if isinstance(d.get("setting"), str) else "",
                        "year": _text(d.get("year")), "portal": _portal(d, lang),
                        "file": _text(d.get("source_file")), "sha": _text(d.get("source_sha256")),
                        "rows": _rows(d.get("rows"), lang)})
    run = [{"key": i18n.t(RUN_KEYS[k], lang) if k in RUN_KEYS else k,
            "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)} for k, v in run_info.items()]
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    return _env().get_template("report_index.html.j2").render(
        lang=lang, t=t, csp=CSP, groups=groups, others=[{"href": href(o), "name": o} for o in others],
        data=[{"href": href("data/" + n), "name": n, "note": t(DATA_NOTES[n]) if n in DATA_NOTES else ""}
              for n in names], sources=sources, run=run, version=__version__)


def _param(v) -> str:
    """A parameter as the index shows it: lists comma-separated (the first few)."""
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v[:4])) + (f", … ({len(v)})" if len(v) > 4 else "")
    return str(v)


def _rows(v, lang: str) -> str:
    try:
        return i18n.number(int(str(v)), lang)
    except (TypeError, ValueError):
        return _text(v)
