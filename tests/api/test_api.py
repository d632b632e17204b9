from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bovenwater.accounts import services
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.audit.models import Action, ProcessingLogEntry

pytestmark = pytest.mark.django_db
OPENAPI = Path(__file__).resolve().parents[2] / "src" / "bovenwater" / "api" / "openapi.yaml"


@pytest.fixture
def system_token(make_organisation: Callable[..., Organisation]) -> tuple[Membership, str]:
    organisation = make_organisation(name="Politie testeenheid")
    user = services.user_create(username="systeem.politie", password=None, is_system_account=True)
    membership = services.membership_add(
        user=user, organisation=organisation, role=Role.INVESTIGATOR
    )
    _token, plain = services.api_token_create(membership=membership, label="koppeling test")
    return membership, plain


def test_token_authenticates_a_system_account(
    client: Client, system_token: tuple[Membership, str]
) -> None:
    membership, plain = system_token
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {plain}")
    assert response.status_code == 200
    assert response.json() == {
        "username": "systeem.politie",
        "organisation": "Politie testeenheid",
        "organisation_id": membership.organisation_id,
        "role": "investigator",
        "role_label": "Opsporing / inspectie",
    }


def test_unknown_token_is_a_problem_detail(
    client: Client, system_token: tuple[Membership, str]
) -> None:
    _membership, plain = system_token
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {plain[:-2]}xx")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["title"] == "Niet ingelogd"
    assert body["detail"] == "Onbekend, verlopen of ingetrokken token."
    assert body["instance"] == reverse("api:me")


def test_anonymous_gets_problem_detail(client: Client) -> None:
    response = client.get(reverse("api:organisations"))
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"


def test_password_only_session_is_not_enough_for_the_api(
    client: Client, make_member: Callable[..., Membership]
) -> None:
    membership = make_member()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("api:me")).status_code in (401, 403)


def test_verified_session_works_and_forbidden_is_a_problem(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    login_as(make_member(role=Role.SIGNALLER))
    assert client.get(reverse("api:me")).json()["role"] == "signaller"
    response = client.get(reverse("api:processing-log"))
    assert response.status_code == 403
    assert response.json()["title"] == "Geen toegang"


def test_processing_log_api_is_scoped_and_logged(
    client: Client, make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    officer = make_member(role=Role.PRIVACY_OFFICER)
    outsider = make_member(role=Role.CARE_COORDINATOR)
    login_as(officer)
    data = client.get(reverse("api:processing-log")).json()
    organisations = {row["organisation_name"] for row in data["results"]}
    assert outsider.organisation.name not in organisations
    # Sealed before the answer: every entry carries its chain hash.
    assert data["results"]
    assert all(len(row["entry_hash"]) == 64 for row in data["results"])
    assert ProcessingLogEntry.objects.filter(
        action=Action.VIEW, object_type="audit.processinglogentry", actor_user_id=officer.user_id
    ).exists()


def test_reference_endpoints_list_municipalities(
    client: Client, system_token: tuple[Membership, str]
) -> None:
    _membership, plain = system_token
    response = client.get(
        reverse("api:municipalities"), {"limit": 400}, HTTP_AUTHORIZATION=f"Token {plain}"
    )
    assert response.json()["count"] == 342
    amsterdam = next(m for m in response.json()["results"] if m["code"] == "GM0363")
    assert amsterdam["safety_region"] == "VR13"


def test_committed_openapi_file_matches_the_code(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate")
    assert yaml.safe_load(generated.read_text()) == yaml.safe_load(OPENAPI.read_text()), (
        "src/bovenwater/api/openapi.yaml is stale: run `make openapi` and commit it"
    )
