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
# # Positions by implied hourly rate
#
# Each decree's prices are a position's hourly rate times a share of an hour; the rate each
# position implies is the clearest way to compare what akimats pay for the same work across
# areas, settings and years. Rates come from the tariff audit (rows that agree with each other).

# %% tags=["parameters"]
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
setting: str = None  # e.g. "home"; all settings when None
year: int = None  # e.g. 2026; all years when None
lang: str = "en"  # kk, ru or en

# %%
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_int, as_lang, as_path

year = as_int(year, "year")
dataset, lang = as_path(dataset), as_lang(lang)

# %%
from kztariffs import plots, show, views
from kztariffs.compare import position_rates
from kztariffs.dataset import load_dataset
from kztariffs.i18n import t
from kztariffs.safe import plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
if setting is not None:
    df = df[df["setting"] == setting]
if year is not None:
    df = df[df["year"] == int(year)]
scope = ", ".join(x for x in (label("setting", setting, lang) if setting else "", str(year) if year else "") if x)
show.title(t("pr.title", lang) + (f": {scope}" if scope else ""), lang, t("pr.intro", lang))
rates = views.rates_long(position_rates(df), lang, reference="median")

# %%
for (s_name, yr), g in rates.groupby(["setting", "year"], sort=False):
    where = f"{s_name}, {yr}"
    show.heading(where)
    used = df[df["decree_id"].isin(g["decree_id"])]
    show.figures(views.rate_charts(g, t("pr.chart", lang, where=where), lang, plots.chart_caption(used, lang),
                                   reference="median"))
if rates.empty:
    show.md(t("no_data", lang))

# %%
show.heading(t("pr.h_table", lang))
show.md(t("pr.table_note", lang))
show.table(rates, [("position", "col.position"), ("setting", "col.setting"), ("year", "col.year"),
                   ("area", "col.area"), ("locality", "col.locality"), ("hourly_rate", "col.hourly_rate", "money"),
                   ("ref_rate", "col.median_rate", "money"), ("pct", "col.pct_median", "percent"),
                   ("rows", "col.rows", "int"), ("rows_fitting", "col.rows_fitting", "int"),
                   ("decree_id", "col.decree_id", "code")], lang)

# %%
show.heading(t("sources", lang))
show.sources(df, lang)
