"""Processing-log entries in words a privacy officer reads: names, not ids or codes.

An entry stores technical references (``cases.case``, ``organisation:31``, ``user:27``,
the role's slug) so that it stays stable and verifiable. For the log page and its CSV
these are turned into the kind of record in Dutch or English (the model's own
``verbose_name``), the organisation's or person's name, and the role's label. The
references stay available beside them.

Names are looked up through Django's app registry, so ``audit`` keeps importing no app
(the processing log sits below every domain app).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from bovenwater.audit.models import ProcessingLogEntry

REFERENCE = re.compile(r"^(organisation|owner|user):(\d+)$")
OTHER_REFERENCE = re.compile(r"^[a-z_]+:(\d+)$")


def object_type_name(label: str) -> str:
    """``cases.case`` → "casus"; ``kompas.action_item`` → "actiepunt"; unknown → "gegevens"."""
    if not label:
        return "—"
    try:
        model = apps.get_model(label.replace("_", ""))
    except (LookupError, ValueError):
        return _("overige gegevens")
    return str(model._meta.verbose_name)


def object_type_choices(labels: Iterable[str]) -> list[tuple[str, str]]:
    """(label, name) pairs for a filter, sorted by the name a reader sees."""
    return sorted(
        ((label, object_type_name(label)) for label in set(labels) if label),
        key=lambda c: c[1].lower(),
    )


def role_label(slug: str) -> str:
    if not slug:
        return ""
    membership = apps.get_model("accounts", "Membership")
    choices = dict(membership._meta.get_field("role").choices or [])
    return str(choices.get(slug, _("onbekende rol")))


@dataclass
class _Names:
    users: dict[int, str]
    users_by_username: dict[str, str]
    organisations: dict[int, str]

    def reference(self, value: str) -> str:
        """``organisation:31`` → "organisatie Gemeente Amsterdam"; other values as they are."""
        match = REFERENCE.match(value or "")
        if match is None:
            other = OTHER_REFERENCE.match(value or "")
            return _("nr. %(id)s") % {"id": other.group(1)} if other else (value or "—")
        kind, pk = match.group(1), int(match.group(2))
        if kind == "organisation":
            return _("organisatie %(name)s") % {
                "name": self.organisations.get(pk, _("(verwijderd)"))
            }
        return _("persoon %(name)s") % {"name": self.users.get(pk, _("(verwijderd)"))}


def _names(entries: list[ProcessingLogEntry]) -> _Names:
    user_ids: set[int] = set()
    organisation_ids: set[int] = set()
    usernames = {entry.actor_username for entry in entries if entry.actor_username}
    for entry in entries:
        for value in (entry.object_id, entry.data_subject):
            match = REFERENCE.match(value or "")
            if match is None:
                continue
            (organisation_ids if match.group(1) == "organisation" else user_ids).add(
                int(match.group(2))
            )
    user_model = get_user_model()
    users: dict[int, str] = {}
    by_username: dict[str, str] = {}
    for user in user_model.objects.filter(pk__in=user_ids) | user_model.objects.filter(
        username__in=usernames
    ):
        name = user.get_full_name() or user.get_username()
        users[user.pk] = name
        by_username[user.get_username()] = name
    organisation = apps.get_model("accounts", "Organisation")
    organisations = dict(
        organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
    )
    return _Names(users, by_username, organisations)


@dataclass(frozen=True)
class EntryRow:
    entry: ProcessingLogEntry
    person: str
    role: str
    object_kind: str
    object: str
    data_subject: str


def describe(entries: Iterable[ProcessingLogEntry]) -> list[EntryRow]:
    """Rows for the log page and the CSV, with names looked up once per page."""
    listed = list(entries)
    names = _names(listed)
    rows = []
    for entry in listed:
        person = names.users_by_username.get(entry.actor_username, entry.actor_username) or _(
            "systeem"
        )
        rows.append(
            EntryRow(
                entry=entry,
                person=person,
                role=role_label(entry.role),
                object_kind=object_type_name(entry.object_type),
                object=names.reference(entry.object_id) if entry.object_id else "—",
                data_subject=names.reference(entry.data_subject) if entry.data_subject else "—",
            )
        )
    return rows


def member_choices(organisation_id: int) -> list[tuple[str, str]]:
    """(username, name) of the organisation's members, for the "who" filter."""
    membership = apps.get_model("accounts", "Membership")
    rows: list[Any] = list(
        membership.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(
            row.user.get_username(), row.user.get_full_name() or row.user.get_username()
        )
    return list(seen.items())
