"""The processing log (Logboek Dataverwerkingen), append-only and hash-chained.

Modelled on the Logius standard "Logboek Dataverwerkingen": each entry records who
(actor and acting organisation) did what (action) to which object, about which person,
when, for which purpose and on which legal basis, with the W3C trace id of the request.

Entries are written only by ``audit.services.log_processing``, which inserts them
without taking any lock. ``audit.jobs.chain_pending`` (a background task, and on
demand before verification and export) then seals them in order under the lock on
``ProcessingLogHead``: it gives each new entry the next chain position (``seq``), the
previous entry's hash and the SHA-256 hash of its own content with that previous hash.
Entries are otherwise never updated or deleted: the queryset and model refuse it, the
admin is read-only, and database triggers (see ``audit.guards``) reject DELETE and every
UPDATE except that one-time seal of an unsealed row with its content unchanged. Changing
or removing a sealed row is found by ``manage.py verify_processing_log``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.purposes import Purpose

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class Action(models.TextChoices):
    VIEW = "view", _("inzien")
    CREATE = "create", _("aanmaken")
    UPDATE = "update", _("wijzigen")
    DELETE = "delete", _("verwijderen")
    EXPORT = "export", _("exporteren")
    SHARE = "share", _("delen")
    LOGIN = "login", _("inloggen")
    LOGOUT = "logout", _("uitloggen")


class ProcessingLogQuerySet(models.QuerySet["ProcessingLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing log is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The processing log is append-only.")


class ProcessingLogEntry(models.Model):
    occurred_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    actor_user_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("gebruiker"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisatie-id"), null=True, blank=True, db_index=True
    )
    organisation_name = models.CharField(_("organisatie"), max_length=200, blank=True)
    # The organisation whose data was read or asked for, when that is not the actor's own:
    # a partner reading a shared case, or a refused attempt on another organisation's
    # object. Its privacy officer sees the entry too; the actor's side never sees this field.
    owner_organisation_id = models.BigIntegerField(
        _("organisatie van de gegevens"), null=True, blank=True, db_index=True
    )
    role = models.CharField(_("rol"), max_length=40, blank=True)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("soort object"), max_length=100)
    object_id = models.CharField(_("object-id"), max_length=100, blank=True, db_index=True)
    data_subject = models.CharField(
        _("betrokkene"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_(
            "Verwijzing naar de persoon om wie het gaat (pseudoniem of intern nummer), nooit een naam."
        ),
    )
    # No ``choices``: apps add purposes in audit/purposes.py without a migration each time.
    purpose = models.CharField(_("doel"), max_length=40)
    legal_basis = models.CharField(_("grondslag"), max_length=200)
    trace_id = models.CharField(_("trace-id"), max_length=32, blank=True, db_index=True)
    span_id = models.CharField(_("span-id"), max_length=16, blank=True)
    details = models.JSONField(_("toelichting"), default=dict, blank=True)
    # The hash chain, filled once by ``chain_pending``; empty while the entry waits.
    seq = models.BigIntegerField(_("plaats in de keten"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = ProcessingLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("verwerking")
        verbose_name_plural = _("verwerkingslogboek")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The processing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The processing log is append-only.")

    def get_purpose_display(self) -> str:
        try:
            return str(Purpose(self.purpose).label)
        except ValueError:
            return self.purpose

    @property
    def refused(self) -> bool:
        """A refused attempt (the object was out of scope or does not exist)."""
        return bool(self.details.get("refused")) if isinstance(self.details, dict) else False

    def content(self) -> dict[str, Any]:
        """The hashed content: every field except the hashes themselves.

        ``owner_organisation_id`` is hashed only when set, so entries sealed before the
        field existed keep their hash."""
        content = {
            "id": self.pk,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_user_id": self.actor_user_id,
            "actor_username": self.actor_username,
            "organisation_id": self.organisation_id,
            "organisation_name": self.organisation_name,
            "role": self.role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "data_subject": self.data_subject,
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "details": self.details,
        }
        if self.owner_organisation_id is not None:
            content["owner_organisation_id"] = self.owner_organisation_id
        return content

    def compute_hash(self) -> str:
        payload = json.dumps(
            self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256((self.prev_hash + payload).encode("utf-8")).hexdigest()


class ProcessingLogHead(models.Model):
    """Single row: the chain's last sealed entry (its id and hash; ``entry_count`` is its
    ``seq``). Locked while sealing, so the chain stays linear."""

    last_entry_id = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    entry_count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("kop van het verwerkingslogboek")

    def __str__(self) -> str:
        return f"head at {self.last_entry_id} ({self.last_hash[:12]})"


class PrivacyJobRun(models.Model):
    """One run of a privacy job (retention sweep, open-data release, log anchoring):
    when it ran and what it did, in counts only. Shown to the privacy officer."""

    job = models.CharField(_("taak"), max_length=40, db_index=True)
    started_at = models.DateTimeField(_("gestart op"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    ok = models.BooleanField(_("geslaagd"), default=False)
    counts = models.JSONField(_("aantallen"), default=dict, blank=True)
    error = models.CharField(_("fout"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("run van een privacytaak")
        verbose_name_plural = _("runs van privacytaken")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"
