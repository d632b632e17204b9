"""Shelter placements: requests, the waiting list, placing and departure."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.cases.models import (
    Case,
    EventKind,
    Placement,
    PlacementRequest,
    PlacementRequestStatus,
    Shelter,
    ShelterCategory,
)
from bovenwater.cases.selectors import (
    is_national_registrar,
)
from bovenwater.cases.services.common import managed_case_for_update, record
from bovenwater.cases.services.referral import notify_owner
from bovenwater.cases.workflow import OPEN_STATES
from bovenwater.lib.errors import NotFound
from bovenwater.notifications.models import Event
from bovenwater.notifications.services import notify_organisation
from bovenwater.reference.models import PoliceUnit


@transaction.atomic
def placement_request_create(
    *, actor: Actor, case: Case, category: str, region: PoliceUnit, note: str = ""
) -> PlacementRequest:
    locked = managed_case_for_update(actor=actor, case=case)
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
    record(
        actor=actor,
        case=locked,
        action=Action.CREATE,
        event=EventKind.PLACEMENT,
        text=_("Plaatsing aangevraagd: %(category)s, regio %(region)s.")
        % {"category": ShelterCategory(category).label, "region": region.name},
        object_type="cases.placementrequest",
        object_id=request.pk,
    )
    if category == ShelterCategory.COSM:  # placed by the national registrar: tell it
        for registrar in Organisation.objects.filter(
            kind=OrganisationKind.NATIONAL_REGISTRAR, is_active=True
        ):
            notify_organisation(
                organisation=registrar,
                permission=Permission.PLACE_COSM,
                event=Event.PLACEMENT_REQUESTED,
                url_name="cases:capacity",
                reference=locked.number,
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
    locked_request = PlacementRequest.objects.select_for_update().get(pk=request.pk)
    case = Case.objects.select_for_update().get(pk=locked_request.case_id)
    registrar = is_national_registrar(actor)
    own = case.owner_id == actor.organisation_id and actor.has(Permission.MANAGE_CASES)
    if not (own or registrar):
        raise NotFound
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
    record(
        actor=actor,
        case=case,
        action=Action.CREATE,
        event=EventKind.PLACEMENT,
        text=_("Geplaatst in %(shelter)s (%(category)s).")
        % {
            "shelter": locked_shelter.name,
            "category": ShelterCategory(locked_request.category).label,
        },
        object_type="cases.placement",
        object_id=placement.pk,
    )
    if case.owner_id != actor.organisation_id:  # placed by the registrar: tell the owner
        notify_owner(case, Event.PLACEMENT_ANSWERED)
    return placement


@transaction.atomic
def placement_request_cancel(*, actor: Actor, request: PlacementRequest, reason: str) -> None:
    locked_case = managed_case_for_update(actor=actor, case=request.case)
    changed = PlacementRequest.objects.filter(
        pk=request.pk, status=PlacementRequestStatus.WAITING
    ).update(status=PlacementRequestStatus.CANCELLED, closed_at=timezone.now())
    if not changed:
        raise ValidationError(_("Dit verzoek staat niet meer op de wachtlijst."))
    record(
        actor=actor,
        case=locked_case,
        action=Action.UPDATE,
        event=EventKind.PLACEMENT,
        text=reason,
        object_type="cases.placementrequest",
        object_id=request.pk,
    )


@transaction.atomic
def placement_depart(
    *, actor: Actor, placement: Placement, departed_on: datetime.date, reason: str
) -> Placement:
    locked_case = managed_case_for_update(actor=actor, case=placement.case)
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
    record(
        actor=actor,
        case=locked_case,
        action=Action.UPDATE,
        event=EventKind.PLACEMENT,
        text=_("Vertrokken uit %(shelter)s: %(reason)s")
        % {"shelter": locked.shelter.name, "reason": reason.strip()},
        object_type="cases.placement",
        object_id=locked.pk,
    )
    return locked
