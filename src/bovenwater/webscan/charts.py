"""The map of a network's municipalities, as a Vega-Lite spec drawn in the browser.

The map uses the monitor's municipal boundaries (served at ``monitor:geo``); the table of
municipalities on the same page is its accessible alternative, so the drawing itself is
hidden from assistive technology.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from bovenwater.monitor.charts import SCHEMA

NOT_MENTIONED = "#e6e6e6"
MENTIONED = ("#9ecae1", "#4292c6", "#154273")


def _band(count: int, most: int) -> int:
    """0, 1 or 2: the colour band of a municipality with ``count`` ads."""
    if most <= 1:
        return 2
    return min(2, (3 * (count - 1)) // most)


def network_map_spec(cities: Sequence[dict[str, Any]], topo_url: str) -> dict[str, Any]:
    """A map of the Netherlands with the municipalities named in the network's ads.

    ``cities`` are the rows of the page's municipality table (``code``, ``name``,
    ``count``); every other municipality is drawn in light grey.
    """
    most = max((int(city["count"]) for city in cities), default=1)
    bands = [
        _("1 advertentie of meer"),
        _("meer advertenties"),
        _("de meeste advertenties"),
    ]
    values = [
        {
            "code": city["code"],
            "name": city["name"],
            "count": int(city["count"]),
            "band": bands[_band(int(city["count"]), most)],
        }
        for city in cities
    ]
    none = _("niet genoemd")
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 420,
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
                    "fields": ["name", "count", "band"],
                },
                "default": None,
            },
            {"calculate": f"datum.band ? datum.band : {none!r}", "as": "band"},
            {"calculate": "datum.count ? datum.count : 0", "as": "count"},
            {"calculate": "datum.name ? datum.name : datum.properties.statnaam", "as": "name"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.3},
        "encoding": {
            "color": {
                "field": "band",
                "type": "ordinal",
                "scale": {"domain": [none, *bands], "range": [NOT_MENTIONED, *MENTIONED]},
                "title": _("Advertenties"),
            },
            "tooltip": [
                {"field": "name", "title": _("Gemeente")},
                {"field": "count", "title": _("Advertenties")},
            ],
        },
    }
