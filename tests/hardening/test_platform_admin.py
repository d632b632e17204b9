"""Finding 1: nationwide configuration belongs to the platform administrator, and every
change is in the processing log (who, when, old → new) for the platform's privacy officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission as ModelPermission
from django.test import Client

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.audit.selectors import LogFilter, processing_log_for_actor
from bovenwater.cases.models import Shelter, ShelterCapacity
from bovenwater.intake.models import RoutingRule
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db


def _change_form_data(response: Any, **changes: Any) -> dict[str, Any]:
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    data.update(changes)
    data["_save"] = "Opslaan"
    return data


@pytest.fixture
def platform(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Platformbeheer (test)", kind=OrganisationKind.OTHER)


def test_an_organisation_beheerder_cannot_reroute_the_country(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    beheerder = make_member(role=Role.ADMINISTRATOR)
    # what the old demo seed granted: staff with every routing-rule permission
    beheerder.user.is_staff = True
    beheerder.user.save()
    beheerder.user.user_permissions.add(
        *ModelPermission.objects.filter(codename__endswith="routingrule")
    )
    client = login_as(beheerder)
    rule = RoutingRule.objects.order_by("priority").first()
    assert rule is not None
    for url in (
        "/beheer/",
        "/beheer/intake/routingrule/",
        f"/beheer/intake/routingrule/{rule.pk}/change/",
    ):
        assert client.get(url).status_code in (302, 403), url
    response = client.post(f"/beheer/intake/routingrule/{rule.pk}/change/", {"target": "fixed"})
    assert response.status_code in (302, 403)
    assert RoutingRule.objects.get(pk=rule.pk).target == rule.target
    assert (
        not beheerder.user.has_perm("intake.change_routingrule") or not beheerder.user.is_superuser
    )


def test_platform_change_is_logged_old_to_new_for_the_platform_privacy_officer(
    platform: Organisation,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    admin = make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=platform)
    officer = make_member(role=Role.PRIVACY_OFFICER, organisation=platform)
    client = login_as(admin)
    rule = RoutingRule.objects.order_by("priority").first()
    assert rule is not None
    url = f"/beheer/intake/routingrule/{rule.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, _change_form_data(page, priority=rule.priority + 7))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = ProcessingLogEntry.objects.get(object_type="intake.routingrule", action=Action.UPDATE)
    assert entry.actor_user_id == admin.user_id
    assert entry.organisation_id == platform.pk
    assert entry.object_id == str(rule.pk)
    assert entry.details["changes"] == {"priority": [rule.priority, rule.priority + 7]}
    seen = processing_log_for_actor(
        actor=Actor(user=officer.user, membership=officer), filters=LogFilter()
    )
    assert seen.filter(pk=entry.pk).exists()


def test_platform_administrator_sees_configuration_but_not_the_processing_log(
    platform: Organisation,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    client = login_as(make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=platform))
    for url in (
        "/beheer/",
        "/beheer/intake/routingrule/",
        "/beheer/accounts/organisation/",
        "/beheer/cases/shelter/",
        "/beheer/reference/municipality/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/beheer/audit/processinglogentry/").status_code == 403
    assert client.get("/beheer/reference/municipality/add/").status_code == 403


def test_shelter_category_change_is_logged(
    platform: Organisation,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    amsterdam = Municipality.objects.get(code="GM0363")
    shelter = Shelter.objects.create(
        name="Opvang Test",
        organisation=make_organisation(kind=OrganisationKind.SHELTER),
        region=amsterdam.police_unit,
        municipality=amsterdam,
    )
    capacity = ShelterCapacity.objects.create(shelter=shelter, category="women", places=4)
    client = login_as(make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=platform))
    url = f"/beheer/cases/shelter/{shelter.pk}/change/"
    page = client.get(url)
    data = _change_form_data(page)
    data.update(
        {
            "capacities-TOTAL_FORMS": "1",
            "capacities-INITIAL_FORMS": "1",
            "capacities-0-id": str(capacity.pk),
            "capacities-0-shelter": str(shelter.pk),
            "capacities-0-category": "men",
            "capacities-0-places": "4",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = ProcessingLogEntry.objects.get(object_type="cases.sheltercapacity")
    assert entry.details["changes"] == {"category": ["women", "men"]}


def test_beheerder_keeps_its_own_sociale_kaart_entry_and_the_change_is_logged(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    beheerder = make_member(role=Role.ADMINISTRATOR)
    client = login_as(beheerder)
    assert client.get("/account/organisatie/").status_code == 200
    bad = client.post("/account/organisatie/", {"email": "geen-adres", "phone": "010 123"})
    assert bad.status_code == 400
    assert 'value="010 123"' in bad.content.decode()
    response = client.post(
        "/account/organisatie/", {"email": "info@gemeente.example", "phone": "010 1234567"}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=beheerder.organisation_id)
    assert (organisation.email, organisation.phone) == ("info@gemeente.example", "010 1234567")
    entry = ProcessingLogEntry.objects.get(
        object_type="accounts.organisation", action=Action.UPDATE
    )
    assert entry.details["changes"]["phone"] == ["", "010 1234567"]
    assert entry.organisation_id == beheerder.organisation_id


@pytest.mark.parametrize(
    "role", [Role.SIGNALLER, Role.PRIVACY_OFFICER, Role.PLATFORM_ADMINISTRATOR]
)
def test_only_the_beheerder_edits_the_organisation(
    role: Role, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member(role=role))
    assert client.get("/account/organisatie/").status_code == 403
    assert client.post("/account/organisatie/", {"email": "x@y.example"}).status_code == 403
