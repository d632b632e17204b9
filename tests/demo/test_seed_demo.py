from __future__ import annotations

from typing import Any

import pytest

from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.core.demo import REGIONS, seed_demo

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        ProcessingLogEntry.objects.count(),
    )


def test_demo_region_is_complete_and_seeding_twice_changes_nothing(settings: Any) -> None:
    settings.DEMO_MODE = True
    first = seed_demo()
    # one organisation of every kind per region; "Overig" has no demo organisation
    # since the RIEC has its own kind
    assert first.organisations_created == len(REGIONS) * (len(OrganisationKind) - 1)
    assert first.users_created == len(REGIONS) * len(Role)
    after_first = _counts()
    second = seed_demo()
    assert (second.organisations_created, second.users_created, second.memberships_created) == (
        0,
        0,
        0,
    )
    assert _counts() == after_first

    units = set(Organisation.objects.values_list("municipality__police_unit__name", flat=True))
    assert units == {"Oost-Nederland", "Rotterdam", "Amsterdam", "Limburg"}
    for region in REGIONS:
        kinds = set(
            Organisation.objects.filter(municipality__code=region.municipality_code).values_list(
                "kind", flat=True
            )
        )
        assert kinds == set(OrganisationKind.values) - {OrganisationKind.OTHER}
        roles = set(
            Membership.objects.filter(
                user__username__endswith=f".{region.slug}",
                organisation__municipality__code=region.municipality_code,
            ).values_list("role", flat=True)
        )
        assert roles == set(Role.values)
    # Every demo person has a confirmed TOTP device with the shared demo secret.
    assert all(user.totpdevice_set.filter(confirmed=True).exists() for user in User.objects.all())


def test_demo_is_refused_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError, match="demo mode"):
        seed_demo()
    assert Organisation.objects.count() == 0
