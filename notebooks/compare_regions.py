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
# parameters as JupyterLab, papermill -p/-y or kztariffs run give them (kztariffs/nbparams.py)
from kztariffs.nbparams import as_int, as_lang, as_list, as_path

year, areas, positions = as_int(year, "year"), as_list(areas, "areas"), as_list(positions, "positions")
dataset, lang = as_path(dataset), as_lang(lang)

# %%
from kztariffs import plots, show, views
from kztariffs.compare import ordered_areas, position_rates
from kztariffs.dataset import load_dataset
from kztariffs.i18n import number, t
from kztariffs.safe import escape_md as md, plain_text_charts
from kztariffs.vocab import label

plain_text_charts()  # texts from decrees are drawn as written ($ is no math)
df = load_dataset(dataset)
sub = df[(df["setting"] == setting) & (df["year"] == int(year))]
if areas is None:
    areas = ordered_areas(df, sub["area"].unique())
sub = sub[sub["area"].isin(areas)]
names = list(views.area_names(areas, lang).values())
where = f"{label('setting', setting, lang)}, {year}"
table = views.compare(df, setting, int(year), areas, positions)
services = views.services_long(table, areas, sub, lang)
caption = plots.chart_caption(sub, lang)
show.title(t("cr.title", lang, where=where), lang, t("cr.intro", lang))
show.md(t("cr.summary", lang, n=number(len(areas), lang), areas=", ".join(map(md, names[:12]))
          + (", …" if len(names) > 12 else ""), reference=md(names[0]), services=number(len(table), lang)))

# %%
show.heading(t("cr.h_rates", lang))
show.md(t("cr.rates_note", lang, reference=md(names[0])))
rates = views.rates_long(position_rates(sub), lang, areas=areas, reference="first")
show.figures(views.rate_charts(rates, t("cr.rates_chart", lang, where=where), lang, caption))
show.table(rates, [("position", "col.position"), ("area", "col.area"), ("locality", "col.locality"),
                   ("hourly_rate", "col.hourly_rate", "money"), ("diff", "col.diff_ref", "money"),
                   ("pct", "col.pct_ref", "percent"), ("rows", "col.rows", "int"),
                   ("rows_fitting", "col.rows_fitting", "int"), ("decree_id", "col.decree_id", "code")], lang)

# %%
show.heading(t("cr.h_median", lang, reference=names[0]))
if len(areas) >= 2 and len(services):
    show.figures(views.difference_charts(services, names[0], t("cr.median_chart", lang, where=where), lang, caption))
    show.table(views.median_differences(services), [("area", "col.area"), ("category", "col.category"),
                                                    ("position", "col.position"), ("median_pct", "col.median_pct", "percent"),
                                                    ("services", "col.services", "int")], lang)
else:
    show.md(t("no_data", lang))

# %%
show.heading(t("cr.h_services", lang))
show.md(t("cr.services_note", lang, reference=md(names[0])))
per_area = [("area", "col.area"), ("row", "col.row", "int"), ("price", "col.price", "money"),
            ("diff", "col.diff_ref", "money"), ("pct", "col.pct_ref", "percent")]
if len(areas) <= plots.MAX_SERIES:  # few areas: each row names its service
    show.table(services, [("category", "col.category"), ("position", "col.position"), ("service", "col.service"),
                          ("ref_row", "col.ref_row", "int"), ("ref_price", "col.ref_price", "money")] + per_area, lang)
else:  # many areas: the services once, then every area's price by service number
    show.table(views.services_summary(services),
               [("no", "col.no", "int"), ("category", "col.category"), ("position", "col.position"),
                ("service", "col.service"), ("ref_row", "col.ref_row", "int"), ("ref_price", "col.ref_price", "money"),
                ("min", "col.min_price", "money"), ("median", "col.median_price", "money"),
                ("max", "col.max_price", "money"), ("areas", "col.areas_priced", "int")], lang)
    show.md(t("cr.services_long", lang))
    show.table(services, [("no", "col.no", "int")] + per_area, lang)

# %%
show.heading(t("sources", lang))
show.sources(sub, lang)
