"""Vega-Lite specifications of the dashboard charts, built as plain dicts.

Charts are drawn in the browser by vega-embed; each has a table alternative on the
page and a CSV download. Suppressed cells are left out of the bars (the table shows
them as "<10"); the map draws them as their own class.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from bovenwater.monitor.selectors import Cell, TrendPoint

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
COLOUR = "#01689b"  # Rijksoverheid blue, contrast >= 4.5:1 on white


def bar_chart(cells: list[Cell], *, title: str, limit: int = 15) -> dict[str, Any]:
    values = [
        {"label": c.label, "count": c.count, "display": c.display}
        for c in cells
        if c.count is not None
    ][:limit]
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": {"step": 22},
        "data": {"values": values},
        "mark": {"type": "bar", "color": COLOUR},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": "-x", "title": None},
            "x": {
                "field": "count",
                "type": "quantitative",
                "title": _("Aantal registraties"),
                # whole numbers with the page's digit grouping (charts.js sets the locale)
                "axis": {"format": ",d", "tickMinStep": 1},
            },
            "tooltip": [
                {"field": "label", "title": title},
                {"field": "display", "title": _("Aantal")},
            ],
        },
    }


def trend_chart(points: list[TrendPoint], *, title: str) -> dict[str, Any]:
    values = [
        {"year": str(p.year), "count": p.cell.count, "display": p.cell.display}
        for p in points
        if p.cell.count is not None
    ]
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "color": COLOUR},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("Jaar")},
            "y": {
                "field": "count",
                "type": "quantitative",
                "title": _("Aantal registraties"),
                "axis": {"format": ",d", "tickMinStep": 1},
            },
            "tooltip": [
                {"field": "year", "title": _("Jaar")},
                {"field": "display", "title": _("Aantal")},
            ],
        },
    }


MAP_CLASSES: tuple[tuple[int, str], ...] = (
    (10, "10–24"),
    (25, "25–49"),
    (50, "50–99"),
    (100, "100+"),
)
MAP_COLOURS = ("#f2f2f2", "#b3b3b3", "#cce0f1", "#8fb8de", "#3b87c4", "#01426a")


def map_class(cell: Cell | None) -> str:
    if cell is None or cell.count == 0:
        return "0"
    if cell.count is None:
        return cell.display
    label = MAP_CLASSES[0][1]
    for lower, name in MAP_CLASSES:
        if cell.count >= lower:
            label = name
    return label


def municipality_map(
    cells: dict[str, Cell],
    municipalities: list[tuple[str, str]],
    *,
    title: str,
    topo_url: str,
    hidden: str,
) -> dict[str, Any]:
    values = []
    for code, name in municipalities:
        cell = cells.get(code)
        values.append(
            {
                "code": code,
                "name": name,
                "class": map_class(cell),
                "display": cell.display if cell else "0",
            }
        )
    domain = ["0", hidden, *(name for _lower, name in MAP_CLASSES)]
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 480,
        "data": {
            "url": topo_url,
            "format": {"type": "topojson", "feature": "gemeente_2025"},
        },
        "transform": [
            {
                "lookup": "properties.statcode",
                "from": {
                    "data": {"values": values},
                    "key": "code",
                    "fields": ["name", "class", "display"],
                },
            }
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.3},
        "encoding": {
            "color": {
                "field": "class",
                "type": "ordinal",
                "scale": {"domain": domain, "range": list(MAP_COLOURS)},
                "title": _("Registraties"),
            },
            "tooltip": [
                {"field": "name", "title": _("Gemeente")},
                {"field": "display", "title": _("Aantal")},
            ],
        },
    }
