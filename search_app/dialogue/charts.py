"""Server-side SVG charts of the tables (pygal): no script, no external resource.

Each chart is a separate SVG document served from the section's address;
its numbers are always in the table beside it, so a chart only summarises.
Large tables are cut to the rows a chart can show legibly on a phone.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.style import Style

from search_app.dialogue.datatable import Table

MAX_BARS = 15
MAX_SERIES = 8
MAX_LABEL = 40

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=("#1f5fa8", "#d9731a", "#2f8f4e", "#b03a48", "#6b4fa0", "#8a6d3b", "#3a8fa3", "#777777"),
    font_family="sans-serif",
    label_font_size=16,
    major_label_font_size=16,
    value_font_size=16,
    legend_font_size=16,
    title_font_size=16,
    no_data_font_size=20,
)


def short(label: str) -> str:
    """A label cut to ``MAX_LABEL`` characters (pygal leaves the labels of horizontal bars whole)."""
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _config(**options: object) -> pygal.Config:
    settings: dict[str, object] = {
        "style": STYLE,
        "js": [],  # no script in the SVG: the numbers are in the table anyway
        "no_data_text": "Нет данных",
        "width": 640,
        "height": 400,
        "explicit_size": False,  # the SVG scales to the width of the page (phones)
        "legend_at_bottom": True,
        "truncate_label": MAX_LABEL,
        "truncate_legend": MAX_LABEL,
        "margin": 10,
    }
    settings.update(options)
    return pygal.Config(**settings)


def bar_chart(table: Table, column: int = 0) -> bytes:
    """Horizontal bars of one column, in the table's order (the first ``MAX_BARS`` rows)."""
    chart = pygal.HorizontalBar(_config(show_legend=False, height=max(200, 40 + 32 * min(len(table.rows), MAX_BARS))))
    rows = list(table.rows[:MAX_BARS])[::-1]  # pygal draws the first value at the bottom
    chart.x_labels = [short(row.label) for row in rows]
    if rows:
        chart.add(table.columns[column], [row.values[column] for row in rows])
    return render(chart)


def line_chart(table: Table) -> bytes:
    """One line per row over the columns (periods); x labels thinned when there are many."""
    every = max(1, len(table.columns) // 12)
    chart = pygal.Line(_config(
        x_label_rotation=30 if len(table.columns) > 6 else 0,
        show_minor_x_labels=False,
        x_labels_major_every=every,
        dots_size=2,
    ))
    chart.x_labels = list(table.columns)
    for row in table.rows[:MAX_SERIES]:
        chart.add(short(row.label), list(row.values))
    return render(chart)


def grouped_bar_chart(table: Table, columns: tuple[int, ...]) -> bytes:
    """Bars of several columns side by side for the first ``MAX_BARS`` rows."""
    chart = pygal.Bar(_config(x_label_rotation=40))
    rows = table.rows[:MAX_BARS]
    chart.x_labels = [short(row.label) for row in rows]
    if rows:
        for column in columns:
            chart.add(table.columns[column], [row.values[column] for row in rows])
    return render(chart)


def render(chart: Any) -> bytes:
    """The SVG without pygal's configuration ``<script>`` (tooltips are not needed: the table has the numbers)."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return b"<?xml version='1.0' encoding='utf-8'?>\n" + ElementTree.tostring(tree, encoding="utf-8")
