"""The job bodies of webscan: run one scan (read or crawl, screen, store) and the
retention sweep.

``webscan.tasks`` runs them in the background (a scan is queued by
``services.run_request``); the demo and the retention command run them at once. They
import neither the services nor the tasks, so data flows one way: services -> tasks ->
jobs.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bovenwater.adscan.cluster import parse_time
from bovenwater.adscan.crawler import Crawler, SiteConfig
from bovenwater.adscan.ingest import IngestError, read_ads
from bovenwater.adscan.model import Ad as EngineAd
from bovenwater.adscan.pipeline import ad_record, network_record, scan
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.webscan.models import (
    Ad,
    Network,
    NetworkState,
    RunStatus,
    ScanRun,
    Source,
    SourceKind,
)

# The purpose of every webscan read and write (the services' too).
PURPOSE = Purpose.WEBSCAN_REVIEW

AGGREGATE_FEATURES = (
    "ads",
    "n_phones",
    "n_names",
    "n_cities",
    "first_seen",
    "last_seen",
    "time_span_days",
    "city_hops",
    "city_hopping",
)


MAX_REPORTED_ERRORS = 1000


MAX_REPORTED_CRAWL_LOG = 500


FETCH = Callable[[str, str, float], tuple[int, str]]


def upload_dir() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "webscan"


def _read_upload(run: ScanRun) -> tuple[list[EngineAd], list[dict[str, Any]]]:
    ads: list[EngineAd] = []
    errors: list[dict[str, Any]] = []
    path = upload_dir() / run.upload_path
    for item in read_ads(path):
        if isinstance(item, IngestError):
            errors.append({"line": item.line, "reason": item.reason})
        else:
            ads.append(item)
    return ads, errors


def _crawl(run: ScanRun, fetch: FETCH | None) -> tuple[list[EngineAd], list[dict[str, Any]]]:
    source = run.source
    site = SiteConfig(
        name=source.name,
        base_url=source.base_url,
        purpose=source.purpose,
        legal_basis=source.legal_basis,
        authoriser=f"{source.authoriser_name} ({source.authoriser_function})",
    )
    crawler = Crawler(site) if fetch is None else Crawler(site, fetch=fetch, sleep=lambda _s: None)
    result = crawler.crawl()
    log = [
        {"at": e.at, "url": e.url, "action": e.action, "status": e.status, "detail": e.detail}
        for e in result.log
    ]
    return result.ads, log


def _aware(value: str | None) -> datetime | None:
    parsed = parse_time(value)
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def execute_run(run_id: int, fetch: FETCH | None = None) -> ScanRun:
    """Run the engine over a queued run; a failure is stored on the run, never raised.

    Malformed input lines are reported per line in ``run.report['errors']`` and the
    run goes on with the other lines. The uploaded file is removed afterwards.
    """
    run = ScanRun.objects.select_related("source").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    ScanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=5
    )
    try:
        report: dict[str, Any] = {}
        if run.source.kind == SourceKind.CRAWLER:
            ads, crawl_log = _crawl(run, fetch)
            errors: list[dict[str, Any]] = []
            report["crawl_log"] = crawl_log[:MAX_REPORTED_CRAWL_LOG]
        else:
            ads, errors = _read_upload(run)
        report["errors"] = errors[:MAX_REPORTED_ERRORS]
        report["errors_total"] = len(errors)
        ScanRun.objects.filter(pk=run.pk).update(
            progress=30, ads_read=len(ads), lines_rejected=len(errors)
        )
        try:
            result = scan(ads, workers=1)
        finally:
            # A large scan freezes its objects for the cyclic collector (see
            # ``webscan.pipeline._no_cyclic_gc``); this worker process lives on, so give
            # them back to it rather than keep them out of its search for good.
            gc.unfreeze()
        ScanRun.objects.filter(pk=run.pk).update(progress=70)
        report["price_medians"] = {k: round(v, 2) for k, v in result.medians.items()}
        _store(run, result)
        report["ads"] = len(ads)
        report["networks"] = len(result.networks)
    except Exception as exc:  # a failed run is shown on its page, never lost
        ScanRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    else:
        ScanRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            progress=100,
            report=report,
            networks_found=len(result.networks),
            finished_at=timezone.now(),
        )
    finally:
        if run.upload_path:
            (upload_dir() / run.upload_path).unlink(missing_ok=True)
    run.refresh_from_db()
    return run


@transaction.atomic
def _store(run: ScanRun, result: Any) -> None:
    by_cluster: dict[str, Network] = {}
    networks: list[Network] = []
    for engine_network in result.networks:
        record = network_record(engine_network)
        counts: Counter[str] = Counter()
        for index in engine_network.members:
            counts.update(set(result.analyses[index].codes))
        network = Network(
            run=run,
            organisation_id=run.organisation_id,
            cluster_id=record["cluster_id"],
            risk=record["risk"],
            indicators=record["indicators"],
            ad_indicators=dict(counts.most_common()),
            features=record["features"],
            template=record["template"] or {},
            ad_count=len(engine_network.members),
        )
        networks.append(network)
        by_cluster[network.cluster_id] = network
    Network.objects.bulk_create(networks)
    if any(n.pk is None for n in networks):  # backends without RETURNING
        stored = {n.cluster_id: n for n in Network.objects.filter(run=run)}
        by_cluster = stored
    engine_networks = {n.cluster_id: n for n in result.networks}
    rows: list[Ad] = []
    for analysis, cluster_id in zip(result.analyses, result.cluster_of, strict=True):
        record = ad_record(
            analysis, cluster_id, engine_networks.get(cluster_id) if cluster_id else None
        )
        ad = analysis.ad
        rows.append(
            Ad(
                run=run,
                network=by_cluster.get(cluster_id) if cluster_id else None,
                external_id=ad.id[:200],
                title=ad.title,
                body=ad.body,
                city=(ad.city or "")[:200],
                municipality_code=record["municipality_code"] or "",
                posted_at=_aware(ad.posted_at),
                url=(ad.url or "")[:500],
                risk=record["risk"],
                indicators=record["indicators"],
                evidence=record["evidence"],
                phones=record["phones"],
                phone_keys=record["phone_keys"],
                emails=record["emails"],
                handles=record["handles"],
                names=record["names"],
                age=record["age"]
                if isinstance(record["age"], int) and record["age"] >= 0
                else None,
            )
        )
    Ad.objects.bulk_create(rows, batch_size=500)
    log_processing(
        actor=None,
        user=run.requested_by,
        organisation=run.organisation,
        action=Action.CREATE,
        object_type="webscan.ad",
        object_id=f"run:{run.pk}",
        purpose=PURPOSE,
        details={"ads": len(rows), "networks": len(networks), "source": run.source_id},
    )


@dataclass
class RetentionReport:
    ads_deleted: int = 0
    networks_pruned: int = 0


@transaction.atomic
def retention_apply(*, now: datetime | None = None) -> RetentionReport:
    """Delete raw ads past their source's retention unless their network was promoted.

    Ads outside any network and ads of networks that were not promoted are deleted
    (text, contact details, names, URL). Their networks keep only counts (number of
    ads, phones, names, cities, time span, city hopping), the indicator codes and the
    decision history; the template and the contact details are cleared. A promoted
    network keeps its ads and evidence: the signal it became follows intake's
    retention.
    """
    now = now or timezone.now()
    report = RetentionReport()
    for source in Source.objects.all():
        cutoff = now - timedelta(days=source.retention_days)
        runs = ScanRun.objects.filter(source=source, created_at__lt=cutoff)
        expired = Ad.objects.filter(run__in=runs).exclude(network__state=NetworkState.PROMOTED)
        deleted, _detail = expired.delete()
        report.ads_deleted += deleted
        networks = Network.objects.filter(run__in=runs, pruned_at__isnull=True).exclude(
            state=NetworkState.PROMOTED
        )
        for network in networks.select_for_update():
            network.features = {
                k: network.features[k] for k in AGGREGATE_FEATURES if k in network.features
            }
            network.template = {}
            network.pruned_at = now
            network.save(update_fields=["features", "template", "pruned_at"])
            report.networks_pruned += 1
        if deleted:
            log_processing(
                actor=None,
                organisation=source.organisation,
                action=Action.DELETE,
                object_type="webscan.ad",
                object_id=f"source:{source.pk}",
                purpose=PURPOSE,
                details={
                    "reason": "retention",
                    "retention_days": source.retention_days,
                    "ads": deleted,
                },
            )
    return report
