"""Charts for notebooks and reports (matplotlib): readable labels, tenge units, sources in captions."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from .numbers import to_tiyn
from .vocab import label

plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "font.size": 9, "axes.titlesize": 11,
                     "svg.hashsalt": "kztariffs", "figure.autolayout": False,
                     "text.parse_math": False})  # "$" in a decree text is drawn as written, never math

UNIT_LABEL = {"en": "tenge", "ru": "тенге", "kk": "теңге"}
TEXT = {
    "sources": {"en": "Sources", "ru": "Источники", "kk": "Дереккөздер"},
    "hourly_rate": {"en": "Implied hourly rate, tenge", "ru": "Расчётная часовая ставка, тенге",
                    "kk": "Есептік сағаттық мөлшерлеме, теңге"},
    "price": {"en": "Tariff, tenge", "ru": "Тариф, тенге", "kk": "Тариф, теңге"},
    "no_data": {"en": "No data for these parameters", "ru": "Нет данных для этих параметров",
                "kk": "Осы параметрлер бойынша деректер жоқ"},
    "rates_title": {"en": "Implied hourly rates", "ru": "Расчётные часовые ставки",
                    "kk": "Есептік сағаттық мөлшерлемелер"},
    "median_diff": {"en": "median difference vs {base}, %", "ru": "медианная разница с {base}, %",
                    "kk": "{base} салыстырғандағы медианалық айырма, %"},
    "by_setting": {"en": "implied hourly rate by setting", "ru": "расчётная часовая ставка по формам обслуживания",
                   "kk": "қызмет көрсету нысандары бойынша есептік сағаттық мөлшерлеме"},
    "median_tariff": {"en": "Median tariff by area and position", "ru": "Медианный тариф по территориям и должностям",
                      "kk": "Аумақтар мен лауазымдар бойынша медианалық тариф"},
    "decree": {"en": "decree", "ru": "постановление", "kk": "қаулы"},
}


def t(key: str, lang: str) -> str:
    return TEXT[key].get(lang, TEXT[key]["en"])


def money(v) -> str:
    """``1 896.60`` style for tables (exact, two decimals)."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "—"
    return f"{to_tiyn(v):,.2f}".replace(",", "\u202f")


def sources_caption(df: pd.DataFrame, lang: str = "en") -> str:
    """Decrees behind a table or chart: authority, number, date, file hash prefix."""
    cols = ["authority", "decree_number", "decree_date", "source_file", "source_sha256"]
    d = df[cols].drop_duplicates().sort_values(["decree_date", "decree_number"])
    items = [f"{r.authority} № {r.decree_number} ({r.decree_date}; {r.source_file}, sha256 {r.source_sha256[:12]}…)"
             for r in d.itertuples()]
    return f"{t('sources', lang)}: " + "; ".join(items)


def wrap(text: str, width: int = 45) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def barh(values: pd.DataFrame, label_col: str, value_cols: list[str], title: str, xlabel: str,
         caption: str = "", legend: list[str] | None = None, width: float = 9.0):
    """Horizontal grouped bars; values are Decimals converted for drawing only."""
    n = len(values)
    fig, ax = plt.subplots(figsize=(width, max(2.2, 0.32 * n * max(1, len(value_cols)) ** 0.5 + 1.2)))
    if n == 0:
        ax.text(0.5, 0.5, title, ha="center")
        ax.axis("off")
        return fig
    h = 0.8 / len(value_cols)
    for i, col in enumerate(value_cols):
        xs = [float(v) if v is not None and not pd.isna(v) else 0.0 for v in values[col]]
        ax.barh([y + i * h for y in range(n)], xs, height=h, label=(legend or value_cols)[i])
    ax.set_yticks([y + h * (len(value_cols) - 1) / 2 for y in range(n)])
    ax.set_yticklabels([wrap(v, 50) for v in values[label_col]], fontsize=7 if n > 25 else 8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    if len(value_cols) > 1:
        ax.legend(loc="lower right", fontsize=8)
    if caption:
        fig.text(0.01, 0.005, wrap(caption, 160), fontsize=6, va="bottom", color="#555")
    fig.tight_layout(rect=(0, 0.06 if caption else 0, 1, 1))
    return fig


def area_label(key: str, lang: str) -> str:
    return label("area", key, lang)
