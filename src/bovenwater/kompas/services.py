"""The one write path of the Kompas app: notes, shares, training, self-assessment."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import User
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.accounts.selectors import is_member
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.kompas import assessment, targets
from bovenwater.kompas.models import (
    ActionItem,
    ActionStatus,
    AssessmentConsent,
    Note,
    SelfAssessment,
    Share,
    TargetKind,
)
from bovenwater.kompas.tasks import send_share_mail

MAX_NOTE = 5000
MAX_MESSAGE = 500


def _subject(user: User) -> str:
    return f"user:{user.pk}"


# -- notes -----------------------------------------------------------------------------


def _clean_note_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Schrijf een notitie.")})
    if len(body) > MAX_NOTE:
        raise ValidationError({"body": _("Een notitie is hoogstens 5000 tekens.")})
    return body


def _log_note(*, actor: Actor, action: Action, note_id: int) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type="kompas.note",
        object_id=note_id,
        data_subject=_subject(actor.user),
        purpose=Purpose.KOMPAS,
    )


@transaction.atomic
def note_create(*, actor: Actor, kind: str, target: str, body: str, paragraph: str = "") -> Note:
    """A note on a section, card or scenario; on a section optionally on one paragraph,
    whose text is kept with the note so it survives edits of the chapter."""
    body = _clean_note_body(body)
    if not targets.exists(kind, target):
        raise ValidationError(_("Dit onderdeel bestaat niet."))
    anchor_text = ""
    if paragraph:
        found = targets.paragraph(target, paragraph) if kind == TargetKind.SECTION else None
        if found is None:
            raise ValidationError(_("Deze alinea bestaat niet (meer). Kies de paragraaf."))
        anchor_text = found.text
    note = Note.objects.create(
        owner=actor.user,
        kind=kind,
        target=target,
        body=body,
        paragraph=paragraph,
        anchor_text=anchor_text,
    )
    _log_note(actor=actor, action=Action.CREATE, note_id=note.pk)
    return note


@transaction.atomic
def note_update(*, actor: Actor, note: Note, body: str) -> Note:
    if note.owner_id != actor.user.pk:
        raise PermissionDenied
    note.body = _clean_note_body(body)
    note.save(update_fields=["body", "updated_at"])
    _log_note(actor=actor, action=Action.UPDATE, note_id=note.pk)
    return note


@transaction.atomic
def note_delete(*, actor: Actor, note: Note) -> None:
    if note.owner_id != actor.user.pk:
        raise PermissionDenied
    note_id = note.pk
    note.delete()
    _log_note(actor=actor, action=Action.DELETE, note_id=note_id)


# -- sharing ---------------------------------------------------------------------------


@transaction.atomic
def share_create(
    *, actor: Actor, kind: str, target: str, recipient: User, message: str = ""
) -> Share:
    """Share a section, card or scenario with a colleague of the same organisation.

    Only the reference travels; notes never do.
    """
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": _("Een bericht is hoogstens 500 tekens.")})
    if not targets.exists(kind, target):
        raise ValidationError(_("Dit onderdeel bestaat niet."))
    if recipient.pk == actor.user.pk:
        raise ValidationError({"recipient": _("Kies een collega, niet uzelf.")})
    if not is_member(user_id=recipient.pk, organisation_id=actor.organisation_id):
        raise PermissionDenied
    share = Share.objects.create(
        sender=actor.user,
        sender_organisation=actor.organisation,
        recipient=recipient,
        kind=kind,
        target=target,
        message=message,
    )
    log_processing(
        actor=actor,
        action=Action.SHARE,
        object_type="kompas.share",
        object_id=share.pk,
        data_subject=_subject(recipient),
        purpose=Purpose.KOMPAS,
        details={"kind": kind, "target": target},
    )
    # The e-mail goes out from the task queue after the commit (kompas/mail.py: a
    # failure is logged and tried again later, never swallowed).
    transaction.on_commit(partial(send_share_mail.enqueue, share.pk), robust=True)
    return share


@transaction.atomic
def share_mark_read(*, actor: Actor, share: Share) -> Share:
    if share.recipient_id != actor.user.pk:
        raise PermissionDenied
    if share.read_at is None:
        share.read_at = timezone.now()
        share.save(update_fields=["read_at"])
    return share


# -- self-assessment -------------------------------------------------------------------


def _require_municipality(actor: Actor) -> None:
    if not actor.has(Permission.MANAGE_SELF_ASSESSMENT):
        raise PermissionDenied
    if actor.organisation.kind != OrganisationKind.MUNICIPALITY:
        raise PermissionDenied


@transaction.atomic
def assessment_submit(*, actor: Actor, answers: Mapping[str, int]) -> SelfAssessment:
    _require_municipality(actor)
    stick = assessment.yardstick()
    clean: dict[str, int] = {}
    for statement in stick.statements:
        value = answers.get(statement.code)
        if value is None or int(value) not in (0, 1, 2):
            raise ValidationError({statement.code: _("Kies nee, deels of ja.")})
        clean[statement.code] = int(value)
    item = SelfAssessment.objects.create(
        organisation=actor.organisation, created_by=actor.user, answers=clean
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="kompas.self_assessment",
        object_id=item.pk,
        purpose=Purpose.KOMPAS,
    )
    return item


@transaction.atomic
def action_create(
    *,
    actor: Actor,
    title: str,
    owner: str,
    deadline: datetime.date,
    statement_code: str = "",
) -> ActionItem:
    _require_municipality(actor)
    if statement_code and assessment.yardstick().statement(statement_code) is None:
        raise ValidationError({"statement_code": _("Onbekend onderdeel van de meetlat.")})
    if not title.strip():
        raise ValidationError({"title": _("Beschrijf de actie.")})
    if not owner.strip():
        raise ValidationError({"owner": _("Wie is eigenaar van de actie?")})
    item = ActionItem.objects.create(
        organisation=actor.organisation,
        statement_code=statement_code,
        title=title.strip(),
        owner=owner.strip(),
        deadline=deadline,
        created_by=actor.user,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="kompas.action_item",
        object_id=item.pk,
        purpose=Purpose.KOMPAS,
    )
    return item


@transaction.atomic
def action_set_status(*, actor: Actor, item: ActionItem, status: str) -> ActionItem:
    _require_municipality(actor)
    if item.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Onbekende status.")})
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="kompas.action_item",
        object_id=item.pk,
        purpose=Purpose.KOMPAS,
        details={"status": status},
    )
    return item


@transaction.atomic
def consent_set(*, actor: Actor, share_with_region: bool) -> AssessmentConsent:
    _require_municipality(actor)
    consent = AssessmentConsent.objects.create(
        organisation=actor.organisation, share_with_region=share_with_region, changed_by=actor.user
    )
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="kompas.assessment_consent",
        object_id=consent.pk,
        purpose=Purpose.KOMPAS,
        details={"share_with_region": share_with_region},
    )
    return consent
