"""Measures of the administrative approach (bestuurlijke aanpak) against a location or a
person, optionally linked to a case or a signal.

Part of the models of ``cases`` (imported by ``cases.models``, as ``transfers``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation, User
from bovenwater.reference.models import PoliceUnit


class MeasureKind(models.TextChoices):
    CLOSURE = "closure", _("Sluiting van een pand")
    BIBOB = "bibob", _("Bibob-toets")
    INSPECTION = "inspection", _("Controle of inspectie")
    LICENCE_WITHDRAWAL = "licence_withdrawal", _("Intrekking van een vergunning")


class MeasureStatus(models.TextChoices):
    PREPARING = "preparing", _("In voorbereiding")
    ACTIVE = "active", _("Lopend")
    COMPLETED = "completed", _("Afgerond")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class AdministrativeMeasure(models.Model):
    """A measure of the administrative approach against a location or a person."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(PoliceUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort maatregel"), max_length=20, choices=MeasureKind.choices)
    target = models.CharField(_("tegen (locatie of persoon)"), max_length=300)
    legal_ground = models.CharField(_("wettelijke grondslag"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PREPARING
    )
    started_on = models.DateField(_("startdatum"))
    ended_on = models.DateField(_("einddatum"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    signal_reference = models.CharField(_("signaal"), max_length=40, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bestuurlijke maatregel")
        verbose_name_plural = _("bestuurlijke maatregelen")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.target}"
