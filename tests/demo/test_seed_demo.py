from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.core.demo import PLATFORM_ORGANISATION, REGIONS, seed_demo
from bovenwater.intake.counts import signal_counts_rebuild
from bovenwater.intake.models import Signal

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
    # every region: one organisation of every kind (but "Overig": the RIEC has its own
    # kind), one account per organisation role; beside them the platform organisation
    # with its administrator and privacy officer
    assert first.organisations_created == len(REGIONS) * (len(OrganisationKind) - 1) + 1
    assert first.users_created == len(REGIONS) * (len(Role) - 1) + 2
    after_first = _counts()
    second = seed_demo()
    assert (second.organisations_created, second.users_created, second.memberships_created) == (
        0,
        0,
        0,
    )
    assert _counts() == after_first
    # The demo back-dates its signals; the signal count table moved with them.
    assert Signal.objects.exists()
    assert signal_counts_rebuild(check_only=True) == {}

    units = set(
        Organisation.objects.exclude(name=PLATFORM_ORGANISATION).values_list(
            "municipality__police_unit__name", flat=True
        )
    )
    assert units == {"Oost-Nederland", "Rotterdam", "Amsterdam", "Limburg"}
    # Finding 1: organisation beheerders are no admin staff; one platform administrator.
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    platform = Membership.objects.filter(role=Role.PLATFORM_ADMINISTRATOR)
    assert list(platform.values_list("user__username", flat=True)) == ["demo.platformbeheerder"]
    beheerder = User.objects.get(username="demo.beheerder.rotterdam")
    assert not beheerder.has_perm("intake.change_routingrule")
    assert platform.get().user.has_perm("intake.change_routingrule")
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
        assert roles == set(Role.values) - {Role.PLATFORM_ADMINISTRATOR}
    # Every demo person has a confirmed TOTP device with the shared demo secret.
    assert all(
        TOTPDevice.objects.filter(user=user, confirmed=True).exists() for user in User.objects.all()
    )


def test_demo_is_refused_outside_demo_mode(settings: Any) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError, match="demo mode"):
        seed_demo()
    assert Organisation.objects.count() == 0
