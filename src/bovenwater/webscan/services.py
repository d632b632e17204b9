"""The write path of webscan: sources, scan runs, review decisions and retention.

Lawful use is explicit: a source records purpose, legal basis and authoriser before
anything is collected; a scan runs only over an active, currently authorised source
of the actor's own organisation. Every write is logged in the processing log in the
same transaction. Images are never stored.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.adscan import ENGINE_VERSION
from bovenwater.adscan.crawler import ConfigurationError, SiteConfig
from bovenwater.adscan.indicators import RULESET_VERSION
from bovenwater.audit.models import Action
from bovenwater.audit.services import log_processing
from bovenwater.intake.selectors import recipient_names
from bovenwater.intake.services import SignalInput, SignalUrgency, signal_submit
from bovenwater.lib import formatting
from bovenwater.lib.workflow import Refusal, TransitionNotAllowed
from bovenwater.reference.models import ExploitationForm, Municipality
from bovenwater.webscan.explain import signal_description
from bovenwater.webscan.jobs import PURPOSE, upload_dir
from bovenwater.webscan.models import (
    Ad,
    Decision,
    DecisionKind,
    Network,
    ScanRun,
    Source,
    SourceKind,
)
from bovenwater.webscan.tasks import run_scan
from bovenwater.webscan.workflow import TARGET, WORKFLOW

# Organisations with a task that can justify screening advertisements.
SCREENING_KINDS = frozenset(
    {
        OrganisationKind.POLICE,
        OrganisationKind.KMAR,
        OrganisationKind.LABOUR_INSPECTORATE,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.RIEC,
        OrganisationKind.OTHER,
    }
)
UPLOAD_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv")
MAX_UPLOAD_MB = 50


@dataclass(frozen=True)
class SourceInput:
    name: str
    kind: str
    purpose: str
    legal_basis: str
    authoriser_name: str
    authoriser_function: str
    authorised_on: date | None
    valid_until: date | None = None
    base_url: str = ""
    retention_days: int | None = None


def validate_source(data: SourceInput) -> dict[str, str]:
    """Dutch errors per field; empty when the source may be recorded."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Geef de bron een naam.")
    if data.kind not in SourceKind.values:
        errors["kind"] = _("Kies het soort bron.")
    crawler = data.kind == SourceKind.CRAWLER
    lawful = _(
        "Een crawler mag alleen draaien met een vastgelegd doel, grondslag en opdrachtgever."
    )
    if not data.purpose.strip():
        errors["purpose"] = (
            lawful if crawler else _("Leg vast met welk doel advertenties worden verwerkt.")
        )
    if not data.legal_basis.strip():
        errors["legal_basis"] = (
            lawful if crawler else _("Leg de grondslag voor deze verwerking vast.")
        )
    if not data.authoriser_name.strip():
        errors["authoriser_name"] = (
            lawful if crawler else _("Vul de naam in van wie toestemming gaf.")
        )
    if not data.authoriser_function.strip():
        errors["authoriser_function"] = _("Vul de functie in van wie toestemming gaf.")
    if data.authorised_on is None:
        errors["authorised_on"] = _("Vul de datum van de toestemming in.")
    elif data.valid_until is not None and data.valid_until < data.authorised_on:
        errors["valid_until"] = _("De einddatum ligt vóór de datum van de toestemming.")
    if crawler:
        try:
            SiteConfig(
                data.name or "bron",
                data.base_url,
                "doel",
                "grondslag",
                "opdrachtgever",
            ).validate()
        except ConfigurationError:
            errors["base_url"] = _("Vul het adres van de website in (http of https).")
    if data.retention_days is not None and not 1 <= data.retention_days <= 365:
        errors["retention_days"] = _("Kies een bewaartermijn van 1 tot en met 365 dagen.")
    return errors


@transaction.atomic
def source_create(*, actor: Actor, data: SourceInput) -> Source:
    if not actor.has(Permission.MANAGE_WEBSCAN_SOURCES):
        raise PermissionDenied
    if actor.organisation.kind not in SCREENING_KINDS:
        raise PermissionDenied
    errors = validate_source(data)
    if errors or data.authorised_on is None:
        raise ValidationError({k: [ValidationError(v, code="invalid")] for k, v in errors.items()})
    source = Source.objects.create(
        organisation=actor.organisation,
        name=data.name.strip(),
        kind=data.kind,
        base_url=data.base_url.strip() if data.kind == SourceKind.CRAWLER else "",
        purpose=data.purpose.strip(),
        legal_basis=data.legal_basis.strip(),
        authoriser_name=data.authoriser_name.strip(),
        authoriser_function=data.authoriser_function.strip(),
        authorised_on=data.authorised_on,
        valid_until=data.valid_until,
        retention_days=data.retention_days or int(settings.WEBSCAN_RETENTION_DAYS),
        created_by=actor.user,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="webscan.source",
        object_id=source.pk,
        purpose=PURPOSE,
        details={"kind": source.kind, "retention_days": source.retention_days},
    )
    return source


@transaction.atomic
def source_set_active(*, actor: Actor, source: Source, active: bool) -> Source:
    if not actor.has(Permission.MANAGE_WEBSCAN_SOURCES):
        raise PermissionDenied
    source = Source.objects.select_for_update().get(pk=source.pk)
    if source.organisation_id != actor.organisation_id:
        raise PermissionDenied
    source.is_active = active
    source.save(update_fields=["is_active"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="webscan.source",
        object_id=source.pk,
        purpose=PURPOSE,
        details={"is_active": active},
    )
    return source


@transaction.atomic
def run_request(
    *, actor: Actor, source: Source, upload: UploadedFile | None = None, enqueue: bool = True
) -> ScanRun:
    """Store a new scan run (and its uploaded file, outside the web root) and queue it."""
    if not actor.has(Permission.REVIEW_WEBSCAN):
        raise PermissionDenied
    source = Source.objects.select_for_update().get(pk=source.pk)  # the current state
    if source.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not source.is_authorised_on(timezone.localdate()):
        raise ValidationError(
            _(
                "Deze bron is niet actief of de toestemming is verlopen: er mag niet gescand worden."
            ),
            code="not_authorised",
        )
    file_name = ""
    stored = ""
    if source.kind == SourceKind.FILE:
        if upload is None:
            raise ValidationError(_("Kies een bestand (JSONL of CSV)."), code="no_file")
        file_name = Path(upload.name or "").name
        suffix = Path(file_name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise ValidationError(
                _("Alleen JSONL- of CSV-bestanden kunnen worden gescand."), code="file_type"
            )
        if (upload.size or 0) > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("Het bestand is groter dan %(mb)s MB.") % {"mb": MAX_UPLOAD_MB},
                code="file_size",
            )
        directory = upload_dir()
        directory.mkdir(parents=True, exist_ok=True)
        stored = f"{secrets.token_hex(16)}{suffix}"
    try:
        if upload is not None and stored:
            with (upload_dir() / stored).open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        return _run_store(
            actor=actor, source=source, file_name=file_name, stored=stored, enqueue=enqueue
        )
    except BaseException:
        if stored:  # a half-written file, or one whose run is not stored, never stays
            (upload_dir() / stored).unlink(missing_ok=True)
        raise


def _run_store(
    *, actor: Actor, source: Source, file_name: str, stored: str, enqueue: bool
) -> ScanRun:
    run = ScanRun.objects.create(
        source=source,
        organisation=source.organisation,
        requested_by=actor.user,
        file_name=file_name[:255],
        upload_path=stored,
        engine_version=ENGINE_VERSION,
        ruleset_version=RULESET_VERSION,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="webscan.scanrun",
        object_id=run.pk,
        purpose=PURPOSE,
        details={"source": source.pk, "kind": source.kind, "file": file_name},
    )
    if enqueue:
        # In the same transaction: the database queue sees the task only when the run
        # exists (the immediate backend of the tests runs it here).
        run_scan.enqueue(run.pk)
    return run


# --- review decisions --------------------------------------------------------------------


def _most_frequent_municipality(network: Network) -> str | None:
    codes = Counter(
        code
        for code in Ad.objects.filter(network=network)
        .exclude(municipality_code="")
        .values_list("municipality_code", flat=True)
    )
    if codes:
        return codes.most_common(1)[0][0]
    cities = network.features.get("cities") or []
    return cities[0]["code"] if cities else None


# Indicators that the advertised person may be a minor: the signal is then urgent and
# marked as about a (possible) minor, so the routing adds youth care as well.
POSSIBLE_MINOR = frozenset({"AGE_MINOR", "AGE_LOW", "YOUTH"})


def possible_minor(network: Network) -> bool:
    return bool(POSSIBLE_MINOR & (set(network.indicators) | set(network.ad_indicators)))


def _network_municipality_codes(network: Network) -> list[str]:
    """Every municipality the network's ads name, the most frequent first."""
    lead = _most_frequent_municipality(network)
    codes = [lead] if lead else []
    for city in network.features.get("cities") or []:
        code = city.get("code")
        if code and code not in codes:
            codes.append(code)
    return codes


def _promote(actor: Actor, network: Network) -> Any:
    """One signal for the whole network, routed to the responsible organisations of every
    place the ads name (the most frequent place leads) and copied to the promoting team.

    One shared signal rather than one per region: the network is one phenomenon, the
    regions see the same evidence and each other as recipients (docs/webscan.md)."""

    codes = _network_municipality_codes(network)
    found = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
    places = [found[code] for code in codes if code in found]
    if not places and actor.organisation.municipality is not None:
        places = [actor.organisation.municipality]
    if not places:
        raise ValidationError(
            _("Er is geen gemeente bekend voor dit netwerk."), code="no_municipality"
        )
    ads = list(Ad.objects.filter(network=network).order_by("posted_at", "pk"))
    forms = list(ExploitationForm.objects.filter(code="SEXUAL"))
    minor = possible_minor(network)
    data = SignalInput(
        description=signal_description(network, ads),
        municipality=places[0],
        also_municipalities=places[1:],
        copy_to=[actor.organisation],
        involves_minor=minor,
        urgency=SignalUrgency.HIGH if minor else SignalUrgency.NORMAL,
        forms=forms,
        place_description=_("Online advertenties (webscan), %(n)s advertenties")
        % {"n": formatting.number_in("nl", network.ad_count)},
        observed_on=timezone.localdate(),
        observed_when=_("Webscan, scan %(run)s") % {"run": network.run_id},
    )
    return signal_submit(actor=actor, data=data, idempotency_key=f"webscan-network-{network.pk}")


def decision_confirmation(*, actor: Actor, decision: Decision) -> str:
    """What the reviewer is told after a decision: for a promotion, where the signal went."""

    if decision.kind != DecisionKind.PROMOTE:
        return _("Het besluit is vastgelegd: %(kind)s.") % {"kind": decision.get_kind_display()}
    names = recipient_names(actor=actor, reference=decision.signal_reference)
    return _("Het netwerk is gemeld als signaal %(reference)s. Ontvangers: %(names)s.") % {
        "reference": decision.signal_reference,
        "names": ", ".join(names) or _("geen"),
    }


@transaction.atomic
def network_decide(*, actor: Actor, network: Network, kind: str, reason: str = "") -> Decision:
    """Watch, dismiss or promote a network; promote creates a linked intake signal."""
    if not actor.has(Permission.REVIEW_WEBSCAN):
        raise PermissionDenied
    locked = Network.objects.select_for_update().filter(pk=network.pk).first()
    if locked is None or locked.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if kind not in DecisionKind.values:
        raise ValidationError(_("Kies een besluit."), code="kind")
    decision_kind = DecisionKind(kind)
    target = TARGET[decision_kind]
    try:
        WORKFLOW.check(state=locked.state, to_state=target, actor=actor, reason=reason)
    except TransitionNotAllowed as refusal:
        if refusal.kind == Refusal.FORBIDDEN:
            raise PermissionDenied from None
        if refusal.kind == Refusal.REASON_MISSING:
            raise ValidationError(
                {"reason": [ValidationError(_("Geef aan waarom u dit netwerk afwijst."))]}
            ) from None
        raise ValidationError(
            _("Dit besluit kan niet bij een netwerk met status '%(state)s'.")
            % {"state": locked.get_state_display()},
            code="transition",
        ) from None
    reason = reason.strip()
    signal_reference = ""
    from_state = locked.state
    if decision_kind == DecisionKind.PROMOTE:
        signal = _promote(actor, locked)
        locked.signal = signal
        signal_reference = signal.reference
    locked.state = target
    locked.save(update_fields=["state", "signal"])
    decision = Decision.objects.create(
        network=locked,
        kind=decision_kind,
        from_state=from_state,
        to_state=target,
        reason=reason[:2000],
        signal_reference=signal_reference,
        actor=actor.user,
        organisation=actor.organisation,
        role=actor.membership.role,
    )
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="webscan.network",
        object_id=locked.pk,
        data_subject=f"webscan-network:{locked.pk}",
        purpose=PURPOSE,
        details={
            "decision": decision_kind.value,
            "from": from_state,
            "to": target.value,
            "signal": signal_reference,
        },
    )
    return decision


# --- retention ---------------------------------------------------------------------------
