# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (kztariffs)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["report-hide"]
# # What does care cost? Service-cost scenarios
#
# A scenario file (`data/scenarios/*.yaml`) describes a care package: services (by service key or decree
# row), the position that gives each, how often (a day, a week, a month), the setting, year, regions and
# locality, the number of recipients, an indexation and a horizon. This notebook prices the package with
# each region's tariffs and shows the cost per recipient a month and a year, the total for N recipients,
# the split by category and position, and the cost over the horizon.
#
# Conventions (see `kztariffs/scenarios.py`): a month has 52/12 weeks and `days_per_month` days (default
# 30); per-recipient-day tariffs (semi-stationary) are priced as attendance days × services per day; a
# year is 12 months; all sums are exact and rounded to the tiyn (0.01 tenge, half-up) only when shown.
# A service a region does not price is listed as missing and the region's total is left empty: it is
# never priced as 0.

# %% tags=["parameters"]
scenario: str = "data/scenarios/home_care_older_person_alone.yaml"  # scenario file
overrides: dict = {}  # e.g. {"visits_per_week": 3}
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
lang: str = "en"  # kk, ru or en

# %%
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_lang, as_path

scenario, dataset = as_path(scenario), as_path(dataset)
lang = as_lang(lang)

# %%
from pathlib import Path

from kztariffs import plots, show, views
from kztariffs.dataset import load_dataset
from kztariffs.i18n import money, number, t
from kztariffs.safe import escape_md as md, md_code, plain_text_charts
from kztariffs.scenarios import run_scenario, staff_summary
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees and scenario files are drawn as written ($ is no math)

if not Path(dataset).is_file():
    raise FileNotFoundError(f"{dataset}: dataset not found; run `kztariffs build` first")
df = load_dataset(dataset)
res = run_scenario(scenario, overrides, df=df, norms_path=Path(dataset).parent / "staffing_norms.csv")
scn = res.scenario
used = df[df["decree_id"].isin(res.lines["decree_id"].dropna().unique())]
caption = plots.chart_caption(used, lang)
area = lambda k: label("area", k, lang)  # noqa: E731
show.title(t("sc.title", lang, name=scn.name), lang, t("sc.intro", lang))
for w in res.warnings:
    show.md(f"**{t('sc.warning', lang)}** {md(w)}")
show.md(t("sc.summary", lang, file=md_code(Path(str(scenario)).name),
          setting=md(label("setting", scn.setting, lang)), year=scn.year, recipients=number(scn.recipients, lang),
          regions=", ".join(f"{md(area(r))} ({md(views.coded('locality', scn.locality[r], lang))})" for r in scn.regions),
          indexation=md(views.indexation(scn, lang)), horizon=number(scn.horizon_years, lang)))
if lang == "en":  # the scenario file's own texts are in the language it was written in
    show.details(t("sc.rationale", lang), " — ".join(x for x in (scn.title, scn.rationale) if x))
else:
    show.md(t("sc.file_texts", lang))

# %%
show.heading(t("sc.h_regions", lang))
regions = res.regions.assign(region_name=res.regions["region"].map(area),
                             locality_name=res.regions["locality"].map(lambda k: views.coded("locality", k, lang)))
complete = regions[regions["complete"]]
if len(complete):
    show.figures(plots.dot_pages(complete.assign(what=t("sc.per_recipient_month", lang)), "region_name",
                                 "monthly_per_recipient", None, t("sc.chart_regions", lang, year=scn.year),
                                 t("sc.per_recipient_month", lang), lang, caption=caption,
                                 reference=float(complete["monthly_per_recipient"].iloc[0]) if len(complete) > 1 else None,
                                 reference_label=area(scn.base_region) if len(complete) > 1 else ""))
show.table(regions, [("region_name", "col.region"), ("locality_name", "col.locality"), ("decree_id", "col.decree_id", "code"),
                     ("monthly_per_recipient", "col.monthly_per_recipient", "money"),
                     ("yearly_per_recipient", "col.yearly_per_recipient", "money"),
                     ("monthly_total", "col.monthly_total", "money"), ("yearly_total", "col.yearly_total", "money"),
                     ("monthly_per_recipient_diff_vs_base", "col.diff_base", "money"),
                     ("missing", "col.missing", "int"), ("missing_items", "col.missing_items")], lang,
           caption=t("sc.recipients_note", lang, n=number(scn.recipients, lang)))
if not res.missing.empty:
    show.md(t("sc.missing", lang))
    show.table(res.missing.assign(region=res.missing["region"].map(area),
                                  position=res.missing["position_key"].map(lambda k: label("position", k, lang))),
               [("region", "col.region"), ("item", "col.item", "int"), ("label", "col.label"),
                ("position", "col.position"), ("decree_id", "col.decree_id", "code")], lang)

# %%
show.heading(t("sc.h_lines", lang))
lines = res.lines.assign(region=res.lines["region"].map(area), service=views.line_services(res.lines, df, lang),
                         position=res.lines["position_key"].map(lambda k: label("position", k, lang)),
                         unit_name=res.lines["unit"].map(lambda k: views.coded("unit", k, lang)),
                         how_often=res.lines["frequency"].map(lambda f: views.frequency(f, lang)),
                         status_name=res.lines["status"].map(lambda k: views.coded("status", k, lang)))
show.table(lines, [("item", "col.item", "int")] + ([("label", "col.label")] if lang == "en" else [])
           + [("service", "col.service"), ("region", "col.region"),
                   ("decree_id", "col.decree_id", "code"), ("row", "col.row", "int"), ("position", "col.position"),
                   ("unit_name", "col.unit"), ("price_kzt", "col.price", "money"), ("how_often", "col.frequency"),
                   ("quantity_per_month", "col.quantity_per_month", "number"),
                   ("monthly_per_recipient", "col.monthly_per_recipient", "money"), ("status_name", "col.status")], lang)

# %%
show.heading(t("sc.h_split", lang))
cat = res.categories.assign(category_name=res.categories["category"].map(lambda k: label("category", k, lang)),
                            region_name=res.categories["region"].map(area))
if len(cat):
    show.figures(plots.dot_pages(cat, "category_name", "monthly_per_recipient",
                                 "region_name" if len(scn.regions) > 1 else None, t("sc.chart_categories", lang),
                                 t("sc.per_recipient_month", lang), lang, caption=caption))
show.table(cat, [("category_name", "col.category"), ("region_name", "col.region"), ("services", "col.services", "int"),
                 ("monthly_per_recipient", "col.monthly_per_recipient", "money")], lang)
pos = res.positions.assign(position=res.positions["position_key"].map(lambda k: label("position", k, lang)),
                           region_name=res.positions["region"].map(area))
show.table(pos, [("position", "col.position"), ("region_name", "col.region"), ("services", "col.services", "int"),
                 ("monthly_per_recipient", "col.monthly_per_recipient", "money")], lang)

# %%
show.heading(t("sc.h_horizon", lang))
if res.horizon is not None:
    hz = res.horizon.assign(region_name=res.horizon["region"].map(area),
                            note_text=res.horizon["note"].map(lambda s: t("sc.incomplete", lang) if s else ""))
    show.figure(plots.line_chart(hz, "year", "yearly_total", "region_name",
                                 t("sc.chart_horizon", lang, indexation=views.indexation(scn, lang)),
                                 t("sc.yearly_for", lang, n=number(scn.recipients, lang)), lang, caption=caption))
    show.table(hz, [("region_name", "col.region"), ("year", "col.year"),
                    ("monthly_per_recipient", "col.monthly_per_recipient", "money"),
                    ("yearly_per_recipient", "col.yearly_per_recipient", "money"), ("yearly_total", "col.yearly_total", "money"),
                    ("cumulative_total", "col.cumulative_total", "money"), ("note_text", "col.note")], lang)

# %%
show.heading(t("sc.h_staff", lang))
show.md(t("sc.staff_intro", lang))
if res.staff is not None and not res.staff.empty:
    tot = staff_summary(res.staff)
    show.md(t("sc.staff_summary", lang, costed=number(tot["positions_costed"], lang), positions=number(tot["positions"], lang),
              units=number(tot["staff_units_costed"], lang, decimals=2), cost=money(tot["yearly_cost_indicative_costed"], lang)))
    staff = res.staff.assign(note_text=[views.staff_note(r, scn, lang) for r in res.staff.to_dict("records")])
    show.table(staff, [("section", "col.section"), ("position", "col.position_in_order"), ("bracket", "col.bracket"),
                       ("rule_text", "col.rule_text"), ("staff_units", "col.staff_units", "number"),
                       ("hourly_rate", "col.hourly_rate", "money"),
                       ("yearly_cost_indicative", "col.yearly_cost_indicative", "money"), ("note_text", "col.note")], lang)
else:
    show.md(t("sc.no_staff", lang))

# %%
show.heading(t("sources", lang))
show.sources(used, lang)
