"""Chat supervisors keep their organisation's canned responses on a page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.support import login

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.chat.models import CannedResponse, Helper, Presence

pytestmark = pytest.mark.django_db


def _kinds() -> list[str]:
    return list(
        ProcessingLogEntry.objects.filter(object_type="chat.canned_response")
        .order_by("pk")
        .values_list("details__kind", flat=True)
    )


def test_a_supervisor_adds_changes_and_deletes_canned_responses_logged(
    client: Client, make_helper: Callable[..., Helper]
) -> None:
    boss = make_helper("Baas", presence=Presence.OFFLINE, supervisor=True)
    login(client, boss.membership)
    page = client.get(reverse("chat:canned"))
    assert page.status_code == 200
    assert "Je organisatie heeft nog geen standaardantwoorden." in page.content.decode()

    added = client.post(
        reverse("chat:canned"),
        {"title": "Sociale kaart", "body": "Hulp in je buurt:", "link": "/kompas/"},
        follow=True,
    )
    assert "Standaardantwoord toegevoegd." in added.content.decode()
    canned = CannedResponse.objects.get()
    assert (canned.organisation_id, canned.title, canned.link) == (
        boss.membership.organisation_id,
        "Sociale kaart",
        "/kompas/",
    )
    assert "Sociale kaart" in added.content.decode()

    edited = client.post(
        reverse("chat:canned_edit", args=[canned.pk]),
        {"title": "Sociale kaart", "body": "Hulp dichtbij:", "link": ""},
        follow=True,
    )
    assert "Standaardantwoord opgeslagen." in edited.content.decode()
    canned.refresh_from_db()
    assert (canned.body, canned.link) == ("Hulp dichtbij:", "")

    client.post(reverse("chat:canned_delete", args=[canned.pk]))
    assert not CannedResponse.objects.exists()
    assert _kinds() == ["canned_create", "canned_update", "canned_delete"]
    actors = set(
        ProcessingLogEntry.objects.filter(object_type="chat.canned_response").values_list(
            "actor_user_id", flat=True
        )
    )
    assert actors == {boss.membership.user_id}


def test_refused_input_is_kept_with_a_dutch_message_and_nothing_written(
    client: Client, make_helper: Callable[..., Helper]
) -> None:
    boss = make_helper("Baas", supervisor=True)
    login(client, boss.membership)
    page = client.post(
        reverse("chat:canned"),
        {"title": "Noodnummers", "body": "Bel 112", "link": "javascript:alert(1)"},
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert (
        "Een link begint met / (een pagina van Bovenwater, zoals Kompas) of met https://." in body
    )
    assert 'value="Noodnummers"' in body and "Bel 112</textarea>" in body
    assert not CannedResponse.objects.exists()

    canned = CannedResponse.objects.create(
        organisation_id=boss.membership.organisation_id, title="Oud", body="Oude tekst"
    )
    page = client.post(
        reverse("chat:canned_edit", args=[canned.pk]), {"title": "", "body": "Nieuwe tekst"}
    )
    assert page.status_code == 400
    assert "Geef een titel en een tekst." in page.content.decode()
    assert "Nieuwe tekst</textarea>" in page.content.decode()
    canned.refresh_from_db()
    assert (canned.title, canned.body) == ("Oud", "Oude tekst")
    assert _kinds() == []


def test_helpers_and_other_organisations_cannot_manage_them(
    client: Client,
    make_helper: Callable[..., Helper],
    make_organisation: Callable[..., Organisation],
) -> None:
    sam = make_helper("Sam")
    other = make_organisation(name="Andere chatdienst", kind=OrganisationKind.NGO)
    theirs = CannedResponse.objects.create(organisation=other, title="Van hen", body="Hun tekst")
    login(client, sam.membership)  # a helper, not a supervisor
    assert client.get(reverse("chat:canned")).status_code == 403
    assert client.post(reverse("chat:canned"), {"title": "x", "body": "y"}).status_code == 403
    boss = make_helper("Baas", supervisor=True)
    login(client, boss.membership)
    page = client.get(reverse("chat:canned"))
    assert "Van hen" not in page.content.decode()
    for url in (
        reverse("chat:canned_edit", args=[theirs.pk]),
        reverse("chat:canned_delete", args=[theirs.pk]),
    ):
        assert client.post(url, {"title": "Gekaapt", "body": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.body) == ("Van hen", "Hun tekst")
    assert not CannedResponse.objects.filter(organisation_id=boss.membership.organisation_id)
