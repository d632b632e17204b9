"""The access rules pinned one condition at a time (issue #20; `make mutation` checks them).

Each test flips one side of a rule: break-the-glass is personal and needs ten characters
after trimming; a consent carries a referral only for its own case and recipient and
while it stands; a referral gives access only when accepted, and only to the agreed parts.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone
from tests.cases import factories

from bovenwater.accounts import services as accounts
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.cases import selectors, services
from bovenwater.cases.models import (
    Case,
    CaseEvent,
    Consent,
    EmergencyAccess,
    Referral,
    ReferralStatus,
    SharedPart,
)
from bovenwater.cases.selectors.access import (
    case_access_by_number,
    log_object_read,
    shared_case_ids,
)
from bovenwater.cases.services import referral as module
from bovenwater.cases.services.referral import _notify
from bovenwater.lib.errors import NotFound
from bovenwater.notifications.models import Notification

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


def _consent(
    world: dict[str, Any], case: Case | None = None, recipient: Organisation | None = None
) -> Consent:
    return services.consent_record(
        actor=world["coordinator"],
        case=case or world["case"],
        subject_matter="Persoonsgegevens",
        recipient=recipient or world["police"],
        purpose="Aangifte",
        given_on=timezone.localdate(),
        given_by="Betrokkene zelf",
    )


def _send(
    world: dict[str, Any],
    consent: Consent,
    to: Organisation | None = None,
    parts: Sequence[SharedPart] = (SharedPart.SUMMARY,),
) -> Referral:
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


# The national registrar (COSM placements) ----------------------------------------------


def _fresh(actor: Actor) -> Actor:
    """The actor as a request builds it: membership and organisation read from the
    database (the kind a plain string, not the enum member the factory set)."""

    membership = Membership.objects.select_related("organisation", "user").get(
        pk=actor.membership.pk
    )
    return Actor(user=membership.user, membership=membership)


def test_only_the_national_registrar_with_the_cosm_permission_places_in_cosm() -> None:
    registrar = factories.organisation(OrganisationKind.NATIONAL_REGISTRAR)
    coordinator = _fresh(factories.actor(Role.CARE_COORDINATOR, registrar))
    assert type(coordinator.organisation.kind) is str
    assert selectors.is_national_registrar(coordinator) is True
    elsewhere = _fresh(factories.actor(Role.CARE_COORDINATOR, factories.organisation()))
    assert selectors.is_national_registrar(elsewhere) is False
    signaller = _fresh(factories.actor(Role.SIGNALLER, registrar))
    assert not selectors.is_national_registrar(signaller)


# Referral: the rest of referral_send, referral_respond and referral_withdraw -----------


def _send_error(world, **changes) -> set[str]:  # type: ignore[no-untyped-def]
    arguments = {
        "actor": world["coordinator"],
        "case": world["case"],
        "to_organisation": world["police"],
        "kind": "police_report",
        "shared_parts": [SharedPart.SUMMARY],
        "legal_basis": "Wet politiegegevens art. 8",
    } | changes
    with pytest.raises(ValidationError) as info:
        services.referral_send(**arguments)
    assert not Referral.objects.exists()
    return set(info.value.error_dict)


def test_a_referral_needs_known_parts_and_a_known_kind(world) -> None:  # type: ignore[no-untyped-def]
    assert _send_error(world, shared_parts=[]) == {"shared_parts"}
    assert _send_error(world, shared_parts=[SharedPart.SUMMARY, "alles"]) == {"shared_parts"}
    assert _send_error(world, kind="iets") == {"kind"}


def test_a_referral_stores_its_basis_and_logs_what_it_shares(world) -> None:  # type: ignore[no-untyped-def]

    by_law = services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=world["police"],
        kind="police_report",
        shared_parts=[SharedPart.VICTIM, SharedPart.SUMMARY, SharedPart.VICTIM],
        legal_basis="  Wet politiegegevens art. 8  ",
    )
    assert by_law.legal_basis == "Wet politiegegevens art. 8"
    assert by_law.consent is None
    assert by_law.shared_parts == sorted({SharedPart.SUMMARY, SharedPart.VICTIM})
    assert by_law.from_organisation_id == world["owner"].pk
    assert by_law.requested_by_id == world["coordinator"].user.pk
    entry = ProcessingLogEntry.objects.get(object_type="cases.referral", object_id=str(by_law.pk))
    assert entry.action == "share"
    assert entry.details == {
        "to": world["police"].pk,
        "parts": sorted({SharedPart.SUMMARY, SharedPart.VICTIM}),
        "consent": None,
    }
    assert Notification.objects.filter(
        user=world["investigator"].user, event="referral_received"
    ).exists()
    consent = _consent(world)
    with_consent = services.referral_send(
        actor=world["coordinator"],
        case=world["case"],
        to_organisation=world["police"],
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY],
        consent=consent,
        legal_basis="genegeerd naast een toestemming",
    )
    assert with_consent.legal_basis == ""
    assert with_consent.consent_id == consent.pk
    entry = ProcessingLogEntry.objects.get(
        object_type="cases.referral", object_id=str(with_consent.pk)
    )
    assert entry.details["consent"] == consent.pk


def test_only_the_owners_case_managers_record_consent_and_refer(world) -> None:  # type: ignore[no-untyped-def]

    colleague_without_rights = factories.actor(Role.SIGNALLER, world["owner"])
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())
    for actor in (colleague_without_rights, stranger, world["investigator"]):
        with pytest.raises((NotFound, Http404)):
            services.consent_record(
                actor=actor,
                case=world["case"],
                subject_matter="x",
                recipient=world["police"],
                purpose="x",
                given_on=timezone.localdate(),
                given_by="x",
            )
        with pytest.raises((NotFound, Http404)):
            services.referral_send(
                actor=actor,
                case=world["case"],
                to_organisation=world["police"],
                kind="police_report",
                shared_parts=[SharedPart.SUMMARY],
                legal_basis="Wet politiegegevens art. 8",
            )
    assert not Referral.objects.exists()


def test_consent_cannot_be_dated_in_the_future(world) -> None:  # type: ignore[no-untyped-def]

    with pytest.raises(ValidationError) as info:
        services.consent_record(
            actor=world["coordinator"],
            case=world["case"],
            subject_matter="x",
            recipient=world["police"],
            purpose="x",
            given_on=timezone.localdate() + datetime.timedelta(days=1),
            given_by="x",
        )
    assert set(info.value.error_dict) == {"given_on"}
    assert not Consent.objects.exists()
    today = _consent(world)
    assert today.given_on == timezone.localdate()
    assert today.recorded_by_id == world["coordinator"].user.pk
    assert today.case_id == world["case"].pk


def test_withdrawing_consent_tells_the_receivers_whose_access_ended(world) -> None:  # type: ignore[no-untyped-def]

    consent = _consent(world)
    referral = _send(world, consent)
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    services.consent_withdraw(actor=world["coordinator"], consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by_id == world["coordinator"].user.pk
    assert Notification.objects.filter(
        user=world["investigator"].user, event="consent_withdrawn"
    ).exists()
    assert not _sees(world["investigator"], world["case"])
    stranger = factories.actor(Role.CARE_COORDINATOR, factories.organisation())

    with pytest.raises((NotFound, Http404)):
        services.consent_withdraw(actor=stranger, consent=consent)


def test_a_referral_is_answered_once_by_a_case_worker_of_the_receiver(world) -> None:  # type: ignore[no-untyped-def]

    referral = _send(world, _consent(world))
    signaller = factories.actor(Role.SIGNALLER, world["police"])  # receiver, no case rights
    with pytest.raises((NotFound, Http404)):
        services.referral_respond(actor=signaller, referral=referral, accept=True)
    accepted = services.referral_respond(
        actor=world["investigator"], referral=referral, accept=True, reason="  prima  "
    )
    assert accepted.status == ReferralStatus.ACCEPTED
    assert accepted.responded_by_id == world["investigator"].user.pk
    assert accepted.responded_at is not None
    assert accepted.response_reason == "prima"
    with pytest.raises(ValidationError):
        services.referral_respond(
            actor=world["investigator"], referral=referral, accept=False, reason="toch niet"
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    declined = _send(world, _consent(world))
    with pytest.raises(ValidationError):
        services.referral_respond(
            actor=world["investigator"], referral=declined, accept=False, reason="   "
        )
    services.referral_respond(
        actor=world["investigator"], referral=declined, accept=False, reason=" vol "
    )
    declined.refresh_from_db()
    assert (declined.status, declined.response_reason) == (ReferralStatus.DECLINED, "vol")


def test_a_withdrawn_referral_ends_access_and_needs_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    referral = _send(world, _consent(world))
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    assert _sees(world["investigator"], world["case"])
    with pytest.raises(ValidationError):
        services.referral_withdraw(actor=world["coordinator"], referral=referral, reason="  ")
    withdrawn = services.referral_withdraw(
        actor=world["coordinator"], referral=referral, reason=" Niet meer nodig "
    )
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    assert withdrawn.response_reason == "Niet meer nodig"
    assert withdrawn.responded_by_id == world["coordinator"].user.pk
    assert not _sees(world["investigator"], world["case"])
    with pytest.raises(ValidationError):
        services.referral_withdraw(actor=world["coordinator"], referral=referral, reason="nog eens")
    requested = _send(world, _consent(world))
    assert (
        services.referral_withdraw(
            actor=world["coordinator"], referral=requested, reason="Vergissing"
        ).status
        == ReferralStatus.WITHDRAWN
    )


def test_no_other_kind_of_organisation_is_the_national_registrar() -> None:
    for kind in OrganisationKind:
        if kind == OrganisationKind.NATIONAL_REGISTRAR:
            continue
        coordinator = _fresh(factories.actor(Role.CARE_COORDINATOR, factories.organisation(kind)))
        assert selectors.is_national_registrar(coordinator) is False, kind


def test_a_read_of_a_case_object_is_logged_as_a_view_and_without_a_case_as_a_refusal(world) -> None:  # type: ignore[no-untyped-def]

    log_object_read(
        actor=world["investigator"],  # a reader of another organisation: the owner is named
        object_type="cases.referral",
        object_id=41,
        case=world["case"],
    )
    read = ProcessingLogEntry.objects.get(object_type="cases.referral", object_id="41")
    assert (read.action, read.refused) == ("view", False)
    assert read.data_subject == f"case:{world['case'].number}"
    assert read.owner_organisation_id == world["owner"].pk
    log_object_read(
        actor=world["investigator"],
        object_type="cases.referral",
        object_id=42,
        case=None,
        owner_organisation_id=world["owner"].pk,
    )
    refused = ProcessingLogEntry.objects.get(object_type="cases.referral", object_id="42")
    assert refused.refused is True
    assert refused.owner_organisation_id == world["owner"].pk


def test_a_withdrawn_referral_cannot_be_answered(world) -> None:  # type: ignore[no-untyped-def]
    referral = _send(world, _consent(world))
    services.referral_withdraw(actor=world["coordinator"], referral=referral, reason="Vergissing")
    for accept, reason in ((True, ""), (False, "Toch niet")):
        with pytest.raises(ValidationError):
            services.referral_respond(
                actor=world["investigator"], referral=referral, accept=accept, reason=reason
            )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert not _sees(world["investigator"], world["case"])


def test_a_notice_of_withdrawn_consent_links_to_the_case(world) -> None:  # type: ignore[no-untyped-def]
    """The link is built from the view's name, however the name string was made."""

    name = "".join(["cases:", "detail"])  # equal, not the same string object
    _notify(world["police"], "consent_withdrawn", world["case"], url_name=name)
    notice = Notification.objects.get(user=world["investigator"].user, event="consent_withdrawn")
    assert notice.url == f"/casussen/{world['case'].pk}/"
    assert notice.reference == world["case"].number


def _ids_from(model, start: int) -> None:  # type: ignore[no-untyped-def]
    """Let the next id of ``model`` be above ``start`` (ints above 256 are distinct objects
    in CPython, so ``is`` can no longer stand in for ``==`` on them)."""

    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, table])
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start]
                )
        else:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, start])


def test_a_consent_carries_a_referral_whatever_the_size_of_the_ids() -> None:
    for model in (Organisation, Case, Consent):
        _ids_from(model, 5000)
    owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    police = factories.organisation(OrganisationKind.POLICE)
    coordinator = factories.actor(Role.CARE_COORDINATOR, owner)
    world: dict[str, Any] = {"owner": owner, "police": police, "coordinator": coordinator}
    world["case"] = factories.open_case(coordinator)
    assert world["case"].pk > 5000 and police.pk > 5000
    consent = _consent(world)
    referral = _send(world, Consent.objects.get(pk=consent.pk))
    assert referral.consent_id == consent.pk
    investigator = factories.actor(Role.INVESTIGATOR, police)
    services.referral_respond(actor=investigator, referral=referral, accept=True)
    with pytest.raises(ValidationError) as info:
        _send(world, _consent(world, recipient=owner), to=Organisation.objects.get(pk=owner.pk))
    assert "to_organisation" in info.value.error_dict
    owner_actor = _fresh(coordinator)
    access = selectors.case_access(actor=owner_actor, case=Case.objects.get(pk=world["case"].pk))
    assert access is not None and access.via == selectors.AccessPath.OWNER


def test_the_access_decision_cannot_be_changed_after_it_was_made(world) -> None:  # type: ignore[no-untyped-def]

    access = selectors.case_access(actor=world["coordinator"], case=world["case"])
    assert access is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        access.can_manage = False  # type: ignore[misc]


def test_access_by_case_number(world) -> None:  # type: ignore[no-untyped-def]

    number = world["case"].number
    found = case_access_by_number(actor=world["coordinator"], number=f"  {number} ")
    assert found is not None and found.case == world["case"]
    assert case_access_by_number(actor=world["coordinator"], number="C-0000-99999") is None
    assert case_access_by_number(actor=world["investigator"], number=number) is None


def test_ids_are_compared_by_value_not_by_order(world) -> None:  # type: ignore[no-untyped-def]
    """Recipients and cases older or newer than the other side: only equality counts."""

    older_police = world["police"]  # made before the owner's newer case below
    newer_police = factories.organisation(OrganisationKind.POLICE)
    # a consent for the newer police cannot carry a referral to the older one
    with pytest.raises(ValidationError) as info:
        _send(world, _consent(world, recipient=newer_police), to=older_police)
    assert "consent" in info.value.error_dict
    # a consent of the older case cannot carry a referral of a newer case
    older_consent = _consent(world)
    newer_case = factories.open_case(world["coordinator"], first_name="Nieuw")
    with pytest.raises(ValidationError) as info:
        services.referral_send(
            actor=world["coordinator"],
            case=newer_case,
            to_organisation=older_police,
            kind="police_report",
            shared_parts=[SharedPart.SUMMARY],
            consent=older_consent,
        )
    assert "consent" in info.value.error_dict
    assert not Referral.objects.exists()
    # an owner newer than the recipient still refers (the recipient is not the owner)
    later_owner = factories.organisation(OrganisationKind.CARE_COORDINATION)
    assert later_owner.pk > older_police.pk
    later = factories.actor(Role.CARE_COORDINATOR, later_owner)
    case = factories.open_case(later)
    referral = services.referral_send(
        actor=later,
        case=case,
        to_organisation=older_police,
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY],
        legal_basis="Wet politiegegevens art. 8",
    )
    assert referral.to_organisation_id == older_police.pk
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_timeline_says_whether_a_referral_was_accepted_or_declined(world) -> None:  # type: ignore[no-untyped-def]

    accepted = _send(world, _consent(world))
    services.referral_respond(actor=world["investigator"], referral=accepted, accept=True)
    declined = _send(world, _consent(world))
    services.referral_respond(
        actor=world["investigator"], referral=declined, accept=False, reason="Vol"
    )
    texts = list(
        CaseEvent.objects.filter(case=world["case"]).order_by("pk").values_list("text", flat=True)
    )
    police = world["police"].name
    assert texts.index(f"Verwijzing geaccepteerd door {police}.") < texts.index(
        f"Verwijzing afgewezen door {police}."
    )


def test_a_notice_to_a_page_without_the_case_links_to_that_page(world) -> None:  # type: ignore[no-untyped-def]

    _notify(world["police"], "referral_received", world["case"], url_name="cases:capacity")
    notice = Notification.objects.get(user=world["investigator"].user, event="referral_received")
    assert notice.url == "/casussen/opvang/"


def test_the_sender_cannot_answer_its_own_referral(world) -> None:  # type: ignore[no-untyped-def]
    """The owner's coordinator (an organisation made before the receiver) gets 404."""

    referral = _send(world, _consent(world))
    assert world["owner"].pk < world["police"].pk
    with pytest.raises((NotFound, Http404)):
        services.referral_respond(actor=world["coordinator"], referral=referral, accept=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REQUESTED


def test_consent_given_in_the_past_is_recorded(world) -> None:  # type: ignore[no-untyped-def]

    consent = services.consent_record(
        actor=world["coordinator"],
        case=world["case"],
        subject_matter="x",
        recipient=world["police"],
        purpose="x",
        given_on=timezone.localdate() - datetime.timedelta(days=30),
        given_by="x",
    )
    assert consent.given_on == timezone.localdate() - datetime.timedelta(days=30)


def test_an_answer_tells_the_coordinator_or_else_the_case_managers(world) -> None:  # type: ignore[no-untyped-def]

    colleague = factories.actor(Role.CARE_COORDINATOR, world["owner"])
    referral = _send(world, _consent(world))
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    told = set(
        Notification.objects.filter(event="referral_answered").values_list("user_id", flat=True)
    )
    assert told == {world["coordinator"].user.pk}  # the case's coordinator only
    Notification.objects.all().delete()
    unassigned = factories.open_case(factories.actor(Role.CONTACT_OFFICER, world["owner"]))
    assert unassigned.coordinator is None
    referral = services.referral_send(
        actor=world["coordinator"],
        case=unassigned,
        to_organisation=world["police"],
        kind="police_report",
        shared_parts=[SharedPart.SUMMARY],
        legal_basis="Wet politiegegevens art. 8",
    )
    services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    told = set(
        Notification.objects.filter(event="referral_answered").values_list("user_id", flat=True)
    )
    assert {world["coordinator"].user.pk, colleague.user.pk} <= told


@pytest.mark.parametrize(
    "step",
    [
        "consent_record",
        "consent_withdraw",
        "referral_send",
        "referral_respond",
        "referral_withdraw",
    ],
)
def test_a_failure_after_the_first_write_leaves_nothing_half_written(world, step) -> None:  # type: ignore[no-untyped-def]
    """Each service is one transaction: when its log entry cannot be written, the change
    it made before is rolled back too."""

    referral = _send(world, _consent(world))
    if step == "referral_withdraw":
        services.referral_respond(actor=world["investigator"], referral=referral, accept=True)
    consents = Consent.objects.count()
    consent = referral.consent
    assert consent is not None

    def broken_record(**_kwargs: object) -> None:
        raise RuntimeError("log unavailable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "record", broken_record)
        calls: dict[str, Callable[[], object]] = {
            "consent_record": lambda: _consent(world),
            "consent_withdraw": lambda: services.consent_withdraw(
                actor=world["coordinator"], consent=consent
            ),
            "referral_send": lambda: _send(world, consent),
            "referral_respond": lambda: services.referral_respond(
                actor=world["investigator"], referral=referral, accept=True
            ),
            "referral_withdraw": lambda: services.referral_withdraw(
                actor=world["coordinator"], referral=referral, reason="Vergissing"
            ),
        }
        with pytest.raises(RuntimeError):
            calls[step]()
    referral.refresh_from_db()
    assert Consent.objects.count() == consents
    assert Referral.objects.count() == 1
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    expected = ReferralStatus.ACCEPTED if step == "referral_withdraw" else ReferralStatus.REQUESTED
    assert referral.status == expected
