"""Server-side SVG of municipalities from the reference TopoJSON (no JavaScript needed)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import bovenwater.reference

TOPOJSON = (
    Path(bovenwater.reference.__file__).resolve().parent / "data" / "geo" / "gemeente_2025.topojson"
)
Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # lon/lat


@cache
def _shapes() -> dict[str, Shape]:
    topo = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    scale_x, scale_y = topo["transform"]["scale"]
    shift_x, shift_y = topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: Ring = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)

    def ring(indexes: list[int]) -> tuple[tuple[float, float], ...]:
        points: Ring = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
            points.extend(arc if not points else arc[1:])
        return tuple(points)

    shapes: dict[str, Shape] = {}
    for geometry in next(iter(topo["objects"].values()))["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = tuple(ring(r) for polygon in polygons for r in polygon)
        props = geometry["properties"]
        shapes[props["statcode"]] = Shape(
            code=props["statcode"], name=props["statnaam"], rings=rings
        )
    return shapes


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    path: str
    highlighted: bool


def region_map(
    codes: Iterable[str], highlighted: set[str], width: int = 480
) -> tuple[list[MapArea], int, int]:
    """SVG paths for the given municipality codes, fitted into ``width`` pixels."""
    shapes = [s for code in codes if (s := _shapes().get(code)) is not None]
    if not shapes:
        return [], width, 0
    lons = [p[0] for s in shapes for r in s.rings for p in r]
    lats = [p[1] for s in shapes for r in s.rings for p in r]
    factor = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * factor or 1.0
    span_y = (max(lats) - min(lats)) or 1.0
    scale = (width - 8) / span_x
    height = int(span_y * scale) + 8
    areas = []
    for shape in shapes:
        parts = []
        for ring in shape.rings:
            coords = " ".join(
                f"{4 + (lon - min(lons)) * factor * scale:.1f},{4 + (max(lats) - lat) * scale:.1f}"
                for lon, lat in ring
            )
            parts.append(f"M{coords}Z")
        areas.append(
            MapArea(
                code=shape.code,
                name=shape.name,
                path="".join(parts),
                highlighted=shape.code in highlighted,
            )
        )
    return areas, width, height
