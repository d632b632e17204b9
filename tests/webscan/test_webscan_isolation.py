"""Organisation B never reaches organisation A's webscan objects, by any URL.

Every webscan URL is called with the ids of A's source, run, network and ad, as every
role of B (GET and POST): the answer is 403 (no permission at all) or 404 (no
existence leak), A's markers never show, and nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.webscan.factories import World

from bovenwater.accounts.roles import Role
from bovenwater.intake.models import Signal
from bovenwater.webscan.models import Ad, Decision, Network, ScanRun, Source

pytestmark = pytest.mark.django_db

MARKER = "Geheimadvertentie"


@pytest.fixture
def objects_of_a(world: World) -> dict[str, int]:
    lines = [
        json.dumps(
            {
                "id": f"a-{k}",
                "title": f"{MARKER} Jong meisje in Utrecht",
                "body": f"{MARKER} 24/7 beschikbaar, bel 0612345678, kamer {k}",
                "city": "Utrecht",
            }
        )
        for k in range(3)
    ]
    source = world.source(name=f"{MARKER} bron")
    run = world.scan(lines, source=source)
    network = Network.objects.get(run=run)
    ad = Ad.objects.filter(run=run).first()
    assert ad is not None
    return {"source": source.pk, "run": run.pk, "network": network.pk, "ad": ad.pk}


URLS = (
    ("get", "/webscan/bronnen/{source}/"),
    ("post", "/webscan/bronnen/{source}/actief/"),
    ("post", "/webscan/bronnen/{source}/scannen/"),
    ("get", "/webscan/scans/{run}/"),
    ("get", "/webscan/scans/{run}/voortgang/"),
    ("get", "/webscan/netwerken/{network}/"),
    ("post", "/webscan/netwerken/{network}/besluit/"),
    ("get", "/webscan/advertenties/{ad}/"),
)


@pytest.mark.parametrize("role", list(Role))
def test_no_role_of_b_reaches_a_by_any_webscan_url(
    role: Role,
    client: Client,
    objects_of_a: dict[str, int],
    other_world: World,
    make_member: Any,
    login_as: Any,
) -> None:
    member = make_member(role=role, organisation=other_world.organisation)
    login_as(member)
    counts = (Source.objects.count(), ScanRun.objects.count(), Decision.objects.count())
    for method, pattern in URLS:
        url = pattern.format(**objects_of_a)
        data = {"kind": "promote", "reason": "x"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), f"{role} {method} {url}"
        missing = getattr(client, method)(
            pattern.format(**dict.fromkeys(objects_of_a, 999999)), data
        )
        assert response.status_code == missing.status_code, f"{role} {url}: existence leak"
        assert MARKER not in response.content.decode()
    for url in ("/webscan/", "/webscan/bronnen/"):
        response = client.get(url)
        assert MARKER not in response.content.decode()
    assert (Source.objects.count(), ScanRun.objects.count(), Decision.objects.count()) == counts
    assert Signal.objects.count() == 0
    assert Source.objects.get(pk=objects_of_a["source"]).is_active
