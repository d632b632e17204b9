"""Webscan in the platform: sources, scan runs, advertisements, networks and decisions.

A ``Source`` records why and on what basis advertisements are collected (purpose,
legal basis, authoriser); a ``ScanRun`` runs the engine (:mod:`bovenwater.adscan`)
over an uploaded file or a crawl of the source; its ads and networks wait in the
review queue of the owning organisation. Decisions are an append-only history.
Images are never stored.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation


def default_retention_days() -> int:
    return int(settings.WEBSCAN_RETENTION_DAYS)


class SourceKind(models.TextChoices):
    FILE = "file", _("Bestand (JSONL of CSV)")
    CRAWLER = "crawler", _("Crawler (website)")


class Source(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="webscan_sources",
        verbose_name=_("organisatie"),
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort bron"), max_length=10, choices=SourceKind.choices)
    base_url = models.URLField(_("adres van de website"), blank=True)
    purpose = models.TextField(_("doel"))
    legal_basis = models.TextField(_("grondslag"))
    authoriser_name = models.CharField(_("naam opdrachtgever"), max_length=200)
    authoriser_function = models.CharField(_("functie opdrachtgever"), max_length=200)
    authorised_on = models.DateField(_("datum toestemming"))
    valid_until = models.DateField(_("geldig tot en met"), null=True, blank=True)
    retention_days = models.PositiveIntegerField(
        _("bewaartermijn (dagen)"), default=default_retention_days
    )
    is_active = models.BooleanField(_("actief"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("webscanbron")
        verbose_name_plural = _("webscanbronnen")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_authorised_on(self, day: date | None = None) -> bool:
        """Active, and authorised on ``day`` (default: today): started and not expired."""
        today = day or timezone.localdate()
        if not self.is_active or self.authorised_on > today:
            return False
        return self.valid_until is None or self.valid_until >= today


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class ScanRun(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="runs", verbose_name=_("bron")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("bestandsnaam"), max_length=255, blank=True)
    upload_path = models.CharField(max_length=255, blank=True)  # removed after the run
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    ads_read = models.PositiveIntegerField(_("advertenties gelezen"), default=0)
    lines_rejected = models.PositiveIntegerField(_("regels afgewezen"), default=0)
    networks_found = models.PositiveIntegerField(_("netwerken gevonden"), default=0)
    report = models.JSONField(_("verslag"), default=dict, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    engine_version = models.CharField(_("versie rekenkern"), max_length=20, blank=True)
    ruleset_version = models.CharField(_("versie regelset"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"scan {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class NetworkState(models.TextChoices):
    NEW = "new", _("Te beoordelen")
    WATCH = "watch", _("Volgen")
    DISMISSED = "dismissed", _("Afgewezen")
    PROMOTED = "promoted", _("Signaal gemaakt")


class Network(models.Model):
    run = models.ForeignKey(
        ScanRun, on_delete=models.CASCADE, related_name="networks", verbose_name=_("scan")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    cluster_id = models.CharField(_("netwerk"), max_length=40)
    risk = models.FloatField(_("risico"), default=0.0, db_index=True)
    indicators = models.JSONField(_("netwerkindicatoren"), default=list, blank=True)
    ad_indicators = models.JSONField(_("indicatoren in de advertenties"), default=dict, blank=True)
    features = models.JSONField(_("kenmerken"), default=dict, blank=True)
    template = models.JSONField(_("sjabloon"), default=dict, blank=True)
    ad_count = models.PositiveIntegerField(_("advertenties"), default=0)
    state = models.CharField(
        _("status"), max_length=10, choices=NetworkState.choices, default=NetworkState.NEW
    )
    signal = models.ForeignKey(
        "intake.Signal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signaal"),
    )
    pruned_at = models.DateTimeField(_("ingekort na bewaartermijn"), null=True, blank=True)

    class Meta:
        verbose_name = _("netwerk")
        verbose_name_plural = _("netwerken")
        ordering = ["-risk", "-ad_count", "pk"]

    def __str__(self) -> str:
        return self.cluster_id


class Ad(models.Model):
    """One advertisement as read (texts kept as they were; shown escaped, never as HTML)."""

    run = models.ForeignKey(
        ScanRun, on_delete=models.CASCADE, related_name="ads", verbose_name=_("scan")
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ads",
        verbose_name=_("netwerk"),
    )
    external_id = models.CharField(_("kenmerk in de bron"), max_length=200)
    title = models.TextField(_("titel"), blank=True)
    body = models.TextField(_("tekst"))
    city = models.CharField(_("plaats (opgegeven)"), max_length=200, blank=True)
    municipality_code = models.CharField(_("gemeentecode"), max_length=10, blank=True)
    posted_at = models.DateTimeField(_("geplaatst op"), null=True, blank=True)
    url = models.URLField(_("adres"), max_length=500, blank=True)
    risk = models.FloatField(_("risico"), default=0.0)
    indicators = models.JSONField(_("indicatoren"), default=list, blank=True)
    evidence = models.JSONField(_("vindplaatsen"), default=list, blank=True)
    phones = models.JSONField(_("telefoonnummers"), default=list, blank=True)
    # numbers written like a phone number but outside the numbering plan: they link
    # ads, but are not dialable ("niet geldig volgens nummerplan")
    phone_keys = models.JSONField(_("nummers buiten het nummerplan"), default=list, blank=True)
    emails = models.JSONField(_("e-mailadressen"), default=list, blank=True)
    handles = models.JSONField(_("accounts"), default=list, blank=True)
    names = models.JSONField(_("namen"), default=list, blank=True)
    age = models.PositiveSmallIntegerField(_("genoemde leeftijd"), null=True, blank=True)

    class Meta:
        verbose_name = _("advertentie")
        verbose_name_plural = _("advertenties")
        ordering = ["posted_at", "pk"]

    def __str__(self) -> str:
        return self.external_id


class DecisionKind(models.TextChoices):
    WATCH = "watch", _("Volgen")
    DISMISS = "dismiss", _("Afwijzen")
    PROMOTE = "promote", _("Signaal maken")


class Decision(models.Model):
    """Append-only history of review decisions on a network."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("netwerk")
    )
    kind = models.CharField(_("besluit"), max_length=10, choices=DecisionKind.choices)
    from_state = models.CharField(max_length=10, choices=NetworkState.choices)
    to_state = models.CharField(max_length=10, choices=NetworkState.choices)
    reason = models.TextField(_("toelichting"), blank=True)
    signal_reference = models.CharField(_("kenmerk signaal"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    created_at = models.DateTimeField(_("op"), auto_now_add=True)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.network_id}"
