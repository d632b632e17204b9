"""Services of the case itself: open, transition, coordinator, notes, B8 track, tasks, break the glass."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation, User
from bovenwater.accounts.roles import Permission, Role
from bovenwater.accounts.selectors import works_as
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.cases.corrections import FieldPart
from bovenwater.cases.deadlines import reflection_deadline
from bovenwater.cases.models import (
    Case,
    CaseCount,
    CaseEvent,
    CaseNumberCounter,
    CaseState,
    CooperationDecision,
    EmergencyAccess,
    EventKind,
    PermitStatus,
    Task,
    VictimProfile,
)
from bovenwater.cases.services.common import (
    count_case,
    managed_case_for_update,
    record,
)
from bovenwater.cases.services.coordination import (
    ClosureBlocked,
    bump_version,
    check_version,
    history_add,
    open_items_of,
)
from bovenwater.cases.types import VictimDetails
from bovenwater.cases.workflow import WORKFLOW
from bovenwater.lib import formatting
from bovenwater.lib.count_tables import drift
from bovenwater.notifications.models import Event
from bovenwater.notifications.services import notify_organisation
from bovenwater.reference.models import ExploitationForm, Municipality

EMERGENCY_ACCESS_HOURS = 8


def _next_case_number(year: int) -> str:
    CaseNumberCounter.objects.get_or_create(year=year)
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db()
    return f"C-{year}-{counter.last_number:05d}"


def case_counts_rebuild(*, check_only: bool = False) -> dict[tuple[int, str], int]:
    """Recompute the count table from the cases (after a bulk load, or to repair it).

    Returns the counts that differed before the rebuild, as ``{(owner id, state):
    stored - actual}``; empty when the table was right. With ``check_only`` nothing
    is written.
    """
    with transaction.atomic():
        # Lock the table: a case service running meanwhile would otherwise update a
        # row between the recount and the rewrite.
        list(CaseCount.objects.select_for_update().values_list("pk"))
        actual = {
            (row["owner_id"], row["state"]): row["n"]
            for row in Case.objects.order_by()
            .values("owner_id", "state")
            .annotate(n=models.Count("pk"))
        }
        stored = {(c.owner_id, c.state): c.count for c in CaseCount.objects.all()}
        found = drift(stored, actual)
        if found and not check_only:
            CaseCount.objects.all().delete()
            CaseCount.objects.bulk_create(
                CaseCount(owner_id=owner_id, state=state, count=n)
                for (owner_id, state), n in sorted(actual.items())
            )
    return found


def default_coordinator(actor: Actor) -> User | None:
    """Who coordinates a case the actor opens: the actor when they are a care coordinator
    (of the owning organisation), else nobody yet."""
    return actor.user if actor.role == Role.CARE_COORDINATOR else None


@transaction.atomic
def case_open(
    *,
    actor: Actor,
    owner: Organisation,
    coordinator: User | None = None,
    victim: VictimDetails,
    forms: Sequence[ExploitationForm] = (),
    crime_municipality: Municipality | None = None,
    origin_signal_reference: str = "",
    reason: str = "",
) -> Case:
    """Open a case for a (possible) victim, owned by ``owner`` (a care coordination).

    Called by the owner's case workers, and by triage (``open_case_from_signal``)
    from another organisation. The case starts as *aangemeld*.
    """
    if not (actor.has(Permission.MANAGE_CASES) or actor.has(Permission.OPEN_CASE_FROM_SIGNAL)):
        raise PermissionDenied
    if coordinator is not None and not works_as(
        user=coordinator, organisation_id=owner.pk, role=Role.CARE_COORDINATOR
    ):
        raise ValidationError(
            {"coordinator": _("De zorgcoördinator moet werken bij de eigenaar van de casus.")}
        )
    year = timezone.localdate().year
    case = Case.objects.create(
        number=_next_case_number(year),
        owner=owner,
        coordinator=coordinator,
        state=CaseState.REPORTED,
        crime_municipality=crime_municipality,
        origin_signal_reference=origin_signal_reference,
        b8_applicable=victim.nationality is not None and victim.nationality.code != "NL",
    )
    count_case(owner_id=owner.pk, state=case.state, delta=1)
    if forms:
        case.forms.set(forms)
    VictimProfile.objects.create(
        case=case,
        estimated_age=victim.estimated_age,
        date_of_birth=victim.date_of_birth,
        is_minor=victim.is_minor,
        gender=victim.gender,
        nationality=victim.nationality,
        language=victim.language,
        first_name=victim.first_name,
        last_name=victim.last_name,
    )
    record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        event=EventKind.OPENED,
        text=reason,
        to_state=CaseState.REPORTED,
        details={"owner": owner.pk, "origin_signal": origin_signal_reference},
    )
    if coordinator is None:  # lands in the owner's work queue: its coordinators hear of it
        notify_organisation(
            organisation=owner,
            permission=Permission.MANAGE_CASES,
            event=Event.CASE_QUEUED,
            url_name="cases:detail",
            url_kwargs={"case_id": case.pk},
            reference=case.number,
            exclude=actor.user,
        )
    return case


@transaction.atomic
def case_transition(
    *,
    actor: Actor,
    case: Case,
    to_state: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case to ``to_state`` if the transition table allows it for the actor's permissions.

    With ``expected_version`` (the version the user's page showed) a case that changed
    meanwhile is refused with ``StaleCase``: the step is never applied to a state its
    user did not see.
    """

    # Scope: the owning organisation; which role may take which edge is the table's.
    locked = managed_case_for_update(actor=actor, case=case, permission=Permission.VIEW_CASES)
    check_version(locked, expected_version, actor=actor)
    WORKFLOW.check(state=locked.state, to_state=to_state, actor=actor, reason=reason)
    if to_state == CaseState.CLOSED:
        open_items = open_items_of(locked)
        if open_items:
            raise ClosureBlocked(open_items)
    bump_version(locked)
    history_add(
        actor,
        locked,
        FieldPart.CASE,
        "state",
        str(CaseState(locked.state).label),
        str(CaseState(to_state).label),
    )
    from_state = locked.state
    locked.state = to_state
    update_fields = ["state"]
    today = timezone.localdate()
    if to_state in (CaseState.CLOSED, CaseState.DROPPED_OUT):
        locked.closed_at = timezone.now()
        update_fields.append("closed_at")
    elif from_state in (CaseState.CLOSED, CaseState.DROPPED_OUT):
        locked.closed_at = None
        update_fields.append("closed_at")
    if to_state == CaseState.REFLECTION and locked.reflection_started_on is None:
        locked.b8_applicable = True
        locked.reflection_started_on = today
        locked.reflection_deadline = reflection_deadline(
            started_on=today, dublin_claimant=locked.dublin_claimant
        )
        update_fields += ["b8_applicable", "reflection_started_on", "reflection_deadline"]
    locked.save(update_fields=update_fields)
    count_case(owner_id=locked.owner_id, state=from_state, delta=-1)
    count_case(owner_id=locked.owner_id, state=to_state, delta=1)
    record(
        actor=actor,
        case=locked,
        action=Action.UPDATE,
        event=EventKind.TRANSITION,
        text=reason,
        from_state=from_state,
        to_state=to_state,
        details={"transition": f"{from_state}->{to_state}"},
    )
    case.state = locked.state
    case.version = locked.version
    case.closed_at = locked.closed_at
    case.reflection_started_on = locked.reflection_started_on
    case.reflection_deadline = locked.reflection_deadline
    return locked


@transaction.atomic
def case_note_add(*, actor: Actor, case: Case, text: str) -> CaseEvent:
    locked = managed_case_for_update(actor=actor, case=case)
    if not text.strip():
        raise ValidationError({"text": _("Schrijf een notitie.")})
    event = record(
        actor=actor,
        case=locked,
        action=Action.UPDATE,
        event=EventKind.NOTE,
        text=text.strip(),
        details=lambda event: {"note": event.pk if event is not None else None},
    )
    assert event is not None
    return event


@transaction.atomic
def case_b8_update(
    *,
    actor: Actor,
    case: Case,
    dublin_claimant: bool,
    reflection_started_on: datetime.date | None,
    cooperation_decision: str,
    permit_status: str,
) -> Case:
    """Record the B8 track: reflection period (deadline derived), decision, permit."""
    locked = managed_case_for_update(actor=actor, case=case)
    today = timezone.localdate()
    changes: list[str] = []
    locked.b8_applicable = True
    if reflection_started_on is not None:
        deadline = reflection_deadline(
            started_on=reflection_started_on, dublin_claimant=dublin_claimant
        )
        if (
            reflection_started_on != locked.reflection_started_on
            or dublin_claimant != locked.dublin_claimant
        ):
            changes.append(
                _("Bedenktijd vanaf %(start)s tot en met %(end)s.")
                % {
                    "start": formatting.date_in("nl", reflection_started_on),
                    "end": formatting.date_in("nl", deadline),
                }
            )
        locked.reflection_started_on = reflection_started_on
        locked.reflection_deadline = deadline
    locked.dublin_claimant = dublin_claimant
    if cooperation_decision != locked.cooperation_decision:
        locked.cooperation_decision = CooperationDecision(cooperation_decision)
        locked.cooperation_decided_on = today
        changes.append(
            _("Besluit aangifte of medewerking: %(value)s.")
            % {"value": CooperationDecision(cooperation_decision).label}
        )
    if permit_status != locked.permit_status:
        locked.permit_status = PermitStatus(permit_status)
        locked.permit_changed_on = today
        changes.append(
            _("Verblijfsvergunning: %(value)s.") % {"value": PermitStatus(permit_status).label}
        )
    locked.save()
    record(
        actor=actor,
        case=locked,
        action=Action.UPDATE,
        event=EventKind.B8 if changes else None,
        text=" ".join(str(c) for c in changes),
        details={"b8": True},
    )
    return locked


@transaction.atomic
def emergency_access_open(*, actor: Actor, case: Case, reason: str) -> EmergencyAccess:
    """Open a case outside the actor's scope with a written reason; flagged and logged."""
    if not actor.has(Permission.EMERGENCY_ACCESS):
        raise PermissionDenied
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": _("Beschrijf in minstens tien tekens waarom u toegang nodig heeft.")}
        )
    access = EmergencyAccess.objects.create(
        case=case,
        user=actor.user,
        organisation=actor.organisation,
        reason=reason.strip(),
        expires_at=timezone.now() + datetime.timedelta(hours=EMERGENCY_ACCESS_HOURS),
    )
    record(
        actor=actor,
        case=case,
        action=Action.VIEW,
        event=EventKind.EMERGENCY_ACCESS,
        text=_("Noodtoegang door %(org)s: %(reason)s")
        % {"org": actor.organisation.name, "reason": reason.strip()},
        object_type="cases.emergencyaccess",
        object_id=access.pk,
        purpose=Purpose.EMERGENCY_ACCESS,
        details={"flag": "break_the_glass", "case": case.pk},
    )
    return access


@transaction.atomic
def task_create(
    *, actor: Actor, case: Case, title: str, deadline: datetime.date, assignee: User | None = None
) -> Task:
    locked = managed_case_for_update(actor=actor, case=case)
    if not title.strip():
        raise ValidationError({"title": _("Omschrijf de taak.")})
    task = Task.objects.create(
        case=locked,
        title=title.strip(),
        deadline=deadline,
        assignee=assignee,
        created_by=actor.user,
    )
    record(
        actor=actor,
        case=locked,
        action=Action.CREATE,
        event=EventKind.TASK,
        text=_("Taak: %(title)s (deadline %(deadline)s).")
        % {"title": task.title, "deadline": formatting.date_in("nl", deadline)},
        object_type="cases.task",
        object_id=task.pk,
    )
    return task


@transaction.atomic
def task_complete(*, actor: Actor, task: Task) -> Task:
    locked_case = managed_case_for_update(actor=actor, case=task.case)
    changed = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now())
    if not changed:
        raise ValidationError(_("Deze taak is al afgerond."))
    task.refresh_from_db()
    record(
        actor=actor,
        case=locked_case,
        action=Action.UPDATE,
        event=EventKind.TASK,
        text=_("Taak afgerond: %(title)s.") % {"title": task.title},
        object_type="cases.task",
        object_id=task.pk,
    )
    return task
