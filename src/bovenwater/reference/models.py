"""Versioned reference data: regions, forms of exploitation, indicators and code lists.

Every entry has a stable ``code`` and a validity period. Entries are never deleted:
when a data file drops an entry, the loader closes its period (``valid_to``), so old
records that refer to it keep their meaning. The data files live in ``data/`` beside
this module and are loaded by ``manage.py load_reference_data``.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)


class ReferenceQuerySet(models.QuerySet[M]):
    def valid_on(self, day: object) -> ReferenceQuerySet[M]:
        return self.filter(
            models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )

    def current(self) -> ReferenceQuerySet[M]:
        return self.filter(valid_to__isnull=True)


class ReferenceEntry(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)
    data_version = models.CharField(_("versie gegevensbestand"), max_length=20)

    class Meta:
        abstract = True
        ordering = ["code"]


class BilingualEntry(ReferenceEntry):
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=200)
    name_en = models.CharField(_("naam (Engels)"), max_length=200)

    class Meta(ReferenceEntry.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_nl


class Province(ReferenceEntry):
    name = models.CharField(_("naam"), max_length=100)

    objects = ReferenceQuerySet.as_manager()

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")

    def __str__(self) -> str:
        return self.name


class PoliceUnit(ReferenceEntry):
    """One of the ten regional police units; also the RIEC region."""

    name = models.CharField(_("naam"), max_length=100)

    objects = ReferenceQuerySet.as_manager()

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("politie-eenheid")
        verbose_name_plural = _("politie-eenheden")

    def __str__(self) -> str:
        return self.name


class SafetyRegion(ReferenceEntry):
    name = models.CharField(_("naam"), max_length=100)
    police_unit = models.ForeignKey(
        PoliceUnit, on_delete=models.PROTECT, related_name="safety_regions"
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("veiligheidsregio")
        verbose_name_plural = _("veiligheidsregio's")

    def __str__(self) -> str:
        return self.name


class Municipality(ReferenceEntry):
    """A Dutch municipality (gemeente), CBS code such as GM0363."""

    name = models.CharField(_("naam"), max_length=100)
    safety_region = models.ForeignKey(
        SafetyRegion, on_delete=models.PROTECT, related_name="municipalities"
    )
    police_unit = models.ForeignKey(
        PoliceUnit, on_delete=models.PROTECT, related_name="municipalities"
    )
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")

    objects = ReferenceQuerySet.as_manager()

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def riec_region(self) -> PoliceUnit:
        return self.police_unit


class ExploitationForm(BilingualEntry):
    """A form of exploitation (verschijningsvorm) with its HTCDS v2 TypeOfExploitation."""

    htcds_values = models.JSONField(_("HTCDS-waarden"), default=list)
    description_nl = models.TextField(_("omschrijving (Nederlands)"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta(BilingualEntry.Meta):
        verbose_name = _("uitbuitingsvorm")
        verbose_name_plural = _("uitbuitingsvormen")
        ordering = ["position", "code"]


class Sector(BilingualEntry):
    """Sector of (labour) exploitation, mapped to ISIC rev. 4 sections."""

    isic_section = models.CharField(_("ISIC-sectie"), max_length=4, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta(BilingualEntry.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectoren")
        ordering = ["name_nl"]


class Nationality(BilingualEntry):
    """A country of citizenship, ISO 3166-1 alpha-2 code, with Dutch and English names."""

    alpha3 = models.CharField(_("ISO alpha-3"), max_length=3)
    region_group = models.CharField(_("groep"), max_length=40, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta(BilingualEntry.Meta):
        verbose_name = _("nationaliteit")
        verbose_name_plural = _("nationaliteiten")
        ordering = ["name_nl"]


class TraffickingMethod(BilingualEntry):
    """HTCDS v2 method of recruitment or method of control."""

    class Kind(models.TextChoices):
        RECRUITMENT = "recruitment", _("werving")
        CONTROL = "control", _("controle / beheersing")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    htcds_value = models.CharField(_("HTCDS-waarde"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta(BilingualEntry.Meta):
        verbose_name = _("methode (HTCDS)")
        verbose_name_plural = _("methoden (HTCDS)")
        ordering = ["kind", "position", "code"]


class Indicator(BilingualEntry):
    """One sign in an indicator catalogue (signalenlijst), with its source.

    ``name_nl``/``name_en`` hold the indicator text as professionals read it;
    ``citizen_question_nl``/``_en`` a plain-language question for the public intake.
    """

    class Catalogue(models.TextChoices):
        B8 = "b8", _("B8/3-indicatoren (bedenktijd)")
        ILO = "ilo", _("ILO-indicatoren dwangarbeid")
        SEXUAL = "sexual", _("Signalenlijst seksuele uitbuiting")
        CRIMINAL = "criminal", _("Signalen criminele uitbuiting")
        GENERAL = "general", _("Algemene signalen")
        ONLINE = "online", _("Signalen in online advertenties")

    catalogue = models.CharField(_("catalogus"), max_length=20, choices=Catalogue.choices)
    group_nl = models.CharField(_("rubriek (Nederlands)"), max_length=200, blank=True)
    group_en = models.CharField(_("rubriek (Engels)"), max_length=200, blank=True)
    forms = models.ManyToManyField(
        ExploitationForm, related_name="indicators", blank=True, verbose_name=_("uitbuitingsvormen")
    )
    sectors = models.ManyToManyField(
        Sector, related_name="indicators", blank=True, verbose_name=_("sectoren")
    )
    domains = models.JSONField(
        _("domeinen"), default=list, help_text=_("Werkvelden waar dit signaal zichtbaar is.")
    )
    citizen_question_nl = models.CharField(
        _("vraag voor burgers (Nederlands)"), max_length=300, blank=True
    )
    citizen_question_en = models.CharField(
        _("vraag voor burgers (Engels)"), max_length=300, blank=True
    )
    source = models.CharField(_("bron"), max_length=500)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta(BilingualEntry.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["catalogue", "position", "code"]

    @property
    def group(self) -> str:
        return self.group_en if translation.get_language() == "en" else self.group_nl

    @property
    def citizen_question(self) -> str:
        return (
            self.citizen_question_en
            if translation.get_language() == "en"
            else self.citizen_question_nl
        )
