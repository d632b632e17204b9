"""Notifications (issue #13, point 8): each event reaches exactly the right people, the
e-mail carries no personal data, preferences are honoured, the centre works."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.cases import factories
from tests.support import login

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import ShelterCategory
from bovenwater.cases.services.case import case_open
from bovenwater.cases.services.coordination import case_assign
from bovenwater.cases.services.deadline_notices import deadline_notices_send
from bovenwater.cases.types import VictimDetails
from bovenwater.intake import services as intake
from bovenwater.notifications.mail import digest_send
from bovenwater.notifications.models import EmailMode, Notification, Preference
from bovenwater.reference.models import Municipality, Nationality

pytestmark = pytest.mark.django_db
SECRET_NAME = "Geheimvoet"


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: Any) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "audit", "notifications"],
        }
    }


def users_told(event: str) -> set[int]:
    return set(Notification.objects.filter(event=event).values_list("user_id", flat=True))


@pytest.fixture
def region():  # type: ignore[no-untyped-def]
    care = factories.organisation(OrganisationKind.CARE_COORDINATION)
    municipality = factories.organisation(OrganisationKind.MUNICIPALITY)
    other_municipality = factories.organisation(OrganisationKind.MUNICIPALITY, "GM0599")
    return {
        "care": care,
        "municipality": municipality,
        "contact": factories.actor(Role.CONTACT_OFFICER, municipality),
        "signaller": factories.actor(Role.SIGNALLER, municipality),
        "elsewhere": factories.actor(Role.CONTACT_OFFICER, other_municipality),
        "first": factories.actor(Role.CARE_COORDINATOR, care),
        "second": factories.actor(Role.CARE_COORDINATOR, care),
        "director": factories.actor(Role.CHAIN_DIRECTOR, care),
    }


def test_a_routed_signal_notifies_the_triage_roles_of_that_organisation_only(region) -> None:  # type: ignore[no-untyped-def]
    signal = intake.signal_submit(
        actor=region["signaller"],
        data=intake.SignalInput(
            description="Signaal", municipality=Municipality.objects.get(code="GM0363")
        ),
    )
    assert users_told("signal_routed") == {region["contact"].user.pk}
    notice = Notification.objects.get(event="signal_routed")
    assert notice.reference == signal.reference
    assert region["elsewhere"].user.pk not in users_told("signal_routed")


def test_assignment_referral_and_withdrawal_reach_the_right_people(region) -> None:  # type: ignore[no-untyped-def]
    case = factories.open_case(region["first"], last_name=SECRET_NAME)
    case_assign(actor=region["director"], case=case, coordinator=region["second"].user, reason="x")
    assert users_told("case_assigned") == {region["second"].user.pk}

    shelter = factories.organisation(OrganisationKind.SHELTER)
    receiver = factories.actor(Role.CARE_COORDINATOR, shelter)
    other_shelter = factories.actor(
        Role.CARE_COORDINATOR, factories.organisation(OrganisationKind.SHELTER)
    )
    case.refresh_from_db()
    referral = factories.refer_with_consent(region["second"], case, shelter)
    assert users_told("referral_received") == {receiver.user.pk}
    services.referral_respond(actor=receiver, referral=referral, accept=True)
    assert users_told("referral_answered") == {region["second"].user.pk}  # the coordinator
    assert referral.consent is not None
    services.consent_withdraw(actor=region["second"], consent=referral.consent)
    assert users_told("consent_withdrawn") == {receiver.user.pk}
    assert other_shelter.user.pk not in {n.user_id for n in Notification.objects.all()}


def test_cosm_placement_request_goes_to_the_registrar_and_its_answer_back(region) -> None:  # type: ignore[no-untyped-def]
    registrar = factories.organisation(OrganisationKind.NATIONAL_REGISTRAR)
    placer = factories.actor(Role.CARE_COORDINATOR, registrar)
    case = factories.open_case(region["first"])
    request = services.placement_request_create(
        actor=region["first"],
        case=case,
        category=ShelterCategory.COSM,
        region=region["care"].municipality.police_unit,
    )
    assert users_told("placement_requested") == {placer.user.pk}  # the registrar's placer
    assert region["first"].user.pk not in users_told("placement_requested")
    shelter = factories.cosm_shelter(region["care"])
    services.placement_create(actor=placer, request=request, shelter=shelter)
    assert users_told("placement_answered") == {region["first"].user.pk}


def test_meeting_agenda_and_deadlines(region) -> None:  # type: ignore[no-untyped-def]
    case = factories.open_case(region["first"])
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    services.meeting_create(
        actor=region["director"],
        title="Casusoverleg",
        held_on=timezone.localdate(),
        attendees=[police],
        agenda=[case],
    )
    told = users_told("meeting_agenda")
    assert investigator.user.pk in told
    assert region["first"].user.pk in told
    assert region["director"].user.pk not in told  # who made the agenda knows it
    assert region["elsewhere"].user.pk not in told
    services.task_create(
        actor=region["first"],
        case=case,
        title="Intakegesprek",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert deadline_notices_send() == 1
    assert deadline_notices_send() == 0  # once per deadline and kind
    assert users_told("deadline_soon") == {region["first"].user.pk}
    late = timezone.localdate() + datetime.timedelta(days=10)
    assert deadline_notices_send(today=late) == 1
    assert users_told("deadline_overdue") == {region["first"].user.pk}


def test_email_has_no_personal_data_and_follows_the_preference(  # type: ignore[no-untyped-def]
    region, django_capture_on_commit_callbacks
) -> None:
    for key in ("first", "second"):
        user = region[key].user
        user.email = f"{key}@example.org"
        user.save()
    Preference.objects.create(user=region["second"].user, email=EmailMode.NONE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued on commit
        case = case_open(
            actor=region["contact"],
            owner=region["care"],
            victim=VictimDetails(
                estimated_age=20,
                first_name="Ioana",
                last_name=SECRET_NAME,
                nationality=Nationality.objects.get(code="RO"),
            ),
            reason="Uit triage: uitbuiting in de bouw",
        )
    assert users_told("case_queued") == {region["first"].user.pk, region["second"].user.pk}
    assert [m.to for m in mail.outbox] == [["first@example.org"]]  # "none" got no e-mail
    body = str(mail.outbox[0].subject) + str(mail.outbox[0].body)
    for secret in (SECRET_NAME, "Ioana", case.number, "bouw", "Roemen"):
        assert secret not in body
    assert "nieuw werk" in body and reverse("notifications:list") in body

    # daily: nothing at once, one overview later
    Preference.objects.filter(user=region["second"].user).update(email=EmailMode.DAILY)
    mail.outbox.clear()
    assert digest_send() == 1
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    assert SECRET_NAME not in mail.outbox[0].body and case.number not in mail.outbox[0].body
    assert digest_send() == 0


def test_centre_shows_count_marks_read_and_saves_preference(region, client: Client) -> None:  # type: ignore[no-untyped-def]
    member = factories.member(Role.CARE_COORDINATOR, region["care"], can_login=True)

    case_open(actor=region["contact"], owner=region["care"], victim=VictimDetails(estimated_age=20))
    login(client, member)
    home = client.get("/").content.decode()
    assert "1 nieuwe melding" in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nieuwe casus in de werkvoorraad" in page
    client.post(reverse("notifications:mark_read"))
    assert "1 nieuwe melding" not in client.get("/").content.decode()
    response = client.post(reverse("notifications:preference"), {"email": "daily"})
    assert response.status_code == 302
    assert Preference.objects.get(user=member.user).email == EmailMode.DAILY
    bad = client.post(reverse("notifications:preference"), {"email": "weekly"})
    assert bad.status_code == 400
    assert "Kies een van de mogelijkheden." in bad.content.decode()
