"""Anonymous chat for young people: teams, helpers, conversations and their messages.

The database is the source of truth. Every message has a sequence number that is
unique within its conversation (``Conversation.last_seq`` is the counter, raised under
the row's write lock in the transaction that inserts the message); clients keep the
last number they showed and resume after it, so nothing is shown twice or lost when a
real-time notice goes missing. Nothing here stores a network address or user agent:
abuse blocks are keyed hashes of the address, rotated daily.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.chat.choices import MINOR_BANDS, AgeBand, Topic

__all__ = ["MINOR_BANDS", "AgeBand", "Topic"]  # re-exported; defined in chat.choices


class Team(models.Model):
    """A chat team of one organisation, with its opening hours and holidays."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="chat_teams"
    )
    name = models.CharField(_("naam"), max_length=120)
    is_public = models.BooleanField(
        _("bereikbaar via /chat/"),
        default=True,
        help_text=_("Eén team neemt de openbare chat aan."),
    )
    max_queue = models.PositiveSmallIntegerField(_("maximale wachtrij"), default=60)

    class Meta:
        verbose_name = _("chatteam")
        verbose_name_plural = _("chatteams")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        _("weekdag"), validators=[MaxValueValidator(6)], help_text=_("0 = maandag")
    )
    opens = models.TimeField(_("open vanaf"))
    closes = models.TimeField(_("open tot"), help_text=_("Na middernacht: de volgende dag."))

    class Meta:
        verbose_name = _("openingstijd")
        verbose_name_plural = _("openingstijden")
        ordering = ["team", "weekday", "opens"]

    def __str__(self) -> str:
        return f"OpeningHours {self.pk}"


class Holiday(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("datum"))
    name = models.CharField(_("naam"), max_length=80)

    class Meta:
        verbose_name = _("feestdag")
        verbose_name_plural = _("feestdagen")
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="chat_holiday_once")]

    def __str__(self) -> str:
        return f"Holiday {self.pk}"


class Presence(models.TextChoices):
    AVAILABLE = "available", _("Beschikbaar")
    BUSY = "busy", _("Bezet")
    AWAY = "away", _("Afwezig")
    OFFLINE = "offline", _("Offline")


class Helper(models.Model):
    """A chat helper's place in a team: presence, capacity, supervisor or not."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="chat_helper"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="helpers")
    display_name = models.CharField(_("naam in de chat"), max_length=40)
    presence = models.CharField(
        _("status"), max_length=12, choices=Presence.choices, default=Presence.OFFLINE
    )
    capacity = models.PositiveSmallIntegerField(
        _("gelijktijdige gesprekken"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    is_supervisor = models.BooleanField(_("leidinggevende"), default=False)
    presence_changed_at = models.DateTimeField(_("status gewijzigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("chathulpverlener")
        verbose_name_plural = _("chathulpverleners")

    def __str__(self) -> str:
        return self.display_name


class ConversationState(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    ACTIVE = "active", _("In gesprek")
    ENDED = "ended", _("Beëindigd")


class Conversation(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="conversations")
    # The young person's bearer token, as a keyed hash (the token itself is never stored).
    token_digest = models.CharField(max_length=64, unique=True)
    nickname = models.CharField(_("bijnaam"), max_length=30, blank=True)
    age_band = models.CharField(
        _("leeftijd"), max_length=8, choices=AgeBand.choices, blank=True, default=""
    )
    state = models.CharField(
        _("status"),
        max_length=10,
        choices=ConversationState.choices,
        default=ConversationState.QUEUED,
        db_index=True,
    )
    helper = models.ForeignKey(
        Helper, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    last_seq = models.PositiveIntegerField(default=0)
    youth_read_seq = models.PositiveIntegerField(default=0)
    helper_read_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("begonnen op"), auto_now_add=True, db_index=True)
    assigned_at = models.DateTimeField(_("aangenomen op"), null=True, blank=True)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    ended_by = models.CharField(_("beëindigd door"), max_length=20, blank=True)
    topic = models.CharField(
        _("onderwerp"), max_length=12, choices=Topic.choices, blank=True, default=""
    )
    form_code = models.CharField(_("uitbuitingsvorm"), max_length=40, blank=True)
    police_unit_code = models.CharField(_("regio (politie-eenheid)"), max_length=40, blank=True)
    flagged = models.BooleanField(_("gemarkeerd als misbruik"), default=False)
    flag_reason = models.CharField(_("reden markering"), max_length=200, blank=True)
    handed_off = models.BooleanField(_("warm overgedragen"), default=False)
    # Retention: the transcript is deleted after this moment (set when the chat ends).
    delete_after = models.DateTimeField(_("verwijderen na"), null=True, blank=True, db_index=True)
    masked = models.BooleanField(_("contactgegevens gemaskeerd"), default=False)
    counted = models.BooleanField(_("geteld voor de monitor"), default=False)

    class Meta:
        verbose_name = _("chatgesprek")
        verbose_name_plural = _("chatgesprekken")
        indexes = [models.Index(fields=["team", "state", "created_at"])]

    def __str__(self) -> str:
        return f"C{self.pk}"

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"


class Sender(models.TextChoices):
    YOUTH = "youth", _("Jongere")
    HELPER = "helper", _("Hulpverlener")
    PROFESSIONAL = "professional", _("Professional")
    SYSTEM = "system", _("Systeem")


class ChatMessage(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    sender = models.CharField(max_length=14, choices=Sender.choices)
    author_name = models.CharField(max_length=40, blank=True)
    body = models.TextField()
    # The client's own id of the message: a resend after a broken connection is stored once.
    client_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chatbericht")
        verbose_name_plural = _("chatberichten")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="chat_message_seq"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_id"],
                condition=~models.Q(client_id=""),
                name="chat_message_client_once",
            ),
        ]
        ordering = ["conversation", "seq"]

    def __str__(self) -> str:
        return f"ChatMessage {self.pk}"


class ParticipantRole(models.TextChoices):
    HELPER = "helper", _("Hulpverlener")
    TRANSFER = "transfer", _("Collega (overdracht)")
    OBSERVER = "observer", _("Meelezen (leidinggevende)")
    PROFESSIONAL = "professional", _("Professional (warme overdracht)")


class Participant(models.Model):
    """Who (besides the young person) is or was in a conversation, and why."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    role = models.CharField(max_length=14, choices=ParticipantRole.choices)
    reason = models.CharField(max_length=300, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["membership", "left_at"])]

    def __str__(self) -> str:
        return f"Participant {self.pk}"


class ChatNote(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"ChatNote {self.pk}"


class CannedResponse(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="chat_canned_responses"
    )
    title = models.CharField(_("titel"), max_length=80)
    body = models.TextField(_("tekst"))
    link = models.CharField(_("link (Kompas of sociale kaart)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("standaardantwoord")
        verbose_name_plural = _("standaardantwoorden")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"CannedResponse {self.pk}"


class Transfer(models.Model):
    class Kind(models.TextChoices):
        WARM = "warm", _("Warm (met toelichting)")
        COLD = "cold", _("Koud")

    class State(models.TextChoices):
        PENDING = "pending", _("Wacht op collega")
        DONE = "done", _("Overgedragen")
        CANCELLED = "cancelled", _("Ingetrokken")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="transfers"
    )
    from_helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="+")
    to_helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    note = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Transfer {self.pk}"


class Handoff(models.Model):
    """A warm hand-off into care: proposed, agreed (versioned consent text) or not.

    It goes into a new signal (intake) or, when the young person is already known there,
    into an existing case of the receiving organisation: then a case worker of that
    organisation who may work on the case adds the agreed parts to it (``case_number``).
    """

    class Target(models.TextChoices):
        SIGNAL = "signal", _("Nieuw signaal")
        CASE = "case", _("Bestaande casus bij de ontvangende organisatie")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        AGREED = "agreed", _("Akkoord, signaal gemaakt")
        DECLINED = "declined", _("Niet akkoord")
        ACUTE = "acute", _("Acuut gevaar: zonder toestemming gemeld")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="handoffs"
    )
    proposed_by = models.ForeignKey(Helper, on_delete=models.PROTECT, related_name="+")
    receiving_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    municipality_code = models.CharField(max_length=10)
    consent_version = models.CharField(max_length=20)
    summary = models.TextField(help_text=_("Wat gedeeld wordt, in de woorden van de helper."))
    shared_seqs = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    legal_ground = models.TextField(blank=True)
    signal_reference = models.CharField(max_length=30, blank=True)
    target = models.CharField(max_length=8, choices=Target.choices, default=Target.SIGNAL)
    case_number = models.CharField(max_length=30, blank=True)
    added_to_case_at = models.DateTimeField(null=True, blank=True)
    added_to_case_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Handoff {self.pk}"


class Block(models.Model):
    """A temporary block of a network address, kept only as a daily-rotated keyed hash."""

    address_digest = models.CharField(max_length=64, db_index=True)
    reason = models.CharField(max_length=200)
    blocked_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True)
    until = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Block {self.pk}"


class PickupMessage(models.Model):
    """A message left while the chat was closed; read back with a pick-up code."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pickups")
    code_digest = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    delete_after = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"PickupMessage {self.pk}"


class SurveyResponse(models.Model):
    """The optional post-chat survey; not linked to the conversation (anonymous)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="survey_responses")
    helped = models.PositiveSmallIntegerField(null=True, blank=True)
    would_return = models.BooleanField(null=True, blank=True)
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"SurveyResponse {self.pk}"
