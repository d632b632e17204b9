"""Canned responses of an organisation's helpers, kept by its chat supervisors.

A canned response holds no personal data (a title, a text and a link to Kompas or the
sociale kaart); every change is still in the processing log, so the organisation can see
who changed what its helpers send."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.chat.models import CannedResponse
from bovenwater.chat.services.common import ChatError, helper_of
from bovenwater.lib.errors import NotFound

OBJECT = "chat.canned_response"
TITLE_MAX = 80
BODY_MAX = 2000
LINK_MAX = 200


def _supervisor(actor: Actor) -> None:
    if not helper_of(actor).is_supervisor:
        raise PermissionDenied


def _clean(title: str, body: str, link: str) -> tuple[str, str, str]:
    title, body, link = title.strip(), body.strip(), link.strip()
    if not title or not body:
        raise ChatError(_("Geef een titel en een tekst."))
    if len(title) > TITLE_MAX:
        raise ChatError(_("De titel is te lang (meer dan 80 tekens)."))
    if len(body) > BODY_MAX:
        raise ChatError(_("De tekst is te lang (meer dan 2000 tekens)."))
    if len(link) > LINK_MAX:
        raise ChatError(_("De link is te lang (meer dan 200 tekens)."))
    if link and not link.startswith(("/", "https://", "http://")):
        raise ChatError(
            _("Een link begint met / (een pagina van Bovenwater, zoals Kompas) of met https://.")
        )
    return title, body, link


def _log(actor: Actor, canned: CannedResponse, action: Action, kind: str) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type=OBJECT,
        object_id=canned.pk,
        purpose=Purpose.CHAT_HELP,
        details={"kind": kind},
    )


@transaction.atomic
def canned_response_create(
    *, actor: Actor, title: str, body: str, link: str = ""
) -> CannedResponse:
    """A supervisor adds a canned response for the helpers of their organisation."""
    _supervisor(actor)
    title, body, link = _clean(title, body, link)
    canned = CannedResponse.objects.create(
        organisation_id=actor.organisation_id, title=title, body=body, link=link
    )
    _log(actor, canned, Action.CREATE, "canned_create")
    return canned


def _own(actor: Actor, canned_id: int) -> CannedResponse:
    """The organisation's own canned response, locked; another organisation's answers as
    a missing one would (the middleware logs the refusal)."""
    canned = (
        CannedResponse.objects.select_for_update()
        .filter(pk=canned_id, organisation_id=actor.organisation_id)
        .first()
    )
    if canned is None:
        raise NotFound
    return canned


@transaction.atomic
def canned_response_update(
    *, actor: Actor, canned_id: int, title: str, body: str, link: str = ""
) -> CannedResponse:
    _supervisor(actor)
    canned = _own(actor, canned_id)
    canned.title, canned.body, canned.link = _clean(title, body, link)
    canned.save(update_fields=["title", "body", "link"])
    _log(actor, canned, Action.UPDATE, "canned_update")
    return canned


@transaction.atomic
def canned_response_delete(*, actor: Actor, canned_id: int) -> None:
    _supervisor(actor)
    canned = _own(actor, canned_id)
    _log(actor, canned, Action.DELETE, "canned_delete")
    canned.delete()
