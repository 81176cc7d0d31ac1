"""Charts for notebooks and reports (matplotlib): readable labels, tenge and percent axes formatted by
locale (Babel, never scientific notation), sources in captions (8 pt), alt text on every figure.

Rates and prices are compared with **dot charts** (:func:`dots`, :func:`dot_pages`): each row a
position or an area, a dot per series, a grey line from the lowest to the highest dot, and the
values written next to the dots; the value axis starts near the data (not at 0), so a 3 % gap shows,
and a dashed reference line marks the reference (the first area, the median, or 0 for differences).
More rows than fit in a readable figure are split into pages of ``MAX_ROWS``.

Every chart function returns a figure with its alt text in ``fig.kz_alt``; ``show.figure`` puts it
on the ``<img>`` of the report. Texts come from the message catalogs (``messages/plots.yaml``).
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import Formatter, MaxNLocator

from . import i18n
from .vocab import label

plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "font.size": 9, "axes.titlesize": 11,
                     "svg.hashsalt": "kztariffs", "figure.autolayout": False,
                     "axes.formatter.useoffset": False,  # never "+1e7" above an axis
                     "text.parse_math": False})  # "$" in a decree text is drawn as written, never math

CAPTION_PT = 8  # source captions: readable on screen and in print
MAX_ROWS = 40  # rows of one dot chart; more go to the next page
MAX_SERIES = 6  # series told apart by colour and marker; more are drawn as rows instead
MAX_CAPTION_DECREES = 4  # a chart caption lists up to this many decrees, else refers to the sources table
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf")
MARKERS = ("o", "s", "D", "^", "v", "P")


def t(key: str, lang: str, **values) -> str:
    """A message of the catalogs (``kztariffs/messages/*.yaml``) in ``lang``."""
    return i18n.t(key, lang, **values)


def money(v, lang: str = "en") -> str:
    """Tenge to the tiyn, by locale (``1 896,60`` in kk and ru, ``1,896.60`` in en); ``—`` when missing."""
    return i18n.money(v, lang)


def area_label(key: str, lang: str) -> str:
    return label("area", key, lang)


def wrap(text: str, width: int = 45) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


# ------------------------------------------------------------------------------------------ captions

def _decrees(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["authority", "decree_number", "decree_date", "source_file", "source_sha256"]
    return df[cols].drop_duplicates().sort_values(["decree_date", "decree_number"])


def sources_caption(df: pd.DataFrame, lang: str = "en") -> str:
    """Decrees behind a table or chart: authority, number, date (by locale), file, hash prefix."""
    items = [f"{r.authority} № {r.decree_number} ({i18n.date(r.decree_date, lang)}; {r.source_file}, "
             f"SHA-256 {str(r.source_sha256)[:12]}…)" for r in _decrees(df).itertuples()]
    return f"{t('sources', lang)}: " + "; ".join(items)


def chart_caption(df: pd.DataFrame, lang: str = "en") -> str:
    """A chart's source line: the decrees themselves when few, else how many (the page lists them)."""
    n = len(_decrees(df))
    if n <= MAX_CAPTION_DECREES:
        return sources_caption(df, lang)
    return t("plot.sources_many", lang, n=i18n.number(n, lang))


def _caption(fig, caption: str) -> float:
    """Draw ``caption`` at the foot of ``fig``; returns the share of the height it takes."""
    if not caption:
        return 0.0
    text = wrap(caption, int(fig.get_figwidth() * 15))
    lines = text.count("\n") + 1
    fig.text(0.01, 0.005, text, fontsize=CAPTION_PT, va="bottom", color="#444")
    return min(0.4, (lines * CAPTION_PT * 1.35 + 6) / 72 / fig.get_figheight())


# -------------------------------------------------------------------------------------- axis formats

class LocaleFormatter(Formatter):
    """Tick labels by locale with Babel: ``1 000``, ``947,5``, ``−3 %``; as few decimals as the ticks
    need, never scientific notation or an offset."""

    def __init__(self, lang: str, kind: str = "number"):
        self.lang, self.kind, self.decimals = lang, kind, 0

    def set_locs(self, locs):
        super().set_locs(locs)
        self.decimals = 0
        for d in (0, 1, 2):
            self.decimals = d
            if all(abs(round(v, d) - v) < 1e-9 for v in locs):
                break

    def __call__(self, x, pos=None):
        v = round(float(x), self.decimals)
        if self.kind == "percent":
            return i18n.percent(v, self.lang, decimals=self.decimals, signed=v != 0)
        return i18n.number(v, self.lang, decimals=self.decimals)


def format_axis(ax, lang: str, kind: str = "number", axis: str = "x") -> None:
    """Locale tick labels on ``axis`` (``number``/``money`` or ``percent``)."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    target.set_major_formatter(LocaleFormatter(lang, "percent" if kind == "percent" else "number"))


def value_text(v, lang: str, kind: str) -> str:
    v = v.item() if hasattr(v, "item") and type(v).__module__ == "numpy" else v
    if kind == "percent":
        return i18n.percent(v, lang)
    if kind == "money":
        return i18n.money(v, lang)
    return i18n.number(v, lang, decimals=2 if float(v) % 1 else 0)


# ---------------------------------------------------------------------------------------- dot charts

def _num(v) -> float | None:
    if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)):
        return None
    return float(v)


def dots(data: pd.DataFrame, y: str, x: str, series: str | None, title: str, xlabel: str, lang: str,
         caption: str = "", kind: str = "money", reference: float | None = None, reference_label: str = "",
         width: float = 9.0):
    """A dot chart: one row per distinct ``y`` (in the order of ``data``), a dot per ``series`` value
    (up to :data:`MAX_SERIES`), a grey line from the lowest to the highest dot of the row, the values
    written at both ends; the axis spans the data (not from 0), ``reference`` a dashed line."""
    rows = list(dict.fromkeys(data[y]))
    names = list(dict.fromkeys(data[series])) if series else [None]
    height = max(2.4, 0.3 * len(rows) + 1.6) + (0.25 * (len(names) > 1))
    fig, ax = plt.subplots(figsize=(width, height))
    values = [v for v in map(_num, data[x]) if v is not None]
    if not rows or not values:
        ax.text(0.5, 0.5, t("no_data", lang), ha="center", va="center")
        ax.axis("off")
        fig.kz_alt = f"{title}. {t('no_data', lang)}"
        return fig
    pos = {r: i for i, r in enumerate(rows)}
    for r, g in data.groupby(y, sort=False):
        vs = [v for v in map(_num, g[x]) if v is not None]
        if len(vs) > 1:
            ax.plot([min(vs), max(vs)], [pos[r]] * 2, color="#bbb", lw=2.5, zorder=1, solid_capstyle="round")
    for i, name in enumerate(names):
        g = data if name is None else data[data[series] == name]
        pts = [(pos[r], _num(v)) for r, v in zip(g[y], g[x]) if _num(v) is not None]
        ax.scatter([p[1] for p in pts], [p[0] for p in pts], s=36, zorder=3, color=COLORS[i % len(COLORS)],
                   marker=MARKERS[i % len(MARKERS)], label=name)
    lo, hi = min(values), max(values)
    if reference is not None:
        lo, hi = min(lo, reference), max(hi, reference)
    span = (hi - lo) or abs(hi) * 0.1 or 1.0
    ax.set_xlim(lo - span * 0.22, hi + span * 0.22)
    for r, g in data.groupby(y, sort=False):  # the row's extremes written beside its dots
        vs = sorted((v, raw) for v, raw in ((_num(raw), raw) for raw in g[x]) if v is not None)
        if not vs:
            continue
        ax.annotate(value_text(vs[0][1], lang, kind), (vs[0][0], pos[r]), xytext=(-7, 0),
                    textcoords="offset points", ha="right", va="center", fontsize=7.5, color="#333")
        if len(vs) > 1 and vs[-1][0] != vs[0][0]:
            ax.annotate(value_text(vs[-1][1], lang, kind), (vs[-1][0], pos[r]), xytext=(7, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=7.5, color="#333")
    if reference is not None:
        ax.axvline(reference, color="#555", ls="--", lw=1, zorder=2)
        if reference_label:
            left, right = ax.get_xlim()
            near_right = (reference - left) > 0.6 * (right - left)  # the label goes where there is room
            ax.annotate(reference_label, (reference, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-3 if near_right else 3, -2), textcoords="offset points", fontsize=7.5,
                        color="#555", va="top", ha="right" if near_right else "left")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([wrap(r, 48) for r in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5 - (0.6 if reference_label else 0))
    format_axis(ax, lang, kind)
    ax.set_xlabel(xlabel)
    ncol = min(len(names), 3)
    legend_rows = -(-len(names) // ncol) if len(names) > 1 else 0
    ax.set_title(wrap(title, 75), pad=6 + 14 * legend_rows)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if legend_rows:  # between the title and the plot, never over the axis label
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, fontsize=8, frameon=False,
                  borderaxespad=0.2, handletextpad=0.3, columnspacing=1.5)
    fig.tight_layout(rect=(0, _caption(fig, caption), 1, 1))
    fig.kz_alt = _alt(title, data, y, x, series, lang, kind)
    return fig


def _alt(title: str, data: pd.DataFrame, y: str, x: str, series: str | None, lang: str, kind: str) -> str:
    vals = [(v, r) for v, r in zip(map(_num, data[x]), data.itertuples()) if v is not None]
    if not vals:
        return f"{title}. {t('no_data', lang)}"
    (_, rlo), (_, rhi) = min(vals, key=lambda p: p[0]), max(vals, key=lambda p: p[0])

    def who(r):
        return " · ".join(str(getattr(r, c)) for c in (y, series) if c)

    return t("plot.alt_dots", lang, title=title, rows=i18n.number(data[y].nunique(), lang),
             low=value_text(data[x][rlo.Index], lang, kind), low_who=who(rlo),
             high=value_text(data[x][rhi.Index], lang, kind), high_who=who(rhi))


def pages(data: pd.DataFrame, y: str, max_rows: int = MAX_ROWS) -> list[pd.DataFrame]:
    """``data`` split into parts of at most ``max_rows`` distinct ``y`` values (order kept)."""
    rows = list(dict.fromkeys(data[y]))
    if len(rows) <= max_rows:
        return [data]
    n = -(-len(rows) // max_rows)
    size = -(-len(rows) // n)  # pages of about equal size
    return [data[data[y].isin(rows[i:i + size])] for i in range(0, len(rows), size)]


def dot_pages(data: pd.DataFrame, y: str, x: str, series: str | None, title: str, xlabel: str, lang: str,
              max_rows: int = MAX_ROWS, **kw) -> list:
    """:func:`dots` split into figures of at most ``max_rows`` rows, titled "(page 1 of 3)"; every
    page has the same value axis, so dots can be compared across pages."""
    parts = pages(data, y, max_rows)
    vals = [v for v in map(_num, data[x]) if v is not None]
    figs = []
    for i, part in enumerate(parts, 1):
        sub = title if len(parts) == 1 else f"{title} ({t('plot.page', lang, page=i, pages=len(parts))})"
        fig = dots(part, y, x, series, sub, xlabel, lang, **kw)
        if len(parts) > 1 and vals:
            every = vals + ([kw["reference"]] if kw.get("reference") is not None else [])
            lo, hi = min(every), max(every)
            span = (hi - lo) or 1.0
            fig.axes[0].set_xlim(lo - span * 0.22, hi + span * 0.22)
        figs.append(fig)
    return figs


def line_chart(data: pd.DataFrame, x: str, y: str, series: str, title: str, ylabel: str, lang: str,
               caption: str = "", kind: str = "money"):
    """Lines over ``x`` (years) per ``series``; values by locale on the axis and at the last point."""
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    for i, (name, g) in enumerate(data.groupby(series, sort=False)):
        pts = [(int(a), _num(b), b) for a, b in zip(g[x], g[y]) if _num(b) is not None]
        if not pts:
            continue
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=MARKERS[i % len(MARKERS)],
                color=COLORS[i % len(COLORS)], label=name)
        ax.annotate(value_text(pts[-1][2], lang, kind), (pts[-1][0], pts[-1][1]), xytext=(6, 0),
                    textcoords="offset points", fontsize=7.5, va="center")
    years = sorted({int(v) for v in data[x]})
    ax.set_xticks(years)
    ax.set_xticklabels([str(v) for v in years])
    if years:
        ax.set_xlim(years[0] - 0.3, years[-1] + 0.9)
    format_axis(ax, lang, kind, axis="y")
    ax.set_ylabel(wrap(ylabel, 36))  # a long label stays inside the figure
    ax.set_title(wrap(title, 75))
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False, loc="best")
    fig.tight_layout(rect=(0, _caption(fig, caption), 1, 1))
    vals = [v for v in map(_num, data[y]) if v is not None]
    fig.kz_alt = t("plot.alt_lines", lang, title=title, first=years[0] if years else "", last=years[-1] if years else "",
                   low=value_text(min(vals), lang, kind) if vals else "—",
                   high=value_text(max(vals), lang, kind) if vals else "—")
    return fig


def barh(values: pd.DataFrame, label_col: str, value_cols: list[str], title: str, xlabel: str,
         caption: str = "", legend: list[str] | None = None, width: float = 9.0, lang: str = "en"):
    """Horizontal grouped bars (for amounts that are read from 0); values are Decimals converted for
    drawing only. Prefer :func:`dots` to compare rates."""
    n = len(values)
    fig, ax = plt.subplots(figsize=(width, max(2.2, 0.32 * n * max(1, len(value_cols)) ** 0.5 + 1.2)))
    fig.kz_alt = title
    if n == 0:
        ax.text(0.5, 0.5, title, ha="center")
        ax.axis("off")
        return fig
    h = 0.8 / len(value_cols)
    for i, col in enumerate(value_cols):
        xs = [_num(v) or 0.0 for v in values[col]]
        ax.barh([y + i * h for y in range(n)], xs, height=h, label=(legend or value_cols)[i], color=COLORS[i % 6])
    ax.set_yticks([y + h * (len(value_cols) - 1) / 2 for y in range(n)])
    ax.set_yticklabels([wrap(v, 50) for v in values[label_col]], fontsize=7 if n > 25 else 8)
    ax.invert_yaxis()
    format_axis(ax, lang)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    if len(value_cols) > 1:
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout(rect=(0, _caption(fig, caption), 1, 1))
    return fig
