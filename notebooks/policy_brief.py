# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3 (kztariffs)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Policy brief
#
# One setting and year: key figures, areas side by side, rows worth a second look, and what a care
# package costs. The same brief is written to PDF by `kztariffs report` (or by setting `pdf` below).

# %% tags=["parameters"]
setting = "home"
year = 2026
dataset = "data/processed/tariffs.parquet"
scenarios_dir = "data/scenarios"
pdf = None  # path of a PDF to write, or None
lang = "en"

# %%
from pathlib import Path

import matplotlib.pyplot as plt

from kztariffs.brief import build_brief, show, write_pdf
from kztariffs.dataset import load_dataset

df = load_dataset(dataset)
brief = build_brief(df, setting, int(year), sorted(Path(scenarios_dir).glob("*.yaml")), lang)
plt.close("all")
show(brief)
if pdf:
    write_pdf(brief, Path(pdf))
