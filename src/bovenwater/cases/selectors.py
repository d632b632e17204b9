"""Access-checked reads of cases: need-to-know, one condition per line.

A case is visible to

- members of its owning organisation whose role may view cases (all parts);
- members of an organisation with an *accepted* referral whose consent still stands
  (or that rests on a recorded legal basis), limited to the parts agreed in it;
- a user who broke the glass with a written reason (all parts, for a limited time,
  flagged to the privacy officer).

Anything else answers 404 (``Http404``), and the refusal is logged. Every read of
personal data writes the processing log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import (
    AdministrativeMeasure,
    Case,
    CaseCount,
    CaseEvent,
    CaseMeeting,
    Consent,
    EmergencyAccess,
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
    SharedPart,
    Shelter,
    ShelterCapacity,
    Task,
    VictimProfile,
)
from bovenwater.cases.workflow import OPEN_STATES
from bovenwater.core.compiled import CompiledQuery, Param

ALL_PARTS: frozenset[str] = frozenset(SharedPart.values)
_M = TypeVar("_M", bound=Model)
MEASURE_ORGANISATION_KINDS = frozenset(
    {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.POLICE,
        OrganisationKind.RIEC,
        OrganisationKind.OTHER,
    }
)


@dataclass(frozen=True)
class CaseAccess:
    """What the actor may see and do with one case, and why."""

    case: Case
    via: str  # "owner", "referral" or "emergency"
    parts: frozenset[str]
    can_manage: bool
    can_see_victim: bool

    def shows(self, part: str) -> bool:
        return part in self.parts


def data_subject(case: Case) -> str:
    return f"case:{case.number}"


def _referrals_in_force_to(organisation_id: int) -> QuerySet[Referral]:
    """Accepted referrals to an organisation whose consent stands, or that rest on a
    recorded legal basis."""
    return Referral.objects.filter(
        to_organisation_id=organisation_id,
        status=ReferralStatus.ACCEPTED,
    ).filter(
        Q(consent__isnull=True, legal_basis__gt="")
        | Q(consent__isnull=False, consent__withdrawn_at__isnull=True)
    )


def _active_referrals_to(actor: Actor) -> QuerySet[Referral]:
    """Accepted referrals to the actor's organisation whose consent or basis stands."""
    return _referrals_in_force_to(actor.organisation_id)


def _emergencies(
    user_id: int, organisation_id: int, now: datetime.datetime
) -> QuerySet[EmergencyAccess]:
    return EmergencyAccess.objects.filter(
        user_id=user_id, organisation_id=organisation_id, expires_at__gt=now
    )


def _active_emergency(actor: Actor) -> QuerySet[EmergencyAccess]:
    return _emergencies(actor.user.pk, actor.organisation_id, timezone.now())


def is_national_registrar(actor: Actor) -> bool:
    return actor.has(Permission.PLACE_COSM) and (
        actor.organisation.kind == OrganisationKind.NATIONAL_REGISTRAR
    )


def _log_refusal(actor: Actor, case_id: object, purpose: Purpose) -> None:
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.case",
        object_id=case_id,
        purpose=purpose,
        details={"refused": "out_of_scope"},
    )


def case_access(*, actor: Actor, case: Case) -> CaseAccess | None:
    """The actor's access to a case, without logging; ``None`` when there is none."""
    if not actor.has(Permission.VIEW_CASES):
        return None
    see_victim = actor.has(Permission.VIEW_VICTIM_DETAILS)
    if case.owner_id == actor.organisation_id:
        return CaseAccess(
            case=case,
            via="owner",
            parts=ALL_PARTS,
            can_manage=actor.has(Permission.MANAGE_CASES),
            can_see_victim=see_victim,
        )
    if _active_emergency(actor).filter(case_id=case.pk).exists():
        return CaseAccess(
            case=case,
            via="emergency",
            parts=ALL_PARTS,
            can_manage=False,
            can_see_victim=see_victim,
        )
    parts: set[str] = set()
    for shared in (
        _active_referrals_to(actor).filter(case_id=case.pk).values_list("shared_parts", flat=True)
    ):
        parts.update(shared)
    if not parts:
        return None
    parts.add(SharedPart.SUMMARY)
    return CaseAccess(
        case=case,
        via="referral",
        parts=frozenset(parts),
        can_manage=False,
        can_see_victim=see_victim and SharedPart.VICTIM in parts,
    )


def case_get_for_actor(
    *, actor: Actor, case_id: int, purpose: Purpose = Purpose.CARE_COORDINATION
) -> CaseAccess:
    """One case the actor may see, or ``Http404`` (logged). The read is logged."""
    case = (
        Case.objects.select_related("owner", "coordinator", "crime_municipality")
        .filter(pk=case_id)
        .first()
    )
    access = case_access(actor=actor, case=case) if case is not None else None
    if access is None:
        _log_refusal(actor, case_id, purpose)
        raise Http404
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.case",
        object_id=access.case.pk,
        data_subject=data_subject(access.case),
        purpose=Purpose.EMERGENCY_ACCESS if access.via == "emergency" else purpose,
        details={"via": access.via, "parts": sorted(access.parts)},
    )
    return access


def case_get_managed(*, actor: Actor, case_id: int) -> Case:
    """A case the actor's organisation owns and the actor may work on, else ``Http404``."""
    access = case_get_for_actor(actor=actor, case_id=case_id)
    if not access.can_manage:
        raise PermissionDenied
    return access.case


def victim_for_access(*, actor: Actor, access: CaseAccess) -> VictimProfile | None:
    """Personal details of the victim, only with need-to-know; the read is logged."""
    if not access.can_see_victim:
        return None
    victim = VictimProfile.objects.select_related("nationality").filter(case=access.case).first()
    if victim is not None:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.victimprofile",
            object_id=victim.pk,
            data_subject=data_subject(access.case),
            purpose=Purpose.EMERGENCY_ACCESS
            if access.via == "emergency"
            else Purpose.CARE_COORDINATION,
        )
    return victim


_SHARED_CASE_IDS = CompiledQuery(
    "cases.shared_case_ids",
    lambda organisation, user, now: (
        _referrals_in_force_to(organisation)
        .order_by()
        .values_list("case_id", flat=True)
        .union(_emergencies(user, organisation, now).order_by().values_list("case_id", flat=True))
    ),
    {"organisation": int, "user": int, "now": datetime.datetime},
)


def _shared_case_ids(actor: Actor) -> list[int]:
    """Cases shared with the actor's organisation by an active referral, or opened by
    the actor through break-the-glass (one query for both; few, and indexed)."""
    rows = _SHARED_CASE_IDS.rows(
        organisation=actor.organisation_id, user=actor.user.pk, now=timezone.now()
    )
    return sorted({case_id for (case_id,) in rows})


def _visible(actor: Actor, shared: list[int]) -> QuerySet[Case]:
    visible = Q(owner_id=actor.organisation_id)
    if shared:
        visible |= Q(pk__in=shared)
    return Case.objects.filter(visible)


def cases_visible_to(actor: Actor) -> QuerySet[Case]:
    """Cases the actor's organisation owns or received by an active referral (no log).

    The shared and emergency case ids are read first (few, and indexed), so the case
    query stays an index lookup on the owner instead of a correlated subquery per row.
    """
    if not actor.has(Permission.VIEW_CASES):
        return Case.objects.none()
    return _visible(actor, _shared_case_ids(actor))


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
    from django.utils.translation import gettext as _

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
    lambda organisation: _waiting_referrals_to(organisation).values_list(
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
    shared = _shared_case_ids(actor)
    cases = _ordered(_filtered(_visible(actor, shared), actor, filters))
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


def timeline_for_access(*, access: CaseAccess) -> QuerySet[CaseEvent]:
    if not access.shows(SharedPart.TIMELINE):
        return CaseEvent.objects.none()
    return CaseEvent.objects.filter(case=access.case).select_related(
        "actor_user", "actor_organisation"
    )


def consents_for_access(*, access: CaseAccess) -> QuerySet[Consent]:
    if access.via == "referral":
        return Consent.objects.none()
    return Consent.objects.filter(case=access.case).select_related("recipient")


def referrals_for_access(*, actor: Actor, access: CaseAccess) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(case=access.case).select_related(
        "to_organisation", "from_organisation", "consent"
    )
    if access.via == "referral":
        referrals = referrals.filter(to_organisation_id=actor.organisation_id)
    return referrals


def placements_for_access(*, access: CaseAccess) -> QuerySet[Placement]:
    if not access.shows(SharedPart.PLACEMENTS):
        return Placement.objects.none()
    return Placement.objects.filter(case=access.case).select_related("shelter")


def placement_requests_for_access(*, access: CaseAccess) -> QuerySet[PlacementRequest]:
    if not access.shows(SharedPart.PLACEMENTS):
        return PlacementRequest.objects.none()
    return PlacementRequest.objects.filter(case=access.case).select_related("region")


def tasks_for_access(*, access: CaseAccess) -> QuerySet[Task]:
    if access.via == "referral":
        return Task.objects.none()
    return Task.objects.filter(case=access.case).select_related("assignee")


def _waiting_referrals_to(organisation_id: int) -> QuerySet[Referral]:
    return Referral.objects.filter(
        to_organisation_id=organisation_id, status=ReferralStatus.REQUESTED
    ).order_by("-requested_at", "-pk")


def incoming_referrals_for_actor(*, actor: Actor) -> QuerySet[Referral]:
    """Referrals sent to the actor's organisation that wait for an answer (no personal data)."""
    if not actor.has(Permission.VIEW_CASES):
        return Referral.objects.none()
    return _waiting_referrals_to(actor.organisation_id).select_related("case", "from_organisation")


def _log_object_read(
    *, actor: Actor, object_type: str, object_id: object, case: Case | None
) -> None:
    """Log a read of a case-related object; without a case the read was refused (out of scope)."""
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type=object_type,
        object_id=object_id,
        data_subject=data_subject(case) if case is not None else "",
        purpose=Purpose.CARE_COORDINATION,
        details={} if case is not None else {"refused": "out_of_scope"},
    )


def referral_get_for_actor(*, actor: Actor, referral_id: int) -> Referral:
    """A referral the actor's organisation sent or received, else ``Http404`` (logged)."""
    referral = (
        Referral.objects.select_related("case", "to_organisation", "from_organisation", "consent")
        .filter(pk=referral_id)
        .first()
    )
    if (
        referral is None
        or not actor.has(Permission.VIEW_CASES)
        or actor.organisation_id not in (referral.to_organisation_id, referral.case.owner_id)
    ):
        _log_object_read(
            actor=actor, object_type="cases.referral", object_id=referral_id, case=None
        )
        raise Http404
    _log_object_read(
        actor=actor, object_type="cases.referral", object_id=referral.pk, case=referral.case
    )
    return referral


def referrals_list_for_actor(*, actor: Actor) -> QuerySet[Referral]:
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    return (
        Referral.objects.filter(
            Q(to_organisation_id=actor.organisation_id) | Q(case__owner_id=actor.organisation_id)
        )
        .select_related("case", "to_organisation", "from_organisation")
        .order_by("-requested_at", "-pk")
    )


def placement_get_for_actor(*, actor: Actor, placement_id: int) -> Placement:
    placement = Placement.objects.select_related("case", "shelter").filter(pk=placement_id).first()
    access = case_access(actor=actor, case=placement.case) if placement is not None else None
    if placement is None or access is None or not access.shows(SharedPart.PLACEMENTS):
        _log_object_read(
            actor=actor, object_type="cases.placement", object_id=placement_id, case=None
        )
        raise Http404
    _log_object_read(
        actor=actor, object_type="cases.placement", object_id=placement.pk, case=placement.case
    )
    return placement


def placements_list_for_actor(*, actor: Actor) -> QuerySet[Placement]:
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    owned_or_shelter = Q(case__owner_id=actor.organisation_id) | Q(
        shelter__organisation_id=actor.organisation_id
    )
    return (
        Placement.objects.filter(owned_or_shelter)
        .select_related("case", "shelter")
        .order_by("-started_on", "-pk")
    )


# Shelter capacity (no personal data: counts and pseudonymous case numbers only).


@dataclass(frozen=True)
class CapacityRow:
    shelter: Shelter
    category: str
    category_label: str
    places: int
    occupied: int

    @property
    def available(self) -> int:
        return max(self.places - self.occupied, 0)


def capacity_board(*, actor: Actor, region_id: int | None) -> list[CapacityRow]:
    if not actor.has(Permission.VIEW_CAPACITY):
        raise PermissionDenied
    capacities = ShelterCapacity.objects.select_related("shelter", "shelter__region")
    if region_id is not None:
        capacities = capacities.filter(shelter__region_id=region_id)
    occupied = {
        (row["shelter_id"], row["category"]): row["n"]
        for row in Placement.objects.filter(departed_on__isnull=True)
        .values("shelter_id", "category")
        .annotate(n=Count("pk"))
    }
    from bovenwater.cases.models import ShelterCategory

    labels = dict(ShelterCategory.choices)
    return [
        CapacityRow(
            shelter=c.shelter,
            category=c.category,
            category_label=str(labels[c.category]),
            places=c.places,
            occupied=occupied.get((c.shelter_id, c.category), 0),
        )
        for c in capacities.order_by("shelter__region__name", "shelter__name", "category")
    ]


def waiting_list(*, actor: Actor, region_id: int | None) -> QuerySet[PlacementRequest]:
    """Waiting placement requests: the region's, or (registrar) all COSM requests."""
    if not actor.has(Permission.VIEW_CAPACITY):
        raise PermissionDenied
    waiting = PlacementRequest.objects.filter(status=PlacementRequestStatus.WAITING).select_related(
        "case", "region", "requesting_organisation"
    )
    if region_id is not None:
        waiting = waiting.filter(region_id=region_id)
    return waiting.order_by("requested_at", "pk")


def placement_request_get_for_actor(*, actor: Actor, request_id: int) -> PlacementRequest:
    """A waiting request the actor may act on: its owner's coordinator, or the registrar."""
    request = (
        PlacementRequest.objects.select_related("case", "region").filter(pk=request_id).first()
    )
    allowed = request is not None and (
        (request.case.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_CASES))
        or is_national_registrar(actor)
    )
    if request is None or not allowed:
        raise Http404
    return request


# Case meetings and administrative measures.


def meetings_for_actor(*, actor: Actor) -> QuerySet[CaseMeeting]:
    if not actor.has(Permission.VIEW_CASES):
        raise PermissionDenied
    return (
        CaseMeeting.objects.filter(
            Q(organiser_id=actor.organisation_id) | Q(attendees=actor.organisation_id)
        )
        .distinct()
        .select_related("region", "organiser")
    )


def meeting_get_for_actor(*, actor: Actor, meeting_id: int) -> CaseMeeting:
    meeting = meetings_for_actor(actor=actor).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_cases_visible(*, actor: Actor, meeting: CaseMeeting) -> QuerySet[Case]:
    """Agenda cases of a meeting the actor may see; the others stay hidden."""
    return cases_visible_to(actor).filter(meetings=meeting)


def measures_for_actor(*, actor: Actor) -> QuerySet[AdministrativeMeasure]:
    """Measures in the actor's region, for municipalities, police and the RIEC only."""
    if not actor.has(Permission.VIEW_MEASURES):
        raise PermissionDenied
    if actor.organisation.kind not in MEASURE_ORGANISATION_KINDS:
        return AdministrativeMeasure.objects.none()
    return AdministrativeMeasure.objects.filter(
        region_id=actor.organisation.municipality.police_unit_id
    ).select_related("owner", "case")


def measure_get_for_actor(*, actor: Actor, measure_id: int) -> AdministrativeMeasure:
    measure = measures_for_actor(actor=actor).filter(pk=measure_id).first()
    if measure is None:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="cases.administrativemeasure",
            object_id=measure_id,
            purpose=Purpose.ADMINISTRATIVE_APPROACH,
            details={"refused": "out_of_scope"},
        )
        raise Http404
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.administrativemeasure",
        object_id=measure.pk,
        purpose=Purpose.ADMINISTRATIVE_APPROACH,
    )
    return measure


def emergency_accesses_for_privacy_officer(*, actor: Actor) -> QuerySet[EmergencyAccess]:
    """Break-the-glass accesses by the officer's organisation or into its cases (logged)."""
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="cases.emergencyaccess",
        object_id=f"organisation:{actor.organisation_id}",
        purpose=Purpose.PRIVACY_SUPERVISION,
        details={"list": "emergency_access"},
    )
    return (
        EmergencyAccess.objects.filter(
            Q(organisation_id=actor.organisation_id) | Q(case__owner_id=actor.organisation_id)
        )
        .select_related("case", "user", "organisation")
        .order_by("-created_at", "-pk")
    )


# Lookups used by views and the API after (or as part of) an access check. They keep
# model queries out of the entry modules (tests/test_architecture.py checks that).


def case_by_number(number: str) -> Case | None:
    """The case with this number, for break-the-glass and linking; callers check access."""
    return Case.objects.select_related("owner").filter(number=number.strip()).first()


def case_access_by_number(*, actor: Actor, number: str) -> CaseAccess | None:
    """Access to the case with this number, or None when it is unknown or out of scope."""
    case = case_by_number(number)
    return case_access(actor=actor, case=case) if case is not None else None


def consent_of_case(*, case: Case, consent_id: int) -> Consent | None:
    """A consent of a case the caller already holds (managed) access to."""
    return (
        Consent.objects.select_related("case", "recipient").filter(pk=consent_id, case=case).first()
    )


def active_consents_of_case(*, case: Case) -> QuerySet[Consent]:
    """Consents not withdrawn, of a case the caller already manages."""
    return Consent.objects.filter(case=case, withdrawn_at__isnull=True).select_related("recipient")


def consent_case_id(consent_id: int) -> int | None:
    """The case a consent belongs to (an id only; the caller then checks access to it)."""
    return Consent.objects.filter(pk=consent_id).values_list("case_id", flat=True).first()


def placement_created_by_actor(*, placement_id: int) -> Placement:
    """A placement the actor's request has just created (see services.idempotent_create)."""
    return Placement.objects.select_related("case", "shelter").get(pk=placement_id)
