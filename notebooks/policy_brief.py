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

# %% tags=["parameters"]
setting: str = "home"
year: int = 2026
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
scenarios_dir: str = "data/scenarios"
pdf: str = None  # path of a PDF to write, or None
lang: str = "en"  # kk, ru or en

# %%
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_int, as_lang, as_path

year = as_int(year, "year")
scenarios_dir, pdf = as_path(scenarios_dir), as_path(pdf)
dataset, lang = as_path(dataset), as_lang(lang)

# %%
# Policy brief of one setting and year: key figures, areas side by side, rows worth a second look and
# what a care package costs (kztariffs/brief.py; texts from messages/brief.yaml). The same brief is
# written to PDF by `kztariffs report` (or by setting `pdf` above).
from pathlib import Path

import matplotlib.pyplot as plt

from kztariffs.brief import build_brief, show, write_pdf
from kztariffs.dataset import load_dataset
from kztariffs.safe import plain_text_charts

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)  # with load_dataset's filters: load_dataset(dataset, setting=setting, year=year)
brief = build_brief(df, setting, int(year), sorted(Path(scenarios_dir).glob("*.yaml")), lang)
plt.close("all")
show(brief)
if pdf:
    write_pdf(brief, Path(pdf))
