"""Promotion of a network that spans regions: one signal for every affected region, the
promoting team included, urgent when the ads point to a possible minor, in plain Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.support import login
from tests.webscan.factories import World, actor_of

from bovenwater.accounts import services as accounts_services
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.intake.models import Signal, Urgency
from bovenwater.webscan import services
from bovenwater.webscan.models import Network

pytestmark = pytest.mark.django_db

# Rotterdam (lead: most ads), Eindhoven and Brunssum: three police regions.
PLACES = [("GM0599", "Rotterdam", 5), ("GM0772", "Eindhoven", 2), ("GM0899", "Brunssum", 1)]


def _spread(world: World, corpus: list[str], minor: bool) -> Network:
    run = world.scan(corpus)
    network = Network.objects.filter(run=run).order_by("-ad_count", "pk").first()
    assert network is not None
    network.features = {
        **network.features,
        "cities": [{"code": code, "name": name, "count": n} for code, name, n in PLACES],
        "first_seen": "2025-01-07T10:00:00+00:00",
        "last_seen": "2025-02-11T22:30:00+00:00",
    }
    network.indicators = ["NET_CITY_HOPPING"]
    network.ad_indicators = {"AGE_MINOR": 2} if minor else {"UNPROTECTED_ALL": 3}
    network.save(update_fields=["features", "indicators", "ad_indicators"])
    network.ads.update(municipality_code="GM0599")
    return network


@pytest.fixture
def contacts(make_organisation: Callable[..., Organisation]) -> dict[str, Organisation]:
    return {
        code: make_organisation(
            name=f"Gemeente {name}", kind=OrganisationKind.MUNICIPALITY, municipality_code=code
        )
        for code, name, _n in PLACES
    }


def test_a_promoted_network_reaches_every_region_and_the_promoting_team(
    world: World, small_corpus: list[str], contacts: dict[str, Organisation]
) -> None:
    network = _spread(world, small_corpus, minor=False)
    services.network_decide(actor=actor_of(world.analyst), network=network, kind="promote")
    signal = Signal.objects.get()
    recipients = set(signal.recipients.values_list("organisation_id", flat=True))
    assert {org.pk for org in contacts.values()} <= recipients
    assert world.organisation.pk in recipients
    lead = signal.recipients.get(is_lead=True)
    assert lead.organisation == contacts["GM0599"]
    assert signal.crime_municipality.code == "GM0599"
    assert signal.urgency == Urgency.NORMAL
    assert signal.involves_minor is False


def test_possible_minor_indicators_make_the_signal_urgent(
    world: World, small_corpus: list[str], contacts: dict[str, Organisation]
) -> None:
    network = _spread(world, small_corpus, minor=True)
    services.network_decide(actor=actor_of(world.analyst), network=network, kind="promote")
    signal = Signal.objects.get()
    assert signal.urgency == Urgency.HIGH
    assert signal.involves_minor is True


def test_the_signal_text_has_no_codes_iso_dates_or_english_decimals(
    world: World, small_corpus: list[str], contacts: dict[str, Organisation]
) -> None:
    network = _spread(world, small_corpus, minor=True)
    services.network_decide(actor=actor_of(world.analyst), network=network, kind="promote")
    text = Signal.objects.get().description
    assert re.search(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b", text) is None, text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None, text
    assert re.search(r"risico \d+,\d\d op een schaal van 0 tot 1", text), text
    assert "7 januari 2025 tot en met 11 februari 2025" in text
    assert "Opgegeven leeftijd onder 18 (2 advertenties)" in text


def test_the_reviewer_is_told_where_the_signal_went(
    client: Client, world: World, small_corpus: list[str], contacts: dict[str, Organisation]
) -> None:
    network = _spread(world, small_corpus, minor=False)
    login(client, world.analyst)
    response = client.post(
        reverse("webscan:decide", args=[network.pk]), {"kind": "promote"}, follow=True
    )
    body = response.content.decode()
    signal = Signal.objects.get()
    assert f"Het netwerk is gemeld als signaal {signal.reference}." in body
    for org in contacts.values():
        assert org.name in body


def test_an_empty_queue_says_where_the_users_work_waits(
    client: Client,
    world: World,
    small_corpus: list[str],
    make_organisation: Callable[..., Organisation],
) -> None:
    world.scan(small_corpus)  # networks wait at the police team
    riec = make_organisation(name="RIEC Testregio", kind=OrganisationKind.OTHER)
    elsewhere = accounts_services.membership_add(
        user=world.analyst.user, organisation=riec, role=Role.ANALYST
    )
    login(client, elsewhere)
    body = client.get(reverse("webscan:queue")).content.decode()
    assert "Er wachten geen netwerken op beoordeling." in body
    assert 'data-testid="waiting-elsewhere"' in body
    assert world.organisation.name in body
    login(client, world.analyst)
    assert (
        'data-testid="waiting-elsewhere"'
        not in client.get(reverse("webscan:queue")).content.decode()
    )
