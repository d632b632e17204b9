"""The national registration of (possible) victims, pseudonymised.

One ``Registration`` per (possible) victim per registration (aanmelding). A person is
known only by a keyed-hash pseudonym (``Person.pseudonym``); names, dates of birth and
other direct identifiers are never stored here. Registrations are append-only: the
monitor's count tables are filled incrementally from new rows, so a registration is
never edited after it is written (a correction is a new registration).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    Sector,
    TraffickingMethod,
)
from bovenwater.registry.choices import B8Status as B8Status
from bovenwater.registry.choices import Gender as Gender
from bovenwater.registry.choices import MelderType as MelderType
from bovenwater.registry.choices import SexExploitationType as SexExploitationType
from bovenwater.registry.choices import Source as Source

MINOR_AGE = 18


class Person(models.Model):
    """A (possible) victim known only by a keyed hash of normalised identifying fields."""

    pseudonym = models.CharField(_("pseudoniem"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("persoon (pseudoniem)")
        verbose_name_plural = _("personen (pseudoniem)")

    def __str__(self) -> str:
        return self.pseudonym[:12]


class Registration(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("persoon")
    )
    registration_date = models.DateField(_("registratiedatum"), db_index=True)
    reporting_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registry_registrations",
        verbose_name=_("meldende organisatie"),
    )
    reporting_organisation_name = models.CharField(
        _("naam meldende organisatie"), max_length=200, blank=True
    )
    melder_type = models.CharField(_("soort melder"), max_length=20, choices=MelderType.choices)
    reporting_police_unit = models.ForeignKey(
        PoliceUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regio (politie-eenheid) van de melder"),
    )
    crime_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("plaats delict")
    )
    forms = models.ManyToManyField(
        ExploitationForm, blank=True, related_name="+", verbose_name=_("uitbuitingsvormen")
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    sex_exploitation_type = models.CharField(
        _("soort seksuele uitbuiting"),
        max_length=20,
        choices=SexExploitationType.choices,
        blank=True,
    )
    methods = models.ManyToManyField(
        TraffickingMethod,
        blank=True,
        related_name="+",
        verbose_name=_("methoden van werving en controle"),
    )
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    age_at_registration = models.PositiveSmallIntegerField(
        _("leeftijd bij registratie"), null=True, blank=True
    )
    age_at_exploitation_start = models.PositiveSmallIntegerField(
        _("leeftijd bij begin uitbuiting"), null=True, blank=True
    )
    is_minor = models.BooleanField(
        _("minderjarig"),
        null=True,
        help_text=_("Minderjarig bij begin van de uitbuiting, of anders bij registratie."),
    )
    nationality = models.ForeignKey(
        Nationality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nationaliteit"),
    )
    is_dutch = models.BooleanField(_("Nederlandse nationaliteit"), null=True)
    b8_status = models.CharField(
        _("B8-status"), max_length=20, choices=B8Status.choices, default=B8Status.UNKNOWN
    )
    source = models.CharField(_("bron"), max_length=10, choices=Source.choices)
    source_reference = models.CharField(_("bronverwijzing"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("vastgelegd op"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("registratie")
        verbose_name_plural = _("registraties")
        ordering = ["-registration_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_reference"],
                condition=~models.Q(source_reference=""),
                name="registry_registration_unique_source_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_date:%Y-%m-%d} #{self.pk}"
