"""What notebooks display, in the reader's language: page title, headings and prose from the message
catalogs, complete tables, figures with alt text.

- :func:`table` shows **every** row (no pandas truncation, no index column) as a static HTML table:
  headers from the catalogs, money by locale (``i18n.money``), percentages, numbers and dates by
  locale, every cell escaped (``safe.escape_html``). The report's CSS makes long tables scroll with a
  sticky header; the browser's find searches them.
- :func:`figure` embeds a chart as a PNG with its alt text (``fig.kz_alt``, see ``plots``), which the
  report template writes on the ``<img>``.
- :func:`title` displays the page's ``#`` heading and records it (and the language) in the output's
  metadata: ``notebooks.render_html`` makes it the page's ``<title>`` and ``<html lang>``.

Texts put into Markdown here are either catalog texts (trusted) or values passed through
``safe.escape_md`` by the caller.
"""
from __future__ import annotations

import base64
import io

import pandas as pd

from . import i18n
from .safe import escape_html, escape_md

PAGE_META = "kztariffs_page"  # output metadata key: {"title": ..., "lang": ...}
KINDS = ("text", "money", "percent", "int", "number", "date", "code", "hash")


def _display(*objs, **kw):
    from IPython.display import display

    display(*objs, **kw)


def title(text: str, lang: str, intro: str = "") -> None:
    """The page heading (plain text: escaped here) and an optional intro (Markdown: catalog text and
    values the caller escaped)."""
    from IPython.display import Markdown

    body = f"# {escape_md(text)}" + (f"\n\n{intro}" if intro else "")
    _display(Markdown(body), metadata={PAGE_META: {"title": text, "lang": i18n.check_lang(lang)}})


def md(text: str) -> None:
    """Markdown built from catalog texts and escaped values."""
    from IPython.display import Markdown

    _display(Markdown(text))


def details(summary: str, text: str) -> None:
    """Plain ``text`` (escaped here) folded under ``summary``: open it with a click, no script."""
    from IPython.display import HTML

    if text:
        _display(HTML(f"<details class='kz-details'><summary>{escape_html(summary)}</summary>"
                      f"<p>{escape_html(text)}</p></details>"))


def heading(text: str, level: int = 2) -> None:
    """A heading of plain text (escaped here), its first letter capitalised."""
    text = str(text)
    md(f"{'#' * level} {escape_md(text[:1].upper() + text[1:])}")


def plain(value):
    """A numpy scalar as the Python number it holds (Babel and Decimal take those)."""
    return value.item() if hasattr(value, "item") and type(value).__module__ == "numpy" else value


def cell(value, kind: str, lang: str) -> str:
    """One value as shown in a table (``—`` when missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return i18n.MISSING
    value = plain(value)
    if kind == "money":
        return i18n.money(value, lang)
    if kind == "percent":
        return i18n.percent(value, lang)
    if kind == "int":
        return i18n.number(value, lang)
    if kind == "number":
        return i18n.number(value, lang, decimals=2)
    if kind == "date":
        return i18n.date(value, lang)
    text = str(value)
    return text if text.strip() else i18n.MISSING


def table_html(df: pd.DataFrame, columns: list[tuple], lang: str, caption: str = "") -> str:
    """Every row of ``df`` as an HTML table. ``columns``: ``(column, catalog key of the header[, kind])``
    with kind one of :data:`KINDS` (default ``text``; ``code`` an identifier kept on one line, ``hash`` one
    that may wrap). Numbers are right-aligned; everything escaped."""
    specs = []
    for spec in columns:
        col, key, kind = (*spec, "text")[:3]
        if kind not in KINDS:
            raise ValueError(f"unknown column kind {kind!r}")
        specs.append((col, i18n.t(key, lang), kind))
    rows = [[cell(v, kind, lang) for v, (_, _, kind) in zip(row, specs)]
            for row in df[[c for c, _, _ in specs]].itertuples(index=False, name=None)]
    count = i18n.t("show.rows", lang, n=i18n.number(len(df), lang))
    return _markup([h for _, h, _ in specs], [k for _, _, k in specs], rows, count, caption)


def text_table_html(df: pd.DataFrame) -> str:
    """A frame whose headers and cells are already texts in the page's language (the brief's and the
    audit's tables) as the same complete, escaped table; a missing cell shows ``—``."""
    rows = [[i18n.MISSING if v is None else str(v) for v in row] for row in df.itertuples(index=False, name=None)]
    return _markup([str(c) for c in df.columns], ["text"] * len(df.columns), rows)


def _markup(headers: list[str], kinds: list[str], rows: list[list[str]], count: str = "", caption: str = "") -> str:
    head = "".join(f"<th scope='col'{_cls(kind)}>{escape_html(h)}</th>" for h, kind in zip(headers, kinds))
    body = []
    for row in rows:
        tds = []
        for value, kind in zip(row, kinds):
            text = escape_html(value)
            if kind in ("code", "hash") and text != i18n.MISSING:
                text = f"<code>{text}</code>"
            elif kind == "text" and len(text) > 40:
                text = f"<div class='t'>{text}</div>"  # long texts wrap at a readable width
            tds.append(f"<td{_cls(kind)}>{text}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    cap = f"<caption>{escape_html(caption)}</caption>" if caption else ""
    tail = f"<p class='kz-count'>{escape_html(count)}</p>" if count else ""
    return (f"<div class='kz-table' tabindex='0'><table>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>{tail}")


def _cls(kind: str) -> str:
    if kind in ("money", "percent", "int", "number"):
        return " class='num'"
    return " class='hash'" if kind == "hash" else ""


def table(df: pd.DataFrame, columns: list[tuple], lang: str, caption: str = "") -> None:
    """Display :func:`table_html` (complete, localized); an empty frame shows "no rows"."""
    from IPython.display import HTML, Markdown

    if df.empty:
        _display(Markdown(f"_{i18n.t('show.no_rows', lang)}_"))
        return
    _display(HTML(table_html(df, columns, lang, caption)))


def figure(fig, alt: str | None = None, close: bool = True) -> None:
    """The figure as an embedded PNG with alt text (``alt``, ``fig.kz_alt`` or its axes' titles); the
    figure is closed unless ``close`` is False (the brief's PDF needs it afterwards)."""
    import matplotlib.pyplot as plt

    alt = (alt or getattr(fig, "kz_alt", "")
           or " · ".join(ax.get_title().replace("\n", " ") for ax in fig.axes if ax.get_title()))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    if close:
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    _display({"image/png": data, "text/plain": alt}, raw=True, metadata={"image/png": {"alt": alt}})


def figures(figs) -> None:
    for f in figs:
        figure(f)


def sources(df: pd.DataFrame, lang: str) -> None:
    """The decrees behind the page: authority, number, date, setting, year, file and SHA-256, rows used."""
    cols = ["decree_id", "authority", "decree_number", "decree_date", "setting", "year", "source_file",
            "source_sha256"]
    d = df.groupby(cols, dropna=False).size().reset_index(name="rows").sort_values(["decree_date", "decree_number"])
    from .vocab import label

    d["setting"] = d["setting"].map(lambda k: label("setting", k, lang))
    table(d, [("authority", "col.authority"), ("decree_number", "col.decree_number"),
              ("decree_date", "col.decree_date", "date"), ("setting", "col.setting"), ("year", "col.year"),
              ("source_file", "col.source_file", "hash"), ("source_sha256", "col.sha256", "hash"),
              ("rows", "col.rows_used", "int")], lang)
