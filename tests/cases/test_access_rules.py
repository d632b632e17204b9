"""The access rules pinned one condition at a time (issue #20; `make mutation` checks them).

Each test flips one side of a rule: break-the-glass is personal and needs ten characters
after trimming; a consent carries a referral only for its own case and recipient and
while it stands; a referral gives access only when accepted, and only to the agreed parts.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.cases import selectors, services
from bovenwater.cases.models import EmergencyAccess, Referral, ReferralStatus, SharedPart
from bovenwater.cases.selectors.access import shared_case_ids

pytestmark = pytest.mark.django_db

REASON = "Acuut gevaar, eigenaar onbereikbaar"


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    police = factories.organisation(OrganisationKind.POLICE)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    return {
        "owner": owner,
        "police": police,
        "coordinator": coordinator,
        "investigator": factories.actor(Role.INVESTIGATOR, police),
        "case": factories.open_case(coordinator),
    }


def _consent(world, case=None, recipient=None):  # type: ignore[no-untyped-def]
    return services.consent_record(
        actor=world["coordinator"],
        case=case or world["case"],
        subject_matter="Persoonsgegevens",
        recipient=recipient or world["police"],
        purpose="Aangifte",
        given_on=timezone.localdate(),
        given_by="Betrokkene zelf",
    )


def _send(world, consent, to=None, parts=(SharedPart.SUMMARY,)):  # type: ignore[no-untyped-def]
    return services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=to or world["police"],
        kind="police_report",
        shared_parts=list(parts),
        consent=consent,
    )


def _sees(actor, case) -> bool:  # type: ignore[no-untyped-def]
    try:
        selectors.case_get_for_actor(actor=actor, case_id=case.pk)
    except Http404:
        return False
    return True


# Break-the-glass ---------------------------------------------------------------------


def test_break_the_glass_is_personal_not_for_colleagues(world) -> None:  # type: ignore[no-untyped-def]
    outsiders = factories.organisation()
    opener = factories.actor(Role.CARE_COORDINATOR, outsiders)
    colleague = factories.actor(Role.CARE_COORDINATOR, outsiders)
    services.emergency_access_open(actor=opener, case=world["case"], reason=REASON)
    assert _sees(opener, world["case"])
    assert not _sees(colleague, world["case"])
    assert world["case"].pk in shared_case_ids(opener)
    assert shared_case_ids(colleague) == []
    assert list(selectors.cases_visible_to(colleague)) == []
    assert list(selectors.cases_visible_to(opener)) == [world["case"]]


def test_break_the_glass_is_bound_to_the_organisation_it_was_opened_in(world) -> None:  # type: ignore[no-untyped-def]
    """The same person in another organisation (a second membership) has no access."""
    from bovenwater.accounts import services as accounts
    from bovenwater.accounts.actor import Actor

    opener = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    services.emergency_access_open(actor=opener, case=world["case"], reason=REASON)
    second = accounts.membership_add(
        user=opener.user, organisation=factories.organisation(), role=Role.CARE_COORDINATOR
    )
    elsewhere = Actor(user=opener.user, membership=second)
    assert not _sees(elsewhere, world["case"])
    assert shared_case_ids(elsewhere) == []


@pytest.mark.parametrize(
    ("reason", "opens"),
    [
        ("123456789", False),  # nine characters
        ("1234567890", True),  # ten
        ("   123456789   ", False),  # nine once trimmed, fifteen untrimmed
        ("  1234567890  ", True),
    ],
)
def test_break_the_glass_reason_needs_ten_characters_after_trimming(world, reason, opens) -> None:  # type: ignore[no-untyped-def]
    opener = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    if not opens:
        with pytest.raises(ValidationError) as info:
            services.emergency_access_open(actor=opener, case=world["case"], reason=reason)
        assert "reason" in info.value.error_dict
        assert not EmergencyAccess.objects.exists()
        assert not _sees(opener, world["case"])
        return
    access = services.emergency_access_open(actor=opener, case=world["case"], reason=reason)
    assert access.reason == reason.strip()
    assert access.user_id == opener.user.pk
    assert access.organisation_id == opener.organisation_id
    assert access.case_id == world["case"].pk
    assert access.expires_at > timezone.now()
    assert _sees(opener, world["case"])


def test_break_the_glass_gives_no_management_and_victim_only_with_the_permission(world) -> None:  # type: ignore[no-untyped-def]
    outsiders = factories.organisation()
    coordinator = factories.actor(Role.CARE_COORDINATOR, outsiders)
    services.emergency_access_open(actor=coordinator, case=world["case"], reason=REASON)
    access = selectors.case_access(actor=coordinator, case=world["case"])
    assert access is not None
    assert access.via == selectors.AccessPath.EMERGENCY
    assert access.parts == selectors.ALL_PARTS
    assert access.can_manage is False
    assert access.can_see_victim is True


# Consent and referrals ----------------------------------------------------------------


def test_a_consent_of_another_case_cannot_carry_a_referral(world) -> None:  # type: ignore[no-untyped-def]
    other_case = factories.open_case(world["coordinator"], first_name="Ander")
    foreign = _consent(world, case=other_case)
    with pytest.raises(ValidationError) as info:
        _send(world, foreign)
    assert "consent" in info.value.error_dict
    assert not Referral.objects.exists()


def test_a_consent_to_one_organisation_cannot_carry_a_referral_to_another(world) -> None:  # type: ignore[no-untyped-def]
    consent = _consent(world)  # given for world["police"]
    other_police = factories.organisation(OrganisationKind.POLICE)
    with pytest.raises(ValidationError) as info:
        _send(world, consent, to=other_police)
    assert "consent" in info.value.error_dict
    assert not Referral.objects.exists()
    other_investigator = factories.actor(Role.INVESTIGATOR, other_police)
    assert not _sees(other_investigator, world["case"])


def test_own_organisation_is_no_referral_recipient(world) -> None:  # type: ignore[no-untyped-def]
    consent = _consent(world, recipient=world["owner"])
    with pytest.raises(ValidationError) as info:
        _send(world, consent, to=world["owner"])
    assert set(info.value.error_dict) == {"to_organisation"}


def test_a_referral_cannot_be_accepted_after_its_consent_was_withdrawn(world) -> None:  # type: ignore[no-untyped-def]
    consent = _consent(world)
    referral = _send(world, consent)
    services.consent_withdraw(actor=world["coordinator"], consent=consent)
    with pytest.raises(ValidationError):
        services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED
    # Declining stays possible (with a reason).
    services.referral_respond(
        actor=world["investigator"], referral=referral, accept=False, reason="Geen toestemming"
    )


def test_a_legal_basis_of_spaces_is_no_basis(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        services.referral_send(
            actor=world["coordinator"],
            case=world["case"],
            to_organisation=world["police"],
            kind="police_report",
            shared_parts=[SharedPart.SUMMARY],
            legal_basis="   ",
        )
    assert "consent" in info.value.error_dict


def test_a_referral_shares_only_the_agreed_parts_plus_the_summary(world) -> None:  # type: ignore[no-untyped-def]
    referral = _send(world, _consent(world), parts=(SharedPart.VICTIM,))
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    access = selectors.case_access(actor=world["investigator"], case=world["case"])
    assert access is not None
    assert access.via == selectors.AccessPath.REFERRAL
    assert access.parts == frozenset({SharedPart.VICTIM, SharedPart.SUMMARY})
    assert access.can_manage is False
    assert access.can_see_victim is True
    assert shared_case_ids(world["investigator"]) == [world["case"].pk]


def test_a_referral_to_one_organisation_gives_another_nothing(world) -> None:  # type: ignore[no-untyped-def]
    referral = _send(world, _consent(world))
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    other = factories.actor(Role.INVESTIGATOR, factories.organisation(OrganisationKind.POLICE))
    assert selectors.case_access(actor=other, case=world["case"]) is None
    assert shared_case_ids(other) == []
