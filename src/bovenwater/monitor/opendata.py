"""The open-data release: k-anonymous aggregate tables, published without login.

A release takes the national tables per year (no police-unit or form filter) from the
count tables and applies the same suppression as the dashboards with ``k`` as the
threshold: every published number is 0 or at least ``k``, and secondary suppression
keeps totals and differences from revealing a hidden cell. The suppression is decided
on the whole count cube of each year, so the release never shows a number that the
dashboards hide. A differential-privacy mode (e.g. OpenDP) is not implemented yet.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.monitor.counts import STATS_BY_NAME, Key
from bovenwater.monitor.models import ALL, CountRow, OpenDataRelease
from bovenwater.monitor.selectors import fill_state, value_labels
from bovenwater.monitor.suppression import display, suppressed_cells, threshold

RELEASE_STATS: tuple[str, ...] = (
    "total",
    "form",
    "melder",
    "minor",
    "gender",
    "nationality_group",
    "nationality",
    "method",
    "police_unit",
)
METHOD = (
    "Aggregated counts of registrations per year, national level. Cells from 1 to k-1 "
    "are suppressed (shown as <k), with secondary suppression so that totals and "
    "differences do not reveal a suppressed cell (k-anonymous aggregates)."
)


@transaction.atomic
def release_create(*, k: int | None = None) -> OpenDataRelease:
    limit = k if k is not None else threshold()
    tables: dict[str, list[list[Any]]] = {stat: [] for stat in RELEASE_STATS}
    years = sorted(
        CountRow.objects.filter(stat="total", police_unit=ALL, form=ALL)
        .values_list("year", flat=True)
        .distinct()
    )
    labels = {stat: value_labels(stat) for stat in RELEASE_STATS}
    for year in years:
        counts: dict[Key, int] = {
            (r[0], r[1], r[2], r[3], r[4]): r[5]
            for r in CountRow.objects.filter(year=year).values_list(
                "stat", "year", "police_unit", "form", "value", "count"
            )
        }
        hidden = suppressed_cells(counts, limit)
        for key, count in sorted(counts.items()):
            stat, _year, unit, form, value = key
            if stat not in tables or unit != ALL or form != ALL:
                continue
            shown = None if key in hidden else count
            tables[stat].append(
                [year, value, labels[stat].get(value, value), shown, display(shown, limit)]
            )
    state = fill_state()
    return OpenDataRelease.objects.create(
        k=limit,
        method=METHOD,
        registrations_counted=state.registrations_counted if state else 0,
        tables=tables,
    )


def latest_release() -> OpenDataRelease | None:
    return OpenDataRelease.objects.order_by("-created_at", "-pk").first()


def release_csv(release: OpenDataRelease, stat: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("jaar"), _("code"), _("omschrijving"), _("aantal")])
    for year, value, label, _count, shown in release.tables.get(stat, []):
        writer.writerow([year, value, label, shown])
    return out.getvalue()


def stat_title(stat: str) -> str:
    return str(STATS_BY_NAME[stat].label)
