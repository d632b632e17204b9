"""Who reads which people and memberships, one rule per test, on ``accounts/selectors.py``
(issue #20, `make mutation` group accounts-scope): the own organisation's members, only
active memberships of active people and organisations count, no system accounts among
colleagues, the membership a user acts in outside a request, and a beheerder's read of
one membership (refused for another organisation, logged for its owner)."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from bovenwater.accounts import selectors
from bovenwater.accounts import services as account_services
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db

_counter = itertools.count(1)


def _organisation(
    name: str, kind: OrganisationKind = OrganisationKind.MUNICIPALITY
) -> Organisation:
    return account_services.organisation_create(
        name=name, kind=kind, municipality=Municipality.objects.get(code="GM0363")
    )


def _user(first: str = "Test", last: str = "Persoon") -> User:
    return account_services.user_create(
        username=f"lezer{next(_counter)}", password=None, first_name=first, last_name=last
    )


def _member(organisation: Organisation, role: Role, user: User | None = None) -> Membership:
    return account_services.membership_add(
        user=user or _user(), organisation=organisation, role=role
    )


def _actor(membership: Membership) -> Actor:
    return Actor(user=membership.user, membership=membership)


def test_members_are_listed_for_the_own_organisation_only_with_the_right_to() -> None:
    own, other = _organisation("Gemeente Eigen"), _organisation("Gemeente Ander")
    officer = _member(own, Role.CONTACT_OFFICER)
    colleague = _member(own, Role.SIGNALLER)
    _member(other, Role.SIGNALLER)
    listed = selectors.members_list_for_actor(
        actor=_actor(officer), purpose=Purpose.ORGANISATION_MANAGEMENT
    )
    assert set(listed) == {officer, colleague}
    entry = ProcessingLogEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.details == {"list": "members", "count": 2}
    with pytest.raises(PermissionDenied):
        selectors.members_list_for_actor(
            actor=_actor(colleague), purpose=Purpose.ORGANISATION_MANAGEMENT
        )


def test_only_active_memberships_of_active_organisations_count() -> None:
    first, second, closed = (
        _organisation("Gemeente Een"),
        _organisation("Gemeente Twee"),
        _organisation("Gemeente Opgeheven"),
    )
    user = _user()
    kept = _member(first, Role.SIGNALLER, user)
    ended = _member(second, Role.CONTACT_OFFICER, user)
    in_closed = _member(closed, Role.SIGNALLER, user)
    Membership.objects.filter(pk=ended.pk).update(is_active=False)
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)
    actor = _actor(kept)
    assert list(selectors.memberships_of_actor_user(actor=actor)) == [kept]
    assert closed not in selectors.organisations_directory()
    assert first in selectors.organisations_directory()
    assert selectors.is_member(user_id=user.pk, organisation_id=first.pk)
    assert not selectors.is_member(user_id=user.pk, organisation_id=second.pk)
    assert selectors.works_as(user=user, organisation_id=first.pk, role=Role.SIGNALLER)
    assert not selectors.works_as(user=user, organisation_id=first.pk, role=Role.CONTACT_OFFICER)
    assert not selectors.works_as(user=user, organisation_id=second.pk, role=Role.CONTACT_OFFICER)
    assert in_closed.is_active  # the membership itself is active; its organisation is not


def test_the_home_organisation_is_that_of_the_first_active_membership() -> None:
    first, second = _organisation("Gemeente A"), _organisation("Gemeente B")
    user = _user()
    earliest = _member(first, Role.SIGNALLER, user)
    _member(second, Role.SIGNALLER, user)
    assert selectors.home_organisation_id(user_id=user.pk) == first.pk
    Membership.objects.filter(pk=earliest.pk).update(is_active=False)
    assert selectors.home_organisation_id(user_id=user.pk) == second.pk
    Membership.objects.filter(user=user).update(is_active=False)
    assert selectors.home_organisation_id(user_id=user.pk) is None


def test_the_acting_membership_is_the_chosen_active_one_else_the_first_by_name() -> None:
    zuid, noord, dicht = (
        _organisation("Zuid"),
        _organisation("Noord"),
        _organisation("Dicht"),
    )
    user = _user()
    in_zuid = _member(zuid, Role.SIGNALLER, user)
    in_noord = _member(noord, Role.SIGNALLER, user)
    in_dicht = _member(dicht, Role.SIGNALLER, user)
    Organisation.objects.filter(pk=dicht.pk).update(is_active=False)
    assert selectors.acting_membership_of(user_id=user.pk, chosen_id=in_zuid.pk) == in_zuid
    assert selectors.acting_membership_of(user_id=user.pk, chosen_id=str(in_zuid.pk)) == in_zuid
    # no choice, a choice in a closed organisation, or another user's: the first by name
    assert selectors.acting_membership_of(user_id=user.pk) == in_noord
    assert selectors.acting_membership_of(user_id=user.pk, chosen_id=in_dicht.pk) == in_noord
    stranger = _member(zuid, Role.CONTACT_OFFICER)
    assert selectors.acting_membership_of(user_id=user.pk, chosen_id=stranger.pk) == in_noord
    Membership.objects.filter(user=user).update(is_active=False)
    assert selectors.acting_membership_of(user_id=user.pk, chosen_id=in_zuid.pk) is None


def test_colleagues_and_users_in_roles_are_active_people_by_name() -> None:
    organisation = _organisation("Zorg", OrganisationKind.CARE_COORDINATION)
    other = _organisation("Elders", OrganisationKind.CARE_COORDINATION)
    bakker = _member(organisation, Role.CARE_COORDINATOR, _user("Bram", "Bakker"))
    aalders = _member(organisation, Role.CHAIN_DIRECTOR, _user("Anna", "Aalders"))
    left = _member(organisation, Role.CARE_COORDINATOR, _user("Lot", "Cohen"))
    Membership.objects.filter(pk=left.pk).update(is_active=False)
    gone = _member(organisation, Role.CARE_COORDINATOR, _user("Gijs", "Dekker"))
    User.objects.filter(pk=gone.user_id).update(is_active=False)
    system = _member(organisation, Role.CARE_COORDINATOR, _user("Systeem", "Koppeling"))
    User.objects.filter(pk=system.user_id).update(is_system_account=True)
    _member(other, Role.CARE_COORDINATOR, _user("Eva", "Elders"))
    assert list(selectors.colleagues(organisation_id=organisation.pk)) == [aalders, bakker]
    coordinators = selectors.users_in_roles(
        organisation_id=organisation.pk, roles=[Role.CARE_COORDINATOR]
    )
    assert list(coordinators) == [bakker.user, system.user]  # by first name
    both = selectors.users_in_roles(
        organisation_id=organisation.pk, roles=[Role.CARE_COORDINATOR, Role.CHAIN_DIRECTOR]
    )
    assert list(both) == [aalders.user, bakker.user, system.user]


def test_a_beheerder_reads_a_membership_of_the_own_organisation_only() -> None:
    own, other = _organisation("Eigen"), _organisation("Ander")
    beheerder = _actor(_member(own, Role.ADMINISTRATOR))
    colleague = _member(own, Role.SIGNALLER)
    admin = _member(own, Role.PLATFORM_ADMINISTRATOR)
    foreign = _member(other, Role.SIGNALLER)
    assert selectors.member_for_management(actor=beheerder, membership_id=colleague.pk) == colleague
    for refused in (admin, foreign):
        with pytest.raises(Http404):
            selectors.member_for_management(actor=beheerder, membership_id=refused.pk)
    entry = ProcessingLogEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.refused and entry.owner_organisation_id == other.pk
    with pytest.raises(Http404):  # the right to manage, not the organisation, is missing
        selectors.member_for_management(actor=_actor(colleague), membership_id=colleague.pk)
    with pytest.raises(Http404):
        selectors.member_for_management(actor=beheerder, membership_id=foreign.pk + 1000)


def test_a_beheerder_is_refused_an_earlier_organisations_membership_and_a_large_id_works() -> None:
    """Compared for equality: an organisation with a smaller id is another one too, and
    ids above 256 (distinct int objects) still match."""
    earlier = _organisation("Eerder")
    own = _organisation("Later")
    foreign = _member(earlier, Role.SIGNALLER)
    beheerder = _actor(_member(own, Role.ADMINISTRATOR))
    with pytest.raises(Http404):
        selectors.member_for_management(actor=beheerder, membership_id=foreign.pk)
    biggest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    large = Organisation.objects.create(
        pk=biggest + 1000,
        name="Groot",
        kind=OrganisationKind.MUNICIPALITY,
        municipality=Municipality.objects.get(code="GM0363"),
    )
    large_beheerder = _actor(_member(large, Role.ADMINISTRATOR))
    colleague = _member(large, Role.SIGNALLER)
    got = selectors.member_for_management(actor=large_beheerder, membership_id=colleague.pk)
    assert got == colleague
