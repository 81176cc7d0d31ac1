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
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_int, as_lang, as_path

year = as_int(year, "year")
dataset, lang = as_path(dataset), as_lang(lang)

# %%
import ipywidgets as w
from IPython.display import clear_output, display

from kztariffs import plots, show, views
from kztariffs.dataset import load_dataset
from kztariffs.i18n import t
from kztariffs.safe import plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
show.title(t("ex.title", lang), lang, t("ex.intro", lang))


def options(column, kind=None):
    keys = sorted(k for k in df[column].dropna().unique())
    return [(t("ex.all", lang), None)] + [(label(kind, k, lang) if kind else str(k), k) for k in keys]


controls = {
    "area": w.Dropdown(options=options("area", "area"), value=area, description=t("col.area", lang)),
    "setting": w.Dropdown(options=options("setting", "setting"), value=setting, description=t("col.setting", lang)),
    "year": w.Dropdown(options=options("year"), value=year, description=t("col.year", lang)),
    "category": w.Dropdown(options=options("category", "category"), value=category, description=t("col.category", lang)),
    "position": w.Dropdown(options=options("position_key", "position"), value=position,
                           description=t("col.position", lang)),
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
        show.md(t("no_data", lang))
        return
    show.figures(plots.dot_pages(views.median_tariffs(sel, lang), "label", "median", None,
                                 t("median_tariff", lang), t("price", lang), lang,
                                 caption=plots.chart_caption(sel, lang)))
    show.table(views.tariffs_view(sel, lang),
               [("area_name", "col.area"), ("decree_number", "col.decree_number"), ("row", "col.row", "int"),
                ("service_no", "col.service_no"), ("category_name", "col.category"), ("position_name", "col.position"),
                ("locality_name", "col.locality"), ("price_kzt", "col.price", "money"), ("service", "col.service")], lang)
    show.sources(sel, lang)


def redraw(change):
    """A control changed: redraw the selection in the output area under the controls."""
    with out:
        clear_output(wait=True)
        render(view(**{k: c.value for k, c in controls.items()}))


for c in controls.values():
    c.observe(redraw, names="value")
show.md(t("ex.controls", lang))
display(w.HBox(list(controls.values())[:3]), w.HBox(list(controls.values())[3:]), out)

# %%
show.heading(t("ex.h_view", lang))
render(view(area=area, setting=setting, year=year, category=category, position=position))
