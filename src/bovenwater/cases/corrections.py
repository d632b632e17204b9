"""Append-only history rows of cases, and the corrections of a case and its victim.

Part of the models of ``cases`` (re-exported by ``cases.models``): the base class of
history rows that are never edited, the choices of the correctable case fields, and
``CaseFieldChange``, one row per corrected field with its old and new value as shown.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation, User


class AppendOnlyError(RuntimeError):
    """A history row was about to be changed or removed."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("History rows are append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("History rows are append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("History rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("History rows are append-only.")


class CaseUrgency(models.TextChoices):
    LOW = "low", _("Laag")
    NORMAL = "normal", _("Normaal")
    HIGH = "high", _("Hoog")
    ACUTE = "acute", _("Acuut")


class CameIntoView(models.TextChoices):
    UNKNOWN = "", _("Onbekend")
    SIGNAL = "signal", _("Via een signaal of melding")
    POLICE = "police", _("Via politie of KMar (controle of onderzoek)")
    INSPECTORATE = "inspectorate", _("Via een inspectie")
    SELF = "self", _("Meldde zichzelf")
    CARE = "care", _("Via zorg, hulpverlening of opvang")
    OTHER = "other", _("Anders")


class FieldPart(models.TextChoices):
    CASE = "case", _("Casus")
    VICTIM = "victim", _("Persoon")


class CaseFieldChange(AppendOnlyModel):
    """One corrected field of a case or its victim: the old and the new value as shown.

    Appended with every edit, never changed. Who may read a row follows the part: victim
    fields only for those who may see the victim's details (``selectors.field_history``).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="field_changes")
    version = models.PositiveIntegerField(_("versie"))
    part = models.CharField(_("onderdeel"), max_length=10, choices=FieldPart.choices)
    field = models.CharField(_("veld"), max_length=40)
    old_value = models.TextField(_("oude waarde"), blank=True)
    new_value = models.TextField(_("nieuwe waarde"), blank=True)
    actor_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("gewijzigd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("wijziging")
        verbose_name_plural = _("wijzigingen")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["case", "version"], name="case_change_version")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.field}:{self.version}"
