"""A hit becomes a referral through the cases app: only after the other side accepted,
only for the asking organisation's own case, on the question's consent or legal basis."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from tests.cases import factories
from tests.linkage.factories import World, lists, make_project

from bovenwater.accounts.models import Membership
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import services as case_services
from bovenwater.cases.models import Referral, ReferralStatus, SharedPart
from bovenwater.linkage import services
from bovenwater.linkage.hit_referral import hit_refer
from bovenwater.linkage.models import HitQuery, ProjectPurpose

pytestmark = pytest.mark.django_db

ON_POLICE_LIST = services.PersonQuery("Maria Johanna", "de Vries", "14-03-1990", "V")


def _asked(world: World, basis: str) -> tuple[HitQuery, object]:
    project = make_project(world, ProjectPurpose.HIT_NO_HIT)
    police_list, care_list = lists()
    services.source_upload_people(actor=world.police, project=project, text=police_list)
    services.source_upload_people(actor=world.care, project=project, text=care_list)
    case = factories.open_case(world.care)
    query = services.hit_query(
        actor=world.care, project=project, basis=basis, reference=case.number, person=ON_POLICE_LIST
    )
    return query, case


def test_an_accepted_hit_becomes_a_referral_of_the_case(world: World) -> None:
    query, case = _asked(world, "care")
    answer = query.answers.get()
    assert answer.responder_id == world.police_org.pk
    with pytest.raises(ValidationError, match="geaccepteerd"):
        hit_refer(actor=world.care, answer=answer, kind="police_report", shared_parts=["summary"])
    services.hit_reply(actor=world.police, answer=answer, accept=True)
    with pytest.raises(PermissionDenied):  # only the asking organisation refers
        hit_refer(actor=world.police, answer=answer, kind="police_report", shared_parts=["summary"])
    referral = hit_refer(
        actor=world.care, answer=answer, kind="police_report", shared_parts=[SharedPart.SUMMARY]
    )
    assert referral.case_id == case.pk  # type: ignore[attr-defined]
    assert referral.to_organisation_id == world.police_org.pk
    assert referral.status == ReferralStatus.REQUESTED
    assert referral.consent_id is None and "Zorgcoördinatie" in referral.legal_basis
    answer.refresh_from_db()
    assert answer.referral_id == referral.pk
    assert ProcessingLogEntry.objects.filter(
        object_type="linkage.hitanswer", object_id=str(answer.pk), action="share"
    ).exists()
    with pytest.raises(ValidationError, match="al een verwijzing"):
        hit_refer(actor=world.care, answer=answer, kind="police_report", shared_parts=["summary"])
    assert Referral.objects.count() == 1


def test_consent_basis_needs_the_recorded_consent_of_the_case(world: World) -> None:
    query, case = _asked(world, "consent")
    answer = query.answers.get()
    services.hit_reply(actor=world.police, answer=answer, accept=True)
    with pytest.raises(ValidationError, match="toestemming"):
        hit_refer(actor=world.care, answer=answer, kind="police_report", shared_parts=["summary"])
    assert not Referral.objects.exists()
    consent = case_services.consent_record(
        actor=world.care,
        case=case,  # type: ignore[arg-type]
        subject_matter="Contact met de politie",
        recipient=world.police_org,
        purpose="Aangifte",
        given_on=datetime.date(2025, 1, 2),
        given_by="Betrokkene",
    )
    referral = hit_refer(
        actor=world.care, answer=answer, kind="police_report", shared_parts=["summary"]
    )
    assert referral.consent_id == consent.pk


def test_a_reference_that_is_not_an_own_case_is_refused(world: World) -> None:
    query, _case = _asked(world, "care")
    HitQuery.objects.filter(pk=query.pk).update(reference="S-2025-99999")
    answer = query.answers.get()
    services.hit_reply(actor=world.police, answer=answer, accept=True)
    answer.refresh_from_db()
    with pytest.raises(ValidationError, match="geen casus van uw organisatie"):
        hit_refer(actor=world.care, answer=answer, kind="police_report", shared_parts=["summary"])
    assert not Referral.objects.exists()


def test_the_query_page_offers_the_referral_and_sends_it(
    world: World, client: Client, login_as: Callable[[Membership], Client]
) -> None:
    query, _case = _asked(world, "care")
    answer = query.answers.get()
    services.hit_reply(actor=world.police, answer=answer, accept=True)
    login_as(world.care.membership)
    page = client.get(f"/koppeling/vraag/{query.pk}/")
    assert b'data-testid="refer-form"' in page.content
    response = client.post(f"/koppeling/treffer/{answer.pk}/verwijzen/", {"kind": "nonsense"})
    assert response.status_code == 302
    page = client.get(f"/koppeling/vraag/{query.pk}/")
    assert b'data-testid="refer-error"' in page.content
    assert not Referral.objects.exists()
    client.post(f"/koppeling/treffer/{answer.pk}/verwijzen/", {"kind": "police_report"})
    assert Referral.objects.get().to_organisation_id == world.police_org.pk
    page = client.get(f"/koppeling/vraag/{query.pk}/")
    assert b'data-testid="refer-form"' not in page.content
    login_as(world.police.membership)  # not the asking organisation: no such hit
    assert client.post(f"/koppeling/treffer/{answer.pk}/verwijzen/").status_code == 404
