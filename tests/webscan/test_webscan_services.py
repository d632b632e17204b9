"""Webscan services: lawful sources, scan runs with malformed lines, decisions, retention."""

from __future__ import annotations

import gc
import json
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from tests.webscan.factories import World, actor_of, source_input, upload

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.adscan import pipeline
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.intake.models import Signal
from bovenwater.webscan import jobs, services
from bovenwater.webscan.models import (
    Ad,
    Decision,
    Network,
    NetworkState,
    RunStatus,
    ScanRun,
    Source,
    SourceKind,
)

pytestmark = pytest.mark.django_db


# --- sources -------------------------------------------------------------------------


def test_administrator_records_a_file_source_with_default_retention(
    world: World, settings: Any
) -> None:
    settings.WEBSCAN_RETENTION_DAYS = 21
    source = world.source()
    assert source.organisation == world.organisation
    assert source.retention_days == 21
    assert source.purpose == "Opsporen van signalen van seksuele uitbuiting"
    entry = ProcessingLogEntry.objects.filter(object_type="webscan.source").get()
    assert entry.object_id == str(source.pk)
    assert entry.purpose == "webscan_review"


def test_crawler_source_without_purpose_legal_basis_or_authoriser_is_refused_in_dutch(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.source_create(
            actor=actor_of(world.admin),
            data=source_input(
                kind=SourceKind.CRAWLER,
                base_url="https://ads.example.test",
                purpose=" ",
                legal_basis="",
                authoriser_name="",
            ),
        )
    message = "Een crawler mag alleen draaien met een vastgelegd doel, grondslag en opdrachtgever."
    assert caught.value.message_dict == {
        "purpose": [message],
        "legal_basis": [message],
        "authoriser_name": [message],
    }
    assert Source.objects.count() == 0


def test_crawler_source_needs_a_web_address_and_dates_in_order(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.source_create(
            actor=actor_of(world.admin),
            data=source_input(
                kind=SourceKind.CRAWLER,
                base_url="ftp://x",
                valid_until=date(2025, 12, 31),
            ),
        )
    assert set(caught.value.message_dict) == {"base_url", "valid_until"}
    assert Source.objects.count() == 0


@pytest.mark.parametrize("role", [Role.ANALYST, Role.INVESTIGATOR, Role.PRIVACY_OFFICER])
def test_only_the_administrator_records_sources(world: World, make_member: Any, role: Role) -> None:
    member = make_member(role=role, organisation=world.organisation)
    with pytest.raises(PermissionDenied):
        services.source_create(actor=actor_of(member), data=source_input())
    assert Source.objects.count() == 0


def test_an_organisation_without_a_screening_task_records_no_sources(
    make_organisation: Any, make_member: Any
) -> None:
    shelter = make_organisation(kind=OrganisationKind.SHELTER)
    admin = make_member(role=Role.ADMINISTRATOR, organisation=shelter)
    with pytest.raises(PermissionDenied):
        services.source_create(actor=actor_of(admin), data=source_input())
    assert Source.objects.count() == 0


# --- scan runs -------------------------------------------------------------------------


def test_scan_with_malformed_lines_reports_each_line_and_stores_the_rest(
    world: World, small_corpus: list[str], settings: Any
) -> None:
    lines = [
        *small_corpus[:100],
        "{not json",
        json.dumps({"id": "x1", "title": "zonder body"}),
        "[1, 2]",
        *small_corpus[100:],
        json.dumps({"id": 5, "title": "t", "body": 3}),
    ]
    run = world.scan(lines)
    assert run.status == RunStatus.DONE
    assert run.progress == 100
    assert run.ads_read == 200
    assert run.lines_rejected == 4
    assert [e["line"] for e in run.report["errors"]] == [101, 102, 103, 204]
    assert run.report["errors"][1]["reason"] == "missing field(s): body"
    assert Ad.objects.filter(run=run).count() == 200
    assert run.networks_found == Network.objects.filter(run=run).count() > 0
    assert run.upload_path != ""
    assert not (Path(settings.PRIVATE_MEDIA_ROOT) / "webscan" / run.upload_path).exists()


def test_scan_stores_networks_with_template_features_and_evidence(
    world: World, small_corpus: list[str]
) -> None:
    run = world.scan(small_corpus)
    network = Network.objects.filter(run=run).order_by("-ad_count").first()
    assert network is not None
    assert network.organisation == world.organisation
    assert network.state == NetworkState.NEW
    assert network.ad_count == Ad.objects.filter(network=network).count() >= 2
    assert network.template["segments"]
    assert {"phones", "names", "cities", "time_span_days", "city_hopping"} <= set(network.features)
    with_evidence = Ad.objects.filter(run=run).exclude(evidence=[]).first()
    assert with_evidence is not None
    item = with_evidence.evidence[0]
    assert item["code"] in with_evidence.indicators
    if "start" in item:
        text = with_evidence.title if item["field"] == "title" else with_evidence.body
        assert text[item["start"] : item["end"]] == item["text"]


def test_scan_of_an_expired_future_or_inactive_source_is_refused(world: World) -> None:
    today = timezone.localdate()
    expired = world.source(valid_until=today - timedelta(days=1))
    future = world.source(authorised_on=today + timedelta(days=1))
    inactive = world.source()
    services.source_set_active(actor=actor_of(world.admin), source=inactive, active=False)
    for source in (expired, future, inactive):
        with pytest.raises(ValidationError):
            services.run_request(
                actor=actor_of(world.analyst), source=source, upload=upload(["{}"])
            )
    assert ScanRun.objects.count() == 0
    assert world.source().is_authorised_on(today)


def test_scan_of_another_organisations_source_is_refused(world: World, other_world: World) -> None:
    source = other_world.source()
    with pytest.raises(PermissionDenied):
        services.run_request(actor=actor_of(world.analyst), source=source, upload=upload(["{}"]))
    assert ScanRun.objects.count() == 0


def test_only_jsonl_or_csv_files_are_scanned(world: World) -> None:
    with pytest.raises(ValidationError):
        services.run_request(
            actor=actor_of(world.analyst),
            source=world.source(),
            upload=upload(["<html>"], name="ads.html"),
        )
    assert ScanRun.objects.count() == 0


def test_crawler_run_honours_the_site_and_stores_its_log(world: World) -> None:
    source = world.source(kind=SourceKind.CRAWLER, base_url="https://ads.example.test")
    pages = {
        "https://ads.example.test/robots.txt": (200, "User-agent: *\nDisallow: /private/"),
        "https://ads.example.test/": (
            200,
            '<a href="/ad/1">1</a><a href="/private/x">x</a>',
        ),
        "https://ads.example.test/ad/1": (
            200,
            "<html><head><title>Nieuw in Utrecht</title></head><body>"
            '<div class="body">Bel 06 12 34 56 78, 24/7 beschikbaar</div></body></html>',
        ),
    }

    def fetch(url: str, agent: str, timeout: float) -> tuple[int, str]:
        return pages.get(url, (404, ""))

    run = services.run_request(actor=actor_of(world.analyst), source=source, enqueue=False)
    run = jobs.execute_run(run.pk, fetch=fetch)
    assert run.status == RunStatus.DONE
    actions = [(e["url"], e["action"]) for e in run.report["crawl_log"]]
    assert ("https://ads.example.test/private/x", "refused_robots") in actions


# --- decisions -------------------------------------------------------------------------


def _network(world: World, corpus: list[str]) -> Network:
    run = world.scan(corpus)
    network = Network.objects.filter(run=run).order_by("-ad_count", "pk").first()
    assert network is not None
    return network


def test_dismiss_needs_a_reason_and_writes_nothing_without(
    world: World, small_corpus: list[str]
) -> None:
    network = _network(world, small_corpus)
    with pytest.raises(ValidationError) as caught:
        services.network_decide(actor=actor_of(world.analyst), network=network, kind="dismiss")
    assert caught.value.message_dict == {"reason": ["Geef aan waarom u dit netwerk afwijst."]}
    network.refresh_from_db()
    assert network.state == NetworkState.NEW
    assert Decision.objects.count() == 0


def test_watch_then_dismiss_is_an_append_only_history_with_log_entries(
    world: World, small_corpus: list[str]
) -> None:
    network = _network(world, small_corpus)
    actor = actor_of(world.analyst)
    services.network_decide(actor=actor, network=network, kind="watch")
    services.network_decide(actor=actor, network=network, kind="dismiss", reason="Hotelketen")
    network.refresh_from_db()
    assert network.state == NetworkState.DISMISSED
    history = list(
        Decision.objects.filter(network=network).values_list(
            "kind", "from_state", "to_state", "reason"
        )
    )
    assert history == [
        ("watch", "new", "watch", ""),
        ("dismiss", "watch", "dismissed", "Hotelketen"),
    ]
    logged = ProcessingLogEntry.objects.filter(
        object_type="webscan.network", object_id=str(network.pk), action="update"
    )
    assert [e.details["decision"] for e in logged.order_by("pk")] == ["watch", "dismiss"]


def test_a_dismissed_network_cannot_be_promoted_directly(
    world: World, small_corpus: list[str]
) -> None:
    network = _network(world, small_corpus)
    actor = actor_of(world.analyst)
    services.network_decide(actor=actor, network=network, kind="dismiss", reason="Geen signaal")
    with pytest.raises(ValidationError):
        services.network_decide(actor=actor, network=network, kind="promote")
    assert Signal.objects.count() == 0
    assert Decision.objects.count() == 1


def test_promote_creates_a_sexual_exploitation_signal_with_the_evidence_and_links_it(
    world: World, small_corpus: list[str]
) -> None:
    network = _network(world, small_corpus)
    decision = services.network_decide(
        actor=actor_of(world.analyst), network=network, kind="promote"
    )
    network.refresh_from_db()
    signal = Signal.objects.get()
    assert network.state == NetworkState.PROMOTED
    assert network.signal == signal
    assert decision.signal_reference == signal.reference
    assert signal.reporting_organisation == world.organisation
    assert list(signal.forms.values_list("code", flat=True)) == ["SEXUAL"]
    ads = list(Ad.objects.filter(network=network))
    for phone in network.features["phones"]:
        assert phone in signal.description
    assert str(network.template["text"]) in signal.description
    for ad in ads:
        assert ad.url in signal.description
    codes = [c for c in (ad.municipality_code for ad in ads) if c]
    assert codes, "the generated network names cities"
    assert codes.count(signal.crime_municipality.code) == max(codes.count(c) for c in codes)
    # promoted is final
    with pytest.raises(ValidationError):
        services.network_decide(actor=actor_of(world.analyst), network=network, kind="watch")


def test_an_analyst_of_another_organisation_cannot_decide(
    world: World, other_world: World, small_corpus: list[str]
) -> None:
    network = _network(world, small_corpus)
    with pytest.raises(PermissionDenied):
        services.network_decide(actor=actor_of(other_world.analyst), network=network, kind="watch")
    assert Decision.objects.count() == 0


# --- retention -------------------------------------------------------------------------


def test_retention_deletes_old_ads_unless_promoted_and_prunes_their_networks(
    world: World, small_corpus: list[str]
) -> None:
    source = world.source(retention_days=10)
    run = world.scan(small_corpus, source=source)
    networks = list(Network.objects.filter(run=run).order_by("-ad_count", "pk"))
    promoted, other = networks[0], networks[1]
    services.network_decide(actor=actor_of(world.analyst), network=promoted, kind="promote")
    kept = Ad.objects.filter(network=promoted).count()

    early = jobs.retention_apply(now=timezone.now() + timedelta(days=9))
    assert (early.ads_deleted, early.networks_pruned) == (0, 0)

    report = jobs.retention_apply(now=timezone.now() + timedelta(days=11))
    assert report.ads_deleted == 200 - kept
    assert Ad.objects.filter(run=run).count() == kept
    assert Ad.objects.filter(network=promoted).count() == kept
    other.refresh_from_db()
    assert other.pruned_at is not None
    assert other.template == {}
    assert "phones" not in other.features and other.features["ads"] == other.ad_count
    promoted.refresh_from_db()
    assert promoted.pruned_at is None and promoted.template
    entry = ProcessingLogEntry.objects.filter(object_type="webscan.ad", action="delete").get()
    assert entry.details["ads"] == 200 - kept
    again = jobs.retention_apply(now=timezone.now() + timedelta(days=11))
    assert (again.ads_deleted, again.networks_pruned) == (0, 0)


def test_retention_command_reports_counts(world: World, small_corpus: list[str]) -> None:
    world.scan(small_corpus[:20])
    out = StringIO()
    call_command("apply_webscan_retention", stdout=out)
    assert out.getvalue().strip() == "webscan retention: 0 ads deleted, 0 networks pruned"


def test_a_large_scan_leaves_no_objects_frozen_in_the_worker(
    world: World, small_corpus: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "FREEZE_FROM", 1)  # every scan counts as large here
    frozen: list[int] = []
    real_freeze = gc.freeze

    def spy_freeze() -> None:
        real_freeze()
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(gc, "freeze", spy_freeze)
    run = world.scan(small_corpus)
    assert run.status == RunStatus.DONE
    assert frozen and frozen[0] > 0  # the engine froze its objects during the scan
    assert gc.get_freeze_count() == 0  # and the service gave them back to the collector


class _BrokenUpload:
    """An upload whose connection drops after the first chunk."""

    name, size = "ads.jsonl", 10

    def chunks(self) -> Any:
        yield b'{"id": "1"}\n'
        raise OSError("connection reset")


def test_a_failed_upload_or_run_leaves_no_file_behind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = jobs.upload_dir()
    before = set(directory.iterdir()) if directory.exists() else set()
    with pytest.raises(OSError, match="connection reset"):
        services.run_request(
            actor=actor_of(world.analyst),
            source=world.source(),
            upload=_BrokenUpload(),  # type: ignore[arg-type]
        )
    assert set(directory.iterdir()) == before

    def refuse_run(**kwargs: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr(ScanRun.objects, "create", refuse_run)
    with pytest.raises(RuntimeError, match="database gone"):
        services.run_request(
            actor=actor_of(world.analyst), source=world.source(), upload=upload(["{}"])
        )
    assert set(directory.iterdir()) == before
    assert ScanRun.objects.count() == 0
