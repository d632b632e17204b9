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
    # A note on one paragraph keeps the paragraph's fingerprint and its text, so it can be
    # found again after the chapter is edited (or shown with a marker when it is gone).
    paragraph = models.CharField(_("alinea"), max_length=16, blank=True)
    anchor_text = models.TextField(_("tekst van de alinea"), blank=True)
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


class QuizKind(models.TextChoices):
    MODULE = "module", _("Kennistoets module")
    FINAL = "final", _("Eindtoets")


class QuizAttempt(models.Model):
    """One submitted knowledge check (of a module) or final assessment (of a path).

    The answers stay with the learner: a manager sees only whether and when a check was
    passed, never what was answered.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kompas_quizzes")
    kind = models.CharField(_("soort"), max_length=10, choices=QuizKind.choices)
    path_slug = models.CharField(_("leerroute"), max_length=100)
    module_slug = models.CharField(_("module"), max_length=100, blank=True)
    questions = models.JSONField(_("vragen"), default=list)
    answers = models.JSONField(_("antwoorden"), default=dict)
    score = models.PositiveSmallIntegerField(_("goed"))
    total = models.PositiveSmallIntegerField(_("vragen"))
    pass_mark = models.PositiveSmallIntegerField(_("cesuur (procent)"))
    passed = models.BooleanField(_("gehaald"))
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("toetspoging")
        verbose_name_plural = _("toetspogingen")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "path_slug", "kind"])]

    def __str__(self) -> str:
        return f"{self.path_slug}/{self.module_slug or 'final'}: {self.score}/{self.total}"


class Certificate(models.Model):
    """A certificate for a completed learning path, verifiable by its public code."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kompas_certificates")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisatie")
    )
    path_slug = models.CharField(_("leerroute"), max_length=100)
    path_title = models.CharField(_("leerroute"), max_length=200)
    name = models.CharField(_("naam"), max_length=200)
    code = models.CharField(_("verificatiecode"), max_length=20, unique=True)
    issued_on = models.DateField(_("datum"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificaat")
        verbose_name_plural = _("certificaten")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "path_slug"], name="kompas_certificate_once")
        ]

    def __str__(self) -> str:
        return self.code


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


class SearchDocument(models.Model):
    """Search index row: one piece of shared content (a section, card, indicator, scenario,
    learning path or sociale-kaart entry). Rebuilt when the content changes; personal
    notes are never indexed here."""

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    context = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class SearchTerm(models.Model):
    """A stemmed word of a search document (the same on every database)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=60, db_index=True)
    in_title = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.term


class SearchWord(models.Model):
    """The vocabulary of the index, for typo tolerance (trigram index on PostgreSQL)."""

    term = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.term


class SearchIndexState(models.Model):
    """Which version of the content the search index holds (one row)."""

    version = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.version


class HelpCategory(models.TextChoices):
    SHELTER = "opvang", _("Opvang")
    CARE = "hulpverlening", _("Hulpverlening")
    LEGAL = "juridisch", _("Juridische hulp")
    MEDICAL = "medisch", _("Medische zorg")
    INTERPRETER = "tolk", _("Tolken en vertalers")
    VICTIM_SUPPORT = "slachtofferhulp", _("Slachtofferhulp")
    EXPERTISE = "expertise", _("Expertisecentrum")
    HOTLINE = "meldpunt", _("Meldpunt of 24/7-nummer")
    COORDINATION = "zorgcoordinatie", _("Zorgcoördinatie")
    RIEC = "riec", _("RIEC")


class TargetGroup(models.TextChoices):
    MINORS = "minderjarigen", _("Minderjarigen")
    WOMEN = "vrouwen", _("Vrouwen")
    MEN = "mannen", _("Mannen")
    NON_DUTCH = "niet-nederlands", _("Niet-Nederlandse slachtoffers")
    LGBTI = "lhbti", _("LHBTI+")
    ADULTS = "volwassenen", _("Volwassenen")


class HelpEntry(models.Model):
    """An organisation on the sociale kaart: help or expertise in a region (or national
    when it has no police unit). Public contact details only, never people."""

    police_unit = models.ForeignKey(
        "reference.PoliceUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regio"),
    )
    municipality = models.ForeignKey(
        "reference.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente van vestiging"),
    )
    name = models.CharField(_("naam"), max_length=200)
    category = models.CharField(_("soort hulp"), max_length=20, choices=HelpCategory.choices)
    services = models.TextField(_("diensten"))
    target_groups = models.JSONField(_("doelgroepen"), default=list)
    languages = models.CharField(_("talen"), max_length=300)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    phone = models.CharField(_("telefoon"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.CharField(_("openingstijden"), max_length=300)
    always_open = models.BooleanField(_("dag en nacht bereikbaar"), default=False)
    referral = models.TextField(_("zo verwijst u door"))
    fictional = models.BooleanField(_("fictief (demo)"), default=False)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    # The organisation through which the entry was last changed: its privacy officer sees
    # the attempts of people outside the region to change or delete it.
    updated_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("adres op de sociale kaart")
        verbose_name_plural = _("sociale kaart")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["police_unit", "name"], name="kompas_help_entry_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


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
