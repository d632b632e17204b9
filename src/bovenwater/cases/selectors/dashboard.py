"""The coordinator's case list, deadlines and dashboard (pseudonymous; one log row per page)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Model, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import (
    Case,
    CaseCount,
    ReferralKind,
    Task,
)
from bovenwater.cases.selectors.access import cases_visible_to, shared_case_ids, visible_cases
from bovenwater.cases.selectors.referral import waiting_referrals_to
from bovenwater.cases.workflow import OPEN_STATES
from bovenwater.lib.compiled import CompiledQuery, Param

_M = TypeVar("_M", bound=Model)


@dataclass(frozen=True)
class CaseListFilter:
    state: str = ""
    mine: bool = False
    open_only: bool = True


def _in_states(rows: QuerySet[_M], state: str | None, open_only: bool) -> QuerySet[_M]:
    """Cases (or case counts) in the list's states: one state, the open ones, or all."""
    if state is not None:
        return rows.filter(state=state)
    return rows.filter(state__in=sorted(OPEN_STATES)) if open_only else rows


def _narrowed(
    cases: QuerySet[Case], *, state: str | None, open_only: bool, coordinator: int | None
) -> QuerySet[Case]:
    cases = _in_states(cases, state, open_only)
    return cases if coordinator is None else cases.filter(coordinator_id=coordinator)


def _filtered(cases: QuerySet[Case], actor: Actor, filters: CaseListFilter) -> QuerySet[Case]:
    return _narrowed(
        cases,
        state=filters.state or None,
        open_only=filters.open_only,
        coordinator=actor.user.pk if filters.mine else None,
    )


def _ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.order_by(F("reflection_deadline").asc(nulls_last=True), "-opened_at", "-pk")


def _case_list_query(actor: Actor, filters: CaseListFilter) -> QuerySet[Case]:
    return _ordered(_filtered(cases_visible_to(actor), actor, filters))


_LIST_QUERIES: dict[tuple[str, bool, bool, bool], CompiledQuery] = {}


def _list_query(
    kind: str, actor: Actor, filters: CaseListFilter
) -> tuple[CompiledQuery, dict[str, Param]]:
    """The compiled query of one kind ("count", "rows") for the filter's shape, and its
    parameters. Shapes: a single state or not, open only or not, only mine or not."""
    one_state, mine = bool(filters.state), filters.mine
    key = (kind, one_state, filters.open_only, mine)
    query = _LIST_QUERIES.get(key)
    if query is None:
        params: dict[str, type] = {"organisation": int}
        if one_state:
            params["state"] = str
        if mine:
            params["coordinator"] = int
        open_only = filters.open_only

        def build(
            organisation: int, state: str | None = None, coordinator: int | None = None
        ) -> QuerySet[Any, Any]:
            if kind == "count" and not mine:
                counts = _in_states(
                    CaseCount.objects.filter(owner_id=organisation), state, open_only
                )
                # Grouped by the one owner: a single row, or none without cases.
                return counts.values("owner").annotate(n=Sum("count")).values_list("n")
            cases = _narrowed(
                Case.objects.filter(owner_id=organisation),
                state=state,
                open_only=open_only,
                coordinator=coordinator,
            )
            if kind == "count":
                return cases.values("owner").annotate(n=Count("pk")).values_list("n")
            return _ordered(cases).values_list(*CASE_ROW_FIELDS)[:CASES_PER_PAGE]

        query = _LIST_QUERIES[key] = CompiledQuery(
            f"cases.list.{'.'.join(map(str, key))}", build, params
        )
    values: dict[str, Param] = {"organisation": actor.organisation_id}
    if one_state:
        values["state"] = filters.state
    if mine:
        values["coordinator"] = actor.user.pk
    return query, values


def _case_list_count(actor: Actor, filters: CaseListFilter, shared: list[int]) -> int:
    """How many cases the list holds: the organisation's own from the count table
    (``CaseCount``, kept by the services), plus the shared ones counted directly.

    "Only mine" counts the coordinator's cases directly (an index lookup on the
    coordinator); the count table is per organisation and state.
    """
    query, values = _list_query("count", actor, filters)
    owned = sum(int(n or 0) for (n,) in query.rows(**values))
    if not shared:
        return owned
    others = Case.objects.filter(pk__in=shared).exclude(owner_id=actor.organisation_id)
    return owned + _filtered(others, actor, filters).count()


def _log_case_list(
    actor: Actor, filters: CaseListFilter, purpose: Purpose, **extra: object
) -> None:
    """A list read is logged as its query (who, which organisation, which filter).

    The list shows pseudonymous case numbers, states and deadlines only; opening a
    case is logged per data subject by ``case_get_for_actor``.
    """
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.case",
        object_id=f"list:organisation:{actor.organisation_id}",
        purpose=purpose,
        details={"list": "cases", "state": filters.state, "mine": filters.mine, **extra},
    )


def case_list_for_actor(
    *, actor: Actor, filters: CaseListFilter, purpose: Purpose = Purpose.CARE_COORDINATION
) -> QuerySet[Case]:
    """The coordinator's list: pseudonymous numbers, states and deadlines (logged)."""
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    cases = _case_list_query(actor, filters).select_related("owner", "coordinator")
    _log_case_list(actor, filters, purpose)
    return cases


@dataclass(frozen=True)
class Deadline:
    case_pk: int
    case_number: str
    kind: str
    label: str
    due_on: datetime.date
    overdue: bool
    due_soon: bool


DEADLINES_SHOWN = 25


_DEADLINE_QUERIES: dict[tuple[str, int], CompiledQuery] = {}


def _deadline_query(kind: str, limit: int) -> CompiledQuery:
    """The first ``limit`` B8 reflection deadlines, or open tasks, of an organisation's
    open cases, as plain tuples (case id, number, date[, title])."""
    query = _DEADLINE_QUERIES.get((kind, limit))
    if query is not None:
        return query

    def build(organisation: int) -> QuerySet[Any, Any]:
        open_states = sorted(OPEN_STATES)
        if kind == "b8":
            return (
                Case.objects.filter(
                    owner_id=organisation, state__in=open_states, reflection_deadline__isnull=False
                )
                .order_by("reflection_deadline", "pk")
                .values_list("pk", "number", "reflection_deadline")[:limit]
            )
        return (
            Task.objects.filter(
                case__owner_id=organisation, case__state__in=open_states, done_at__isnull=True
            )
            .order_by("deadline", "pk")
            .values_list("case_id", "case__number", "deadline", "title")[:limit]
        )

    query = CompiledQuery(f"cases.deadlines.{kind}.{limit}", build, {"organisation": int})
    _DEADLINE_QUERIES[(kind, limit)] = query
    return query


def _deadlines(actor: Actor, today: datetime.date | None, limit: int) -> list[Deadline]:
    if not actor.has(Permission.MANAGE_CASES):
        return []
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=14)
    b8_label = _("Einde bedenktijd (B8)")
    b8 = _deadline_query("b8", limit).rows(organisation=actor.organisation_id)
    tasks = _deadline_query("task", limit).rows(organisation=actor.organisation_id)
    found: list[tuple[str, int, str, datetime.date, str]] = [
        ("b8", pk, number, due_on, b8_label)
        for pk, number, due_on in b8
        if due_on is not None  # always: filtered above
    ]
    found += [("task", pk, number, due_on, title) for pk, number, due_on, title in tasks]
    found.sort(key=lambda item: (item[3], item[2]))
    return [
        Deadline(
            case_pk=pk,
            case_number=number,
            kind=kind,
            label=label,
            due_on=due_on,
            overdue=due_on <= today,
            due_soon=due_on <= soon,
        )
        for kind, pk, number, due_on, label in found[:limit]
    ]


def deadlines_for_actor(
    *, actor: Actor, today: datetime.date | None = None, limit: int = DEADLINES_SHOWN
) -> list[Deadline]:
    """The first ``limit`` B8 reflection deadlines and open tasks of the actor's own
    cases, earliest (so overdue) first."""
    out = _deadlines(actor, today, limit)
    if out:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.case",
            object_id=f"deadlines:organisation:{actor.organisation_id}",
            purpose=Purpose.CARE_COORDINATION,
            details={"list": "deadlines", "count": len(out)},
        )
    return out


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list: the columns it shows, nothing more."""

    pk: int
    number: str
    state: str
    owner_name: str
    coordinator_first_name: str | None
    coordinator_last_name: str | None
    coordinator_username: str | None
    reflection_deadline: datetime.date | None
    opened_at: datetime.datetime


CASE_ROW_FIELDS = tuple(
    {
        "pk": "pk",
        "number": "number",
        "state": "state",
        "owner_name": "owner__name",
        "coordinator_first_name": "coordinator__first_name",
        "coordinator_last_name": "coordinator__last_name",
        "coordinator_username": "coordinator__username",
        "reflection_deadline": "reflection_deadline",
        "opened_at": "opened_at",
    }.values()
)


CASES_PER_PAGE = 50


class _CountedPaginator(Paginator[Case]):
    """A paginator told its total instead of counting the query."""

    def __init__(self, object_list: QuerySet[Case], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


_INCOMING = CompiledQuery(
    "cases.incoming_referrals",
    lambda organisation: waiting_referrals_to(organisation).values_list(
        "pk", "case__number", "kind", "from_organisation__name"
    )[:50],
    {"organisation": int},
)


@dataclass(frozen=True)
class IncomingReferral:
    """A referral waiting for the organisation's answer, as the dashboard lists it."""

    pk: int
    case_number: str
    kind_label: str
    from_name: str


@dataclass(frozen=True)
class CaseDashboard:
    page: Page[Case]  # page number and counts; its rows are ``rows``
    rows: list[CaseRow]
    deadlines: list[Deadline]
    incoming: list[IncomingReferral]


def case_dashboard_for_actor(
    *,
    actor: Actor,
    filters: CaseListFilter,
    page_number: str | int | None = None,
    today: datetime.date | None = None,
    purpose: Purpose = Purpose.CARE_COORDINATION,
) -> CaseDashboard:
    """The coordinator's dashboard: one page of the case list, the first deadlines of
    the organisation's own cases and the referrals waiting for an answer.

    One processing-log entry for the page view: the list query (organisation,
    filters, page number) and how many deadlines were shown. Only the columns the
    list shows are read.
    """
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    shared = shared_case_ids(actor)
    cases = _ordered(_filtered(visible_cases(actor, shared), actor, filters))
    paginator = _CountedPaginator(
        cases, CASES_PER_PAGE, count=_case_list_count(actor, filters, shared)
    )
    page = paginator.get_page(page_number)
    if page.number == 1 and not shared:  # the usual view: compiled once
        query, values = _list_query("rows", actor, filters)
        rows = [CaseRow(*row) for row in query.rows(**values)]
    else:
        sliced = page.object_list
        assert isinstance(sliced, QuerySet)
        rows = [CaseRow(*row) for row in sliced.values_list(*CASE_ROW_FIELDS)]
    deadlines = _deadlines(actor, today, DEADLINES_SHOWN)
    kinds = dict(ReferralKind.choices)
    incoming = [
        IncomingReferral(
            pk=pk, case_number=number, kind_label=str(kinds.get(kind, kind)), from_name=name
        )
        for pk, number, kind, name in _INCOMING.rows(organisation=actor.organisation_id)
    ]
    _log_case_list(actor, filters, purpose, page=page.number, deadlines=len(deadlines))
    return CaseDashboard(page=page, rows=rows, deadlines=deadlines, incoming=incoming)
