"""Purposes (doelbinding) and their legal bases (grondslagen) for processing personal data.

Every read and write of personal data names one of these purposes; the processing
log records the purpose and its legal basis with each entry. Later apps add their
purposes here, so the privacy officer sees one declared list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    ACCOUNT_SECURITY = "account_security", _("Toegangsbeveiliging en accountbeheer")
    ORGANISATION_MANAGEMENT = "organisation_management", _("Beheer van organisatie en leden")
    PLATFORM_CONFIGURATION = "platform_configuration", _("Beheer van de landelijke configuratie")
    PRIVACY_SUPERVISION = "privacy_supervision", _("Toezicht op gegevensverwerking (FG)")
    SIGNAL_HANDLING = "signal_handling", _("Behandelen van signalen mensenhandel")
    CARE_COORDINATION = "care_coordination", _("Zorgcoördinatie voor (mogelijke) slachtoffers")
    INVESTIGATION = "investigation", _("Opsporing en toezicht")
    REGISTRATION = "registration", _("Landelijke registratie slachtoffers")
    KOMPAS = "kompas", _("Kennis, training en zelfevaluatie (Kompas)")
    EMERGENCY_ACCESS = "emergency_access", _("Noodtoegang tot een casus (break-the-glass)")
    ADMINISTRATIVE_APPROACH = "administrative_approach", _("Bestuurlijke aanpak mensenhandel")
    ESTIMATION = "estimation", _("Schatting van het verborgen aantal slachtoffers (statistiek)")
    WEBSCAN_REVIEW = "webscan_review", _("Screening van online advertenties op mensenhandel")
    CHAT_HELP = "chat_help", _("Anonieme chathulp aan jongeren")
    LINKAGE = "linkage", _("Koppeling van lijsten zonder namen te delen (statistiek, ontdubbeling)")
    HIT_NO_HIT = "hit_no_hit", _("Hit/no-hit tussen ketenpartners")


@dataclass(frozen=True)
class LegalBasis:
    code: str
    text: str


LEGAL_BASES: dict[Purpose, LegalBasis] = {
    Purpose.ACCOUNT_SECURITY: LegalBasis(
        "avg-6-1-c+32", "AVG art. 6 lid 1 sub c en art. 32 (beveiliging)"
    ),
    Purpose.ORGANISATION_MANAGEMENT: LegalBasis(
        "avg-6-1-e", "AVG art. 6 lid 1 sub e (publieke taak)"
    ),
    Purpose.PLATFORM_CONFIGURATION: LegalBasis(
        "avg-6-1-e+32", "AVG art. 6 lid 1 sub e en art. 32 (beveiliging van de verwerking)"
    ),
    Purpose.PRIVACY_SUPERVISION: LegalBasis(
        "avg-38-39", "AVG art. 38-39 (taken FG) en art. 5 lid 2 (verantwoording)"
    ),
    Purpose.SIGNAL_HANDLING: LegalBasis(
        "avg-6-1-e+wmo", "AVG art. 6 lid 1 sub e; Wmo 2015, Jeugdwet"
    ),
    Purpose.CARE_COORDINATION: LegalBasis(
        "avg-6-1-a/e+9-2", "AVG art. 6 lid 1 sub a/e; art. 9 lid 2; Wmo 2015"
    ),
    Purpose.INVESTIGATION: LegalBasis("wpg", "Wet politiegegevens; Wetboek van Strafvordering"),
    Purpose.REGISTRATION: LegalBasis(
        "bpg-4-1+avg-6-1-e", "Besluit politiegegevens; AVG art. 6 lid 1 sub e"
    ),
    Purpose.KOMPAS: LegalBasis(
        "avg-6-1-e", "AVG art. 6 lid 1 sub e (publieke taak: deskundigheid en beleid)"
    ),
    Purpose.EMERGENCY_ACCESS: LegalBasis(
        "avg-6-1-d+9-2-c", "AVG art. 6 lid 1 sub d en art. 9 lid 2 sub c (vitaal belang)"
    ),
    Purpose.ADMINISTRATIVE_APPROACH: LegalBasis(
        "bibob+gemw-174a", "Wet Bibob; Gemeentewet art. 174a; AVG art. 6 lid 1 sub e"
    ),
    Purpose.ESTIMATION: LegalBasis(
        "avg-89+6-1-e", "AVG art. 89 (statistische doeleinden) en art. 6 lid 1 sub e"
    ),
    Purpose.WEBSCAN_REVIEW: LegalBasis(
        "wpg-3+avg-6-1-e",
        "Wet politiegegevens art. 3 / AVG art. 6 lid 1 sub e; per bron vastgelegde grondslag "
        "en opdrachtgever",
    ),
    Purpose.CHAT_HELP: LegalBasis(
        "avg-6-1-e+jeugdwet",
        "AVG art. 6 lid 1 sub e; Jeugdwet art. 2.6 (hulp en advies); warme overdracht alleen "
        "met toestemming (art. 6 lid 1 sub a), behalve bij acuut gevaar (art. 6 lid 1 sub d)",
    ),
    Purpose.LINKAGE: LegalBasis(
        "avg-89+6-1-e",
        "AVG art. 89 (statistiek) en art. 6 lid 1 sub e; per koppelproject vastgelegde grondslag",
    ),
    Purpose.HIT_NO_HIT: LegalBasis(
        "avg-6-1-a/d/e+wpg-20",
        "Per vraag vastgelegd: toestemming, zorgcoördinatie (AVG art. 6 lid 1 sub e), "
        "opsporing (Wpg art. 16/20) of vitaal belang (AVG art. 6 lid 1 sub d)",
    ),
}


def legal_basis_for(purpose: Purpose) -> LegalBasis:
    return LEGAL_BASES[purpose]
