"""What a case hands to the national registration (issue #20, the uncovered branches
of ``cases/services/registration.py``): the B8 status from the case, and the person's
pseudonym from the identity when surname and date of birth are known (else from the
case number, so the case's reporters still share one person)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import services
from bovenwater.cases.models import Case, PermitStatus, VictimProfile
from bovenwater.registry.models import Registration

pytestmark = pytest.mark.django_db


def _register(born: datetime.date | None = None, **case_fields: Any) -> Registration:
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    case = factories.open_case(coordinator)
    Case.objects.filter(pk=case.pk).update(**case_fields)
    VictimProfile.objects.filter(case=case).update(date_of_birth=born)
    services.consent_record(
        actor=coordinator,
        case=case,
        subject_matter="Registratie",
        recipient=factories.organisation(OrganisationKind.NATIONAL_REGISTRAR),
        purpose="Landelijke registratie",
        given_on=timezone.localdate(),
        given_by="Betrokkene",
    )
    return services.case_register(
        actor=coordinator, case=Case.objects.get(pk=case.pk), basis="consent"
    )


@pytest.mark.parametrize(
    ("case_fields", "status"),
    [
        ({"permit_status": PermitStatus.GRANTED}, "residence_permit"),
        ({"permit_status": PermitStatus.REFUSED}, "refused"),
        ({"reflection_started_on": datetime.date(2026, 11, 1)}, "reflection"),
        ({"b8_applicable": False}, "not_applicable"),
        ({"b8_applicable": True}, "unknown"),
    ],
)
def test_the_b8_status_comes_from_the_case(case_fields: dict[str, Any], status: str) -> None:
    assert _register(**case_fields).b8_status == status


def test_a_known_identity_is_one_person_across_cases_else_each_case_is_its_own() -> None:
    born = datetime.date(2000, 5, 6)
    # the same name and birth date in two cases: one person in the registry
    first, second = _register(born=born), _register(born=born)
    assert first.person_id == second.person_id
    # without a birth date the case number is the identity: two cases, two persons
    third, fourth = _register(), _register()
    assert len({third.person_id, fourth.person_id, first.person_id}) == 3
