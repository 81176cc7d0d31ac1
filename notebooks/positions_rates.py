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

# %% [markdown]
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
from IPython.display import display

from kztariffs import plots
from kztariffs.compare import position_rates
from kztariffs.dataset import load_dataset
from kztariffs.safe import plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
if setting is not None:
    df = df[df["setting"] == setting]
if year is not None:
    df = df[df["year"] == int(year)]
rates = position_rates(df)
rates = rates[rates["hourly_rate"].notna()]
rates = rates.assign(position=rates["position_key"].map(lambda k: label("position", k, lang)),
                     area_name=rates["area"].map(lambda k: label("area", k, lang)),
                     setting_name=rates["setting"].map(lambda k: label("setting", k, lang)))
table = rates.pivot_table(index="position", columns=["area_name", "setting_name", "year"], values="hourly_rate",
                          aggfunc="first")
display(table.map(plots.money))

# %%
for (area, setting_name, yr), g in rates.groupby(["area_name", "setting_name", "year"]):
    g = g.sort_values("hourly_rate")
    plots.barh(g, "position", ["hourly_rate"], f"{area}, {setting_name} {yr}", plots.t("hourly_rate", lang),
               caption=plots.sources_caption(df[(df["area"] == g["area"].iloc[0]) & (df["setting"] == g["setting"].iloc[0])
                                                & (df["year"] == yr)], lang))
