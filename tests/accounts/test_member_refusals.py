"""The refusals of the member services (issue #20): a beheerder manages only its own
organisation's members, never the platform administrator's membership nor its own, and
a refused change writes nothing. The happy paths are in test_member_management.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bovenwater.accounts import member_services as members
from bovenwater.accounts import services
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import Role
from bovenwater.accounts.selectors import members_list_for_actor
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.purposes import Purpose

pytestmark = pytest.mark.django_db


def _actor(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


@pytest.fixture
def own(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Eigen organisatie")


@pytest.fixture
def beheerder(make_member: Callable[..., Membership], own: Organisation) -> Actor:
    return _actor(make_member(role=Role.ADMINISTRATOR, organisation=own, with_device=False))


def test_only_a_manager_adds_and_only_assignable_roles(
    make_member: Callable[..., Membership], own: Organisation, beheerder: Actor
) -> None:
    signaller = _actor(make_member(role=Role.SIGNALLER, organisation=own, with_device=False))
    with pytest.raises(PermissionDenied):
        members.member_add(actor=signaller, email="x@example.test", role=Role.SIGNALLER)
    with pytest.raises(PermissionDenied):
        members.member_add(
            actor=beheerder, email="x@example.test", role=Role.PLATFORM_ADMINISTRATOR
        )
    with pytest.raises(PermissionDenied):
        members.member_add(actor=beheerder, email="x@example.test", role="koning")
    with pytest.raises(ValidationError) as names:
        members.member_add(actor=beheerder, email="nieuw@example.test", role=Role.SIGNALLER)
    assert names.value.code == "names"
    assert not Membership.objects.filter(user__email="nieuw@example.test").exists()


def test_a_blocked_or_ambiguous_account_is_not_added(beheerder: Actor) -> None:
    blocked = services.user_create(username="geblokkeerd", password=None, email="blok@example.test")
    blocked.is_active = False
    blocked.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as inactive:
        members.member_add(actor=beheerder, email="BLOK@example.test", role=Role.SIGNALLER)
    assert inactive.value.code == "inactive"
    for name in ("dubbel1", "dubbel2"):
        services.user_create(username=name, password=None, email="dubbel@example.test")
    with pytest.raises(ValidationError) as ambiguous:
        members.member_add(actor=beheerder, email="dubbel@example.test", role=Role.SIGNALLER)
    assert ambiguous.value.code == "ambiguous"
    assert Membership.objects.filter(organisation=beheerder.organisation).count() == 1


def test_an_ended_membership_comes_back_when_added_again(beheerder: Actor) -> None:
    added = members.member_add(
        actor=beheerder,
        email="terug@example.test",
        role=Role.SIGNALLER,
        first_name="Ter",
        last_name="Ug",
    )
    # A second account for the same name gets a numbered user name.
    again = members.member_add(
        actor=beheerder,
        email="terug@voorbeeld.test",
        role=Role.SIGNALLER,
        first_name="Ter",
        last_name="Ug",
    )
    assert again.membership.user.username != added.membership.user.username
    with pytest.raises(ValidationError) as exists:
        members.member_add(actor=beheerder, email="terug@example.test", role=Role.SIGNALLER)
    assert exists.value.code == "exists"
    members.member_end(actor=beheerder, membership=added.membership, reason="Vertrokken")
    # Ending it twice changes nothing.
    ended = members.member_end(actor=beheerder, membership=added.membership, reason="Nogmaals")
    assert not ended.is_active
    back = members.member_add(
        actor=beheerder, email="terug@example.test", role=Role.SIGNALLER, reason="Terug"
    )
    assert back.membership.pk == added.membership.pk and back.membership.is_active
    assert not back.invited
    entry = ProcessingLogEntry.objects.filter(
        object_type="accounts.membership", object_id=str(added.membership.pk)
    ).latest("pk")
    assert entry.details["changes"] == {"is_active": [False, True]}


def test_role_changes_and_endings_stay_inside_the_own_organisation(
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    own: Organisation,
    beheerder: Actor,
) -> None:
    elsewhere = make_member(role=Role.SIGNALLER, organisation=make_organisation())
    platform = make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=own, with_device=False)
    colleague = make_member(role=Role.SIGNALLER, organisation=own, with_device=False)
    for membership in (elsewhere, platform):
        with pytest.raises(PermissionDenied):
            members.member_change_role(
                actor=beheerder, membership=membership, role=Role.ANALYST, reason="x"
            )
        with pytest.raises(PermissionDenied):
            members.member_end(actor=beheerder, membership=membership, reason="x")
    with pytest.raises(ValidationError) as self_role:
        members.member_change_role(
            actor=beheerder, membership=beheerder.membership, role=Role.ANALYST, reason="x"
        )
    assert self_role.value.code == "self"
    with pytest.raises(ValidationError) as self_end:
        members.member_end(actor=beheerder, membership=beheerder.membership, reason="x")
    assert self_end.value.code == "self"
    # The same role again changes nothing and logs nothing.
    before = ProcessingLogEntry.objects.count()
    same = members.member_change_role(
        actor=beheerder, membership=colleague, role=Role.SIGNALLER, reason="x"
    )
    assert same.role == Role.SIGNALLER and ProcessingLogEntry.objects.count() == before
    # A role the person had before in this organisation: end and add again instead.
    colleague.user.email = "collega@example.test"
    colleague.user.save(update_fields=["email"])
    members.member_add(actor=beheerder, email="collega@example.test", role=Role.ANALYST)
    with pytest.raises(ValidationError) as exists:
        members.member_change_role(
            actor=beheerder, membership=colleague, role=Role.ANALYST, reason="x"
        )
    assert exists.value.code == "exists"
    assert Membership.objects.get(pk=colleague.pk).role == Role.SIGNALLER


def test_the_member_list_needs_the_right_to_see_members(
    make_member: Callable[..., Membership], own: Organisation, beheerder: Actor
) -> None:
    signaller = _actor(make_member(role=Role.SIGNALLER, organisation=own, with_device=False))
    with pytest.raises(PermissionDenied):
        members_list_for_actor(actor=signaller, purpose=Purpose.ORGANISATION_MANAGEMENT)
    listed = members_list_for_actor(actor=beheerder, purpose=Purpose.ORGANISATION_MANAGEMENT)
    assert {m.organisation_id for m in listed} == {own.pk}
