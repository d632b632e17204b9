"""Case coordination (zorgcoördinatie): cases, their history, consents, referrals,
shelter capacity and placements, case meetings, administrative measures and tasks.

Writes go through ``cases.services``; reads of personal data through
``cases.selectors``. History rows (case events, consents, break-the-glass accesses) are
appended and never edited; "current" values are derived from them or kept on the case
by the services in the same transaction.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation, User
from bovenwater.cases.corrections import AppendOnlyModel, CameIntoView, CaseUrgency
from bovenwater.cases.measures import AdministrativeMeasure as AdministrativeMeasure
from bovenwater.cases.measures import MeasureKind as MeasureKind
from bovenwater.cases.measures import MeasureStatus as MeasureStatus
from bovenwater.cases.transfers import Transfer, TransferStatus  # noqa: F401 (models of this app)
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    Sector,
)


class CaseState(models.TextChoices):
    REPORTED = "reported", _("Aangemeld")
    INTAKE = "intake", _("Intake")
    REFLECTION = "reflection", _("Bedenktijd (B8)")
    CARE = "care", _("Zorgtraject")
    AFTERCARE = "aftercare", _("Nazorg")
    CLOSED = "closed", _("Afgesloten")
    ON_HOLD = "on_hold", _("Aangehouden")
    DROPPED_OUT = "dropped_out", _("Uitgevallen")
    REOPENED = "reopened", _("Heropend")


class TraffickingStatus(models.TextChoices):
    """After HTCDS: possible, presumed or identified victim."""

    POSSIBLE = "possible", _("Mogelijk slachtoffer")
    PRESUMED = "presumed", _("Vermoedelijk slachtoffer")
    IDENTIFIED = "identified", _("Geïdentificeerd slachtoffer")


class Gender(models.TextChoices):
    FEMALE = "female", _("Vrouw")
    MALE = "male", _("Man")
    OTHER = "other", _("Anders")
    UNKNOWN = "unknown", _("Onbekend")


class CooperationDecision(models.TextChoices):
    PENDING = "pending", _("Nog niet besloten")
    REPORT = "report", _("Aangifte gedaan")
    COOPERATION = "cooperation", _("Medewerking aan onderzoek")
    DECLINED = "declined", _("Geen aangifte of medewerking")


class PermitStatus(models.TextChoices):
    NONE = "none", _("Niet aangevraagd")
    APPLIED = "applied", _("Aangevraagd")
    GRANTED = "granted", _("Verleend")
    REFUSED = "refused", _("Afgewezen")
    ENDED = "ended", _("Beëindigd")


class CaseNumberCounter(models.Model):
    """The last case number handed out per year (locked while a number is drawn)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Case(models.Model):
    """A case around one (possible) victim; the number is a pseudonym, never a name."""

    number = models.CharField(_("casusnummer"), max_length=20, unique=True)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("eigenaar")
    )
    coordinator = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_cases",
        verbose_name=_("zorgcoördinator"),
    )
    state = models.CharField(
        _("status"), max_length=20, choices=CaseState.choices, default=CaseState.REPORTED
    )
    trafficking_status = models.CharField(
        _("status slachtofferschap"),
        max_length=20,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    forms = models.ManyToManyField(
        ExploitationForm, blank=True, related_name="cases", verbose_name=_("uitbuitingsvormen")
    )
    crime_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("plaats delict"),
    )
    origin_signal_reference = models.CharField(_("signaal van herkomst"), max_length=40, blank=True)
    opened_at = models.DateTimeField(_("geopend op"), auto_now_add=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    # B8 track (reflection period, cooperation decision, residence permit).
    b8_applicable = models.BooleanField(_("B8-traject van toepassing"), default=False)
    dublin_claimant = models.BooleanField(_("Dublinclaimant"), default=False)
    reflection_started_on = models.DateField(_("bedenktijd gestart op"), null=True, blank=True)
    reflection_deadline = models.DateField(_("einde bedenktijd"), null=True, blank=True)
    cooperation_decision = models.CharField(
        _("besluit aangifte of medewerking"),
        max_length=20,
        choices=CooperationDecision.choices,
        default=CooperationDecision.PENDING,
    )
    cooperation_decided_on = models.DateField(_("besloten op"), null=True, blank=True)
    permit_status = models.CharField(
        _("verblijfsvergunning"),
        max_length=20,
        choices=PermitStatus.choices,
        default=PermitStatus.NONE,
    )
    permit_changed_on = models.DateField(_("vergunningstatus sinds"), null=True, blank=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    urgency = models.CharField(
        _("urgentie"), max_length=10, choices=CaseUrgency.choices, default=CaseUrgency.NORMAL
    )
    came_into_view = models.CharField(
        _("hoe in beeld gekomen"), max_length=20, choices=CameIntoView.choices, blank=True
    )
    # Raised by every change of the case's data, state or coordinator: a form carries the
    # version it was loaded with, and the service refuses it when the case moved on.
    version = models.PositiveIntegerField(_("versie"), default=1)

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "state"], name="case_owner_state"),
            models.Index(fields=["coordinator", "state"], name="case_coordinator_state"),
            models.Index(fields=["reflection_deadline"], name="case_reflection_deadline"),
            # The work queue (open cases without a coordinator, oldest first): read in
            # order, 50 rows, instead of sorting all of an organisation's cases per page.
            models.Index(
                fields=["owner", "opened_at", "id"],
                condition=models.Q(coordinator__isnull=True),
                name="case_work_queue",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseCount(models.Model):
    """How many cases an organisation owns per state: the count table behind the case
    list's totals and page numbers (no personal data).

    The case services keep it in the same transaction as the change they make (a case
    opened, a transition), so it is never behind the cases. ``manage.py
    rebuild_case_counts`` recomputes it from the cases after a bulk load, and with
    ``--check`` reports any difference.
    """

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=20, choices=CaseState.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("aantal casussen")
        verbose_name_plural = _("aantallen casussen")
        constraints = [
            models.UniqueConstraint(fields=["owner", "state"], name="case_count_owner_state"),
            models.CheckConstraint(
                condition=models.Q(count__gte=0), name="case_count_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.state}: {self.count}"


class VictimProfile(models.Model):
    """Personal details of the (possible) victim, readable only with need-to-know."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="victim")
    estimated_age = models.PositiveSmallIntegerField(_("geschatte leeftijd"), null=True, blank=True)
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    is_minor = models.BooleanField(_("minderjarig"), default=False)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    nationality = models.ForeignKey(
        Nationality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nationaliteit"),
    )
    language = models.CharField(_("talen"), max_length=120, blank=True)
    first_name = models.CharField(_("voornaam"), max_length=100, blank=True)
    last_name = models.CharField(_("achternaam"), max_length=100, blank=True)
    alias = models.CharField(_("roepnaam of alias"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("tolk nodig"), default=False)
    contact_route = models.CharField(_("contactroute"), max_length=300, blank=True)
    safety_notes = models.TextField(_("veiligheid"), blank=True)

    class Meta:
        verbose_name = _("gegevens slachtoffer")
        verbose_name_plural = _("gegevens slachtoffers")

    def __str__(self) -> str:
        return f"victim:{self.case_id}"


class EventKind(models.TextChoices):
    OPENED = "opened", _("Casus geopend")
    TRANSITION = "transition", _("Statuswijziging")
    NOTE = "note", _("Notitie")
    CONSENT = "consent", _("Toestemming")
    REFERRAL = "referral", _("Verwijzing")
    PLACEMENT = "placement", _("Plaatsing")
    B8 = "b8", _("B8-traject")
    TASK = "task", _("Taak")
    MEETING = "meeting", _("Casusoverleg")
    MEASURE = "measure", _("Bestuurlijke maatregel")
    REGISTRATION = "registration", _("Landelijke registratie")
    EMERGENCY_ACCESS = "emergency_access", _("Noodtoegang")
    ASSIGNED = "assigned", _("Zorgcoördinator")
    CORRECTED = "corrected", _("Gegevens gewijzigd")
    TRANSFER = "transfer", _("Overdracht")


class CaseEvent(AppendOnlyModel):
    """One entry of a case's timeline; appended, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("soort"), max_length=20, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    text = models.TextField(_("toelichting"), blank=True)
    actor_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tijdstip"), auto_now_add=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}:{self.pk}"


class Consent(models.Model):
    """A recorded consent: what, to whom, for which purpose, when and given by whom.

    A consent row is never edited; the only change it ever gets is ``withdrawn_at``
    being set once, by ``consent_withdraw``.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    subject_matter = models.CharField(_("waarvoor (welke gegevens)"), max_length=300)
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("aan wie")
    )
    purpose = models.CharField(_("doel"), max_length=300)
    given_on = models.DateField(_("datum"))
    given_by = models.CharField(_("gegeven door"), max_length=200)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject_matter} → {self.recipient}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ReferralKind(models.TextChoices):
    SHELTER = "shelter", _("Opvang")
    POLICE_REPORT = "police_report", _("Politie (aangifte)")
    IMMIGRATION = "immigration", _("IND")
    MEDICAL = "medical", _("Medische zorg")
    LEGAL = "legal", _("Juridische hulp")
    MUNICIPALITY = "municipality", _("Gemeente (wonen en inkomen)")
    YOUTH_CARE = "youth_care", _("Jeugdzorg")


class SharedPart(models.TextChoices):
    """The parts of a case a receiving organisation may see once it accepts."""

    SUMMARY = "summary", _("Kerngegevens (nummer, status, vormen)")
    VICTIM = "victim", _("Persoonsgegevens slachtoffer")
    B8 = "b8", _("B8-traject")
    PLACEMENTS = "placements", _("Opvang en plaatsingen")
    TIMELINE = "timeline", _("Tijdlijn")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Verzonden")
    ACCEPTED = "accepted", _("Geaccepteerd")
    DECLINED = "declined", _("Afgewezen")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="incoming_referrals",
        verbose_name=_("naar organisatie"),
    )
    kind = models.CharField(_("soort verwijzing"), max_length=20, choices=ReferralKind.choices)
    consent = models.ForeignKey(
        Consent,
        on_delete=models.RESTRICT,  # goes only with its case (retention)
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("toestemming"),
    )
    legal_basis = models.CharField(_("wettelijke grondslag"), max_length=300, blank=True)
    shared_parts = models.JSONField(_("gedeelde onderdelen"), default=list)
    note = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["to_organisation", "status"], name="referral_to_status")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_organisation_id} ({self.kind})"


class ShelterCategory(models.TextChoices):
    COSM = "cosm", _("COSM (categorale opvang)")
    OMM = "omm", _("OMM (meervoudige problematiek)")
    WOMEN = "women", _("Vrouwenopvang")
    MEN = "men", _("Mannenopvang")
    YOUTH = "youth", _("Jeugdopvang")


class Shelter(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shelters"
    )
    region = models.ForeignKey(
        PoliceUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("regio")
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("opvanglocatie")
        verbose_name_plural = _("opvanglocaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ShelterCapacity(models.Model):
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="capacities")
    category = models.CharField(_("categorie"), max_length=10, choices=ShelterCategory.choices)
    places = models.PositiveSmallIntegerField(_("plaatsen"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shelter", "category"], name="unique_shelter_category")
        ]

    def __str__(self) -> str:
        return f"{self.shelter_id}:{self.category}={self.places}"


class PlacementRequestStatus(models.TextChoices):
    WAITING = "waiting", _("Op wachtlijst")
    PLACED = "placed", _("Geplaatst")
    CANCELLED = "cancelled", _("Vervallen")


class PlacementRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placement_requests")
    category = models.CharField(_("categorie"), max_length=10, choices=ShelterCategory.choices)
    region = models.ForeignKey(
        PoliceUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("regio")
    )
    note = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        max_length=10,
        choices=PlacementRequestStatus.choices,
        default=PlacementRequestStatus.WAITING,
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requesting_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("plaatsingsverzoek")
        verbose_name_plural = _("plaatsingsverzoeken")
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["status", "category"], name="placement_request_status")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.category}:{self.status}"


class Placement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    request = models.OneToOneField(
        PlacementRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="placement"
    )
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="placements")
    category = models.CharField(_("categorie"), max_length=10, choices=ShelterCategory.choices)
    started_on = models.DateField(_("geplaatst op"))
    departed_on = models.DateField(_("vertrokken op"), null=True, blank=True)
    departure_reason = models.CharField(_("reden vertrek"), max_length=300, blank=True)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plaatsing")
        verbose_name_plural = _("plaatsingen")
        ordering = ["-started_on", "-pk"]
        indexes = [
            models.Index(fields=["shelter", "category", "departed_on"], name="placement_occupancy")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}@{self.shelter_id}"


class CaseMeeting(models.Model):
    """A casusoverleg in a region: agenda of cases, attendees, decisions."""

    region = models.ForeignKey(
        PoliceUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("regio")
    )
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titel"), max_length=200)
    held_on = models.DateField(_("datum"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    attendees = models.ManyToManyField(
        Organisation, related_name="case_meetings", verbose_name=_("deelnemende organisaties")
    )
    agenda = models.ManyToManyField(Case, related_name="meetings", verbose_name=_("agenda"))

    class Meta:
        verbose_name = _("casusoverleg")
        verbose_name_plural = _("casusoverleggen")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(CaseMeeting, on_delete=models.CASCADE, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meeting_decisions")
    text = models.TextField(_("besluit of actie"))
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("eigenaar")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("taak"), max_length=300)
    deadline = models.DateField(_("deadline"))
    assignee = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class EmergencyAccess(AppendOnlyModel):
    """Break-the-glass: a user opened a case outside their scope, with a written reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reden"))
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("noodtoegang")
        verbose_name_plural = _("noodtoegangen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.case_id}"
