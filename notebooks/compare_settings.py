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
import pandas as pd
from IPython.display import Markdown, display

from kztariffs import plots
from kztariffs.compare import compare_settings, with_labels
from kztariffs.dataset import load_dataset
from kztariffs.safe import escape_md as md, plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
sub = df[df["area"] == area]
if positions is None:
    counts = sub.groupby("position_key")["setting"].nunique()
    positions = sorted(counts[counts >= 2].index)
frames = [compare_settings(sub, p) for p in positions]
table = with_labels(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
    columns=["position_key", "setting", "area", "year", "hourly_rate", "median_price", "unit", "rows"]), lang)
table["setting_label"] = table["setting"].map(lambda k: label("setting", k, lang))
display(Markdown(f"**{md(label('area', area, lang))}**: {len(positions)} position(s) priced in two settings or "
                 f"more.  \n_{md(plots.sources_caption(sub, lang))}_"))
display(table[["position_label", "setting_label", "year", "unit", "hourly_rate", "median_price", "rows"]]
        .assign(hourly_rate=table["hourly_rate"].map(plots.money), median_price=table["median_price"].map(plots.money)))

# %%
if len(table):
    wide = table.pivot_table(index="position_label", columns="setting_label", values="hourly_rate",
                             aggfunc="first").reset_index()
    cols = [c for c in wide.columns if c != "position_label"]
    plots.barh(wide, "position_label", cols, f"{label('area', area, lang)}: {plots.t('by_setting', lang)}",
               plots.t("hourly_rate", lang), caption=plots.sources_caption(sub, lang), legend=cols)
