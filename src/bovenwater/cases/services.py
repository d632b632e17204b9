"""The one write path of case coordination.

Every function takes keyword-only arguments and an explicit ``actor``, runs in one
transaction and writes the processing log (and the case's timeline) in it. Other apps
call ``case_open`` (triage) and nothing below ``cases.models``.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation, User
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
    CaseNumberCounter,
    CaseState,
    Consent,
    CooperationDecision,
    EmergencyAccess,
    EventKind,
    IdempotencyRecord,
    MeasureKind,
    MeasureStatus,
    MeetingDecision,
    PermitStatus,
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
    SharedPart,
    Shelter,
    ShelterCategory,
    Task,
    VictimProfile,
)
from bovenwater.cases.selectors import (
    case_access,
    data_subject,
    is_national_registrar,
)
from bovenwater.cases.types import VictimDetails
from bovenwater.cases.workflow import OPEN_STATES, TransitionNotAllowed, check_transition
from bovenwater.reference.models import ExploitationForm, Municipality, PoliceUnit
from bovenwater.registry.models import B8Status, Registration, Source
from bovenwater.registry.pseudonym import Identity, pseudonym_for
from bovenwater.registry.services import RegistrationInput, registration_create

__all__ = [
    "TransitionNotAllowed",
    "VictimDetails",
    "case_open",
    "case_transition",
]

REFLECTION_MONTHS = 3
REFLECTION_DAYS_DUBLIN = 30
EMERGENCY_ACCESS_HOURS = 8


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reflection_deadline(*, started_on: datetime.date, dublin_claimant: bool) -> datetime.date:
    """End of the B8 reflection period: 3 months, or 30 days for a Dublin claimant."""
    if dublin_claimant:
        return started_on + datetime.timedelta(days=REFLECTION_DAYS_DUBLIN)
    return add_months(started_on, REFLECTION_MONTHS)


def _event(
    *,
    actor: Actor | None,
    case: Case,
    kind: EventKind,
    text: str = "",
    from_state: str = "",
    to_state: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        text=text,
        from_state=from_state,
        to_state=to_state,
        actor_user=actor.user if actor is not None else None,
        actor_organisation=actor.organisation if actor is not None else None,
    )


def _log(
    *,
    actor: Actor,
    action: Action,
    case: Case,
    object_type: str = "cases.case",
    object_id: object = None,
    purpose: Purpose = Purpose.CARE_COORDINATION,
    details: dict[str, object] | None = None,
) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=case.pk if object_id is None else object_id,
        data_subject=data_subject(case),
        purpose=purpose,
        details=details,
    )


def _next_case_number(year: int) -> str:
    CaseNumberCounter.objects.get_or_create(year=year)
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db()
    return f"C-{year}-{counter.last_number:05d}"


def _count_case(*, owner_id: int, state: str, delta: int) -> None:
    """Keep the count table in step with a case entering (+1) or leaving (-1) a state.

    Runs inside the caller's transaction; the row is created on first use (a concurrent
    first use is caught by the unique constraint and retried as an update).
    """
    counts = CaseCount.objects.filter(owner_id=owner_id, state=state)
    if counts.update(count=F("count") + delta):
        return
    CaseCount.objects.get_or_create(owner_id=owner_id, state=state)
    counts.update(count=F("count") + delta)


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
        drift = {
            key: stored.get(key, 0) - actual.get(key, 0)
            for key in stored.keys() | actual.keys()
            if stored.get(key, 0) != actual.get(key, 0)
        }
        if drift and not check_only:
            CaseCount.objects.all().delete()
            CaseCount.objects.bulk_create(
                CaseCount(owner_id=owner_id, state=state, count=n)
                for (owner_id, state), n in sorted(actual.items())
            )
    return drift


def _managed_case_for_update(
    *, actor: Actor, case: Case, permission: Permission = Permission.MANAGE_CASES
) -> Case:
    """Lock the case row; only the owner's case workers may change it (else 404)."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.owner_id != actor.organisation_id or not actor.has(permission):
        from django.http import Http404

        raise Http404
    return locked


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
    if (
        coordinator is not None
        and not coordinator.memberships.filter(
            organisation=owner, is_active=True, role="care_coordinator"
        ).exists()
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
    _count_case(owner_id=owner.pk, state=case.state, delta=1)
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
    _event(
        actor=actor,
        case=case,
        kind=EventKind.OPENED,
        text=reason,
        to_state=CaseState.REPORTED,
    )
    _log(
        actor=actor,
        action=Action.CREATE,
        case=case,
        details={"owner": owner.pk, "origin_signal": origin_signal_reference},
    )
    return case


@transaction.atomic
def case_transition(*, actor: Actor, case: Case, to_state: str, reason: str = "") -> Case:
    """Move a case to ``to_state`` if the transition table allows it for the actor's role."""
    # Scope: the owning organisation; which role may take which edge is the table's.
    locked = _managed_case_for_update(actor=actor, case=case, permission=Permission.VIEW_CASES)
    check_transition(state=locked.state, to_state=to_state, role=actor.role, reason=reason)
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
    _count_case(owner_id=locked.owner_id, state=from_state, delta=-1)
    _count_case(owner_id=locked.owner_id, state=to_state, delta=1)
    _event(
        actor=actor,
        case=locked,
        kind=EventKind.TRANSITION,
        text=reason,
        from_state=from_state,
        to_state=to_state,
    )
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=locked,
        details={"transition": f"{from_state}->{to_state}"},
    )
    case.state = locked.state
    case.closed_at = locked.closed_at
    case.reflection_started_on = locked.reflection_started_on
    case.reflection_deadline = locked.reflection_deadline
    return locked


@transaction.atomic
def case_assign_coordinator(*, actor: Actor, case: Case, coordinator: User) -> Case:
    locked = _managed_case_for_update(actor=actor, case=case)
    if not coordinator.memberships.filter(
        organisation_id=locked.owner_id, is_active=True, role="care_coordinator"
    ).exists():
        raise ValidationError(
            {"coordinator": _("De zorgcoördinator moet werken bij de eigenaar van de casus.")}
        )
    locked.coordinator = coordinator
    locked.save(update_fields=["coordinator"])
    _event(actor=actor, case=locked, kind=EventKind.NOTE, text=_("Zorgcoördinator toegewezen."))
    _log(actor=actor, action=Action.UPDATE, case=locked, details={"coordinator": coordinator.pk})
    return locked


@transaction.atomic
def case_note_add(*, actor: Actor, case: Case, text: str) -> CaseEvent:
    locked = _managed_case_for_update(actor=actor, case=case)
    if not text.strip():
        raise ValidationError({"text": _("Schrijf een notitie.")})
    event = _event(actor=actor, case=locked, kind=EventKind.NOTE, text=text.strip())
    _log(actor=actor, action=Action.UPDATE, case=locked, details={"note": event.pk})
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
    locked = _managed_case_for_update(actor=actor, case=case)
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
                % {"start": reflection_started_on.isoformat(), "end": deadline.isoformat()}
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
    if changes:
        _event(actor=actor, case=locked, kind=EventKind.B8, text=" ".join(str(c) for c in changes))
    _log(actor=actor, action=Action.UPDATE, case=locked, details={"b8": True})
    return locked


# Consent and referrals.


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    case: Case,
    subject_matter: str,
    recipient: Organisation,
    purpose: str,
    given_on: datetime.date,
    given_by: str,
) -> Consent:
    locked = _managed_case_for_update(actor=actor, case=case)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("De datum mag niet in de toekomst liggen.")})
    consent = Consent.objects.create(
        case=locked,
        subject_matter=subject_matter,
        recipient=recipient,
        purpose=purpose,
        given_on=given_on,
        given_by=given_by,
        recorded_by=actor.user,
    )
    _event(
        actor=actor,
        case=locked,
        kind=EventKind.CONSENT,
        text=_("Toestemming vastgelegd: %(what)s, aan %(to)s.")
        % {"what": subject_matter, "to": recipient.name},
    )
    _log(
        actor=actor,
        action=Action.CREATE,
        case=locked,
        object_type="cases.consent",
        object_id=consent.pk,
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Actor, consent: Consent) -> Consent:
    """Withdraw a consent; from this moment referrals resting on it give no access."""
    locked_case = _managed_case_for_update(actor=actor, case=consent.case)
    now = timezone.now()
    changed = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor.user
    )
    if not changed:
        raise ValidationError(_("Deze toestemming is al ingetrokken."))
    consent.refresh_from_db()
    ended = list(
        Referral.objects.filter(consent=consent, status=ReferralStatus.ACCEPTED).values_list(
            "to_organisation_id", flat=True
        )
    )
    _event(
        actor=actor,
        case=locked_case,
        kind=EventKind.CONSENT,
        text=_(
            "Toestemming ingetrokken: %(what)s, aan %(to)s. Toegang via deze toestemming beëindigd."
        )
        % {"what": consent.subject_matter, "to": consent.recipient.name},
    )
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=locked_case,
        object_type="cases.consent",
        object_id=consent.pk,
        details={"withdrawn": True, "access_ended_for": ended},
    )
    return consent


@transaction.atomic
def referral_send(
    *,
    actor: Actor,
    case: Case,
    to_organisation: Organisation,
    kind: str,
    shared_parts: Sequence[str],
    consent: Consent | None = None,
    legal_basis: str = "",
    note: str = "",
) -> Referral:
    """Refer a case; it needs an active consent to that organisation or a legal basis."""
    locked = _managed_case_for_update(actor=actor, case=case)
    errors: dict[str, str] = {}
    if to_organisation.pk == locked.owner_id:
        errors["to_organisation"] = _("Verwijs naar een andere organisatie.")
    if consent is not None:
        if consent.case_id != locked.pk or consent.recipient_id != to_organisation.pk:
            errors["consent"] = _("Deze toestemming hoort niet bij deze casus en organisatie.")
        elif consent.withdrawn_at is not None:
            errors["consent"] = _("Deze toestemming is ingetrokken.")
    elif not legal_basis.strip():
        errors["consent"] = _("Kies een toestemming of leg een wettelijke grondslag vast.")
    parts = sorted(set(shared_parts))
    if not parts or any(part not in SharedPart.values for part in parts):
        errors["shared_parts"] = _("Kies welke onderdelen gedeeld worden.")
    if kind not in ReferralKind.values:
        errors["kind"] = _("Kies een soort verwijzing.")
    if errors:
        raise ValidationError(errors)
    referral = Referral.objects.create(
        case=locked,
        from_organisation=actor.organisation,
        to_organisation=to_organisation,
        kind=kind,
        consent=consent,
        legal_basis=legal_basis.strip() if consent is None else "",
        shared_parts=parts,
        note=note,
        requested_by=actor.user,
    )
    _event(
        actor=actor,
        case=locked,
        kind=EventKind.REFERRAL,
        text=_("Verwijzing (%(kind)s) verzonden naar %(to)s.")
        % {"kind": ReferralKind(kind).label, "to": to_organisation.name},
    )
    _log(
        actor=actor,
        action=Action.SHARE,
        case=locked,
        object_type="cases.referral",
        object_id=referral.pk,
        details={
            "to": to_organisation.pk,
            "parts": parts,
            "consent": consent.pk if consent else None,
        },
    )
    return referral


def _referral_for_update(referral: Referral) -> tuple[Referral, Case]:
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    locked = (
        Referral.objects.select_for_update().select_related("to_organisation").get(pk=referral.pk)
    )
    return locked, case


@transaction.atomic
def referral_respond(
    *, actor: Actor, referral: Referral, accept: bool, reason: str = ""
) -> Referral:
    """The receiving organisation accepts (gets access to the agreed parts) or declines."""
    from django.http import Http404

    locked, case = _referral_for_update(referral)
    if locked.to_organisation_id != actor.organisation_id or not actor.has(Permission.VIEW_CASES):
        raise Http404
    if locked.status != ReferralStatus.REQUESTED:
        raise ValidationError(_("Op deze verwijzing is al gereageerd."))
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op voor het afwijzen.")})
    if accept and locked.consent is not None and locked.consent.withdrawn_at is not None:
        raise ValidationError(_("De toestemming voor deze verwijzing is ingetrokken."))
    locked.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    locked.responded_by = actor.user
    locked.responded_at = timezone.now()
    locked.response_reason = reason.strip()
    locked.save(update_fields=["status", "responded_by", "responded_at", "response_reason"])
    text = (
        _("Verwijzing geaccepteerd door %(org)s.")
        if accept
        else _("Verwijzing afgewezen door %(org)s.")
    ) % {"org": actor.organisation.name}
    _event(actor=actor, case=case, kind=EventKind.REFERRAL, text=text)
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=case,
        object_type="cases.referral",
        object_id=locked.pk,
        details={"status": locked.status},
    )
    return locked


@transaction.atomic
def referral_withdraw(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The sending organisation withdraws a referral; access through it ends."""
    locked_case = _managed_case_for_update(actor=actor, case=referral.case)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status not in (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED):
        raise ValidationError(_("Deze verwijzing kan niet meer worden ingetrokken."))
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op.")})
    locked.status = ReferralStatus.WITHDRAWN
    locked.response_reason = reason.strip()
    locked.responded_at = timezone.now()
    locked.responded_by = actor.user
    locked.save(update_fields=["status", "response_reason", "responded_at", "responded_by"])
    _event(
        actor=actor,
        case=locked_case,
        kind=EventKind.REFERRAL,
        text=_("Verwijzing naar %(to)s ingetrokken.") % {"to": locked.to_organisation.name},
    )
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=locked_case,
        object_type="cases.referral",
        object_id=locked.pk,
        details={"status": locked.status},
    )
    return locked


# Break the glass.


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
    _event(
        actor=actor,
        case=case,
        kind=EventKind.EMERGENCY_ACCESS,
        text=_("Noodtoegang door %(org)s: %(reason)s")
        % {"org": actor.organisation.name, "reason": reason.strip()},
    )
    _log(
        actor=actor,
        action=Action.VIEW,
        case=case,
        object_type="cases.emergencyaccess",
        object_id=access.pk,
        purpose=Purpose.EMERGENCY_ACCESS,
        details={"flag": "break_the_glass", "case": case.pk},
    )
    return access


# Shelter capacity and placements.


@transaction.atomic
def placement_request_create(
    *, actor: Actor, case: Case, category: str, region: PoliceUnit, note: str = ""
) -> PlacementRequest:
    locked = _managed_case_for_update(actor=actor, case=case)
    if locked.state not in OPEN_STATES:
        raise ValidationError(_("Voor een afgesloten casus kan geen plaatsing worden aangevraagd."))
    if category not in ShelterCategory.values:
        raise ValidationError({"category": _("Kies een categorie.")})
    request = PlacementRequest.objects.create(
        case=locked,
        category=category,
        region=region,
        note=note,
        requested_by=actor.user,
        requesting_organisation=actor.organisation,
    )
    _event(
        actor=actor,
        case=locked,
        kind=EventKind.PLACEMENT,
        text=_("Plaatsing aangevraagd: %(category)s, regio %(region)s.")
        % {"category": ShelterCategory(category).label, "region": region.name},
    )
    _log(
        actor=actor,
        action=Action.CREATE,
        case=locked,
        object_type="cases.placementrequest",
        object_id=request.pk,
    )
    return request


def occupied_places(*, shelter: Shelter, category: str) -> int:
    return Placement.objects.filter(
        shelter=shelter, category=category, departed_on__isnull=True
    ).count()


@transaction.atomic
def placement_create(
    *,
    actor: Actor,
    request: PlacementRequest,
    shelter: Shelter,
    started_on: datetime.date | None = None,
) -> Placement:
    """Place a waiting request in a shelter with a free place (COSM: registrar only)."""
    from django.http import Http404

    locked_request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
    case = Case.objects.select_for_update().get(pk=locked_request.case_id)
    registrar = is_national_registrar(actor)
    own = case.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_CASES)
    if not (own or registrar):
        raise Http404
    if locked_request.category == ShelterCategory.COSM and not registrar:
        raise PermissionDenied(_("Plaatsen in COSM kan alleen via de landelijke registratie."))
    if locked_request.status != PlacementRequestStatus.WAITING:
        raise ValidationError(_("Dit verzoek staat niet meer op de wachtlijst."))
    if Placement.objects.filter(case=case, departed_on__isnull=True).exists():
        raise ValidationError(_("Deze persoon is al geplaatst; meld eerst het vertrek."))
    # Lock the shelter row so two placements cannot take the last place at once.
    locked_shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    capacity = locked_shelter.capacities.filter(category=locked_request.category).first()
    if capacity is None:
        raise ValidationError({"shelter": _("Deze opvang heeft geen plaatsen in deze categorie.")})
    if occupied_places(shelter=locked_shelter, category=locked_request.category) >= capacity.places:
        raise ValidationError({"shelter": _("Deze opvang heeft geen vrije plaats meer.")})
    placement = Placement.objects.create(
        case=case,
        request=locked_request,
        shelter=locked_shelter,
        category=locked_request.category,
        started_on=started_on or timezone.localdate(),
        placed_by=actor.user,
    )
    locked_request.status = PlacementRequestStatus.PLACED
    locked_request.closed_at = timezone.now()
    locked_request.save(update_fields=["status", "closed_at"])
    _event(
        actor=actor,
        case=case,
        kind=EventKind.PLACEMENT,
        text=_("Geplaatst in %(shelter)s (%(category)s).")
        % {
            "shelter": locked_shelter.name,
            "category": ShelterCategory(locked_request.category).label,
        },
    )
    _log(
        actor=actor,
        action=Action.CREATE,
        case=case,
        object_type="cases.placement",
        object_id=placement.pk,
    )
    return placement


@transaction.atomic
def placement_request_cancel(*, actor: Actor, request: PlacementRequest, reason: str) -> None:
    locked_case = _managed_case_for_update(actor=actor, case=request.case)
    changed = PlacementRequest.objects.filter(
        pk=request.pk, status=PlacementRequestStatus.WAITING
    ).update(status=PlacementRequestStatus.CANCELLED, closed_at=timezone.now())
    if not changed:
        raise ValidationError(_("Dit verzoek staat niet meer op de wachtlijst."))
    _event(actor=actor, case=locked_case, kind=EventKind.PLACEMENT, text=reason)
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=locked_case,
        object_type="cases.placementrequest",
        object_id=request.pk,
    )


@transaction.atomic
def placement_depart(
    *, actor: Actor, placement: Placement, departed_on: datetime.date, reason: str
) -> Placement:
    locked_case = _managed_case_for_update(actor=actor, case=placement.case)
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.departed_on is not None:
        raise ValidationError(_("Het vertrek is al vastgelegd."))
    if departed_on < locked.started_on:
        raise ValidationError({"departed_on": _("Het vertrek kan niet vóór de plaatsing liggen.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden van vertrek op.")})
    locked.departed_on = departed_on
    locked.departure_reason = reason.strip()
    locked.save(update_fields=["departed_on", "departure_reason"])
    _event(
        actor=actor,
        case=locked_case,
        kind=EventKind.PLACEMENT,
        text=_("Vertrokken uit %(shelter)s: %(reason)s")
        % {"shelter": locked.shelter.name, "reason": reason.strip()},
    )
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=locked_case,
        object_type="cases.placement",
        object_id=locked.pk,
    )
    return locked


# Tasks.


@transaction.atomic
def task_create(
    *, actor: Actor, case: Case, title: str, deadline: datetime.date, assignee: User | None = None
) -> Task:
    locked = _managed_case_for_update(actor=actor, case=case)
    if not title.strip():
        raise ValidationError({"title": _("Omschrijf de taak.")})
    task = Task.objects.create(
        case=locked,
        title=title.strip(),
        deadline=deadline,
        assignee=assignee,
        created_by=actor.user,
    )
    _event(
        actor=actor,
        case=locked,
        kind=EventKind.TASK,
        text=_("Taak: %(title)s (deadline %(deadline)s).")
        % {"title": task.title, "deadline": deadline.isoformat()},
    )
    _log(
        actor=actor, action=Action.CREATE, case=locked, object_type="cases.task", object_id=task.pk
    )
    return task


@transaction.atomic
def task_complete(*, actor: Actor, task: Task) -> Task:
    locked_case = _managed_case_for_update(actor=actor, case=task.case)
    changed = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now())
    if not changed:
        raise ValidationError(_("Deze taak is al afgerond."))
    task.refresh_from_db()
    _event(
        actor=actor,
        case=locked_case,
        kind=EventKind.TASK,
        text=_("Taak afgerond: %(title)s.") % {"title": task.title},
    )
    _log(
        actor=actor,
        action=Action.UPDATE,
        case=locked_case,
        object_type="cases.task",
        object_id=task.pk,
    )
    return task


# Case meetings.


@transaction.atomic
def meeting_create(
    *,
    actor: Actor,
    title: str,
    held_on: datetime.date,
    attendees: Sequence[Organisation],
    agenda: Sequence[Case],
) -> CaseMeeting:
    """A case meeting in the actor's region; agenda cases must be visible to the actor."""
    if not actor.has(Permission.MANAGE_MEETINGS):
        raise PermissionDenied
    for case in agenda:
        if case_access(actor=actor, case=case) is None:
            raise ValidationError({"agenda": _("U kunt alleen casussen agenderen die u mag zien.")})
    meeting = CaseMeeting.objects.create(
        region_id=actor.organisation.municipality.police_unit_id,
        organiser=actor.organisation,
        title=title,
        held_on=held_on,
        created_by=actor.user,
    )
    meeting.attendees.set({*attendees, actor.organisation})
    meeting.agenda.set(agenda)
    for case in agenda:
        _event(
            actor=actor,
            case=case,
            kind=EventKind.MEETING,
            text=_("Geagendeerd voor casusoverleg ‘%(title)s’ op %(date)s.")
            % {"title": title, "date": held_on.isoformat()},
        )
        _log(
            actor=actor,
            action=Action.SHARE,
            case=case,
            object_type="cases.casemeeting",
            object_id=meeting.pk,
        )
    return meeting


@transaction.atomic
def meeting_decision_add(
    *,
    actor: Actor,
    meeting: CaseMeeting,
    case: Case,
    text: str,
    owner_organisation: Organisation,
    deadline: datetime.date | None,
) -> MeetingDecision:
    if not actor.has(Permission.MANAGE_MEETINGS) or meeting.organiser_id != actor.organisation_id:
        raise PermissionDenied
    if not meeting.agenda.filter(pk=case.pk).exists():
        raise ValidationError({"case": _("Deze casus staat niet op de agenda.")})
    if not text.strip():
        raise ValidationError({"text": _("Beschrijf het besluit of de actie.")})
    decision = MeetingDecision.objects.create(
        meeting=meeting,
        case=case,
        text=text.strip(),
        owner_organisation=owner_organisation,
        deadline=deadline,
        created_by=actor.user,
    )
    _event(
        actor=actor,
        case=case,
        kind=EventKind.MEETING,
        text=_("Besluit casusoverleg: %(text)s (eigenaar %(owner)s).")
        % {"text": decision.text, "owner": owner_organisation.name},
    )
    _log(
        actor=actor,
        action=Action.CREATE,
        case=case,
        object_type="cases.meetingdecision",
        object_id=decision.pk,
    )
    return decision


# Administrative measures.


@transaction.atomic
def measure_create(
    *,
    actor: Actor,
    kind: str,
    target: str,
    legal_ground: str,
    started_on: datetime.date,
    case: Case | None = None,
    signal_reference: str = "",
) -> AdministrativeMeasure:
    if not actor.has(Permission.MANAGE_MEASURES):
        raise PermissionDenied
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Kies een soort maatregel.")})
    if case is not None and case_access(actor=actor, case=case) is None:
        raise ValidationError({"case": _("Deze casus is niet gevonden.")})
    measure = AdministrativeMeasure.objects.create(
        owner=actor.organisation,
        region_id=actor.organisation.municipality.police_unit_id,
        kind=kind,
        target=target,
        legal_ground=legal_ground,
        started_on=started_on,
        case=case,
        signal_reference=signal_reference,
        created_by=actor.user,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="cases.administrativemeasure",
        object_id=measure.pk,
        purpose=Purpose.ADMINISTRATIVE_APPROACH,
    )
    if case is not None:
        _event(
            actor=actor,
            case=case,
            kind=EventKind.MEASURE,
            text=_("Bestuurlijke maatregel: %(kind)s.") % {"kind": MeasureKind(kind).label},
        )
    return measure


@transaction.atomic
def measure_set_status(
    *, actor: Actor, measure: AdministrativeMeasure, status: str, ended_on: datetime.date | None
) -> AdministrativeMeasure:
    from django.http import Http404

    locked = AdministrativeMeasure.objects.select_for_update().get(pk=measure.pk)
    if locked.owner_id != actor.organisation_id or not actor.has(Permission.MANAGE_MEASURES):
        raise Http404
    if status not in MeasureStatus.values:
        raise ValidationError({"status": _("Kies een status.")})
    if ended_on is not None and ended_on < locked.started_on:
        raise ValidationError({"ended_on": _("De einddatum ligt vóór de startdatum.")})
    locked.status = status
    locked.ended_on = ended_on
    locked.save(update_fields=["status", "ended_on"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="cases.administrativemeasure",
        object_id=locked.pk,
        purpose=Purpose.ADMINISTRATIVE_APPROACH,
        details={"status": status},
    )
    return locked


# Idempotent API creates.


def idempotent_create(
    *, actor: Actor, key: str, scope: str, create: Callable[[], models.Model]
) -> tuple[int, bool]:
    """Run ``create`` once per (key, user, organisation, scope); return (object id, created).

    A retried call with the same ``Idempotency-Key`` gets the first object back and
    nothing is written twice, also when two retries race.
    """
    key = key.strip()[:200]
    if not key:
        return create().pk, True
    with transaction.atomic():
        existing = IdempotencyRecord.objects.filter(
            key=key, user=actor.user, organisation_id=actor.organisation_id, scope=scope
        ).first()
        if existing is not None:
            return existing.object_id, False
        obj = create()
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    key=key,
                    user=actor.user,
                    organisation_id=actor.organisation_id,
                    scope=scope,
                    object_id=obj.pk,
                )
        except IntegrityError:
            winner = IdempotencyRecord.objects.filter(
                key=key, user=actor.user, organisation_id=actor.organisation_id, scope=scope
            ).first()
            if winner is None:
                raise
            transaction.set_rollback(True)
            return winner.object_id, False
        return obj.pk, True


# Registration hand-off to the national registration (registry app).


class RegistrationBasis(models.TextChoices):
    CONSENT = "consent", _l("Met toestemming van betrokkene")
    OBLIGATION = "obligation", _l("Meldplicht (politie, KMar, Arbeidsinspectie)")


OBLIGED_KINDS = frozenset(
    {OrganisationKind.POLICE, OrganisationKind.KMAR, OrganisationKind.LABOUR_INSPECTORATE}
)


def _b8_status(case: Case) -> str:
    if case.permit_status == PermitStatus.GRANTED:
        return B8Status.RESIDENCE_PERMIT
    if case.permit_status == PermitStatus.REFUSED:
        return B8Status.REFUSED
    if case.reflection_started_on is not None:
        return B8Status.REFLECTION
    if not case.b8_applicable:
        return B8Status.NOT_APPLICABLE
    return B8Status.UNKNOWN


def _case_pseudonym(case: Case, victim: VictimProfile | None) -> str:
    """Without surname and date of birth the registry cannot derive a person pseudonym;
    then the case number is the identity, so the case's reporters still share a person."""
    if victim is not None and victim.last_name and victim.date_of_birth is not None:
        return ""
    return pseudonym_for(Identity(first_names="case", last_name=case.number, date_of_birth=None))


@transaction.atomic
def case_register(*, actor: Actor, case: Case, basis: str) -> Registration:
    """Register the case's (possible) victim with the national registration.

    With consent: the owning organisation's case worker, when an active consent to the
    national registrar (CoMensha) is recorded. By obligation: police, KMar or labour
    inspectorate with access to the case. Idempotent per case and reporting organisation;
    the registry keeps only a pseudonym of the identifying fields.
    """
    from django.http import Http404

    locked = Case.objects.select_for_update().get(pk=case.pk)
    access = case_access(actor=actor, case=locked)
    if access is None:
        raise Http404
    if basis == RegistrationBasis.CONSENT:
        if access.via != "owner" or not actor.has(Permission.MANAGE_CASES):
            raise PermissionDenied
        has_consent = Consent.objects.filter(
            case=locked,
            withdrawn_at__isnull=True,
            recipient__kind=OrganisationKind.NATIONAL_REGISTRAR,
        ).exists()
        if not has_consent:
            raise ValidationError(
                {
                    "basis": _(
                        "Leg eerst de toestemming van betrokkene vast voor de landelijke "
                        "registratie (CoMensha)."
                    )
                }
            )
    elif basis == RegistrationBasis.OBLIGATION:
        if actor.organisation.kind not in OBLIGED_KINDS:
            raise ValidationError(
                {"basis": _("Alleen politie, KMar en Arbeidsinspectie hebben een meldplicht.")}
            )
    else:
        raise ValidationError({"basis": _("Kies een grondslag voor de registratie.")})
    victim = VictimProfile.objects.select_related("nationality").filter(case=locked).first()
    data = RegistrationInput(
        registration_date=timezone.localdate(),
        first_names=victim.first_name if victim else "",
        last_name=victim.last_name if victim else "",
        date_of_birth=victim.date_of_birth if victim else None,
        reporting_organisation=actor.organisation,
        crime_municipality_codes=[locked.crime_municipality.code]
        if locked.crime_municipality
        else [],
        form_codes=[f.code for f in locked.forms.all()],
        gender=victim.gender if victim else "unknown",
        age_at_registration=None
        if victim is None or victim.date_of_birth is not None
        else victim.estimated_age,
        nationality_code=victim.nationality.code if victim and victim.nationality else "",
        b8_status=_b8_status(locked),
        pseudonym=_case_pseudonym(locked, victim),
    )
    registration = registration_create(
        actor=actor,
        data=data,
        source=Source.CASES,
        source_reference=f"{locked.number}:{actor.organisation_id}",
    )
    _event(
        actor=actor,
        case=locked,
        kind=EventKind.REGISTRATION,
        text=_("Aangemeld bij de landelijke registratie door %(org)s (%(basis)s).")
        % {"org": actor.organisation.name, "basis": RegistrationBasis(basis).label},
    )
    _log(
        actor=actor,
        action=Action.SHARE,
        case=locked,
        purpose=Purpose.REGISTRATION,
        details={"registration": registration.pk, "basis": basis},
    )
    return registration
