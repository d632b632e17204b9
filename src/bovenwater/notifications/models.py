"""In-app notices and each user's e-mail preference.

A notice says that work arrived (which kind, and the pseudonymous reference of the
signal or case), never who it is about; the e-mail about it carries even less.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation, User


class Event(models.TextChoices):
    SIGNAL_ROUTED = "signal_routed", _("Nieuw signaal voor uw organisatie")
    CASE_ASSIGNED = "case_assigned", _("Casus aan u toegewezen")
    CASE_QUEUED = "case_queued", _("Nieuwe casus in de werkvoorraad")
    REFERRAL_RECEIVED = "referral_received", _("Verwijzing ontvangen")
    REFERRAL_ANSWERED = "referral_answered", _("Verwijzing beantwoord")
    PLACEMENT_REQUESTED = "placement_requested", _("Plaatsingsverzoek ontvangen")
    PLACEMENT_ANSWERED = "placement_answered", _("Plaatsingsverzoek beantwoord")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Toestemming ingetrokken")
    DEADLINE_SOON = "deadline_soon", _("Termijn binnen 7 dagen")
    DEADLINE_OVERDUE = "deadline_overdue", _("Termijn verlopen")
    MEETING_AGENDA = "meeting_agenda", _("Agenda casusoverleg")
    TRANSFER_PROPOSED = "transfer_proposed", _("Overdracht van een casus voorgesteld")
    TRANSFER_ANSWERED = "transfer_answered", _("Overdracht beantwoord")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Direct een e-mail bij nieuw werk")
    DAILY = "daily", _("Eén e-mail per dag (overzicht)")
    NONE = "none", _("Geen e-mail, alleen in Bovenwater")


class Notification(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("voor")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisatie")
    )
    event = models.CharField(_("soort"), max_length=30, choices=Event.choices)
    reference = models.CharField(_("kenmerk"), max_length=40, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["mailed_at", "created_at"], name="notification_mail"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.event}:{self.pk}"


class Preference(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("e-mail over nieuw werk"),
        max_length=10,
        choices=EmailMode.choices,
        default=EmailMode.IMMEDIATE,
    )
    last_digest_at = models.DateTimeField(_("laatste overzicht"), null=True, blank=True)

    class Meta:
        verbose_name = _("voorkeur voor meldingen")
        verbose_name_plural = _("voorkeuren voor meldingen")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.email}"
