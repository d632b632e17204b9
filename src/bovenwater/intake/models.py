"""Signals (signalen/meldingen): what someone saw, routed to who must act on it.

A signal is written by ``intake.services`` and read through ``intake.selectors``:
its recipients (the organisations it was routed or forwarded to) and the
organisation that reported it may see it; nobody else. History is append-only
(``SignalEvent``); the current state is kept on the signal for querying and only
changed by the workflow service under a row lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    Sector,
)


class SignalKind(models.TextChoices):
    PUBLIC = "public", _("Anonieme melding (burger)")
    PROFESSIONAL = "professional", _("Signaal van een professional")


class Urgency(models.TextChoices):
    LOW = "low", _("Laag")
    NORMAL = "normal", _("Normaal")
    HIGH = "high", _("Hoog")
    ACUTE = "acute", _("Acuut")


class SignalState(models.TextChoices):
    NEW = "new", _("Nieuw")
    ASSESSING = "assessing", _("In beoordeling")
    NO_ACTION = "no_action", _("Afgesloten zonder vervolg")
    FORWARDED = "forwarded", _("Doorgezet naar opsporing/inspectie")
    CASE_OPENED = "case_opened", _("Casus geopend")
    LINKED = "linked", _("Gekoppeld aan bestaande casus")


class Signal(models.Model):
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=SignalKind.choices)
    state = models.CharField(
        _("status"), max_length=20, choices=SignalState.choices, default=SignalState.NEW
    )
    urgency = models.CharField(
        _("urgentie"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    due_date = models.DateField(_("reageren uiterlijk"), db_index=True)
    reporting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_signals",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("wat is er gezien"))
    observed_when = models.CharField(_("wanneer"), max_length=200, blank=True)
    observed_on = models.DateField(_("datum"), null=True, blank=True)
    crime_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="signals",
        verbose_name=_("gemeente plaats delict"),
    )
    place_description = models.CharField(_("plaats (omschrijving)"), max_length=300, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forms = models.ManyToManyField(ExploitationForm, blank=True, related_name="signals")
    involves_victim = models.BooleanField(_("gaat over een (mogelijk) slachtoffer"), default=True)
    involves_minor = models.BooleanField(_("gaat over een minderjarige"), default=False)
    persons_description = models.TextField(_("wie (beschrijving)"), blank=True)
    case_reference = models.CharField(_("casusnummer"), max_length=30, blank=True, db_index=True)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class SignalRecipient(models.Model):
    """An organisation a signal was routed or forwarded to; grants it need-to-know access."""

    class Reason(models.TextChoices):
        ROUTED = "routed", _("toegewezen door routering")
        FORWARDED = "forwarded", _("doorgezet")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="received_signals"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    rule_name = models.CharField(_("regel"), max_length=200, blank=True)
    is_lead = models.BooleanField(_("behandelt het signaal"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "organisation"], name="unique_signal_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signal_id} → {self.organisation_id}"


class SignalCount(models.Model):
    """How many signals an organisation has received per state and response date: the
    count table behind the home page's "open" and "overdue" figures (no personal data).

    The intake services keep it in the same transaction as the change they make (a
    recipient added, a transition, a deletion), so it is never behind the signals.
    ``manage.py rebuild_signal_counts`` recomputes it after a bulk load, and with
    ``--check`` reports any difference.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=20, choices=SignalState.choices)
    due_date = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("aantal signalen")
        verbose_name_plural = _("aantallen signalen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "state", "due_date"], name="signal_count_key"
            ),
            models.CheckConstraint(
                condition=models.Q(count__gte=0), name="signal_count_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.state} {self.due_date}: {self.count}"


class SignalPerson(models.Model):
    """A person in a professional signal: the possible victim or another person (suspect)."""

    class Role(models.TextChoices):
        VICTIM = "victim", _("(mogelijk) slachtoffer")
        SUSPECT = "suspect", _("mogelijke dader / betrokkene")

    class Gender(models.TextChoices):
        FEMALE = "female", _("vrouw")
        MALE = "male", _("man")
        OTHER = "other", _("anders")
        UNKNOWN = "unknown", _("onbekend")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    alias = models.CharField(_("bijnaam / alias"), max_length=200, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("geschatte leeftijd"), null=True, blank=True)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    is_minor = models.BooleanField(_("minderjarig"), default=False)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    nationality = models.ForeignKey(
        Nationality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("taal"), max_length=100, blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    vehicle = models.CharField(_("voertuig / kenteken"), max_length=100, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    suspect_role = models.CharField(
        _("rol (werver, uitbuiter, vervoerder, ...)"), max_length=100, blank=True
    )

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.signal_id}"


class SignalIndicator(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("toelichting"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal", "indicator"], name="unique_signal_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.signal_id}: {self.indicator_id}"


class SignalAttachment(models.Model):
    """An uploaded file, stored outside the web root under a random name."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="attachments")
    storage_name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class PublicReportDetails(models.Model):
    """What only an anonymous report has: the hashed receipt code and opt-in contact details."""

    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="public_details")
    receipt_digest = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(_("antwoorden op signaalvragen"), default=dict)
    contact_opt_in = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return f"public details of {self.signal_id}"


class PublicAddition(models.Model):
    """Information a reporter added later with their receipt code. Never shown back to them."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"addition to {self.signal_id}"


class SignalEvent(models.Model):
    """Append-only history of a signal."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("ontvangen")
        ROUTED = "routed", _("gerouteerd")
        TRANSITION = "transition", _("statuswijziging")
        FORWARDED = "forwarded", _("doorgezet")
        ADDITION = "addition", _("aanvulling van melder")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.signal_id} {self.kind}"

    @property
    def from_label(self) -> str:
        return str(SignalState(self.from_state).label) if self.from_state else ""

    @property
    def to_label(self) -> str:
        return str(SignalState(self.to_state).label) if self.to_state else ""


class RoutingRule(models.Model):
    """Routing as data: evaluated in priority order; each matching rule adds a recipient.

    Editable by an administrator in the admin. ``target`` says which organisation
    receives the signal; the lookup is by the municipality of the plaats delict.
    """

    class Target(models.TextChoices):
        MUNICIPAL_CONTACT = (
            "municipal_contact",
            _("aandachtsfunctionaris van de gemeente (plaats delict)"),
        )
        CARE_COORDINATION = "care_coordination", _("regionale zorgcoördinatie")
        YOUTH_CARE = "youth_care", _("jeugdzorg / Veilig Thuis in de regio")
        POLICE = "police", _("politie in de regio")
        LABOUR_INSPECTORATE = "labour_inspectorate", _("Arbeidsinspectie in de regio")
        FIXED = "fixed", _("vaste organisatie")

    name = models.CharField(_("naam"), max_length=200)
    priority = models.PositiveSmallIntegerField(
        _("prioriteit"), help_text=_("Laag getal wordt eerst toegepast.")
    )
    is_active = models.BooleanField(_("actief"), default=True)
    kind = models.CharField(
        _("alleen voor soort"), max_length=20, choices=SignalKind.choices, blank=True
    )
    requires_victim = models.BooleanField(
        _("alleen als er een (mogelijk) slachtoffer is"), default=False
    )
    requires_minor = models.BooleanField(_("alleen bij een minderjarige"), default=False)
    form = models.ForeignKey(
        ExploitationForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alleen bij uitbuitingsvorm"),
    )
    target = models.CharField(_("ontvanger"), max_length=30, choices=Target.choices)
    fixed_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    makes_lead = models.BooleanField(_("deze ontvanger behandelt het signaal"), default=False)
    stop = models.BooleanField(_("stop na deze regel"), default=False)

    class Meta:
        verbose_name = _("routeringsregel")
        verbose_name_plural = _("routeringsregels")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.priority}. {self.name}"
