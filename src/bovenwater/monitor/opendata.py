"""The open-data release: k-anonymous aggregate tables, published without login.

A release takes the national tables per year (no police-unit or form filter) from the
count tables and applies the same suppression as the dashboards with ``k`` as the
threshold: every published number is 0 or at least ``k``, and secondary suppression
keeps totals and differences from revealing a hidden cell. The suppression is decided
on the whole count cube of each year, so the release never shows a number that the
dashboards hide.

In the differential-privacy mode (``OPEN_DATA_PRIVACY=differential_privacy``) every
table of every year is a fixed, public vector of cells (all codes of the reference
data, for a public range of years, so neither which cells nor which years appear
depends on the registrations), OpenDP adds discrete Laplace noise to it
(``monitor/privacy.py`` holds the budget split and accounting), negative noisy counts
become 0 and noisy counts from 1 to k-1 are still shown as "<k". That last step is
post-processing and costs no privacy: it keeps the promise of the monitor that no
published figure is a small number, and small noisy numbers would otherwise read as
exact. Secondary suppression is not applied: it protects exact figures against
subtraction, while noisy figures reveal no cell by subtraction (every cell has its own
noise) and the epsilon bound already covers any combination of them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.lib import csvsafe
from bovenwater.monitor import privacy as dp
from bovenwater.monitor.counts import STATS_BY_NAME, TOTAL, Key
from bovenwater.monitor.models import ALL, UNKNOWN, CountRow, OpenDataRelease
from bovenwater.monitor.selectors import fill_state, value_labels
from bovenwater.monitor.suppression import display, suppressed_cells, threshold

Privacy = OpenDataRelease.Privacy

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


# Statistics where a registration can lack the value (counted as UNKNOWN, see fill.py).
UNKNOWN_POSSIBLE = frozenset({"form", "method", "police_unit", "nationality"})
# The first year of a differentially private release: a public constant, so the years a
# release covers never depend on the registrations. Earlier years can be asked for.
DP_FIRST_YEAR = 2015


def method_dp(epsilon: float, tables: int) -> str:
    return (
        "Aggregated counts of registrations per year, national level, with differential "
        f"privacy: OpenDP's discrete Laplace mechanism adds noise to every cell (pure "
        f"epsilon-DP, epsilon = {epsilon:g} per release, delta = 0, split equally over "
        f"{tables} tables; one registration is the unit of protection). Negative noisy "
        "counts are published as 0 and noisy counts from 1 to k-1 as <k. The figures are "
        "not exact: tables need not add up to the total."
    )


@transaction.atomic
def release_create(
    *,
    k: int | None = None,
    privacy: str | None = None,
    epsilon: float | None = None,
    years: Sequence[int] | None = None,
) -> OpenDataRelease:
    """Publish a release from the count tables (fill them first).

    ``privacy`` and ``epsilon`` default to the settings ``OPEN_DATA_PRIVACY`` and
    ``OPEN_DATA_EPSILON``; ``years`` (differential privacy only) defaults to
    ``DP_FIRST_YEAR`` up to the current year.
    """
    limit = k if k is not None else threshold()
    mode = privacy if privacy is not None else settings.OPEN_DATA_PRIVACY
    if mode == Privacy.DIFFERENTIAL_PRIVACY:
        budget = epsilon if epsilon is not None else settings.OPEN_DATA_EPSILON
        return _release_dp(limit, budget, years)
    if mode != Privacy.K_ANONYMITY:
        raise ValueError(f"Unknown open-data privacy method {mode!r}.")
    if epsilon is not None or years is not None:
        raise ValueError("epsilon and years apply to the differential-privacy mode only.")
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


def value_domain(stat: str) -> list[str]:
    """The public cells of one statistic: every code of its reference data."""
    if stat == TOTAL:
        return [""]
    codes = sorted(v for v in value_labels(stat) if v not in ("", UNKNOWN))
    return [*codes, UNKNOWN] if stat in UNKNOWN_POSSIBLE else codes


def sensitivity(stat: str, domain: Sequence[str]) -> int:
    """How many cells of one year's table one registration can add one to."""
    if STATS_BY_NAME[stat].single_valued:
        return 1
    return max(1, len([v for v in domain if v != UNKNOWN]))


def _release_dp(limit: int, epsilon: float, years: Sequence[int] | None) -> OpenDataRelease:
    release_years = (
        sorted(set(years))
        if years is not None
        else list(range(DP_FIRST_YEAR, timezone.now().year + 1))
    )
    domains = {stat: value_domain(stat) for stat in RELEASE_STATS}
    plans, spent = dp.plan_release(
        [(stat, len(domains[stat]), sensitivity(stat, domains[stat])) for stat in RELEASE_STATS],
        epsilon=epsilon,
    )
    labels = {stat: value_labels(stat) for stat in RELEASE_STATS}
    exact: dict[tuple[str, int, str], int] = {
        (stat, year, value): count
        for stat, year, value, count in CountRow.objects.filter(
            stat__in=RELEASE_STATS, year__in=release_years, police_unit=ALL, form=ALL
        ).values_list("stat", "year", "value", "count")
    }
    tables: dict[str, list[list[Any]]] = {stat: [] for stat in RELEASE_STATS}
    for plan in plans:
        domain = domains[plan.stat]
        for year in release_years:
            true_counts = [exact.get((plan.stat, year, value), 0) for value in domain]
            noisy = dp.non_negative(dp.noisy_counts(true_counts, plan.scale))
            for value, count in zip(domain, noisy, strict=True):
                shown = None if 0 < count < limit else count
                tables[plan.stat].append(
                    [year, value, labels[plan.stat].get(value, value), shown, display(shown, limit)]
                )
    state = fill_state()
    return OpenDataRelease.objects.create(
        k=limit,
        method=method_dp(epsilon, len(plans)),
        privacy=Privacy.DIFFERENTIAL_PRIVACY,
        epsilon=spent,
        delta=0.0,
        library=dp.library(),
        accounting={
            "mechanism": dp.MECHANISM,
            "budget": epsilon,
            "years": release_years,
            "tables": {plan.stat: plan.as_dict() for plan in plans},
        },
        registrations_counted=state.registrations_counted if state else 0,
        tables=tables,
    )


def latest_release() -> OpenDataRelease | None:
    return OpenDataRelease.objects.order_by("-created_at", "-pk").first()


def release_csv(release: OpenDataRelease, stat: str) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow([_("jaar"), _("code"), _("omschrijving"), _("aantal")])
    for year, value, label, _count, shown in release.tables.get(stat, []):
        writer.writerow([year, value, label, shown])
    return out.getvalue()


def stat_title(stat: str) -> str:
    return str(STATS_BY_NAME[stat].label)
