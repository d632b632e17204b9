"""Webscan pages: sources form, scan upload, queue, network page, decisions, sanitising."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from tests.webscan.factories import World, upload

from bovenwater.audit.models import Action, ProcessingLogEntry
from bovenwater.intake.models import Signal
from bovenwater.webscan.models import Ad, Network, NetworkState, ScanRun, Source

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def _xss_lines() -> list[str]:
    """Two near-identical ads with script and markup in title and body, sharing a phone."""
    body = (
        "Nieuw meisje in Utrecht, 24/7 beschikbaar, alles mogelijk zonder condoom. "
        f"Bel 0612345678 {SCRIPT} <img src=x onerror=alert(1)> <b>vet</b>"
    )
    return [
        json.dumps(
            {
                "id": f"xss-{k}",
                "title": f"Jong meisje {SCRIPT}",
                "body": body + f" kamer {k}",
                "city": "Utrecht",
                "posted_at": f"2025-03-0{k}T10:00",
                "url": f"https://ads.example.test/xss-{k}",
            }
        )
        for k in range(1, 4)
    ]


def test_administrator_records_a_source_through_the_form(
    client: Client, world: World, login_as: Any
) -> None:
    login_as(world.admin)
    response = client.get("/webscan/bronnen/nieuw/")
    assert response.status_code == 200
    response = client.post(
        "/webscan/bronnen/nieuw/",
        {
            "name": "Crawler site Y",
            "kind": "crawler",
            "base_url": "https://ads.example.test",
            "purpose": "",
            "legal_basis": "",
            "authoriser_name": "",
            "authoriser_function": "Teamchef",
            "authorised_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        "Een crawler mag alleen draaien met een vastgelegd doel, grondslag en opdrachtgever."
        in content
    )
    assert 'value="Crawler site Y"' in content  # input kept
    assert Source.objects.count() == 0
    response = client.post(
        "/webscan/bronnen/nieuw/",
        {
            "name": "Crawler site Y",
            "kind": "crawler",
            "base_url": "https://ads.example.test",
            "purpose": "Signalen seksuele uitbuiting",
            "legal_basis": "Wpg art. 3",
            "authoriser_name": "A. Opdracht",
            "authoriser_function": "Teamchef",
            "authorised_on": "2026-01-01",
            "retention_days": "14",
        },
    )
    source = Source.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webscan/bronnen/{source.pk}/"
    assert source.retention_days == 14


def test_analyst_may_not_record_sources(client: Client, world: World, login_as: Any) -> None:
    login_as(world.analyst)
    assert client.get("/webscan/bronnen/nieuw/").status_code == 403
    assert client.post("/webscan/bronnen/nieuw/", {"name": "x"}).status_code == 403
    assert Source.objects.count() == 0


def test_analyst_uploads_a_file_and_sees_the_rejected_lines(
    client: Client, world: World, login_as: Any, small_corpus: list[str]
) -> None:
    source = world.source()
    login_as(world.analyst)
    source_page = client.get(f"/webscan/bronnen/{source.pk}/")
    assert source_page.status_code == 200
    assert "Scan starten" in source_page.content.decode()
    response = client.post(
        f"/webscan/bronnen/{source.pk}/scannen/",
        {"upload": upload([*small_corpus[:50], "{kapot"])},
    )
    run = ScanRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webscan/scans/{run.pk}/"
    page = client.get(f"/webscan/scans/{run.pk}/").content.decode()
    assert 'data-testid="lines-rejected">1<' in page
    assert "ongeldige JSON" in page
    progress = client.get(f"/webscan/scans/{run.pk}/voortgang/")
    assert progress["HX-Refresh"] == "true"


def test_queue_orders_networks_by_risk_and_logs_the_view(
    client: Client, world: World, login_as: Any, small_corpus: list[str]
) -> None:
    world.scan(small_corpus)
    login_as(world.analyst)
    response = client.get("/webscan/")
    assert response.status_code == 200
    networks = list(response.context["rows"])
    risks = [row["network"].risk for row in networks]
    assert risks == sorted(risks, reverse=True)
    assert len(networks) == Network.objects.count()
    entry = ProcessingLogEntry.objects.filter(
        object_type="webscan.network", object_id="queue"
    ).get()
    assert entry.action == Action.VIEW
    assert entry.purpose == "webscan_review"
    assert entry.details["networks"] == [row["network"].pk for row in networks]


def test_network_page_shows_template_indicators_and_logs_network_and_ads(
    client: Client, world: World, login_as: Any, small_corpus: list[str]
) -> None:
    world.scan(small_corpus)
    network = Network.objects.order_by("-ad_count").first()
    assert network is not None
    login_as(world.analyst)
    before = ProcessingLogEntry.objects.count()
    response = client.get(f"/webscan/netwerken/{network.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="template"' in content
    assert "<mark" in content
    assert 'data-testid="indicators"' in content
    assert 'data-testid="cities"' in content
    assert 'data-testid="timeline"' in content
    for phone in network.features["phones"]:
        assert phone in content
    logged = ProcessingLogEntry.objects.order_by("pk")[before:]
    assert [(e.object_type, e.object_id) for e in logged] == [
        ("webscan.network", str(network.pk)),
        ("webscan.ad", f"network:{network.pk}"),
    ]
    assert logged[1].details["ads"] == list(
        Ad.objects.filter(network=network).order_by("posted_at", "pk").values_list("pk", flat=True)
    )


def test_script_in_an_ad_is_rendered_inert(client: Client, world: World, login_as: Any) -> None:
    run = world.scan(_xss_lines())
    network = Network.objects.get(run=run)
    ad = Ad.objects.filter(network=network).first()
    assert ad is not None and SCRIPT in ad.body
    login_as(world.analyst)
    for url in (f"/webscan/netwerken/{network.pk}/", f"/webscan/advertenties/{ad.pk}/"):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "<b>vet</b>" not in content
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in content
        assert "<mark" in content  # the indicator spans are still highlighted


def test_promote_through_the_page_links_the_signal(
    client: Client, world: World, login_as: Any
) -> None:
    run = world.scan(_xss_lines())
    network = Network.objects.get(run=run)
    login_as(world.analyst)
    response = client.post(f"/webscan/netwerken/{network.pk}/besluit/", {"kind": "dismiss"})
    assert response.status_code == 400
    assert "Geef aan waarom u dit netwerk afwijst." in response.content.decode()
    response = client.post(f"/webscan/netwerken/{network.pk}/besluit/", {"kind": "promote"})
    assert response.status_code == 302
    signal = Signal.objects.get()
    network.refresh_from_db()
    assert network.state == NetworkState.PROMOTED and network.signal == signal
    page = client.get(f"/webscan/netwerken/{network.pk}/").content.decode()
    assert f'href="/signalen/{signal.reference}/"' in page
    assert SCRIPT not in page


def test_ad_page_logs_the_read(client: Client, world: World, login_as: Any) -> None:
    run = world.scan(_xss_lines())
    ad = Ad.objects.filter(run=run).first()
    assert ad is not None
    login_as(world.analyst)
    assert client.get(f"/webscan/advertenties/{ad.pk}/").status_code == 200
    entry = ProcessingLogEntry.objects.filter(object_type="webscan.ad").order_by("pk").last()
    assert entry is not None
    assert (entry.object_id, entry.action, entry.purpose) == (str(ad.pk), "view", "webscan_review")


def test_navigation_shows_webscan_to_reviewers_and_sources_to_administrators(
    client: Client, world: World, login_as: Any
) -> None:
    login_as(world.analyst)
    content = client.get("/webscan/").content.decode()
    assert 'href="/webscan/"' in content
    login_as(world.admin)
    content = client.get("/webscan/bronnen/").content.decode()
    assert 'href="/webscan/bronnen/"' in content
    assert client.get("/webscan/").status_code == 403


def test_network_page_flags_numbers_outside_the_numbering_plan(
    client: Client, world: World, login_as: Any
) -> None:
    lines = [
        json.dumps(
            {
                "id": f"key-{k}",
                "title": "",
                "body": text,
                "city": "Utrecht",
                "posted_at": f"2025-03-0{k + 1}T10:00",
            }
        )
        for k, text in enumerate(
            [
                "Rustige massage in het centrum, bel 06-01234567.",
                "Heel andere tekst over thee en muziek, nul zes nul een twee drie vier vijf "
                "zes zeven",
            ]
        )
    ]
    world.scan(lines)
    network = Network.objects.get()
    assert network.features["phone_keys"] == ["0601234567"]
    assert network.features["n_phones"] == 0
    login_as(world.analyst)
    content = client.get(f"/webscan/netwerken/{network.pk}/").content.decode()
    assert 'data-testid="phone-keys"' in content
    assert "0601234567" in content
    assert "niet geldig volgens nummerplan" in content


def test_ad_page_shows_the_phone_key_flagged_to_reviewers_only(
    client: Client, world: World, login_as: Any
) -> None:
    line = json.dumps(
        {
            "id": "key-1",
            "title": "",
            "body": "Rustige massage, bel 06-01234567 of mail lisa@example.test",
            "city": "Utrecht",
        }
    )
    world.scan([line])
    ad = Ad.objects.get(external_id="key-1")
    assert ad.phone_keys == ["0601234567"] and ad.phones == []
    url = f"/webscan/advertenties/{ad.pk}/"
    login_as(world.admin)  # manages sources, does not review ads: no contact data
    response = client.get(url)
    assert response.status_code == 403
    assert "0601234567" not in response.content.decode()
    login_as(world.analyst)
    content = client.get(url).content.decode()
    assert 'data-testid="phone-keys"' in content
    assert "0601234567" in content and "niet geldig volgens nummerplan" in content
    assert "lisa@example.test" in content
    entry = ProcessingLogEntry.objects.filter(object_type="webscan.ad").order_by("pk").last()
    assert entry is not None and entry.object_id == str(ad.pk)
