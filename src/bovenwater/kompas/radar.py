"""Radar chart geometry for the self-assessment: pure maths, no Django.

Takes theme labels with two percentages each (basis and verdieping) and returns SVG
coordinates as formatted strings, so templates only place them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Axis:
    x: str
    y: str
    lx: str
    ly: str
    anchor: str
    label: str


@dataclass(frozen=True)
class Radar:
    size: int
    centre: float
    axes: tuple[Axis, ...]
    basis: str
    deep: str
    rings: tuple[str, ...]


RING_FRACTIONS = (0.25, 0.5, 0.75, 1.0)


def _point(centre: float, radius: float, fraction: float, index: int, count: int) -> str:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        f"{centre + radius * fraction * math.cos(angle):.1f},"
        f"{centre + radius * fraction * math.sin(angle):.1f}"
    )


def radar(rows: Sequence[tuple[str, float, float]], size: int = 320) -> Radar:
    """``rows`` are (label, basis %, verdieping %); the first axis points up."""
    if not rows:
        raise ValueError("a radar needs at least one axis")
    centre = size / 2
    radius = size / 2 - 60
    count = len(rows)
    axes = []
    for index, (label, _basis, _deep) in enumerate(rows):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos, sin = math.cos(angle), math.sin(angle)
        axes.append(
            Axis(
                x=f"{centre + radius * cos:.1f}",
                y=f"{centre + radius * sin:.1f}",
                lx=f"{centre + (radius + 14) * cos:.1f}",
                ly=f"{centre + (radius + 14) * sin:.1f}",
                anchor="middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end"),
                label=label,
            )
        )
    basis = " ".join(
        _point(centre, radius, b / 100, i, count) for i, (_l, b, _d) in enumerate(rows)
    )
    deep = " ".join(_point(centre, radius, d / 100, i, count) for i, (_l, _b, d) in enumerate(rows))
    rings = tuple(
        " ".join(_point(centre, radius, fraction, i, count) for i in range(count))
        for fraction in RING_FRACTIONS
    )
    return Radar(size=size, centre=centre, axes=tuple(axes), basis=basis, deep=deep, rings=rings)
