"""The registry's value lists: a public module other apps may import (not ``models``).

The monitor counts by these, estimation groups by the reporting organisation's type, and
a case's hand-off states its B8 status and source.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MelderType(models.TextChoices):
    POLICE = "politie", _("Politie")
    KMAR = "kmar", _("Koninklijke Marechaussee")
    LABOUR_INSPECTORATE = "arbeidsinspectie", _("Nederlandse Arbeidsinspectie")
    CARE_COORDINATION = "zorgcoordinatie", _("Zorgcoördinatie")
    NGO = "ngo", _("Ngo (bijvoorbeeld FairWork)")
    SHELTER = "opvang", _("Opvang")
    OTHER = "overig", _("Overig")


class SexExploitationType(models.TextChoices):
    WINDOW = "raam", _("Raamprostitutie")
    CLUB = "club", _("Club of privéhuis")
    ESCORT = "escort", _("Escort")
    HOME_HOTEL = "thuis_hotel", _("Thuis- of hotelprostitutie")
    ONLINE = "online", _("Online (webcam, content)")
    OTHER = "overig", _("Overig")


class Gender(models.TextChoices):
    """HTCDS v2 ``prs_Gender``, reduced to what the monitor reports."""

    FEMALE = "female", _("Vrouw")
    MALE = "male", _("Man")
    OTHER = "other", _("Anders (transgender, non-binair)")
    UNKNOWN = "unknown", _("Onbekend")


class B8Status(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", _("Niet van toepassing")
    OFFERED = "offered", _("Bedenktijd aangeboden")
    REFLECTION = "reflection", _("In bedenktijd")
    RESIDENCE_PERMIT = "residence_permit", _("Verblijfsvergunning B8")
    REFUSED = "refused", _("Afgewezen of afgezien")
    UNKNOWN = "unknown", _("Onbekend")


class Source(models.TextChoices):
    CASES = "cases", _("Overdracht uit casusregie")
    IMPORT = "import", _("Import (CSV/XLSX)")
    HTCDS = "htcds", _("HTCDS-import")
    DEMO = "demo", _("Demogegevens")
