"""API tokens only for system accounts and only while everything behind them is active;
an organisation's contact details only by its beheerder; the processing log's date and
organisation filters (issue #20: refusals and permission checks of the accounts and
audit read and write paths)."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from bovenwater.accounts import services
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.audit import selectors as log
from bovenwater.audit.models import Action, ProcessingLogEntry

pytestmark = pytest.mark.django_db


def _system_membership(organisation: Organisation) -> Membership:
    user = services.user_create(username="koppeling.a", password=None, is_system_account=True)
    return services.membership_add(user=user, organisation=organisation, role=Role.ANALYST)


def test_a_token_is_issued_only_to_a_system_account(
    make_member: Callable[..., Membership],
) -> None:
    person = make_member(role=Role.ANALYST)
    with pytest.raises(ValueError, match="only issued to system accounts"):
        services.api_token_create(membership=person, label="persoonlijk")
    assert not person.user.api_tokens.exists()


def test_an_expired_token_or_one_behind_an_ended_membership_does_not_authenticate(
    make_organisation: Callable[..., Organisation],
) -> None:
    membership = _system_membership(make_organisation())
    _token, plain = services.api_token_create(membership=membership, label="koppeling")
    _later, expired = services.api_token_create(
        membership=membership,
        label="verlopen",
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert services.api_token_check(plain) is not None
    assert services.api_token_check(expired) is None
    assert services.api_token_check(plain[:-1] + ("x" if plain[-1] != "x" else "y")) is None
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    assert services.api_token_check(plain) is None
    Membership.objects.filter(pk=membership.pk).update(is_active=True)
    Organisation.objects.filter(pk=membership.organisation_id).update(is_active=False)
    assert services.api_token_check(plain) is None


def test_only_the_beheerder_changes_the_organisations_contact_details(
    make_member: Callable[..., Membership],
) -> None:
    beheerder = make_member(role=Role.ADMINISTRATOR)
    officer = make_member(role=Role.PRIVACY_OFFICER, organisation=beheerder.organisation)
    with pytest.raises(PermissionDenied):
        services.organisation_contact_update(
            actor=Actor(user=officer.user, membership=officer), email="x@example.org", phone="1"
        )
    assert Organisation.objects.get(pk=beheerder.organisation_id).email == ""
    services.organisation_contact_update(
        actor=Actor(user=beheerder.user, membership=beheerder), email="info@example.org", phone="2"
    )
    assert Organisation.objects.get(pk=beheerder.organisation_id).email == "info@example.org"


def test_the_log_filters_by_organisation_name_and_by_day(
    make_member: Callable[..., Membership],
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    actor = Actor(user=officer.user, membership=officer)
    colleague = make_member(role=Role.ADMINISTRATOR, organisation=officer.organisation)
    services.organisation_contact_update(
        actor=Actor(user=colleague.user, membership=colleague), email="a@example.org", phone="3"
    )
    entry = ProcessingLogEntry.objects.get(
        object_type="accounts.organisation", action=Action.UPDATE
    )
    today = timezone.localdate(entry.occurred_at)  # the day it was written, even at midnight
    day = datetime.timedelta(days=1)

    def found(**filters: object) -> list[int]:
        rows = log.processing_log_for_actor(actor=actor, filters=log.LogFilter(**filters))  # type: ignore[arg-type]
        return [
            e.pk for e in rows.filter(object_type="accounts.organisation", action=Action.UPDATE)
        ]

    name = officer.organisation.name
    assert found(organisation=f" {name[3:].upper()} ") == [entry.pk]
    assert found(organisation="Geen Zo Organisatie") == []
    assert found(date_from=today, date_to=today) == [entry.pk]
    assert found(date_from=today + day) == []
    assert found(date_to=today - day) == []
    with pytest.raises(dataclasses.FrozenInstanceError):  # a filter is a value
        log.LogFilter().actor = "iemand"  # type: ignore[misc]
