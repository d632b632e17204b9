"""Kompas data: personal notes, shares, training progress, the handbook search index and
the municipal self-assessment with its action plan.

Writes go through ``kompas.services``; reads of personal data through
``kompas.selectors``. The handbook text itself lives in ``content/`` as Markdown.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation, User


class TargetKind(models.TextChoices):
    SECTION = "section", _("Paragraaf")
    CARD = "card", _("Kaart")
    SCENARIO = "scenario", _("Casus")


class Note(models.Model):
    """A private note of one user on a chapter section, a card or a scenario."""

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="kompas_notes", verbose_name=_("eigenaar")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=TargetKind.choices)
    target = models.CharField(_("onderdeel"), max_length=200)
    body = models.TextField(_("notitie"), max_length=5000)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["owner", "kind", "target"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}"


class Share(models.Model):
    """A chapter section, card or scenario sent to a colleague; never carries notes."""

    sender = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="kompas_shares_sent",
        verbose_name=_("afzender"),
    )
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisatie")
    )
    recipient = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="kompas_shares_received",
        verbose_name=_("ontvanger"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=TargetKind.choices)
    target = models.CharField(_("onderdeel"), max_length=200)
    message = models.CharField(_("bericht"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("gedeeld op"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("gedeeld onderdeel")
        verbose_name_plural = _("gedeelde onderdelen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}"


class ModuleCompletion(models.Model):
    """A handbook chapter a user finished as a training module."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kompas_modules")
    chapter_slug = models.CharField(_("hoofdstuk"), max_length=100)
    completed_at = models.DateTimeField(_("afgerond op"), auto_now_add=True)

    class Meta:
        verbose_name = _("afgeronde module")
        verbose_name_plural = _("afgeronde modules")
        constraints = [
            models.UniqueConstraint(fields=["user", "chapter_slug"], name="kompas_module_once")
        ]

    def __str__(self) -> str:
        return self.chapter_slug


class ScenarioAttempt(models.Model):
    """One submitted answer set for a case scenario, with its score."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kompas_attempts")
    scenario_slug = models.CharField(_("casus"), max_length=100)
    answers = models.JSONField(_("antwoorden"), default=dict)
    points = models.PositiveSmallIntegerField(_("punten"))
    max_points = models.PositiveSmallIntegerField(_("maximum"))
    created_at = models.DateTimeField(_("ingediend op"), auto_now_add=True)

    class Meta:
        verbose_name = _("poging casus")
        verbose_name_plural = _("pogingen casussen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scenario_slug}: {self.points}/{self.max_points}"


class HandbookSection(models.Model):
    """Search index row: one section of one chapter (rebuilt when the content changes)."""

    chapter_slug = models.CharField(max_length=100)
    chapter_title = models.CharField(max_length=200)
    anchor = models.CharField(max_length=200)
    heading = models.CharField(max_length=200)
    body = models.TextField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.chapter_slug}#{self.anchor}"


class HandbookToken(models.Model):
    """Normalised word of a section, for search on databases without full-text search."""

    section = models.ForeignKey(HandbookSection, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=60, db_index=True)
    in_heading = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.token


class HandbookIndexState(models.Model):
    """Which version of the handbook content the search index holds (one row)."""

    version = models.CharField(max_length=32)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.version


class SelfAssessment(models.Model):
    """One completed questionnaire of a municipality; kept as history, never edited."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="kompas_assessments",
        verbose_name=_("gemeente"),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ingevuld door"),
    )
    answers = models.JSONField(_("antwoorden"), default=dict)
    created_at = models.DateTimeField(_("ingevuld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("zelfevaluatie")
        verbose_name_plural = _("zelfevaluaties")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.created_at:%Y-%m-%d}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In uitvoering")
    DONE = "done", _("Afgerond")


class ActionItem(models.Model):
    """An action-plan item of a municipality, usually made from a gap in the assessment."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="kompas_actions",
        verbose_name=_("gemeente"),
    )
    statement_code = models.CharField(_("onderdeel meetlat"), max_length=60, blank=True)
    title = models.CharField(_("actie"), max_length=300)
    owner = models.CharField(_("eigenaar"), max_length=150)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("actiepunt")
        verbose_name_plural = _("actiepunten")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class AssessmentConsent(models.Model):
    """Whether the region's ketenregisseur may see this municipality's assessment.

    Appended on every change; the latest row is the current setting.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="kompas_consents"
    )
    share_with_region = models.BooleanField(_("delen met de ketenregisseur"))
    changed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.share_with_region}"
