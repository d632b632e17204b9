"""Administrative measures (bestuurlijke maatregelen)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.cases.models import (
    AdministrativeMeasure,
    Case,
    EventKind,
    MeasureKind,
    MeasureStatus,
)
from bovenwater.cases.selectors import (
    case_access,
)
from bovenwater.cases.services.common import timeline_event
from bovenwater.lib.errors import NotFound


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
        timeline_event(
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
    locked = AdministrativeMeasure.objects.select_for_update().get(pk=measure.pk)
    if locked.owner_id != actor.organisation_id or not actor.has(Permission.MANAGE_MEASURES):
        raise NotFound
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
