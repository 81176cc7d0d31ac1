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
# # Explore the tariffs
#
# Pick an area, a setting, a year, a category and a position: the table and the chart below
# redraw. Open this notebook in JupyterLab (`make lab`) for the controls; run headless, it shows
# the view for its parameters.

# %% tags=["parameters"]
dataset: str = "data/processed/tariffs.parquet"  # relative paths are taken from the project folder
area: str = None  # area key; all areas when None
setting: str = "home"
year: int = 2026
category: str = None  # category key; all when None
position: str = None  # position key; all when None
lang: str = "en"  # kk, ru or en

# %%
import ipywidgets as w
import matplotlib.pyplot as plt
from IPython.display import Markdown, clear_output, display

from kztariffs import plots
from kztariffs.compare import decimal_median
from kztariffs.dataset import load_dataset
from kztariffs.safe import escape_md as md, plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)


def options(column, kind=None):
    keys = sorted(k for k in df[column].dropna().unique())
    return [("(all)", None)] + [(label(kind, k, lang) if kind else str(k), k) for k in keys]


controls = {
    "area": w.Dropdown(options=options("area", "area"), value=area, description="Area"),
    "setting": w.Dropdown(options=options("setting", "setting"), value=setting, description="Setting"),
    "year": w.Dropdown(options=options("year"), value=year, description="Year"),
    "category": w.Dropdown(options=options("category", "category"), value=category, description="Category"),
    "position": w.Dropdown(options=options("position_key", "position"), value=position, description="Position"),
}
out = w.Output()


def view(**chosen):
    sel = df
    for column, value in (("area", chosen["area"]), ("setting", chosen["setting"]), ("year", chosen["year"]),
                          ("category", chosen["category"]), ("position_key", chosen["position"])):
        if value is not None:
            sel = sel[sel[column] == value]
    return sel


def render(sel):
    """Table and chart of a selection (display is plain output: it works headless too)."""
    if sel.empty:
        display(Markdown(md(plots.t("no_data", lang))))
        return
    table = sel.assign(area_name=sel["area"].map(lambda k: label("area", k, lang)),
                       category_name=sel["category"].map(lambda k: label("category", k, lang)),
                       position_name=sel["position_key"].map(lambda k: label("position", k, lang)),
                       price=sel["price_kzt"].map(plots.money))
    display(table[["area_name", "decree_number", "row", "service_no", "category_name", "position_name",
                   "locality", "price", "service_text"]].head(200))
    top = (sel.assign(label_=sel["area"].map(lambda k: label("area", k, lang)) + " · "
                      + sel["position_key"].map(lambda k: label("position", k, lang)))
           .groupby("label_")["price_kzt"].agg(decimal_median).sort_values().reset_index())
    plots.barh(top, "label_", ["price_kzt"], plots.t("median_tariff", lang),
               plots.t("price", lang), caption=plots.sources_caption(sel, lang))
    plt.show()


def redraw(change):
    """A control changed: redraw the selection in the output area under the controls."""
    with out:
        clear_output(wait=True)
        render(view(**{k: c.value for k, c in controls.items()}))


for c in controls.values():
    c.observe(redraw, names="value")
display(Markdown("**Your selection** (open in JupyterLab and pick: the view appears under the controls)"),
        w.HBox(list(controls.values())[:3]), w.HBox(list(controls.values())[3:]), out)

# %% [markdown]
# ## The view for the notebook's parameters

# %%
render(view(area=area, setting=setting, year=year, category=category, position=position))
