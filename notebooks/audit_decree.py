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
decree_id: str = "oral_akimat_2025-09-16_1971"  # the decree to audit (decrees.csv, column decree_id)
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
lang: str = "en"  # kk, ru or en
decree_ids: list = None  # a list of decree ids audited on one page (instead of decree_id)

# %%
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_lang, as_list, as_path

dataset, lang = as_path(dataset), as_lang(lang)
decree_ids = as_list(decree_ids, "decree_ids") or [decree_id]

# %%
# Tariff audit of one decree or of several (one setting and year of a region): each position's hourly
# rate inferred from the rows that agree, and the rows that break the rate x time-share pattern, with
# the reason and a suggestion in the page language (kztariffs/audit_view.py; texts from
# messages/audit.yaml and messages/audit_reasons.yaml).
from kztariffs.audit_view import show_page
from kztariffs.dataset import load_dataset
from kztariffs.safe import plain_text_charts

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset, decree_id=decree_ids)  # only these decrees' rows are read
show_page(df, decree_ids, dataset, lang)
