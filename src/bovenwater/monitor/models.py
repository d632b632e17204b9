"""Count tables of the monitor and their fill-state bookkeeping.

The count tables hold no personal data: only numbers per statistic, year, police unit
filter, form filter and value. Dashboards, the API, exports and the open-data release
read these tables, never the registry rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

ALL = "*"  # a filter dimension that is not filtered
UNKNOWN = "?"  # the value is not known / not recorded


class CountRow(models.Model):
    stat = models.CharField(_("statistiek"), max_length=30)
    year = models.PositiveSmallIntegerField(_("jaar"))
    police_unit = models.CharField(_("politie-eenheid"), max_length=40)
    form = models.CharField(_("uitbuitingsvorm"), max_length=40)
    value = models.CharField(_("waarde"), max_length=40)
    count = models.PositiveIntegerField(_("aantal"))
    suppressed = models.BooleanField(_("onderdrukt"), default=False)

    class Meta:
        verbose_name = _("telling")
        verbose_name_plural = _("tellingen")
        constraints = [
            models.UniqueConstraint(
                fields=["stat", "year", "police_unit", "form", "value"],
                name="monitor_countrow_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["year", "police_unit", "form", "stat"])]

    def __str__(self) -> str:
        return f"{self.stat} {self.year} {self.police_unit} {self.form} {self.value}={self.count}"


class FillState(models.Model):
    """How far the count tables are filled: up to which registration, when, how."""

    name = models.CharField(_("naam"), max_length=40, unique=True)
    last_registration_id = models.PositiveBigIntegerField(_("gevuld tot en met registratie"))
    last_registration_created_at = models.DateTimeField(
        _("tijdstip laatst verwerkte registratie"), null=True, blank=True
    )
    filled_at = models.DateTimeField(_("laatst gevuld op"), null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(_("drempel kleine aantallen"), default=0)
    registrations_counted = models.PositiveBigIntegerField(_("verwerkte registraties"), default=0)

    class Meta:
        verbose_name = _("vulstatus")
        verbose_name_plural = _("vulstatussen")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_registration_id}"


class OpenDataRelease(models.Model):
    """A published open-data release: k-anonymous (optionally noisy) aggregate tables."""

    class Privacy(models.TextChoices):
        K_ANONYMITY = "k_anonymity", _("k-anonimiteit")
        DIFFERENTIAL_PRIVACY = "differential_privacy", _("differentiële privacy")

    created_at = models.DateTimeField(_("gepubliceerd op"), auto_now_add=True)
    k = models.PositiveSmallIntegerField(_("k (minimale celgrootte)"))
    method = models.TextField(_("methode"))
    privacy = models.CharField(
        _("privacymethode"), max_length=30, choices=Privacy.choices, default=Privacy.K_ANONYMITY
    )
    epsilon = models.FloatField(_("epsilon (privacybudget)"), null=True, blank=True)
    delta = models.FloatField(_("delta"), null=True, blank=True)
    library = models.CharField(_("bibliotheek"), max_length=40, blank=True)
    # Per table: cells per year, sensitivity, noise scale, epsilon, 95 % margin.
    accounting = models.JSONField(_("privacyverantwoording"), default=dict, blank=True)
    registrations_counted = models.PositiveBigIntegerField(_("verwerkte registraties"))
    tables = models.JSONField(_("tabellen"), default=dict)

    class Meta:
        verbose_name = _("open-datapublicatie")
        verbose_name_plural = _("open-datapublicaties")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        if self.privacy == self.Privacy.DIFFERENTIAL_PRIVACY:
            return f"{self.created_at:%Y-%m-%d} k={self.k} epsilon={self.epsilon}"
        return f"{self.created_at:%Y-%m-%d} k={self.k}"
