"""The beheerder of a shelter organisation keeps its shelters' capacity up to date."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import ShelterCapacity
from bovenwater.cases.services.placement import occupied_places

MAX_PLACES = 999


@transaction.atomic
def shelter_capacity_set(
    *, actor: Actor, capacity: ShelterCapacity, places: int, reason: str
) -> ShelterCapacity:
    """Set the places of one category of one of the actor's organisation's shelters
    (old → new and the reason are logged). Never below the places taken now."""
    locked = (
        ShelterCapacity.objects.select_for_update().select_related("shelter").get(pk=capacity.pk)
    )
    if not actor.has(Permission.MANAGE_ORGANISATION):
        raise PermissionDenied
    if locked.shelter.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not 0 <= places <= MAX_PLACES:
        raise ValidationError(
            _("Vul een aantal plaatsen van 0 tot en met %(max)s in.") % {"max": MAX_PLACES}
        )
    taken = occupied_places(shelter=locked.shelter, category=locked.category)
    if places < taken:
        raise ValidationError(
            _(
                "Er verblijven nu %(taken)s cliënten in deze categorie; de capaciteit kan niet lager zijn dan %(taken)s."
            )
            % {"taken": taken}
        )
    if locked.places == places:
        return locked
    old = locked.places
    locked.places = places
    locked.save(update_fields=["places"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="cases.sheltercapacity",
        object_id=locked.pk,
        purpose=Purpose.ORGANISATION_MANAGEMENT,
        details={"changes": {"places": [old, places]}, "reason": reason.strip()},
    )
    return locked
