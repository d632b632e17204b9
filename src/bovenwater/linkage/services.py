"""The write paths of linkage: projects, lists, runs, estimates and hit/no-hit.

Every write checks the actor's permission and organisation, runs in one transaction
and writes the processing log in it. Plaintext identifying fields live only in memory
while they are encoded; what is stored are encodings, groups and counts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.estimation.services import run_request_from_overlap
from bovenwater.linkage.keys import project_keys
from bovenwater.linkage.models import (
    HitAnswer,
    HitBasis,
    HitQuery,
    LinkageProject,
    LinkageRun,
    LinkageSource,
    ProjectPurpose,
    ReplyStatus,
    RunStatus,
    SourceKind,
)
from bovenwater.linkage.storage import pack, unpack
from bovenwater.linkage.tasks import run_linkage
from bovenwater.linkage.units import is_unit
from bovenwater.pprl.encode import (
    EncodedFile,
    Encoder,
    Header,
    Person,
    read_encodings,
)
from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.match import link
from bovenwater.pprl.normalise import (
    given_names,
    normalise_sex,
    order_free_key,
    parse_date,
    surname_parts,
)
from bovenwater.pprl.people import PeopleFileError, RowError, read_people

HIT_LIMIT_PER_DAY = 10
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
QUERY_SOURCE = "vraag"


def _require_unit(actor: Actor, project: LinkageProject | None = None) -> None:
    if not is_unit(actor):
        raise PermissionDenied
    if project is not None and project.unit_id != actor.organisation_id:
        raise PermissionDenied


# ------------------------------------------------------------------------- projects


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    name: str,
    year: int,
    purpose: str,
    legal_basis: str,
    participants: Sequence[Organisation],
) -> LinkageProject:
    _require_unit(actor)
    if not legal_basis.strip():
        raise ValidationError(
            {"legal_basis": _("Leg de grondslag van dit koppelproject vast.")}, code="required"
        )
    project = LinkageProject.objects.create(
        unit=actor.organisation,
        name=name.strip(),
        year=year,
        purpose=purpose,
        legal_basis=legal_basis.strip(),
        created_by=actor.user,
        key_fingerprint="",
    )
    project.key_fingerprint = project_keys(project.pk).fingerprint
    project.save(update_fields=["key_fingerprint"])
    project.participants.set(participants)
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="linkage.project",
        object_id=project.pk,
        purpose=Purpose.LINKAGE,
        details={
            "purpose": purpose,
            "year": year,
            "participants": sorted(o.pk for o in participants),
        },
    )
    return project


ROW_MESSAGES = {
    "file_empty": gettext_lazy("het bestand is leeg"),
    "missing_column": gettext_lazy("deze verplichte kolom ontbreekt in de kopregel"),
    "duplicate_column": gettext_lazy("deze kolom staat meer dan eens in de kopregel"),
    "field_count": gettext_lazy("het aantal velden klopt niet met de kopregel"),
    "empty": gettext_lazy("leeg"),
    "record_id_invalid": gettext_lazy("te lang of met stuurtekens"),
    "no_letters": gettext_lazy("bevat geen letters"),
    "date_unreadable": gettext_lazy("geen leesbare datum"),
    "date_range": gettext_lazy("geboortejaar buiten het mogelijke bereik"),
    "no_rows": gettext_lazy("het bestand heeft geen gegevensregels"),
}


def row_error_text(error: RowError) -> str:
    """One Dutch line per bad cell; the value itself is never repeated."""
    if error.code.startswith("duplicate:"):
        message = _("hetzelfde record_id als rij %(row)s") % {"row": error.code.split(":")[1]}
    else:
        message = str(ROW_MESSAGES.get(error.code, error.message))
    if error.column:
        return _("Rij %(row)s, kolom %(column)s: %(message)s") % {
            "row": error.row,
            "column": error.column,
            "message": message,
        }
    return _("Rij %(row)s: %(message)s") % {"row": error.row, "message": message}


def _check_participant(actor: Actor, project: LinkageProject) -> None:
    if not actor.has(Permission.CONTRIBUTE_LINKAGE):
        raise PermissionDenied
    if not project.participants.filter(pk=actor.organisation_id).exists():
        raise PermissionDenied


def _store_source(
    *,
    actor: Actor,
    project: LinkageProject,
    name: str,
    kind: str,
    organisation: Organisation | None,
    organisation_kind: str,
    contact_route: str,
    header: Header,
    records: Sequence[tuple[str, bytes]],
) -> LinkageSource:
    existing = LinkageSource.objects.filter(project=project, name=name).first()
    if existing is not None:
        if existing.organisation_id != (organisation.pk if organisation else None):
            raise ValidationError(
                {"name": _("Er is al een lijst met deze naam in dit project.")}, code="taken"
            )
        existing.delete()  # a new upload replaces the organisation's earlier list
    source = LinkageSource.objects.create(
        project=project,
        name=name,
        kind=kind,
        organisation=organisation,
        organisation_kind=organisation_kind,
        contact_route=contact_route,
        records=len(records),
        encodings=pack(header, records),
        uploaded_by=actor.user,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="linkage.source",
        object_id=source.pk,
        purpose=Purpose.LINKAGE,
        details={"project": project.pk, "records": len(records), "kind": kind},
    )
    return source


@transaction.atomic
def source_upload_people(
    *, actor: Actor, project: LinkageProject, text: str, contact_route: str = ""
) -> LinkageSource:
    """Encode a participant's people list on the platform; the plaintext is not kept.

    All or nothing: one bad cell refuses the whole file with a report per row.
    """
    _check_participant(actor, project)
    try:
        people = read_people(text)
    except PeopleFileError as exc:
        lines = [row_error_text(e) for e in exc.errors]
        if exc.total > len(exc.errors):
            lines.append(_("… en nog %(n)s fouten") % {"n": exc.total - len(exc.errors)})
        raise ValidationError(lines, code="invalid_rows") from None
    keys = project_keys(project.pk)
    encoder = Encoder(keys)
    name = _platform_source_name(project, actor.organisation)
    # a new upload replaces the organisation's earlier list, whatever it was called
    project.sources.filter(organisation=actor.organisation, kind=SourceKind.PLATFORM).exclude(
        name=name
    ).delete()
    header = Header(source=name, key_fingerprint=keys.fingerprint, records=len(people))
    records = [(record_id, encoder.encode(person)) for record_id, person in people]
    return _store_source(
        actor=actor,
        project=project,
        name=name,
        kind=SourceKind.PLATFORM,
        organisation=actor.organisation,
        organisation_kind=actor.organisation.kind,
        contact_route=contact_route or actor.organisation.email,
        header=header,
        records=records,
    )


def _platform_source_name(project: LinkageProject, organisation: Organisation) -> str:
    """The organisation's own name as the list name (what the overlap table and the
    estimate show), in the characters a list name allows, unique within the project."""
    cleaned = "".join(ch if ch.isalnum() or ch in "_-. " else " " for ch in organisation.name)
    base = " ".join(cleaned.split())[:40].strip() or str(_("lijst"))
    name = base
    number = 2
    others = project.sources.exclude(organisation=organisation)
    while others.filter(name=name).exists():
        suffix = f" {number}"
        name = base[: 40 - len(suffix)].rstrip() + suffix
        number += 1
    return name


def source_label(source: LinkageSource) -> str:
    """How a list is named on screen: its organisation's name, else the file's name with
    the kind of organisation that sent it (in the user's language)."""
    if source.kind == SourceKind.PLATFORM and source.organisation is not None:
        return source.organisation.name
    try:
        kind = str(OrganisationKind(source.organisation_kind).label)
    except ValueError:  # typed in by the unit for an organisation outside the platform
        kind = source.organisation_kind
    return f"{source.name} ({kind})" if kind else source.name


def _run_list_labels(run: LinkageRun) -> list[str]:
    """The run's lists by their human names (unique), in the run's order."""
    by_name = {s.name: source_label(s) for s in run.project.sources.select_related("organisation")}
    labels: list[str] = []
    for name in run.sources:
        label = by_name.get(name, name)
        candidate, number = label, 2
        while candidate in labels:
            candidate = f"{label} ({number})"
            number += 1
        labels.append(candidate)
    return labels


_ENCODED_MESSAGES = (
    ("the file is empty", gettext_lazy("het bestand is leeg")),
    (
        "not a bovenwater encoding file",
        gettext_lazy("dit is geen bestand van ‘bovenwater linkage encode’"),
    ),
    ("is not supported", gettext_lazy("deze versie van het formaat wordt niet ondersteund")),
    ("invalid source name", gettext_lazy("de naam van de lijst in de kopregel is ongeldig")),
    ("invalid key fingerprint", gettext_lazy("de vingerafdruk van de sleutel ontbreekt")),
    ("not an encoded record", gettext_lazy("dit is geen versleuteld record")),
    ("wrong length", gettext_lazy("het versleutelde record heeft niet de juiste lengte")),
    ("occurs twice", gettext_lazy("dit record_id komt twee keer voor")),
    ("not valid base64", gettext_lazy("een versleuteld record is beschadigd")),
    ("announces", gettext_lazy("het aantal records klopt niet met de kopregel")),
)


def _encoded_error_text(message: str) -> str:
    line = re.search(r"line (\d+)", message)
    for needle, dutch in _ENCODED_MESSAGES:
        if needle in message:
            if line:
                return _("Regel %(line)s: %(message)s") % {
                    "line": line.group(1),
                    "message": dutch,
                }
            return str(dutch)[:1].upper() + str(dutch)[1:]
    return _("Het bestand kan niet worden gelezen.")


@transaction.atomic
def source_upload_encoded(
    *,
    actor: Actor,
    project: LinkageProject,
    data: bytes,
    organisation_kind: str,
    contact_route: str,
) -> LinkageSource:
    """Store a file made with ``bovenwater linkage encode`` by an organisation outside
    the platform (uploaded by the linkage unit). Checked whole before anything is kept."""
    _require_unit(actor, project)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Het bestand is groter dan 50 MB."), code="too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Het bestand is geen UTF-8-tekst."), code="encoding") from None
    try:
        encoded = read_encodings(io.StringIO(text), "upload")
    except PPRLInputError as exc:
        raise ValidationError(_encoded_error_text(str(exc)), code="invalid_file") from None
    if encoded.header.key_fingerprint != project.key_fingerprint:
        raise ValidationError(
            _(
                "Het bestand is met een andere sleutel versleuteld dan de sleutel van dit "
                "project. Laat de aanleverende organisatie opnieuw versleutelen met de "
                "projectsleutel."
            ),
            code="wrong_key",
        )
    if not encoded.record_ids:
        raise ValidationError(_("Het bestand bevat geen records."), code="empty")
    size = len(encoded.payload) // len(encoded.record_ids)
    records = [
        (rid, encoded.payload[k * size : (k + 1) * size])
        for k, rid in enumerate(encoded.record_ids)
    ]
    return _store_source(
        actor=actor,
        project=project,
        name=encoded.header.source,
        kind=SourceKind.EXTERNAL,
        organisation=None,
        organisation_kind=organisation_kind,
        contact_route=contact_route,
        header=encoded.header,
        records=records,
    )


# ----------------------------------------------------------------------------- runs


@transaction.atomic
def run_request(*, actor: Actor, project: LinkageProject, enqueue: bool = True) -> LinkageRun:
    _require_unit(actor, project)
    sources = list(project.sources.order_by("name"))
    needed = 1 if project.purpose == ProjectPurpose.DEDUPLICATION else 2
    if len(sources) < needed:
        raise ValidationError(
            _("Koppelen kan pas als er minstens twee lijsten zijn aangeleverd.")
            if needed == 2
            else _("Ontdubbelen kan pas als er een lijst is aangeleverd."),
            code="too_few_sources",
        )
    if len(sources) > 10:
        raise ValidationError(
            _("Een koppeling telt hoogstens tien lijsten."), code="too_many_sources"
        )
    run = LinkageRun.objects.create(
        project=project, requested_by=actor.user, sources=[s.name for s in sources]
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="linkage.run",
        object_id=run.pk,
        purpose=Purpose.LINKAGE,
        details={"project": project.pk, "sources": len(sources)},
    )
    if enqueue:
        run_linkage.enqueue(run.pk)
    return run


def overlap_counts(run: LinkageRun) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The capture-pattern counts of a finished run, in mask order 1 .. 2**k - 1."""
    lists = tuple(run.sources)
    patterns = {int(mask): int(count) for mask, count in run.summary.get("patterns", {}).items()}
    return lists, tuple(patterns.get(mask, 0) for mask in range(1, 2 ** len(lists)))


@transaction.atomic
def estimate_from_run(*, actor: Actor, run: LinkageRun) -> int:
    """Start a hidden-number estimate from the run's overlap table; returns its id."""

    _require_unit(actor, run.project)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Deze koppeling is nog niet klaar."), code="not_done")
    counts = overlap_counts(run)[1]
    lists = tuple(_run_list_labels(run))
    estimate = run_request_from_overlap(
        actor=actor,
        year=str(run.project.year),
        lists=lists,
        counts=counts,
        origin_label=_("Gekoppelde lijsten: %(name)s") % {"name": run.project.name},
        origin_id=run.pk,
    )
    log_processing(
        actor=actor,
        action=Action.CREATE,
        object_type="linkage.run",
        object_id=run.pk,
        purpose=Purpose.ESTIMATION,
        details={"estimate": estimate},
    )
    return estimate


# ---------------------------------------------------------------------- hit/no-hit


@dataclass(frozen=True)
class PersonQuery:
    first_names: str
    surname: str
    date_of_birth: str
    sex: str = ""


def _query_file(project: LinkageProject, query: PersonQuery) -> EncodedFile:
    try:
        dob = parse_date(query.date_of_birth)
    except PPRLInputError:
        raise ValidationError(
            {"date_of_birth": _("Vul een geldige geboortedatum in, bijvoorbeeld 14-03-1990.")},
            code="invalid_date",
        ) from None
    surname = surname_parts(query.surname)
    if not surname:
        raise ValidationError({"surname": _("Vul een achternaam in.")}, code="required")
    keys = project_keys(project.pk)
    person = Person(
        given_names(query.first_names),
        surname,
        dob,
        normalise_sex(query.sex),
        order_free_key(query.first_names, query.surname),
    )
    blob = Encoder(keys).encode(person)
    header = Header(source=QUERY_SOURCE, key_fingerprint=keys.fingerprint, records=1)
    return EncodedFile(header=header, record_ids=["q"], payload=blob)


def hit_query(
    *, actor: Actor, project: LinkageProject, basis: str, reference: str, person: PersonQuery
) -> HitQuery:
    """Is this person known at another participant? Answers name only the kind of
    organisation and a contact route, never a record or a score. A refusal for the
    rate limit is logged (outside the transaction of the question, which is not made)."""
    if not actor.has(Permission.ASK_HIT_NO_HIT):
        raise PermissionDenied
    if project.purpose != ProjectPurpose.HIT_NO_HIT:
        raise PermissionDenied
    if not project.participants.filter(pk=actor.organisation_id).exists():
        raise PermissionDenied
    if basis not in HitBasis.values:
        raise ValidationError({"basis": _("Kies de grondslag van deze vraag.")}, code="basis")
    if not reference.strip():
        raise ValidationError(
            {"reference": _("Vul het kenmerk van de casus of het signaal in.")}, code="reference"
        )
    since = timezone.now() - timedelta(days=1)
    asked = HitQuery.objects.filter(requested_by=actor.user, asked_at__gte=since).count()
    if asked >= HIT_LIMIT_PER_DAY:
        log_processing(
            actor=actor,
            action=Action.VIEW,
            object_type="linkage.hitquery",
            object_id="refused-rate-limit",
            purpose=Purpose.HIT_NO_HIT,
            details={"project": project.pk, "refused": "rate_limit"},
        )
        raise ValidationError(
            _(
                "U heeft vandaag al %(n)s hit/no-hit-vragen gesteld; dat is het maximum per "
                "dag. Probeer het morgen opnieuw of neem contact op met uw FG."
            )
            % {"n": HIT_LIMIT_PER_DAY},
            code="rate_limit",
        )
    query_file = _query_file(project, person)
    with transaction.atomic():
        return _answer(actor, project, basis, reference, query_file)


def _answer(
    actor: Actor, project: LinkageProject, basis: str, reference: str, query_file: EncodedFile
) -> HitQuery:
    sources = [s for s in project.sources.all() if s.organisation_id != actor.organisation_id]
    record = HitQuery.objects.create(
        project=project,
        requester=actor.organisation,
        requested_by=actor.user,
        basis=basis,
        reference=reference.strip()[:60],
    )
    hits: list[LinkageSource] = []
    for source in sources:
        result = link([query_file, unpack(source)])
        if result.groups():
            hits.append(source)
    for source in hits:
        HitAnswer.objects.create(
            query=record,
            responder=source.organisation,
            responder_kind=source.organisation_kind,
            contact_route=source.contact_route,
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="linkage.hitquery",
        object_id=record.pk,
        purpose=Purpose.HIT_NO_HIT,
        details={
            "project": project.pk,
            "basis": basis,
            "reference": record.reference,
            "asked": len(sources),
            "hits": len(hits),
        },
    )
    # The other side's privacy officer sees the question in their own log.
    for source in sources:
        if source.organisation is None:
            continue
        log_processing(
            actor=None,
            user=actor.user,
            organisation=source.organisation,
            action=Action.VIEW,
            object_type="linkage.hitquery",
            object_id=record.pk,
            purpose=Purpose.HIT_NO_HIT,
            details={
                "project": project.pk,
                "asked_by": actor.organisation.name,
                "basis": basis,
                "hit": source in hits,
            },
        )
    return record


@transaction.atomic
def hit_reply(*, actor: Actor, answer: HitAnswer, accept: bool) -> HitAnswer:
    """The other side accepts (then continues through a consented referral) or declines."""
    if not (actor.has(Permission.ASK_HIT_NO_HIT) or actor.has(Permission.CONTRIBUTE_LINKAGE)):
        raise PermissionDenied
    if answer.responder_id != actor.organisation_id:
        raise PermissionDenied
    locked = HitAnswer.objects.select_for_update().get(pk=answer.pk)
    if locked.status != ReplyStatus.OPEN:
        raise ValidationError(_("Dit verzoek is al beantwoord."), code="answered")
    locked.status = ReplyStatus.ACCEPTED if accept else ReplyStatus.DECLINED
    locked.replied_at = timezone.now()
    locked.save(update_fields=["status", "replied_at"])
    log_processing(
        actor=actor,
        action=Action.UPDATE,
        object_type="linkage.hitanswer",
        object_id=locked.pk,
        purpose=Purpose.HIT_NO_HIT,
        details={"query": locked.query_id, "status": locked.status},
    )
    return locked
