"""Daily case work: taking and assigning a case, correcting its data, stale forms.

**Versions.** ``Case.version`` goes up with every change of the case's data, state or
coordinator. A form carries the version it was loaded with (``expected_version``); the
service compares it under the row lock and refuses a stale form with ``StaleCase``,
which lists what changed since (only what the actor may see), so the page can show it
next to the user's input. Notes, tasks and consents do not raise the version: they add
to a case and cannot overwrite anybody's work.

**History.** A correction keeps the old value: one ``CaseFieldChange`` row per field
(old and new value as shown on screen), appended, never edited; the timeline says which
fields changed (not their values) and the processing log records field names only.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import User
from bovenwater.accounts.roles import Permission, Role
from bovenwater.accounts.selectors import works_as
from bovenwater.audit.models import Action
from bovenwater.cases.corrections import CaseFieldChange, FieldPart
from bovenwater.cases.fields import CASE_FIELDS, VICTIM_FIELDS, _labels, field_label
from bovenwater.cases.models import (
    Case,
    CaseState,
    EventKind,
    Gender,
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    Referral,
    ReferralStatus,
    Task,
    VictimProfile,
)
from bovenwater.cases.services.common import record
from bovenwater.notifications.services import notify_users
from bovenwater.reference.models import ExploitationForm, Municipality, Nationality, Sector

CLOSED_STATES = frozenset({CaseState.CLOSED, CaseState.DROPPED_OUT})


@dataclass(frozen=True)
class Change:
    """One change since a form was loaded, as the stale-form message shows it."""

    label: str
    old: str
    new: str
    by: str
    at: datetime.datetime


class StaleCase(ValidationError):
    """Someone changed the case after the form was loaded; nothing was written."""

    def __init__(self, changes: Sequence[Change], current_version: int) -> None:
        super().__init__(
            _(
                "Iemand anders heeft deze casus gewijzigd nadat u het formulier opende. "
                "Er is niets opgeslagen. Uw invoer staat hieronder nog; bekijk wat er "
                "veranderd is en sla opnieuw op."
            ),
            code="stale",
        )
        self.changes = list(changes)
        self.current_version = current_version


def changes_since(*, case: Case, version: int, include_victim: bool) -> list[Change]:
    """What changed after ``version``: corrected fields (victim fields only when the
    reader may see them), state changes and coordinator changes, oldest first."""
    rows: list[Change] = []
    changes = CaseFieldChange.objects.filter(case=case, version__gt=version).select_related(
        "actor_user"
    )
    if not include_victim:
        changes = changes.exclude(part=FieldPart.VICTIM)
    for c in changes.order_by("changed_at", "pk"):
        rows.append(
            Change(
                label=field_label(c.part, c.field),
                old=c.old_value,
                new=c.new_value,
                by=c.actor_user.display_name if c.actor_user else "—",
                at=c.changed_at,
            )
        )
    return rows


def check_version(locked: Case, expected_version: int | None, *, actor: Actor) -> None:
    """Refuse a form loaded before the case's latest change (``None``: no check, e.g.
    the API without a version, or system work)."""
    if expected_version is None or expected_version == locked.version:
        return
    raise StaleCase(
        changes_since(
            case=locked,
            version=expected_version,
            include_victim=actor.has(Permission.VIEW_VICTIM_DETAILS),
        ),
        locked.version,
    )


def bump_version(locked: Case) -> int:
    """Raise the case's version in the caller's transaction; returns the new version."""
    Case.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.version += 1
    return locked.version


def _lock_owned(actor: Actor, case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.owner_id != actor.organisation_id or not actor.has(Permission.VIEW_CASES):
        raise Http404
    return locked


def _is_coordinator_of(user: User, organisation_id: int) -> bool:
    return works_as(user=user, organisation_id=organisation_id, role=Role.CARE_COORDINATOR)


def history_add(actor: Actor, locked: Case, part: str, field: str, old: str, new: str) -> None:
    """Append one change (as shown on screen) at the case's current version."""
    CaseFieldChange.objects.create(
        case=locked,
        version=locked.version,
        part=part,
        field=field,
        old_value=old,
        new_value=new,
        actor_user=actor.user,
        actor_organisation=actor.organisation,
    )


def _set_coordinator(
    *, actor: Actor, locked: Case, coordinator: User, reason: str, taken: bool
) -> Case:
    old = locked.coordinator.display_name if locked.coordinator else "—"
    locked.coordinator = coordinator
    locked.save(update_fields=["coordinator"])
    bump_version(locked)
    history_add(actor, locked, FieldPart.CASE, "coordinator", old, coordinator.display_name)
    text = (
        _("%(name)s pakte de casus op.") % {"name": coordinator.display_name}
        if taken
        else _("Toegewezen aan %(name)s. Reden: %(reason)s")
        % {"name": coordinator.display_name, "reason": reason}
    )
    record(
        actor=actor,
        case=locked,
        action=Action.UPDATE,
        event=EventKind.ASSIGNED,
        text=text,
        details={"coordinator": coordinator.pk, "taken": taken, "version": locked.version},
    )
    if not taken and coordinator.pk != actor.user.pk:
        notify_users(
            users=[coordinator],
            organisation=locked.owner,
            event="case_assigned",
            url_name="cases:detail",
            url_kwargs={"case_id": locked.pk},
            reference=locked.number,
        )
    return locked


@transaction.atomic
def case_take(*, actor: Actor, case: Case, expected_version: int | None = None) -> Case:
    """ "Ik pak deze casus op": a care coordinator of the owning organisation becomes the
    case's coordinator, when it has none (someone else's case is assigned, not taken)."""
    locked = _lock_owned(actor, case)
    if actor.role != Role.CARE_COORDINATOR:
        raise PermissionDenied
    check_version(locked, expected_version, actor=actor)
    if locked.coordinator_id == actor.user.pk:
        raise ValidationError(_("U bent al de zorgcoördinator van deze casus."), code="mine")
    if locked.coordinator_id is not None:
        raise ValidationError(
            _(
                "Deze casus heeft al een zorgcoördinator (%(name)s). Vraag de ketenregisseur "
                "of de zorgcoördinator om de casus aan u toe te wijzen."
            )
            % {"name": locked.coordinator.display_name if locked.coordinator else "—"},
            code="taken",
        )
    if locked.state in CLOSED_STATES:
        raise ValidationError(_("Een afgesloten casus kunt u niet oppakken."), code="closed")
    _set_coordinator(actor=actor, locked=locked, coordinator=actor.user, reason="", taken=True)
    case.coordinator = actor.user
    case.version = locked.version
    return locked


@transaction.atomic
def case_assign(
    *,
    actor: Actor,
    case: Case,
    coordinator: User,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Assign or reassign the case to a care coordinator of the owning organisation, with
    a reason (timeline, processing log); the assignee gets a notice. A chain director
    or a care coordinator of the owning organisation may do this."""
    locked = _lock_owned(actor, case)
    if actor.role not in (Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR):
        raise PermissionDenied
    check_version(locked, expected_version, actor=actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor de toewijzing.")})
    if not _is_coordinator_of(coordinator, locked.owner_id):
        raise ValidationError(
            {"coordinator": _("Kies een zorgcoördinator van de organisatie die de casus heeft.")}
        )
    if locked.coordinator_id == coordinator.pk:
        raise ValidationError(
            {"coordinator": _("Deze zorgcoördinator heeft de casus al.")}, code="same"
        )
    _set_coordinator(
        actor=actor, locked=locked, coordinator=coordinator, reason=reason.strip(), taken=False
    )
    case.coordinator = coordinator
    case.version = locked.version
    return locked


@dataclass(frozen=True)
class CaseCore:
    forms: Sequence[ExploitationForm]
    sector: Sector | None
    crime_municipality: Municipality | None
    came_into_view: str
    urgency: str


@dataclass(frozen=True)
class VictimData:
    first_name: str = ""
    last_name: str = ""
    alias: str = ""
    date_of_birth: datetime.date | None = None
    estimated_age: int | None = None
    is_minor: bool = False
    gender: str = Gender.UNKNOWN
    nationality: Nationality | None = None
    language: str = ""
    interpreter_needed: bool = False
    contact_route: str = ""
    safety_notes: str = ""


def _forms_text(forms: Sequence[ExploitationForm]) -> str:
    return ", ".join(sorted(f.name_nl for f in forms))


@transaction.atomic
def case_update(
    *, actor: Actor, case: Case, data: CaseCore, expected_version: int | None
) -> list[str]:
    """Correct the case's core data; returns the labels of the fields that changed."""
    locked = _lock_owned(actor, case)
    if not actor.has(Permission.MANAGE_CASES):
        raise PermissionDenied
    check_version(locked, expected_version, actor=actor)
    _labels()
    old_forms = list(locked.forms.all())
    pending: list[tuple[str, str, str]] = []
    if {f.pk for f in old_forms} != {f.pk for f in data.forms}:
        pending.append(("forms", _forms_text(old_forms) or "—", _forms_text(data.forms) or "—"))
    for field in ("sector", "crime_municipality", "came_into_view", "urgency"):
        old, new = getattr(locked, field), getattr(data, field)
        if old != new:
            show = CASE_FIELDS[field][1]
            pending.append((field, show(old), show(new)))
    if not pending:
        return []
    bump_version(locked)
    locked.sector = data.sector
    locked.crime_municipality = data.crime_municipality
    locked.came_into_view = data.came_into_view
    locked.urgency = data.urgency
    locked.save(update_fields=["sector", "crime_municipality", "came_into_view", "urgency"])
    locked.forms.set(data.forms)
    return _record_corrections(actor, locked, FieldPart.CASE, pending)


@transaction.atomic
def victim_update(
    *, actor: Actor, case: Case, data: VictimData, expected_version: int | None
) -> list[str]:
    """Record or correct the victim's details; returns the labels of changed fields."""
    locked = _lock_owned(actor, case)
    if not (actor.has(Permission.MANAGE_CASES) and actor.has(Permission.VIEW_VICTIM_DETAILS)):
        raise PermissionDenied
    check_version(locked, expected_version, actor=actor)
    _labels()
    victim, _created = VictimProfile.objects.get_or_create(case=locked)
    if data.date_of_birth is not None and data.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("De geboortedatum ligt in de toekomst.")})
    pending: list[tuple[str, str, str]] = []
    for field, (_label, show) in VICTIM_FIELDS.items():
        old, new = getattr(victim, field), getattr(data, field)
        if isinstance(new, str):
            new = new.strip()
        if old != new:
            pending.append((field, show(old), show(new)))
            setattr(victim, field, new)
    if not pending:
        return []
    bump_version(locked)
    victim.save()
    return _record_corrections(actor, locked, FieldPart.VICTIM, pending)


def _record_corrections(
    actor: Actor, locked: Case, part: str, pending: list[tuple[str, str, str]]
) -> list[str]:
    for field, old, new in pending:
        history_add(actor, locked, part, field, old, new)
    labels = [field_label(part, field) for field, _old, _new in pending]
    record(
        actor=actor,
        case=locked,
        action=Action.UPDATE,
        event=EventKind.CORRECTED,
        text=_("Gewijzigd: %(fields)s.") % {"fields": ", ".join(labels)},
        object_type="cases.victimprofile" if part == FieldPart.VICTIM else "cases.case",
        details={"fields": [f for f, _o, _n in pending], "version": locked.version},
    )
    return labels


class ClosureBlocked(ValidationError):
    """Closing a case with work still open; nothing was written. ``open_items`` lists it."""

    def __init__(self, open_items: Sequence[str]) -> None:
        super().__init__(
            _(
                "Deze casus kan nog niet worden afgesloten: er staat nog werk open. "
                "Rond dit eerst af, of leg vast waarom het vervalt."
            ),
            code="open_items",
        )
        self.open_items = list(open_items)


def open_items_of(case: Case) -> list[str]:
    """What keeps a case from closing: open tasks, current placements, waiting placement
    requests and referrals without an answer (in Dutch, for the coordinator)."""

    items: list[str] = []
    for task in Task.objects.filter(case=case, done_at__isnull=True).order_by("deadline"):
        items.append(
            _("Open taak: %(title)s (deadline %(date)s)")
            % {"title": task.title, "date": formats.date_format(task.deadline, "j F Y")}
        )
    for placement in Placement.objects.filter(case=case, departed_on__isnull=True).select_related(
        "shelter"
    ):
        items.append(
            _("Nog geplaatst in %(shelter)s: leg het vertrek vast")
            % {"shelter": placement.shelter.name}
        )
    waiting = PlacementRequest.objects.filter(case=case, status=PlacementRequestStatus.WAITING)
    for request in waiting:
        items.append(
            _("Plaatsingsverzoek op de wachtlijst (%(category)s): trek het in")
            % {"category": request.get_category_display()}
        )
    pending = Referral.objects.filter(case=case, status=ReferralStatus.REQUESTED)
    for referral in pending.select_related("to_organisation"):
        items.append(
            _("Verwijzing naar %(org)s zonder antwoord: trek haar in")
            % {"org": referral.to_organisation.name}
        )
    return items
