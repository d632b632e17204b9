"""The one write path of the sociale kaart: a beheerder keeps the entries of the region
up to date, one by one or with a CSV import that is all-or-nothing with a row report."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.kompas import textsearch
from bovenwater.kompas.models import HelpCategory, HelpEntry, TargetGroup
from bovenwater.reference.models import Municipality, PoliceUnit

COLUMNS = (
    "naam",
    "soort",
    "gemeente",
    "diensten",
    "doelgroepen",
    "talen",
    "adres",
    "telefoon",
    "email",
    "website",
    "openingstijden",
    "dag_en_nacht",
    "doorverwijzen",
)
REQUIRED = (
    "naam",
    "soort",
    "gemeente",
    "diensten",
    "talen",
    "telefoon",
    "openingstijden",
    "doorverwijzen",
)
MAX_ROWS = 2000
MAX_BYTES = 2_000_000


def region_of(actor: Actor) -> PoliceUnit:
    if not actor.has(Permission.MANAGE_SOCIAL_MAP):
        raise PermissionDenied
    return actor.organisation.municipality.police_unit


def _by_label(choices: Any, value: str) -> str | None:
    folded = textsearch.fold(value.strip())
    for code, label in choices:
        if folded in (textsearch.fold(code), textsearch.fold(str(label))):
            return str(code)
    return None


def clean_entry(data: Mapping[str, Any], unit: PoliceUnit) -> dict[str, Any]:
    """Validate one entry (form or CSV row); ValidationError with Dutch field messages."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"police_unit": unit}
    for key in REQUIRED:
        if not str(data.get(key, "") or "").strip():
            errors[key] = _("Vul dit in.")
    clean["name"] = str(data.get("naam", "")).strip()[:200]
    category = _by_label(HelpCategory.choices, str(data.get("soort", "")))
    if "soort" not in errors and category is None:
        errors["soort"] = _("Onbekende soort hulp.")
    clean["category"] = category or ""
    town = str(data.get("gemeente", "")).strip()
    municipality = (
        Municipality.objects.current()
        .filter(police_unit__code=unit.code, name__iexact=town)
        .first()
        if town
        else None
    )
    if town and municipality is None:
        errors["gemeente"] = _("Deze gemeente ligt niet in de regio %(regio)s.") % {
            "regio": unit.name
        }
    clean["municipality"] = municipality
    groups: list[str] = []
    for raw in str(data.get("doelgroepen", "") or "").replace(",", ";").split(";"):
        if raw.strip():
            code = _by_label(TargetGroup.choices, raw)
            if code is None:
                errors["doelgroepen"] = _("Onbekende doelgroep: %(value)s.") % {
                    "value": raw.strip()
                }
            else:
                groups.append(code)
    clean["target_groups"] = sorted(set(groups))
    email = str(data.get("email", "") or "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors["email"] = _("Vul een geldig e-mailadres in.")
    website = str(data.get("website", "") or "").strip()
    if website:
        try:
            URLValidator(schemes=["https", "http"])(website)
        except ValidationError:
            errors["website"] = _("Vul een geldig webadres in, beginnend met https://.")
    always = str(data.get("dag_en_nacht", "") or "").strip().lower()
    if always not in ("", "ja", "nee", "true", "false", "1", "0", "on"):
        errors["dag_en_nacht"] = _("Vul ja of nee in.")
    clean.update(
        services=str(data.get("diensten", "")).strip(),
        languages=str(data.get("talen", "")).strip()[:300],
        address=str(data.get("adres", "") or "").strip()[:300],
        phone=str(data.get("telefoon", "")).strip()[:40],
        email=email,
        website=website,
        opening_hours=str(data.get("openingstijden", "")).strip()[:300],
        always_open=always in ("ja", "true", "1", "on"),
        referral=str(data.get("doorverwijzen", "")).strip(),
    )
    if errors:
        raise ValidationError(errors)
    return clean


def _log(actor: Actor, action: Action, object_id: object, **details: object) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type="kompas.help_entry",
        object_id=str(object_id),
        purpose=Purpose.KOMPAS,
        details=dict(details),
    )


@transaction.atomic
def entry_save(
    *, actor: Actor, data: Mapping[str, Any], entry: HelpEntry | None = None
) -> HelpEntry:
    unit = region_of(actor)
    if entry is not None and (entry.police_unit_id != unit.pk):
        raise PermissionDenied
    clean = clean_entry(data, unit)
    duplicate = HelpEntry.objects.filter(police_unit=unit, name__iexact=clean["name"])
    if entry is not None:
        duplicate = duplicate.exclude(pk=entry.pk)
    if duplicate.exists():
        raise ValidationError({"naam": _("Deze naam staat al op de sociale kaart van de regio.")})
    item = entry or HelpEntry()
    for key, value in clean.items():
        setattr(item, key, value)
    item.updated_by = actor.user
    item.updated_by_organisation = actor.organisation
    item.save()
    _log(actor, Action.UPDATE if entry else Action.CREATE, item.pk)
    return item


@transaction.atomic
def entry_delete(*, actor: Actor, entry: HelpEntry) -> None:
    unit = region_of(actor)
    if entry.police_unit_id != unit.pk:
        raise PermissionDenied
    pk = entry.pk
    entry.delete()
    _log(actor, Action.DELETE, pk)


@dataclass(frozen=True)
class RowReport:
    row: int  # the line number in the file (the header is line 1)
    name: str
    errors: dict[str, str]


class ImportRefused(Exception):
    """The file was not imported; ``rows`` says which rows need fixing and why."""

    def __init__(self, message: str, rows: list[RowReport]):
        super().__init__(message)
        self.message = message
        self.rows = rows


@transaction.atomic
def import_csv(*, actor: Actor, data: bytes) -> tuple[int, int]:
    """Import a CSV of entries for the actor's region: every row valid, or nothing is
    written. Existing entries (same name in the region) are updated. Returns
    (created, updated)."""
    unit = region_of(actor)
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("Het bestand is groter dan 2 MB."), [])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8)."), []
        ) from None
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused(
            _("Deze kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)}, []
        )
    reports: list[RowReport] = []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise ImportRefused(_("Meer dan 2000 regels; splits het bestand."), [])
        row = {str(k).strip().lower(): (v or "") for k, v in raw.items() if k}
        try:
            clean = clean_entry(row, unit)
        except ValidationError as error:
            reports.append(
                RowReport(
                    line,
                    row.get("naam", ""),
                    {k: " ".join(v) for k, v in error.message_dict.items()},
                )
            )
            continue
        if clean["name"].lower() in seen:
            reports.append(
                RowReport(
                    line, clean["name"], {"naam": _("Deze naam staat twee keer in het bestand.")}
                )
            )
            continue
        seen.add(clean["name"].lower())
        cleaned.append(clean)
    if reports:
        raise ImportRefused(_("Er is niets ingelezen: verbeter de regels hieronder."), reports)
    if not cleaned:
        raise ImportRefused(_("Het bestand bevat geen regels."), [])
    created = updated = 0
    for clean in cleaned:
        item = HelpEntry.objects.filter(police_unit=unit, name__iexact=clean["name"]).first()
        if item is None:
            item = HelpEntry()
            created += 1
        else:
            updated += 1
        for key, value in clean.items():
            setattr(item, key, value)
        item.updated_by = actor.user
        item.updated_by_organisation = actor.organisation
        item.save()
    _log(actor, Action.CREATE, f"police_unit:{unit.code}", created=created, updated=updated)
    return created, updated
