"""Charts of the policy brief (and of the audit report): bounded height whatever the number of areas.

- :func:`rate_charts`: implied hourly rate by position, one dot per area (each area its own marker up
  to ``SMALL`` areas; beyond, grey dots and the median), ``RATE_CHART_ROWS`` positions a chart.
- :func:`diff_charts`: each area's median % difference from the first area, ``DIFF_CHART_ROWS`` areas a
  chart, every part on the same scale.

Texts in the brief's language (``messages/brief.yaml``), tick labels by ``i18n`` (never scientific
notation), captions and tick labels at ``CHART_FONT`` points; texts from decrees drawn as written
(``safe.escape_mathtext``)."""
from __future__ import annotations

import textwrap
from decimal import Decimal

import pandas as pd

from . import i18n
from .compare import decimal_median
from .i18n import t
from .safe import escape_mathtext
from .vocab import label

SMALL = 6  # up to this many areas each has its own marker and legend entry
RATE_CHART_ROWS = 16  # positions per chart of hourly rates
DIFF_CHART_ROWS = 40  # areas per chart of differences
CHART_FONT = 8  # points: tick labels, legends and captions (titles 10)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _number_axis(ax, lang: str, decimals: int = 0) -> None:
    """Tick labels in the brief's language, never in scientific notation."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if decimals == 0:  # ticks where the labels can show them (no "-2, -2" from ticks at -2.5 and -2)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _: i18n.number(Decimal(f"{x:.{decimals}f}"), lang, decimals)))


def _figure(rows: int, per_row: float, caption: str, title: str, legend: bool = False):
    import matplotlib.pyplot as plt

    lines = caption.count("\n") + 1 if caption else 0
    bottom = 0.12 + 0.16 * lines  # inches for the caption (tight_layout places the axis labels above it)
    height = per_row * rows + bottom + 1.3 + 0.17 * (len(title) > 85)
    fig, ax = plt.subplots(figsize=(8, height))
    ax.set_title(escape_mathtext(_wrap(title, 85)), fontsize=10, pad=22 if legend else 6)
    ax.tick_params(labelsize=CHART_FONT)
    ax.grid(axis="x", alpha=0.3)
    if caption:
        fig.text(0.01, 0.01, escape_mathtext(caption), fontsize=CHART_FONT, va="bottom", color="#444")
    return fig, ax, bottom / height


def _parts(items: list, size: int) -> list[list]:
    n = max(1, -(-len(items) // size))
    step = -(-len(items) // n)  # parts of equal size
    return [items[i:i + step] for i in range(0, len(items), step)] or [[]]


def _part_title(title: str, i: int, parts: int, lang: str) -> str:
    return title if parts == 1 else f"{title} ({t('brief_chart_part', lang, part=i + 1, parts=parts)})"


def rate_charts(rates: pd.DataFrame, areas: list[str], names: dict, title: str, caption: str, lang: str) -> list:
    """Implied hourly rate by position: a dot per area (each area its marker up to ``SMALL`` areas; beyond,
    grey dots and the median), ``RATE_CHART_ROWS`` positions a chart."""
    import statistics

    if rates.empty:
        return []
    caption = _wrap(caption, 120)
    med = {p: float(decimal_median(g["hourly_rate"])) for p, g in rates.groupby("position_key")}
    positions = sorted(med, key=lambda p: (-med[p], p))
    lo, hi = min(float(v) for v in rates["hourly_rate"]), max(float(v) for v in rates["hourly_rate"])
    parts = _parts(positions, RATE_CHART_ROWS)
    few = len(areas) <= SMALL
    figs = []
    for i, part in enumerate(parts):
        fig, ax, bottom = _figure(max(len(part), 3), 0.42 if few else 0.34, caption,
                                  _part_title(title, i, len(parts), lang), legend=True)
        y = {p: k for k, p in enumerate(part)}
        sel = rates[rates["position_key"].isin(part)]
        if few:
            markers = "osD^v<>"
            for j, a in enumerate(a for a in areas if a in set(sel["area"])):
                g = sel[sel["area"] == a]
                off = (j - (len(areas) - 1) / 2) * 0.12
                ax.scatter([float(v) for v in g["hourly_rate"]], [y[p] + off for p in g["position_key"]], s=30,
                           marker=markers[j % len(markers)], label=escape_mathtext(names[a]), zorder=3)
        else:
            ax.scatter([float(v) for v in sel["hourly_rate"]], [y[p] for p in sel["position_key"]], s=16,
                       color="#4c72b0", alpha=0.35, label=t("brief_legend_area", lang), zorder=2)
            ax.scatter([med[p] for p in part], list(range(len(part))), marker="|", s=260, linewidths=2,
                       color="black", label=t("brief_legend_median", lang), zorder=3)
        ax.set_yticks(range(len(part)))
        ax.set_yticklabels([escape_mathtext(_wrap(label("position", p, lang), 38)) for p in part], fontsize=CHART_FONT)
        ax.set_ylim(len(part) - 0.5, -0.5)
        pad = (hi - lo) * 0.05 or statistics.mean([lo, hi]) * 0.05 or 1
        ax.set_xlim(lo - pad, hi + pad)
        _number_axis(ax, lang)
        ax.set_xlabel(t("brief_axis_rate", lang), fontsize=CHART_FONT + 1)
        ax.legend(fontsize=CHART_FONT, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(4, len(areas)) if few
                  else 2, frameon=False, handletextpad=0.3, columnspacing=1.2)
        fig.tight_layout(rect=(0, bottom, 1, 1))
        figs.append(fig)
    return figs


def diff_charts(diffs: pd.DataFrame, names: dict, title: str, caption: str, lang: str) -> list:
    """Each area's median % difference from the first area, largest first, ``DIFF_CHART_ROWS`` areas a
    chart, all on one scale."""
    d = diffs[diffs["median"].notna()]
    d = d.assign(f=d["median"].map(float)).sort_values(["f", "area"], ascending=[False, True])
    if d.empty:
        return []
    caption = _wrap(caption, 120)
    lo, hi = min(0.0, d["f"].min()), max(0.0, d["f"].max())
    pad = (hi - lo) * 0.08 or 1
    parts = _parts(list(d.itertuples()), DIFF_CHART_ROWS)
    figs = []
    for i, part in enumerate(parts):
        fig, ax, bottom = _figure(len(part), 0.2, caption, _part_title(title, i, len(parts), lang))
        vals = [r.f for r in part]
        ax.barh(range(len(part)), vals, height=0.7, color=["#c44e52" if v > 0 else "#4c72b0" for v in vals])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(part)))
        ax.set_yticklabels([escape_mathtext(_wrap(names.get(r.area, r.area), 40)) for r in part], fontsize=CHART_FONT)
        ax.set_ylim(len(part) - 0.5, -0.5)
        ax.set_xlim(lo - pad, hi + pad)
        _number_axis(ax, lang, decimals=0)
        ax.set_xlabel(t("brief_axis_pct", lang), fontsize=CHART_FONT + 1)
        fig.tight_layout(rect=(0, bottom, 1, 1))
        figs.append(fig)
    return figs
