"""Stored hidden-number estimates: inputs, settings, engine version and result.

An ``EstimateRun`` keeps everything needed to reproduce its result: the overlap tables
per year (counts only, no personal data), the method and its settings, the seed and
the version of :mod:`bovenwater.mse` that computed it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation


class Method(models.TextChoices):
    BIC = "bic", _("BIC over alle hiërarchische modellen")
    AIC = "aic", _("AIC over alle hiërarchische modellen")
    STEPWISE = "stepwise", _("Stapsgewijs (p-drempel)")


class CIMethod(models.TextChoices):
    PROFILE = "profile", _("Profiel-likelihood")
    PERCENTILE = "percentile", _("Bootstrap (percentiel)")
    BCA = "bca", _("Bootstrap (BCa)")


class Status(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")
    ABANDONED = "abandoned", _("Afgebroken")


class EstimateRun(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="estimate_runs",
        verbose_name=_("organisatie"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    national = models.BooleanField(
        _("landelijk"), default=False, help_text=_("Over de hele landelijke registratie.")
    )
    form = models.CharField(_("uitbuitingsvorm"), max_length=40, blank=True)
    # Where the overlap tables come from: the registry's exact pseudonyms (empty) or a
    # linkage run ("schatting uit gekoppelde lijsten", with the run's id and name).
    origin_label = models.CharField(_("herkomst van de overlap"), max_length=200, blank=True)
    linkage_run_id = models.PositiveIntegerField(_("koppelrun"), null=True, blank=True)
    inputs = models.JSONField(_("invoer (overlaptabellen per jaar)"), default=dict)
    method = models.CharField(_("methode"), max_length=20, choices=Method.choices)
    max_order = models.PositiveSmallIntegerField(_("hoogste interactie-orde"), default=2)
    p_threshold = models.FloatField(_("p-drempel"), default=0.02)
    model = models.CharField(_("model"), max_length=200, blank=True)
    bootstrap = models.PositiveIntegerField(_("bootstrapherhalingen"), default=0)
    seed = models.BigIntegerField(_("seed"))
    ci_method = models.CharField(_("methode interval"), max_length=20, choices=CIMethod.choices)
    engine_version = models.CharField(_("versie rekenkern"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    result = models.JSONField(_("resultaat"), default=dict, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        verbose_name = _("schatting")
        verbose_name_plural = _("schattingen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (Status.QUEUED, Status.RUNNING)

    @property
    def can_retry(self) -> bool:
        return self.status in (Status.FAILED, Status.ABANDONED)

    def settings_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "max_order": self.max_order,
            "p_threshold": self.p_threshold,
            "bootstrap": self.bootstrap,
            "seed": self.seed,
            "ci": self.ci_method,
        }
