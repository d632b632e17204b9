"""Data for the concurrency test, written through the services into a fresh database.

Run as ``python -m tests.concurrency.setup_data SIGNALS CASES LOGINS BACKLOG`` with the
platform's environment; prints one JSON line: usernames, signal references, case ids.
BACKLOG processing-log entries are left unsealed, so the worker seals during the load.
"""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.db import transaction  # noqa: E402
from tests.support import TEST_PASSWORD, TEST_SECRET  # noqa: E402

from bovenwater.accounts import services as accounts  # noqa: E402
from bovenwater.accounts.actor import Actor  # noqa: E402
from bovenwater.accounts.roles import OrganisationKind, Role  # noqa: E402
from bovenwater.audit.models import Action  # noqa: E402
from bovenwater.audit.purposes import Purpose  # noqa: E402
from bovenwater.audit.services import log_processing  # noqa: E402
from bovenwater.cases import services as cases  # noqa: E402
from bovenwater.cases.types import VictimDetails  # noqa: E402
from bovenwater.intake import services as intake  # noqa: E402
from bovenwater.reference.models import Municipality  # noqa: E402


def member(username: str, role: Role, org: object) -> Actor:
    user = accounts.user_create(
        username=username, password=TEST_PASSWORD, first_name="Load", last_name="Test"
    )
    accounts.totp_device_set_known_secret(user=user, secret_base32=TEST_SECRET)
    membership = accounts.membership_add(user=user, organisation=org, role=role)  # type: ignore[arg-type]
    return Actor(user=user, membership=membership)


def main(signals: int, n_cases: int, logins: int, backlog: int) -> dict[str, object]:
    amsterdam = Municipality.objects.get(code="GM0363")
    municipality = accounts.organisation_create(
        name="Gemeente Amsterdam (load)", kind=OrganisationKind.MUNICIPALITY, municipality=amsterdam
    )
    care = accounts.organisation_create(
        name="Zorgcoördinatie Amsterdam (load)",
        kind=OrganisationKind.CARE_COORDINATION,
        municipality=amsterdam,
    )
    contact = member("load.contact", Role.CONTACT_OFFICER, municipality)
    coordinator = member("load.coordinator", Role.CARE_COORDINATOR, care)
    signaller = member("load.signaller", Role.SIGNALLER, municipality)
    wrong = [
        member(f"load.wrong{i}", Role.SIGNALLER, municipality).user.username for i in range(logins)
    ]
    references = [
        intake.signal_submit(
            actor=signaller,
            data=intake.SignalInput(
                description=f"Signaal {i} voor de belastingtest", municipality=amsterdam
            ),
        ).reference
        for i in range(signals)
    ]
    case_ids = [
        cases.case_open(
            actor=coordinator,
            owner=care,
            coordinator=coordinator.user,
            victim=VictimDetails(estimated_age=30, first_name="Load", last_name=f"Case {i}"),
            crime_municipality=amsterdam,
            reason="Belastingtest",
        ).pk
        for i in range(n_cases)
    ]
    with transaction.atomic():
        for i in range(backlog):
            log_processing(
                actor=None,
                action=Action.VIEW,
                object_type="loadtest.backlog",
                object_id=i,
                purpose=Purpose.ACCOUNT_SECURITY,
            )
    return {
        "contact": contact.user.username,
        "coordinator": coordinator.user.username,
        "wrong": wrong,
        "signals": references,
        "cases": case_ids,
    }


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:5]]
    print(json.dumps(main(*numbers)))
