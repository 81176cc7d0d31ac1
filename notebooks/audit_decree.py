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
# # Tariff audit of one decree
#
# In the decrees we know, every price is the position's **hourly rate** times a simple share of
# an hour (10, 15, 20, 30, 40 minutes, 1 hour, 2 hours ...). This notebook infers each position's
# rate from the rows that agree with each other, then lists the rows that break the pattern, with
# the reason and a suggestion. It flags; it never changes the data. A flagged row may be a typo in
# the decree or a deliberate time norm: check the decree before citing either.

# %% tags=["parameters"]
decree_id: str = "oral_akimat_2025-09-16_1971"  # the decree to audit (decrees.csv, column decree_id)
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
lang: str = "en"  # kk, ru or en

# %%
from IPython.display import Markdown, display

from kztariffs import plots
from kztariffs.audit import audit_decree, decree_rates
from kztariffs.dataset import load_dataset
from kztariffs.safe import escape_md as md, md_code, plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
rows = df[df["decree_id"] == decree_id]
if rows.empty:
    raise ValueError(f"{decree_id}: no such decree in {dataset}; known: {sorted(df['decree_id'].unique())}")
d = rows.iloc[0]
audit = audit_decree(rows)
rates = decree_rates(rows)
display(Markdown(f"**{md(d['authority'])}**, decree № {md(d['decree_number'])} of {md(d['decree_date'])}: "
                 f"{md(label('setting', d['setting'], lang))} tariffs for {md(d['year'])} "
                 f"({len(rows)} priced rows; source {md_code(d['source_file'])}, "
                 f"SHA-256 {md_code(str(d['source_sha256'])[:16] + '…')})."))

# %% [markdown]
# ## Hourly rate of each position

# %%
table = rates.assign(position=rates["position_key"].map(lambda k: label("position", k, lang)),
                     hourly_rate=rates["hourly_rate"].map(plots.money))
display(table[["position", "locality", "hourly_rate", "rows", "rows_fitting", "status"]]
        if "locality" in table else table[["position", "hourly_rate", "rows", "rows_fitting", "status"]])

# %%
judged = rates[rates["hourly_rate"].notna()].sort_values("hourly_rate")
fig = plots.barh(judged.assign(position=judged["position_key"].map(lambda k: label("position", k, lang))),
                 "position", ["hourly_rate"], f"{plots.t('rates_title', lang)}, {plots.t('decree', lang)} № {d['decree_number']}",
                 plots.t("hourly_rate", lang), caption=plots.sources_caption(rows, lang))

# %% [markdown]
# ## Rows that break the pattern

# %%
flagged = audit[audit["fits"] == False]  # noqa: E712
unknown = audit[audit["fits"].isna()]
display(Markdown(f"{len(flagged)} row(s) flagged, {len(unknown)} row(s) not judged "
                 f"(position with too few rows), {int((audit['fits'] == True).sum())} row(s) fit."))  # noqa: E712
display(flagged[["row", "service_no", "position", "price_kzt", "hourly_rate", "minutes", "reason", "suggestion"]]
        .assign(price_kzt=flagged["price_kzt"].map(plots.money)))

# %%
if len(unknown):
    display(unknown[["row", "service_no", "position", "price_kzt", "reason"]])

# %% [markdown]
# ## Kazakh and Russian versions
#
# Every decree is published in both languages. When the build read both, each price is confirmed
# by both texts; a price they print differently is not in the dataset until a person decides
# (`data/decisions.yaml`).

# %%
from kztariffs.bilingual import load_disagreements

both = int((rows["versions"] == 2).sum())
disagree = load_disagreements(dataset, decree_id)
display(Markdown(f"{both} of {len(rows)} priced row(s) confirmed by both language versions; "
                 f"{len(disagree)} disagreement(s) between the versions."))
if len(disagree):
    display(disagree[["annex", "row", "locality", "what", "value_kk", "value_ru", "decided_price_kzt", "decided_by"]])
