"""Who reads a scan's networks and ads (issue #20, `make mutation` group webscan-scope):
the organisation that ran the scan, whichever side of its id the asking organisation's
id lies; and where a user's other work waits, counted from the user's own other
memberships only."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.http import Http404
from tests.webscan.factories import World, actor_of

from bovenwater.accounts.models import Membership, Organisation, User
from bovenwater.accounts.roles import Role
from bovenwater.webscan import selectors
from bovenwater.webscan.models import Network

pytestmark = pytest.mark.django_db


def _lines(prefix: str) -> list[str]:
    """Three ads sharing a number (one network) and one on its own."""
    ads = [
        {
            "id": f"{prefix}-{k}",
            "title": "Jong meisje in Utrecht",
            "body": f"24/7 beschikbaar, bel 0612345678, kamer {k}",
            "city": "Utrecht",
        }
        for k in range(3)
    ]
    ads.append({"id": f"{prefix}-x", "title": "Fiets te koop", "body": "Omafiets, 40 euro"})
    return [json.dumps(ad) for ad in ads]


def test_an_earlier_and_a_later_organisation_reach_no_network_or_ad_of_the_scan(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> None:
    earlier = World(make_organisation, make_member, "Politie Eerder", "GM0599")
    owner = World(make_organisation, make_member, "Politie Eigenaar")
    later = World(make_organisation, make_member, "Politie Later", "GM0599")
    assert earlier.organisation.pk < owner.organisation.pk < later.organisation.pk
    run = owner.scan(_lines("e"))
    network = Network.objects.get(run=run)
    mine = actor_of(owner.analyst)
    assert selectors.run_networks(actor=mine, run=run) == [network]
    assert len(selectors.network_ads(actor=mine, network=network)) == 3
    assert selectors.network_decisions(actor=mine, network=network) == []
    assert [ad.external_id for ad in selectors.run_unclustered_ads(actor=mine, run=run)] == ["e-x"]
    for world in (earlier, later):
        other = actor_of(world.analyst)
        with pytest.raises(Http404):
            selectors.run_networks(actor=other, run=run)
        with pytest.raises(Http404):
            selectors.network_ads(actor=other, network=network)
        with pytest.raises(Http404):
            selectors.network_decisions(actor=other, network=network)
        with pytest.raises(Http404):
            selectors.run_unclustered_ads(actor=other, run=run)


def test_work_waiting_elsewhere_counts_only_the_user_s_own_other_memberships(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., Membership]
) -> None:
    """Memberships before and after the acting one, users with smaller and larger ids,
    all ids above 256 (distinct int objects when read apart), so every comparison is of
    values, on both sides."""
    first = World(make_organisation, make_member, "Politie Eerste", "GM0599")
    acting = World(make_organisation, make_member, "Politie Handelend")
    last = World(make_organisation, make_member, "Politie Laatste", "GM0599")
    for world, prefix in ((first, "f"), (acting, "a"), (last, "l")):
        world.scan(_lines(prefix))
    base = max(1000, *(User.objects.values_list("pk", flat=True)))
    lower = User.objects.create(pk=base + 1, username="lager@politie.test")
    user = User.objects.create(pk=base + 2, username="dubbel@politie.test")
    higher = User.objects.create(pk=base + 3, username="hoger@politie.test")
    top = max(1000, *(Membership.objects.values_list("pk", flat=True)))

    def member(pk: int, person: User, world: World) -> Membership:
        return Membership.objects.create(
            pk=top + pk, user=person, organisation=world.organisation, role=Role.ANALYST
        )

    member(1, user, first)
    acting_membership = member(2, user, acting)
    member(3, user, last)
    member(4, lower, first)
    member(5, higher, last)
    actor = actor_of(Membership.objects.get(pk=acting_membership.pk))
    memberships = list(Membership.objects.filter(pk__gt=top).order_by("pk"))
    assert selectors.waiting_elsewhere(actor=actor, memberships=memberships) == [
        ("Politie Eerste", 1),
        ("Politie Laatste", 1),
    ]
    strangers = [m for m in memberships if m.user_id != user.pk]
    assert selectors.waiting_elsewhere(actor=actor, memberships=strangers) == []
