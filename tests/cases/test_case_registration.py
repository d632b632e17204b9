"""Registration hand-off: with consent to CoMensha, or by obligation for police, KMar and
labour inspectorate; once per case and reporting organisation; refusals write nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import CaseEvent, EventKind
from bovenwater.registry.models import Registration, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    return {"owner": owner, "coordinator": coordinator, "case": case}


def test_consent_basis_needs_a_recorded_consent_to_the_registrar(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.case_register(actor=world["coordinator"], case=world["case"], basis="consent")
    assert Registration.objects.count() == 0
    assert not CaseEvent.objects.filter(kind=EventKind.REGISTRATION).exists()
    registrar = factories.organisation(OrganisationKind.NATIONAL_REGISTRAR)
    services.consent_record(
        actor=world["coordinator"],
        case=world["case"],
        subject_matter="Registratie",
        recipient=registrar,
        purpose="Landelijke registratie",
        given_on=timezone.localdate(),
        given_by="Betrokkene",
    )
    services.case_register(actor=world["coordinator"], case=world["case"], basis="consent")
    # a second hand-off is refused with the date of the first (issue #13); nothing twice
    with pytest.raises(ValidationError, match="al aangemeld"):
        services.case_register(actor=world["coordinator"], case=world["case"], basis="consent")
    registration = Registration.objects.get()
    assert registration.source == Source.CASES
    assert registration.source_reference == f"{world['case'].number}:{world['owner'].pk}"
    assert "Geheimvoet" not in str(registration.__dict__)
    assert CaseEvent.objects.filter(kind=EventKind.REGISTRATION).count() == 1


def test_obligation_for_police_with_access(world) -> None:  # type: ignore[no-untyped-def]
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    with pytest.raises(Http404):
        services.case_register(actor=investigator, case=world["case"], basis="obligation")
    referral = services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=police,
        kind="police_report",
        shared_parts=["summary", "victim"],
        legal_basis="Wet politiegegevens art. 8",
    )
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    services.case_register(actor=investigator, case=world["case"], basis="obligation")
    assert Registration.objects.filter(reporting_organisation=police).count() == 1


def test_no_obligation_for_care_and_no_consent_basis_for_partners(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.case_register(actor=world["coordinator"], case=world["case"], basis="obligation")
    police = factories.organisation(OrganisationKind.POLICE)
    investigator = factories.actor(Role.INVESTIGATOR, police)
    referral = services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=police,
        kind="police_report",
        shared_parts=["summary"],
        legal_basis="Wpg",
    )
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    with pytest.raises(PermissionDenied):
        services.case_register(actor=investigator, case=world["case"], basis="consent")
    assert Registration.objects.count() == 0
