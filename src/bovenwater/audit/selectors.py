"""Access-checked reads of the processing log (for the privacy officer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing

if TYPE_CHECKING:
    from bovenwater.accounts.actor import Actor


@dataclass(frozen=True)
class LogFilter:
    data_subject: str = ""
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    organisation: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    refused: bool = False

    def as_details(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.__dict__.items() if value}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def processing_log_for_actor(*, actor: Actor, filters: LogFilter) -> QuerySet[ProcessingLogEntry]:
    """Entries about processing by the privacy officer's own organisation.

    The privacy officer (FG) supervises processing by their own organisation, and of
    their organisation's data by others: the scope is the entries of the acting
    organisation and those that name it as the owner of the data (a partner's read
    through a share, another organisation's refused attempt on its objects). Login
    entries of the organisation's members are in scope too: they carry the
    organisation they logged in to.
    """
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    entries = ProcessingLogEntry.objects.filter(
        Q(organisation_id=actor.organisation_id) | Q(owner_organisation_id=actor.organisation_id)
    )
    if filters.data_subject:
        entries = entries.filter(data_subject=filters.data_subject.strip())
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type.strip())
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id.strip())
    if filters.actor:
        entries = entries.filter(actor_username__icontains=filters.actor.strip())
    if filters.organisation:
        entries = entries.filter(organisation_name__icontains=filters.organisation.strip())
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.refused:
        entries = entries.filter(details__has_key="refused")
    if filters.date_from:
        entries = entries.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(occurred_at__lt=_day_start(filters.date_to) + timedelta(days=1))
    return entries.order_by("-id")


def object_types_in_log(*, actor: Actor) -> list[str]:
    """The kinds of records that occur in the organisation's log (for the filter)."""
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    return list(
        ProcessingLogEntry.objects.filter(organisation_id=actor.organisation_id)
        .order_by()
        .values_list("object_type", flat=True)
        .distinct()
    )


def processing_log_viewed(*, actor: Actor, filters: LogFilter, exported: int | None = None) -> None:
    """Record that the privacy officer looked at (or exported) the log."""
    log_processing(
        actor=actor,
        action=Action.EXPORT if exported is not None else Action.VIEW,
        object_type="audit.processinglogentry",
        object_id=f"organisation:{actor.organisation_id}",
        data_subject=filters.data_subject.strip(),
        purpose=Purpose.PRIVACY_SUPERVISION,
        details={
            "filters": filters.as_details(),
            **({"rows": exported} if exported is not None else {}),
        },
    )
