"""Access-checked reads of webscan data: own organisation only, every read logged.

Sources, runs, networks and ads belong to one organisation; anything outside the
actor's organisation answers 404 (no existence leak). Networks and ads hold personal
data (texts, phone numbers, names): every page that shows them writes a VIEW entry
to the processing log with the purpose ``WEBSCAN_REVIEW``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing, refuse
from bovenwater.webscan.models import Ad, Decision, Network, NetworkState, ScanRun, Source

PURPOSE = Purpose.WEBSCAN_REVIEW
QUEUE_STATES = (NetworkState.NEW, NetworkState.WATCH)


def _require(actor: Actor, *permissions: Permission) -> None:
    if not any(actor.has(p) for p in permissions):
        raise PermissionDenied


def sources_for(actor: Actor) -> QuerySet[Source]:
    _require(actor, Permission.REVIEW_WEBSCAN, Permission.MANAGE_WEBSCAN_SOURCES)
    return Source.objects.filter(organisation_id=actor.organisation_id)


def _refused(actor: Actor, model: type[Model], pk: object, object_type: str) -> Http404:
    """Log a refused webscan object (naming its organisation when it exists)."""
    owner = model._default_manager.filter(pk=pk).values_list("organisation_id", flat=True).first()
    return refuse(
        actor=actor,
        object_type=object_type,
        object_id=pk,
        purpose=PURPOSE,
        owner_organisation_id=owner,
    )


def source_get(*, actor: Actor, pk: int) -> Source:
    source = sources_for(actor).filter(pk=pk).first()
    if source is None:
        raise _refused(actor, Source, pk, "webscan.source")
    return source


def runs_for(actor: Actor) -> QuerySet[ScanRun]:
    _require(actor, Permission.REVIEW_WEBSCAN, Permission.MANAGE_WEBSCAN_SOURCES)
    return ScanRun.objects.filter(organisation_id=actor.organisation_id).select_related(
        "source", "requested_by"
    )


def run_get(*, actor: Actor, pk: int) -> ScanRun:
    run = runs_for(actor).filter(pk=pk).first()
    if run is None:
        raise _refused(actor, ScanRun, pk, "webscan.scanrun")
    return run


def _networks(actor: Actor) -> QuerySet[Network]:
    _require(actor, Permission.REVIEW_WEBSCAN)
    return Network.objects.filter(organisation_id=actor.organisation_id).select_related(
        "run", "run__source", "signal"
    )


def review_queue(*, actor: Actor, purpose: Purpose = PURPOSE, state: str = "") -> list[Network]:
    """Networks of the actor's organisation by risk (open ones unless ``state`` says)."""
    networks = _networks(actor)
    if state in NetworkState.values:
        networks = networks.filter(state=state)
    else:
        networks = networks.filter(state__in=QUEUE_STATES)
    shown = list(networks.order_by("-risk", "-ad_count", "pk")[:200])
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="webscan.network",
        object_id="queue",
        purpose=purpose,
        details={"networks": [n.pk for n in shown], "state": state or "open"},
    )
    return shown


def waiting_elsewhere(*, actor: Actor, memberships: Sequence[Membership]) -> list[tuple[str, int]]:
    """(organisation name, open networks) for the user's *other* memberships that may
    review the webscan, so an empty queue can say where the user's work waits. Counts
    only: the user holds those memberships themselves."""
    others = [
        m
        for m in memberships
        if m.pk != actor.membership.pk
        and m.user_id == actor.user.pk
        and Actor(user=actor.user, membership=m).has(Permission.REVIEW_WEBSCAN)
    ]
    waiting = []
    for membership in others:
        count = Network.objects.filter(
            organisation_id=membership.organisation_id, state__in=QUEUE_STATES
        ).count()
        if count:
            waiting.append((membership.organisation.name, count))
    return waiting


def run_networks(*, actor: Actor, run: ScanRun, purpose: Purpose = PURPOSE) -> list[Network]:
    """The networks one run found, by risk (every state)."""
    if run.organisation_id != actor.organisation_id:
        raise _refused(actor, ScanRun, run.pk, "webscan.scanrun")
    shown = list(_networks(actor).filter(run=run).order_by("-risk", "-ad_count", "pk"))
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="webscan.network",
        object_id=f"run:{run.pk}",
        purpose=purpose,
        details={"networks": [n.pk for n in shown]},
    )
    return shown


def network_get(*, actor: Actor, pk: int, purpose: Purpose = PURPOSE) -> Network:
    network = _networks(actor).filter(pk=pk).first()
    if network is None:
        raise _refused(actor, Network, pk, "webscan.network")
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="webscan.network",
        object_id=network.pk,
        data_subject=f"webscan-network:{network.pk}",
        purpose=purpose,
        details={"cluster_id": network.cluster_id, "ads": network.ad_count},
    )
    return network


def network_ads(*, actor: Actor, network: Network, purpose: Purpose = PURPOSE) -> list[Ad]:
    """The ads of a network the actor already opened (logged as one read of the texts)."""
    if network.organisation_id != actor.organisation_id:
        raise _refused(actor, Network, network.pk, "webscan.network")
    _require(actor, Permission.REVIEW_WEBSCAN)
    ads = list(Ad.objects.filter(network=network).order_by("posted_at", "pk"))
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="webscan.ad",
        object_id=f"network:{network.pk}",
        data_subject=f"webscan-network:{network.pk}",
        purpose=purpose,
        details={"ads": [ad.pk for ad in ads]},
    )
    return ads


def ad_get(*, actor: Actor, pk: int, purpose: Purpose = PURPOSE) -> Ad:
    _require(actor, Permission.REVIEW_WEBSCAN)
    ad = (
        Ad.objects.filter(pk=pk, run__organisation_id=actor.organisation_id)
        .select_related("run", "network")
        .first()
    )
    if ad is None:
        owner = Ad.objects.filter(pk=pk).values_list("run__organisation_id", flat=True).first()
        raise refuse(
            actor=actor,
            object_type="webscan.ad",
            object_id=pk,
            purpose=purpose,
            owner_organisation_id=owner,
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="webscan.ad",
        object_id=ad.pk,
        data_subject=f"webscan-network:{ad.network_id}" if ad.network_id else "",
        purpose=purpose,
        details={"external_id": ad.external_id, "run": ad.run_id},
    )
    return ad


def network_decisions(*, actor: Actor, network: Network) -> list[Decision]:
    if network.organisation_id != actor.organisation_id:
        raise _refused(actor, Network, network.pk, "webscan.network")
    return list(network.decisions.select_related("actor").order_by("created_at", "pk"))


def run_unclustered_ads(*, actor: Actor, run: ScanRun, purpose: Purpose = PURPOSE) -> list[Ad]:
    """The highest-risk ads of a run that belong to no network (the independents)."""
    _require(actor, Permission.REVIEW_WEBSCAN)
    if run.organisation_id != actor.organisation_id:
        raise _refused(actor, ScanRun, run.pk, "webscan.scanrun")
    ads = list(Ad.objects.filter(run=run, network__isnull=True).order_by("-risk", "pk")[:20])
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="webscan.ad",
        object_id=f"run:{run.pk}",
        purpose=purpose,
        details={"ads": [ad.pk for ad in ads]},
    )
    return ads
