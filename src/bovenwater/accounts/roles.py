"""Organisation kinds and roles, and what each role may do.

Roles are attached to a membership (user x organisation), never to a user alone:
the same person can be aandachtsfunctionaris in one organisation and signaleerder in
another, and acts in one of them at a time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Gemeente")
    POLICE = "police", _("Politie")
    KMAR = "kmar", _("Koninklijke Marechaussee")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Nederlandse Arbeidsinspectie")
    PROSECUTION = "prosecution", _("Openbaar Ministerie")
    CARE_COORDINATION = "care_coordination", _("Zorgcoördinatie")
    SHELTER = "shelter", _("Opvang")
    NATIONAL_REGISTRAR = "national_registrar", _("CoMensha (landelijke registratie)")
    YOUTH_CARE = "youth_care", _("Jeugdzorg / Veilig Thuis")
    SOCIAL_CARE = "social_care", _("Hulpverlening")
    EDUCATION = "education", _("Onderwijs")
    NGO = "ngo", _("Maatschappelijke organisatie (ngo)")
    IMMIGRATION = "immigration", _("IND")
    NATIONAL_RAPPORTEUR = "national_rapporteur", _("Nationaal Rapporteur")
    RIEC = "riec", _("RIEC (Regionaal Informatie- en Expertisecentrum)")
    OTHER = "other", _("Overig")


class Role(models.TextChoices):
    SIGNALLER = "signaller", _("Signaleerder")
    CONTACT_OFFICER = "contact_officer", _("Aandachtsfunctionaris mensenhandel")
    CARE_COORDINATOR = "care_coordinator", _("Zorgcoördinator")
    CHAIN_DIRECTOR = "chain_director", _("Ketenregisseur")
    INVESTIGATOR = "investigator", _("Opsporing / inspectie")
    ANALYST = "analyst", _("Analist")
    POLICY_OFFICER = "policy_officer", _("Beleidsmedewerker")
    CHAT_HELPER = "chat_helper", _("Chat-hulpverlener")
    PRIVACY_OFFICER = "privacy_officer", _("Functionaris gegevensbescherming")
    ADMINISTRATOR = "administrator", _("Beheerder")
    PLATFORM_ADMINISTRATOR = "platform_administrator", _("Platformbeheerder")


class Permission(models.TextChoices):
    """Coarse capabilities; views and selectors ask for these, never for role names."""

    VIEW_PROCESSING_LOG = "view_processing_log", _("Verwerkingslogboek inzien")
    MANAGE_ORGANISATION = "manage_organisation", _("Organisatie en leden beheren")
    MANAGE_PLATFORM = (
        "manage_platform",
        _("Landelijke configuratie beheren (routering, referentiegegevens, organisaties, opvang)"),
    )
    VIEW_MEMBERS = "view_members", _("Leden van de organisatie inzien")
    # kompas
    MANAGE_SELF_ASSESSMENT = "manage_self_assessment", _("Zelfevaluatie gemeente beheren")
    VIEW_REGION_ASSESSMENTS = "view_region_assessments", _("Zelfevaluaties regio vergelijken")
    VIEW_TRAINING_PROGRESS = "view_training_progress", _("Voortgang training collega's inzien")
    MANAGE_SOCIAL_MAP = "manage_social_map", _("Sociale kaart van de regio beheren")
    # registry and monitor
    VIEW_MONITOR = "view_monitor", _("Monitor aard en omvang inzien")
    IMPORT_REGISTRATIONS = "import_registrations", _("Registraties importeren")
    EXCHANGE_HTCDS = "exchange_htcds", _("HTCDS-gegevens importeren en exporteren")
    # cases
    VIEW_CASES = "view_cases", _("Casussen inzien")
    MANAGE_CASES = "manage_cases", _("Casussen behandelen (zorgcoördinatie)")
    REOPEN_CASES = "reopen_cases", _("Afgesloten casussen heropenen")
    VIEW_VICTIM_DETAILS = "view_victim_details", _("Persoonsgegevens van slachtoffers inzien")
    EMERGENCY_ACCESS = "emergency_access", _("Noodtoegang tot een casus (break-the-glass)")
    VIEW_CAPACITY = "view_capacity", _("Opvangcapaciteit inzien")
    PLACE_COSM = "place_cosm", _("Plaatsen in COSM (landelijke registratie)")
    MANAGE_MEETINGS = "manage_meetings", _("Casusoverleggen organiseren")
    VIEW_MEASURES = "view_measures", _("Bestuurlijke maatregelen inzien")
    MANAGE_MEASURES = "manage_measures", _("Bestuurlijke maatregelen vastleggen")
    SUBMIT_SIGNAL = "submit_signal", _("Signaal melden")
    VIEW_SIGNALS = "view_signals", _("Ontvangen signalen inzien")
    TRIAGE_SIGNALS = "triage_signals", _("Signalen beoordelen en doorzetten")
    OPEN_CASE_FROM_SIGNAL = "open_case_from_signal", _("Casus openen vanuit een signaal")
    # estimation (hidden number)
    RUN_ESTIMATES = "run_estimates", _("Schatting verborgen aantal uitvoeren")
    VIEW_ESTIMATES = "view_estimates", _("Schatting verborgen aantal inzien")
    # webscan (screening online advertisements)
    MANAGE_WEBSCAN_SOURCES = "manage_webscan_sources", _("Webscanbronnen beheren")
    REVIEW_WEBSCAN = "review_webscan", _("Webscan uitvoeren en netwerken beoordelen")
    # chat
    CHAT_HELP = "chat_help", _("Chatten met jongeren (chathulp)")
    # linkage (privacy-preserving record linkage)
    MANAGE_LINKAGE = "manage_linkage", _("Koppelprojecten beheren (koppeleenheid)")
    CONTRIBUTE_LINKAGE = "contribute_linkage", _("Lijsten aanleveren voor een koppelproject")
    ASK_HIT_NO_HIT = "ask_hit_no_hit", _("Hit/no-hit vragen bij ketenpartners")


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SIGNALLER: frozenset({Permission.SUBMIT_SIGNAL}),
    Role.CONTACT_OFFICER: frozenset(
        {
            Permission.VIEW_MEMBERS,
            Permission.SUBMIT_SIGNAL,
            Permission.VIEW_SIGNALS,
            Permission.TRIAGE_SIGNALS,
            Permission.OPEN_CASE_FROM_SIGNAL,
            Permission.VIEW_CASES,
            Permission.VIEW_CAPACITY,
            Permission.VIEW_MEASURES,
            Permission.MANAGE_MEASURES,
        }
    ),
    Role.CARE_COORDINATOR: frozenset(
        {
            Permission.VIEW_MEMBERS,
            Permission.SUBMIT_SIGNAL,
            Permission.VIEW_SIGNALS,
            Permission.TRIAGE_SIGNALS,
            Permission.OPEN_CASE_FROM_SIGNAL,
            Permission.VIEW_CASES,
            Permission.MANAGE_CASES,
            Permission.REOPEN_CASES,
            Permission.VIEW_VICTIM_DETAILS,
            Permission.EMERGENCY_ACCESS,
            Permission.VIEW_CAPACITY,
            Permission.PLACE_COSM,
            Permission.MANAGE_MEETINGS,
        }
    ),
    Role.CHAIN_DIRECTOR: frozenset(
        {
            Permission.VIEW_MEMBERS,
            Permission.SUBMIT_SIGNAL,
            Permission.VIEW_SIGNALS,
            Permission.VIEW_CASES,
            Permission.REOPEN_CASES,
            Permission.VIEW_CAPACITY,
            Permission.MANAGE_MEETINGS,
            Permission.VIEW_MEASURES,
        }
    ),
    Role.INVESTIGATOR: frozenset(
        {
            Permission.SUBMIT_SIGNAL,
            Permission.VIEW_SIGNALS,
            Permission.TRIAGE_SIGNALS,
            Permission.VIEW_CASES,
            Permission.VIEW_VICTIM_DETAILS,
            Permission.VIEW_MEASURES,
            Permission.MANAGE_MEASURES,
        }
    ),
    Role.ANALYST: frozenset({Permission.SUBMIT_SIGNAL}),
    Role.POLICY_OFFICER: frozenset({Permission.SUBMIT_SIGNAL}),
    Role.CHAT_HELPER: frozenset({Permission.SUBMIT_SIGNAL, Permission.CHAT_HELP}),
    Role.PRIVACY_OFFICER: frozenset({Permission.VIEW_PROCESSING_LOG, Permission.VIEW_MEMBERS}),
    Role.ADMINISTRATOR: frozenset({Permission.MANAGE_ORGANISATION, Permission.VIEW_MEMBERS}),
    # Nationwide configuration is not an organisation's business: routing rules send
    # every signal in the country, organisations and shelter categories are shared.
    Role.PLATFORM_ADMINISTRATOR: frozenset({Permission.MANAGE_PLATFORM}),
}

# registry and monitor: dashboards for analysts, policy officers and chain directors;
# imports and HTCDS exchange for analysts only.
for _role, _granted in (
    (
        Role.ANALYST,
        {Permission.VIEW_MONITOR, Permission.IMPORT_REGISTRATIONS, Permission.EXCHANGE_HTCDS},
    ),
    (Role.POLICY_OFFICER, {Permission.VIEW_MONITOR}),
    (Role.CHAIN_DIRECTOR, {Permission.VIEW_MONITOR}),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted


# kompas: the municipal self-assessment for those who shape the municipality's approach;
# the chain director also compares the region's municipalities (with their consent).
for _role, _granted in (
    (Role.CONTACT_OFFICER, {Permission.MANAGE_SELF_ASSESSMENT}),
    (Role.POLICY_OFFICER, {Permission.MANAGE_SELF_ASSESSMENT}),
    (Role.ADMINISTRATOR, {Permission.MANAGE_SELF_ASSESSMENT}),
    (
        Role.CHAIN_DIRECTOR,
        {Permission.MANAGE_SELF_ASSESSMENT, Permission.VIEW_REGION_ASSESSMENTS},
    ),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted

# kompas training and sociale kaart: the administrator and the policy officer follow the
# training of their colleagues (completion and dates only); the administrator keeps the
# region's sociale kaart up to date.
for _role, _granted in (
    (Role.ADMINISTRATOR, {Permission.VIEW_TRAINING_PROGRESS, Permission.MANAGE_SOCIAL_MAP}),
    (Role.POLICY_OFFICER, {Permission.VIEW_TRAINING_PROGRESS}),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted


# estimation: analysts run hidden-number estimates; policy officers and chain directors
# read the results.
for _role, _granted in (
    (Role.ANALYST, {Permission.RUN_ESTIMATES, Permission.VIEW_ESTIMATES}),
    (Role.POLICY_OFFICER, {Permission.VIEW_ESTIMATES}),
    (Role.CHAIN_DIRECTOR, {Permission.VIEW_ESTIMATES}),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted


# webscan: the administrator records sources (purpose, legal basis, authoriser; the
# service also limits this to organisation kinds with a screening task); analysts and
# investigators run scans and review networks of their own organisation.
for _role, _granted in (
    (Role.ADMINISTRATOR, {Permission.MANAGE_WEBSCAN_SOURCES}),
    (Role.ANALYST, {Permission.REVIEW_WEBSCAN}),
    (Role.INVESTIGATOR, {Permission.REVIEW_WEBSCAN}),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted


# linkage: analysts, care coordinators and investigators contribute their organisation's
# list (analysts in the linkage unit also run projects; the service checks the
# organisation kind); care coordinators and investigators may ask a hit/no-hit question
# with a recorded legal basis; privacy officers see those questions.
for _role, _granted in (
    (Role.ANALYST, {Permission.MANAGE_LINKAGE, Permission.CONTRIBUTE_LINKAGE}),
    (Role.CARE_COORDINATOR, {Permission.CONTRIBUTE_LINKAGE, Permission.ASK_HIT_NO_HIT}),
    (Role.INVESTIGATOR, {Permission.CONTRIBUTE_LINKAGE, Permission.ASK_HIT_NO_HIT}),
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted


def role_has(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())
