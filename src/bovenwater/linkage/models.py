"""Linkage projects: lists of several organisations, linked without sharing names.

A ``LinkageProject`` belongs to a linkage unit (CoMensha or the platform operator) and
has one purpose, a year, a recorded legal basis and its participants. Every list in
it (``LinkageSource``) is stored only as encodings (:mod:`bovenwater.pprl`): lists of
organisations on the platform are encoded by the platform as they are uploaded and the
plaintext is dropped at once; organisations outside the platform upload files made
with ``bovenwater linkage encode``. A ``LinkageRun`` stores the groups and the counts
per capture pattern, never a similarity score. ``HitQuery`` is the lawful hit/no-hit
question of a partner, with its legal basis, answer and the other side's reply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation


class ProjectPurpose(models.TextChoices):
    ESTIMATE = "estimate", _("Statistiek: overlap voor de schatting van het verborgen aantal")
    DEDUPLICATION = "deduplication", _("Ontdubbeling van de landelijke registratie")
    HIT_NO_HIT = "hit_no_hit", _("Hit/no-hit tussen ketenpartners")


class LinkageProject(models.Model):
    unit = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="linkage_projects",
        verbose_name=_("koppeleenheid"),
    )
    name = models.CharField(_("naam"), max_length=120)
    year = models.PositiveSmallIntegerField(_("jaar"))
    purpose = models.CharField(_("doel"), max_length=20, choices=ProjectPurpose.choices)
    legal_basis = models.TextField(_("grondslag"))
    participants = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="linkage_participations",
        verbose_name=_("deelnemende organisaties op het platform"),
    )
    key_fingerprint = models.CharField(_("vingerafdruk van de sleutel"), max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("koppelproject")
        verbose_name_plural = _("koppelprojecten")
        ordering = ["-year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class SourceKind(models.TextChoices):
    PLATFORM = "platform", _("Organisatie op het platform (versleuteld door het platform)")
    EXTERNAL = "external", _("Organisatie buiten het platform (eigen versleuteling)")


class LinkageSource(models.Model):
    """One list in a project: encodings only (zlib-compressed JSONL of the engine)."""

    project = models.ForeignKey(
        LinkageProject, on_delete=models.CASCADE, related_name="sources", verbose_name=_("project")
    )
    name = models.CharField(_("naam van de lijst"), max_length=40)
    kind = models.CharField(_("soort"), max_length=10, choices=SourceKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    organisation_kind = models.CharField(_("soort organisatie"), max_length=40)
    contact_route = models.CharField(_("contactroute"), max_length=200, blank=True)
    records = models.PositiveIntegerField(_("aantal records"))
    encodings = models.BinaryField(_("versleutelde records"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("aangeleverd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("lijst")
        verbose_name_plural = _("lijsten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="linkage_source_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class LinkageRun(models.Model):
    project = models.ForeignKey(
        LinkageProject, on_delete=models.CASCADE, related_name="runs", verbose_name=_("project")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    sources = models.JSONField(_("lijsten"), default=list)
    # {"records", "persons", "groups", "comparisons", "within_source_duplicates",
    #  "patterns": {mask: count}, "seconds"}: counts only
    summary = models.JSONField(_("samenvatting"), default=dict, blank=True)
    # [[[source index, record_id], ...], ...]: groups of two or more records, no scores
    groups = models.JSONField(_("groepen"), default=list, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)

    class Meta:
        verbose_name = _("koppelrun")
        verbose_name_plural = _("koppelruns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class HitBasis(models.TextChoices):
    CONSENT = "consent", _("Toestemming van de betrokkene")
    CARE = "care", _("Zorgcoördinatie (AVG art. 6 lid 1 sub e; Wmo 2015)")
    INVESTIGATION = "investigation", _("Opsporing (Wet politiegegevens art. 16 en 20)")
    VITAL = "vital", _("Vitaal belang van de betrokkene (AVG art. 6 lid 1 sub d)")


class ReplyStatus(models.TextChoices):
    NONE = "none", _("Geen treffer")
    OPEN = "open", _("Contactverzoek open")
    ACCEPTED = "accepted", _("Geaccepteerd: verder via een verwijzing met toestemming")
    DECLINED = "declined", _("Afgewezen")


class HitQuery(models.Model):
    """One question "is this person known elsewhere?" and, per hit, one contact request."""

    project = models.ForeignKey(
        LinkageProject, on_delete=models.PROTECT, related_name="hit_queries"
    )
    requester = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("vrager")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    basis = models.CharField(_("grondslag"), max_length=20, choices=HitBasis.choices)
    reference = models.CharField(_("kenmerk casus of signaal"), max_length=60)
    asked_at = models.DateTimeField(_("gevraagd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("hit/no-hit-vraag")
        verbose_name_plural = _("hit/no-hit-vragen")
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} #{self.pk}"


class HitAnswer(models.Model):
    """A hit at one other organisation: its kind and contact route, and its reply."""

    query = models.ForeignKey(HitQuery, on_delete=models.CASCADE, related_name="answers")
    responder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responder_kind = models.CharField(_("soort organisatie"), max_length=40)
    contact_route = models.CharField(_("contactroute"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.OPEN
    )
    replied_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    # the asking organisation's referral of its case to the responder, once accepted
    referral = models.ForeignKey(
        "cases.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijzing"),
    )

    class Meta:
        verbose_name = _("hit")
        verbose_name_plural = _("hits")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.responder_kind} #{self.pk}"
