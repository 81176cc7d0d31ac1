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
# # Tariffs compared across areas
#
# The same services, linked across decrees by category, position, wording and order (`service_key`),
# priced by each area's akimat for one setting and year. Differences are against the first area.
# Every figure leads back to its decree and row (columns `decree_*`, `row_*`).

# %% tags=["parameters"]
setting: str = "home"  # home, semi_stationary, stationary, ...
year: int = 2026
areas: list = None  # area keys (-p areas oral,bokey_orda); all areas with this setting and year when None
positions: list = None  # position keys; all when None
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
lang: str = "en"  # kk, ru or en

# %%
from IPython.display import Markdown, display

from kztariffs import plots
from kztariffs.compare import compare_areas, ordered_areas, position_rates, with_labels
from kztariffs.dataset import load_dataset
from kztariffs.safe import escape_md as md, plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
sub = df[(df["setting"] == setting) & (df["year"] == int(year))]
if areas is None:
    areas = ordered_areas(df, sub["area"].unique())
sub = sub[sub["area"].isin(areas)]
table = with_labels(compare_areas(df, setting, int(year), areas, positions), lang)
names = [label("area", a, lang) for a in areas]
display(Markdown(f"**{md(label('setting', setting, lang))}, {md(year)}**: {', '.join(map(md, names))}. "
                 f"{len(table)} services priced in at least two areas.  \n"
                 f"_{md(plots.sources_caption(sub, lang))}_"))

# %% [markdown]
# ## Per linked service

# %%
show = ["category_label", "position_label"] + [c for a in areas for c in (f"row_{a}", f"price_{a}")] \
    + [c for a in areas[1:] for c in (f"diff_{a}", f"pct_{a}")]
money_cols = [c for c in show if c.startswith(("price_", "diff_"))]
display(table[show].assign(**{c: table[c].map(plots.money) for c in money_cols}))

# %% [markdown]
# ## Per category and position: median difference

# %%
if len(areas) >= 2 and len(table):
    from kztariffs.compare import decimal_median

    summary = (table.groupby(["category_label", "position_label"])
               .agg(**{f"median_pct_{a}": (f"pct_{a}", decimal_median) for a in areas[1:]},
                    services=("service_key", "count")).reset_index())
    display(summary)
    plots.barh(summary.assign(label_=summary["category_label"] + " · " + summary["position_label"]), "label_",
               [f"median_pct_{a}" for a in areas[1:]],
               f"{label('setting', setting, lang)} {year}: " + plots.t("median_diff", lang).format(base=names[0]),
               "%", caption=plots.sources_caption(sub, lang), legend=names[1:])

# %% [markdown]
# ## Implied hourly rate per position

# %%
rates = with_labels(position_rates(sub), lang)
rates = rates[rates["hourly_rate"].notna()]
wide = rates.pivot_table(index="position_label", columns="area_label", values="hourly_rate", aggfunc="first")
display(wide.map(plots.money))
if len(wide):
    wide = wide.reset_index()
    plots.barh(wide, "position_label", [label("area", a, lang) for a in areas if label("area", a, lang) in wide],
               f"{plots.t('rates_title', lang)}, {label('setting', setting, lang)} {year}", plots.t("hourly_rate", lang),
               caption=plots.sources_caption(sub, lang),
               legend=[label("area", a, lang) for a in areas if label("area", a, lang) in wide])
