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
# # Settings side by side for the same positions
#
# What one area's decrees imply per position in each setting (home, day care, residential,
# temporary stay). Prices have different units across settings (per service vs per recipient per
# day), so the comparable figure is the position's implied **hourly rate**.

# %% tags=["parameters"]
area: str = "oral"  # area key (decrees.csv, column area)
positions: list = None  # position keys; positions priced in two settings or more when None
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
lang: str = "en"  # kk, ru or en

# %%
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_lang, as_list, as_path

positions = as_list(positions, "positions")
dataset, lang = as_path(dataset), as_lang(lang)

# %%
import pandas as pd

from kztariffs import plots, show, views
from kztariffs.compare import compare_settings
from kztariffs.dataset import load_dataset
from kztariffs.i18n import number, t
from kztariffs.safe import escape_md as md, plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
sub = df[df["area"] == area]
if positions is None:
    counts = sub.groupby("position_key")["setting"].nunique()
    positions = sorted(counts[counts >= 2].index)
frames = [compare_settings(sub, p) for p in positions]
table = views.settings_long(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
    columns=["position_key", "setting", "area", "year", "decree_id", "annex", "locality", "unit", "hourly_rate",
             "status", "median_price", "rows"]), lang)
area_name = label("area", area, lang)
show.title(t("cs.title", lang, area=area_name), lang, t("cs.intro", lang))
show.md(t("cs.summary", lang, area=md(area_name), n=number(len(positions), lang)))

# %%
show.heading(t("cs.h_chart", lang))
rated = table[table["hourly_rate"].notna()]
if len(rated):
    rated = rated.assign(series=rated["setting_name"] + " " + rated["year"].astype(str))
    show.figures(plots.dot_pages(rated, "position", "hourly_rate", "series", t("cs.chart", lang, area=area_name),
                                 t("hourly_rate", lang), lang, caption=plots.chart_caption(sub, lang)))
else:
    show.md(t("no_data", lang))
show.table(table, [("position", "col.position"), ("setting_name", "col.setting"), ("year", "col.year"),
                   ("unit_name", "col.unit"), ("locality_name", "col.locality"),
                   ("hourly_rate", "col.hourly_rate", "money"), ("median_price", "col.median_price", "money"),
                   ("rows", "col.rows", "int"), ("decree_id", "col.decree_id", "code")], lang)

# %%
show.heading(t("sources", lang))
show.sources(sub[sub["position_key"].isin(positions)] if positions else sub, lang)
