"""The chat's value lists that other apps may read (the monitor labels its counts with
them); the models import them from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("Zeg ik liever niet")
    UNDER_12 = "u12", _("Jonger dan 12")
    FROM_12 = "12-15", _("12 tot en met 15 jaar")
    FROM_16 = "16-17", _("16 of 17 jaar")
    FROM_18 = "18-23", _("18 tot en met 23 jaar")
    OVER_23 = "o23", _("Ouder dan 23")


MINOR_BANDS = frozenset({AgeBand.UNDER_12, AgeBand.FROM_12, AgeBand.FROM_16})


class Topic(models.TextChoices):
    UNKNOWN = "", _("Niet vastgelegd")
    GROOMING = "grooming", _("Loverboy / grooming")
    SEXUAL = "sexual", _("Seksuele uitbuiting")
    CRIMINAL = "criminal", _("Criminele uitbuiting")
    LABOUR = "labour", _("Arbeidsuitbuiting")
    ONLINE = "online", _("Online (sextortion, beelden)")
    HOME = "home", _("Thuis of relatie")
    OTHER = "other", _("Iets anders")
