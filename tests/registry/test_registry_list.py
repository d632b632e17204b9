"""Registry staff browse and search the pseudonymised registrations in their scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.registry.models import Registration

pytestmark = pytest.mark.django_db


def test_the_national_registrar_lists_searches_and_the_view_is_logged(
    police_registrations: Organisation,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    comensha = make_organisation(kind=OrganisationKind.NATIONAL_REGISTRAR)
    client = login_as(make_member(role=Role.ANALYST, organisation=comensha))
    page = client.get(reverse("registry:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "2 registraties van 2 personen." in body
    assert "Voorbeeld" not in body  # names are never stored, let alone shown
    first = Registration.objects.select_related("person").order_by("pk").first()
    assert first is not None
    found = client.get(reverse("registry:list"), {"zoek": first.person.pseudonym[:8]})
    assert "1 registratie van 1 personen." in found.content.decode()
    none = client.get(reverse("registry:list"), {"jaar": "2024", "minderjarig": "ja"})
    assert "Geen registraties gevonden" in none.content.decode()
    entries = ProcessingLogEntry.objects.filter(
        object_type="registry.registration", object_id="list", organisation_id=comensha.pk
    ).order_by("pk")
    assert [bool(entry.details["ids"]) for entry in entries] == [True, True, False]


def test_another_organisation_sees_none_of_them_and_roles_without_the_right_get_403(
    police_registrations: Organisation,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    other = make_organisation(kind=OrganisationKind.POLICE)
    client = login_as(make_member(role=Role.ANALYST, organisation=other))
    page = client.get(reverse("registry:list"))
    assert page.status_code in (200, 403)
    if page.status_code == 200:
        assert "Geen registraties gevonden" in page.content.decode()
    signaller = login_as(make_member(role=Role.SIGNALLER, organisation=other))
    assert signaller.get(reverse("registry:list")).status_code == 403
