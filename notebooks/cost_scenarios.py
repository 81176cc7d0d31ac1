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
from pathlib import Path

import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from kztariffs import plots
from kztariffs.dataset import load_dataset
from kztariffs.safe import escape_md as md, plain_text_charts
from kztariffs.scenarios import INDICATIVE, display_money, run_scenario, staff_summary, money
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees and scenario files are drawn as written ($ is no math)

if not Path(dataset).is_file():
    raise FileNotFoundError(f"{dataset}: dataset not found; run `kztariffs build` first")
df = load_dataset(dataset)
res = run_scenario(scenario, overrides, df=df, norms_path=Path(dataset).parent / "staffing_norms.csv")
scn = res.scenario
used = df[df["decree_id"].isin(res.lines["decree_id"].dropna().unique())]
caption = plots.sources_caption(used, lang) + f". Scenario: {scenario}."
for w in res.warnings:
    print("warning:", w)
display(Markdown(f"### {md(scn.title or scn.name)}\n\n{md(scn.rationale or '')}\n\n"
                 f"Setting **{md(label('setting', scn.setting, lang))}**, tariffs of **{md(scn.year)}**, "
                 f"**{md(scn.recipients)}** recipients; regions: "
                 + ", ".join(f"{md(label('area', r, lang))} ({md(scn.locality[r])})" for r in scn.regions)
                 + f"; indexation: {md(scn.indexation_text)}; horizon {md(scn.horizon_years)} year(s)."))

# %% [markdown]
# ## Cost per recipient and for N recipients, by region (tenge)

# %%
regions = display_money(res.regions)
regions["region"] = regions["region"].map(lambda k: label("area", k, lang))
display(regions[["region", "locality", "decree_id", "monthly_per_recipient", "yearly_per_recipient",
                 "monthly_total", "yearly_total", "monthly_per_recipient_diff_vs_base", "missing", "missing_items"]])
if not res.missing.empty:
    display(Markdown("**Services not priced in a region** (reported, not counted as 0):"))
    display(res.missing)

# %%
complete = res.regions[res.regions["complete"]]
fig, ax = plt.subplots(figsize=(8, 0.6 * max(len(complete), 1) + 1.6))
names = [label("area", r, lang) for r in complete["region"]]
values = [float(money(v)) for v in complete["monthly_per_recipient"]]
ax.barh(names, values)
for y, v in enumerate(values):
    ax.text(v, y, f" {v:,.2f}".replace(",", "\u202f"), va="center", fontsize=8)
ax.invert_yaxis()
ax.set_xlabel("Cost per recipient a month, tenge")
ax.set_title(f"{scn.name}: the package priced with each region's {scn.year} tariffs")
incomplete = res.regions[~res.regions["complete"]]["region"].tolist()
note = f" Not shown (a service is not priced there): {', '.join(incomplete)}." if incomplete else ""
fig.text(0.01, 0.005, plots.wrap(caption + note, 150), fontsize=6, va="bottom", color="#555")
fig.tight_layout(rect=(0, 0.1, 1, 1))

# %% [markdown]
# ## The package line by line

# %%
lines = display_money(res.lines)
display(lines[["item", "label", "region", "decree_id", "row", "position_key", "unit", "price_kzt", "frequency",
               "quantity_per_month", "monthly_per_recipient", "status", "note"]])

# %% [markdown]
# ## By category and by position (cost per recipient a month, tenge)

# %%
cat = res.categories.copy()
cat["category"] = cat["category"].map(lambda k: label("category", k, lang))
cat_m = display_money(cat)
wide = cat_m.pivot(index="category", columns="region", values="monthly_per_recipient").reset_index()
display(wide)
fig = plots.barh(wide, "category", list(scn.regions), f"{scn.name}: cost per recipient a month by category",
                 "Cost per recipient a month, tenge", caption=caption,
                 legend=[label("area", r, lang) for r in scn.regions])

# %%
pos = display_money(res.positions)
pos["position"] = pos["position_key"].map(lambda k: label("position", k, lang))
display(pos.pivot(index="position", columns="region", values="monthly_per_recipient").reset_index())

# %% [markdown]
# ## Over the horizon, with the indexation (tenge)

# %%
if res.horizon is not None:
    hz = display_money(res.horizon)
    display(hz[["region", "year", "monthly_per_recipient", "yearly_per_recipient", "yearly_total",
                "cumulative_total", "note"]])
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for region, g in res.horizon.groupby("region", sort=False):
        g = g[g["yearly_total"].map(lambda v: v is not None)]
        ax.plot(g["year"], [float(money(v)) for v in g["yearly_total"]], marker="o", label=label("area", region, lang))
    ax.set_xticks(sorted(res.horizon["year"].unique()))
    ax.set_ylabel(f"Yearly cost for {scn.recipients} recipients, tenge")
    ax.set_title(f"{scn.name}: {scn.indexation_text}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.005, plots.wrap(caption, 150), fontsize=6, va="bottom", color="#555")
    fig.tight_layout(rect=(0, 0.1, 1, 1))

# %% [markdown]
# ## Staff view — INDICATIVE
#
# Minimum staffing norms of stationary organizations (Labour Minister order No. 308 of 11.08.2022, annex 1,
# since repealed) for the scenario's `staff.recipients`, times hours per staff unit a year, times the
# hourly rates the tariffs imply. It is an order of magnitude, not a budget: positions outside the position
# vocabulary, without an implied rate, or with a norm in words are listed without cost.

# %%
if res.staff is not None and not res.staff.empty:
    tot = staff_summary(res.staff)
    display(Markdown(f"**{md(INDICATIVE)}**: {tot['positions_costed']} of {tot['positions']} positions costed, "
                     f"{md(money(tot['staff_units_costed']))} staff units, indicative yearly cost "
                     f"{md(plots.money(money(tot['yearly_cost_indicative_costed'])))} tenge (costed positions only)."))
    display(display_money(res.staff)[["label", "category", "position", "position_key", "bracket", "staff_units",
                                      "hourly_rate", "yearly_cost_indicative", "note"]])
else:
    print("No staff view in this scenario (add a `staff:` block to the scenario file).")
