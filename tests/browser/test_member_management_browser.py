"""Finding 1 in the browser: a beheerder adds an existing account of another
organisation, changes its role and ends the membership, each with a reason, and keeps
its shelter's capacity up to date, in the normal UI (not the Django admin)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.axe import axe_violations
from tests.browser.support import log_in
from tests.support import TEST_PASSWORD, TEST_SECRET

from bovenwater.accounts import services
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases.models import Shelter, ShelterCapacity, ShelterCategory
from bovenwater.reference.models import Municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _organisation(name: str, kind: OrganisationKind) -> Organisation:
    return services.organisation_create(
        name=name, kind=kind, municipality=Municipality.objects.get(code="GM0363")
    )


def _member(organisation: Organisation, username: str, role: Role, email: str = "") -> Membership:
    user = services.user_create(
        username=username,
        password=TEST_PASSWORD,
        first_name="Sanne",
        last_name=username.capitalize(),
        email=email,
    )
    services.totp_device_set_known_secret(user=user, secret_base32=TEST_SECRET)
    return services.membership_add(user=user, organisation=organisation, role=role)


def test_beheerder_manages_members_and_shelter_capacity(
    live_server: Any, live_database: None, page: Any
) -> None:
    shelter_org = _organisation("Opvanghuis De Haven (test)", OrganisationKind.SHELTER)
    elsewhere = _organisation("Stichting Elders (test)", OrganisationKind.NGO)
    _member(shelter_org, "beheerder.haven", Role.ADMINISTRATOR)
    colleague = _member(elsewhere, "proefsma", Role.CHAT_HELPER, email="sanne@elders.invalid")
    shelter = Shelter.objects.create(
        name="De Haven",
        organisation=shelter_org,
        region_id=shelter_org.municipality.police_unit_id,
        municipality=shelter_org.municipality,
    )
    capacity = ShelterCapacity.objects.create(
        shelter=shelter, category=ShelterCategory.WOMEN, places=4
    )
    base = live_server.url
    log_in(page, base, "beheerder.haven", password=TEST_PASSWORD)

    page.goto(f"{base}/account/organisatie/")
    page.get_by_role("link", name="Leden en hun rollen").click()
    page.get_by_test_id("member-add").click()
    assert axe_violations(page) == []
    page.get_by_label("E-mailadres").fill("Sanne@Elders.invalid")
    page.get_by_label("Rol", exact=True).select_option(label="Zorgcoördinator")
    page.get_by_label("Reden").fill("Gedetacheerd bij de opvang")
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_url(f"{base}/account/leden/")
    assert "Sanne Proefsma is toegevoegd als Zorgcoördinator." in page.content()
    added = Membership.objects.get(user=colleague.user, organisation=shelter_org)

    page.get_by_role("link", name="Sanne Proefsma beheren").click()
    assert axe_violations(page) == []
    page.get_by_label("Nieuwe rol").select_option(label="Signaleerder")
    page.locator("#role-heading").locator("..").get_by_label("Reden").fill("Andere taak")
    page.get_by_role("button", name="Rol wijzigen").click()
    page.wait_for_url(f"{base}/account/leden/")
    added.refresh_from_db()
    assert added.role == Role.SIGNALLER

    page.get_by_role("link", name="Sanne Proefsma beheren").click()
    page.locator("#end-heading").locator("..").get_by_label("Reden").fill("Detachering voorbij")
    page.get_by_role("button", name="Lidmaatschap beëindigen").click()
    page.wait_for_url(f"{base}/account/leden/")
    added.refresh_from_db()
    colleague.refresh_from_db()
    assert not added.is_active and colleague.is_active  # the other organisation's stays
    reasons = [
        entry.details.get("reason")
        for entry in ProcessingLogEntry.objects.filter(
            object_type="accounts.membership", object_id=str(added.pk)
        )
        .exclude(action="view")
        .order_by("pk")
    ]
    assert reasons == ["Gedetacheerd bij de opvang", "Andere taak", "Detachering voorbij"]

    page.goto(f"{base}/account/organisatie/")
    page.get_by_role("link", name="Capaciteit van onze opvang").click()
    assert axe_violations(page) == []
    form = page.get_by_test_id(f"capacity-{capacity.pk}")
    form.get_by_label("Plaatsen").fill("-2")
    form.get_by_label("Reden").fill("Verbouwing")
    form.get_by_role("button", name="Opslaan").click()
    form = page.get_by_test_id(f"capacity-{capacity.pk}")
    assert "Het aantal plaatsen kan niet negatief zijn." in form.inner_text()
    assert form.get_by_label("Reden").input_value() == "Verbouwing"  # input kept
    form.get_by_label("Plaatsen").fill("6")
    form.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(f"{base}/casussen/opvang/capaciteit/")
    assert "De capaciteit is opgeslagen." in page.content()
    capacity.refresh_from_db()
    assert capacity.places == 6
