"""Access-checked reads of the Kompas app.

Notes are personal data of their owner: only the owner reads them, and every read is
logged. Shares are read by their recipient. Self-assessments and action items belong to
a municipality; the region's ketenregisseur sees them only with the municipality's
consent. Anything outside the actor's scope answers 404, so nothing leaks its existence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bovenwater.accounts import selectors as accounts
from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Permission
from bovenwater.accounts.selectors import organisations_directory
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing, refuse
from bovenwater.kompas import assessment, learning
from bovenwater.kompas.models import (
    ActionItem,
    AssessmentConsent,
    Certificate,
    HelpEntry,
    Note,
    QuizAttempt,
    QuizKind,
    ScenarioAttempt,
    SelfAssessment,
    Share,
)


def notes_for_actor(
    *, actor: Actor, purpose: Purpose, kind: str | None = None, target: str | None = None
) -> list[Note]:
    notes = Note.objects.filter(owner=actor.user)
    if kind is not None:
        notes = notes.filter(kind=kind)
    if target is not None:
        notes = notes.filter(target=target)
    result = list(notes.order_by("-updated_at", "-pk"))
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.note",
        object_id=f"owner:{actor.user.pk}",
        data_subject=f"user:{actor.user.pk}",
        purpose=purpose,
        details={"count": len(result), "kind": kind or "", "target": target or ""},
    )
    return result


def _home_organisation_id(user_id: int) -> int | None:
    """The organisation of a user's first active membership (whose officer sees attempts
    on the user's own notes and shares)."""
    return accounts.home_organisation_id(user_id=user_id)


def note_get_for_actor(*, actor: Actor, note_id: int, purpose: Purpose) -> Note:
    note = Note.objects.filter(pk=note_id, owner=actor.user).first()
    if note is None:
        owner_id = Note.objects.filter(pk=note_id).values_list("owner_id", flat=True).first()
        raise refuse(
            actor=actor,
            object_type="kompas.note",
            object_id=note_id,
            purpose=purpose,
            owner_organisation_id=_home_organisation_id(owner_id) if owner_id else None,
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.note",
        object_id=note.pk,
        data_subject=f"user:{actor.user.pk}",
        purpose=purpose,
    )
    return note


def shares_received_for_actor(*, actor: Actor, purpose: Purpose) -> list[Share]:
    shares = list(
        Share.objects.select_related("sender", "sender_organisation")
        .filter(recipient=actor.user)
        .order_by("-created_at", "-pk")
    )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.share",
        object_id=f"recipient:{actor.user.pk}",
        data_subject=f"user:{actor.user.pk}",
        purpose=purpose,
        details={"count": len(shares)},
    )
    return shares


def unread_share_count(*, actor: Actor) -> int:
    """The actor's own unread count for the badge: own data, not logged."""
    return Share.objects.filter(recipient=actor.user, read_at__isnull=True).count()


def share_get_for_actor(*, actor: Actor, share_id: int, purpose: Purpose) -> Share:
    share = Share.objects.filter(pk=share_id, recipient=actor.user).first()
    if share is None:
        recipient_id = (
            Share.objects.filter(pk=share_id).values_list("recipient_id", flat=True).first()
        )
        raise refuse(
            actor=actor,
            object_type="kompas.share",
            object_id=share_id,
            purpose=purpose,
            owner_organisation_id=_home_organisation_id(recipient_id) if recipient_id else None,
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.share",
        object_id=share.pk,
        data_subject=f"user:{actor.user.pk}",
        purpose=purpose,
    )
    return share


def share_recipients_for_actor(*, actor: Actor, purpose: Purpose) -> QuerySet[Membership]:
    """Colleagues in the actor's organisation to share with (names are personal data)."""
    memberships = accounts.colleagues(organisation_id=actor.organisation_id).exclude(
        user=actor.user
    )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="accounts.membership",
        object_id=f"organisation:{actor.organisation_id}",
        purpose=purpose,
        details={"list": "kompas share recipients"},
    )
    return memberships


# -- training (the actor's own progress; own data, not logged) ------------------------------


def modules_passed(user_id: int, item: learning.Path) -> dict[str, QuizAttempt]:
    """The first passing check per module of the path (at the path's pass mark)."""
    found: dict[str, QuizAttempt] = {}
    attempts = QuizAttempt.objects.filter(
        user_id=user_id, kind=QuizKind.MODULE, module_slug__in=item.modules
    ).order_by("created_at", "pk")
    for attempt in attempts:
        if attempt.module_slug not in found and learning.passed(
            attempt.score, attempt.total, item.pass_mark
        ):
            found[attempt.module_slug] = attempt
    return found


def final_passed(user_id: int, item: learning.Path) -> QuizAttempt | None:
    return (
        QuizAttempt.objects.filter(
            user_id=user_id, kind=QuizKind.FINAL, path_slug=item.slug, passed=True
        )
        .order_by("created_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class PathProgress:
    path: learning.Path
    modules: dict[str, QuizAttempt]
    final: QuizAttempt | None
    certificate: Certificate | None

    @property
    def modules_done(self) -> int:
        return len(self.modules)

    @property
    def complete(self) -> bool:
        return self.modules_done == len(self.path.modules) and self.final is not None

    @property
    def next_module(self) -> str | None:
        return next((m for m in self.path.modules if m not in self.modules), None)


def path_progress(user_id: int, item: learning.Path) -> PathProgress:
    return PathProgress(
        path=item,
        modules=modules_passed(user_id, item),
        final=final_passed(user_id, item),
        certificate=Certificate.objects.filter(user_id=user_id, path_slug=item.slug).first(),
    )


def _progress_of_users(user_ids: list[int]) -> dict[int, list[PathProgress]]:
    """``path_progress`` for every path and every user, in two queries instead of three
    per user and path (the home page and a manager's team overview)."""
    attempts: dict[int, list[QuizAttempt]] = {user_id: [] for user_id in user_ids}
    for attempt in QuizAttempt.objects.filter(
        user_id__in=user_ids, kind__in=[QuizKind.MODULE, QuizKind.FINAL]
    ).order_by("created_at", "pk"):
        attempts[attempt.user_id].append(attempt)
    certificates: dict[tuple[int, str], Certificate] = {}
    for certificate in Certificate.objects.filter(user_id__in=user_ids).reverse():
        # Reversed Meta ordering: the certificate ``.first()`` would pick is written last.
        certificates[(certificate.user_id, certificate.path_slug)] = certificate
    progress: dict[int, list[PathProgress]] = {}
    for user_id in user_ids:
        rows = []
        for item in learning.paths():
            modules: dict[str, QuizAttempt] = {}
            final = None
            for attempt in attempts[user_id]:
                if attempt.kind == QuizKind.MODULE:
                    if (
                        attempt.module_slug in item.modules
                        and attempt.module_slug not in modules
                        and learning.passed(attempt.score, attempt.total, item.pass_mark)
                    ):
                        modules[attempt.module_slug] = attempt
                elif final is None and attempt.path_slug == item.slug and attempt.passed:
                    final = attempt
            rows.append(
                PathProgress(
                    path=item,
                    modules=modules,
                    final=final,
                    certificate=certificates.get((user_id, item.slug)),
                )
            )
        progress[user_id] = rows
    return progress


def progress_of_actor(*, actor: Actor) -> list[PathProgress]:
    return _progress_of_users([actor.user.pk])[actor.user.pk]


def last_attempts_of_actor(*, actor: Actor, path_slug: str) -> dict[str, QuizAttempt]:
    """The latest attempt per module (and ``""`` for the final) in one path."""
    latest: dict[str, QuizAttempt] = {}
    for attempt in QuizAttempt.objects.filter(user=actor.user, path_slug=path_slug).order_by(
        "created_at", "pk"
    ):
        latest[attempt.module_slug] = attempt
    return latest


def best_attempts_of_actor(*, actor: Actor) -> dict[str, ScenarioAttempt]:
    best: dict[str, ScenarioAttempt] = {}
    for attempt in ScenarioAttempt.objects.filter(user=actor.user).order_by("created_at"):
        current = best.get(attempt.scenario_slug)
        if current is None or attempt.points > current.points:
            best[attempt.scenario_slug] = attempt
    return best


@dataclass(frozen=True)
class TeamRow:
    name: str
    role: str
    progress: list[PathProgress]


def team_progress_for_actor(*, actor: Actor, purpose: Purpose) -> list[TeamRow]:
    """Training progress of the colleagues in the actor's organisation, for a manager:
    modules passed, dates and certificates. Never answers or scores."""
    if not actor.has(Permission.VIEW_TRAINING_PROGRESS):
        raise PermissionDenied
    memberships = accounts.colleagues(organisation_id=actor.organisation_id)
    members = list(memberships)
    progress = _progress_of_users(sorted({m.user_id for m in members}))
    rows = [
        TeamRow(name=m.user.display_name, role=m.get_role_display(), progress=progress[m.user_id])
        for m in members
    ]
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.training_progress",
        object_id=f"organisation:{actor.organisation_id}",
        purpose=purpose,
        details={"count": len(rows)},
    )
    return rows


def certificate_get_for_manager(*, actor: Actor, code: str, purpose: Purpose) -> Certificate:
    if not actor.has(Permission.VIEW_TRAINING_PROGRESS):
        raise PermissionDenied
    certificate = Certificate.objects.filter(
        code=code, organisation_id=actor.organisation_id
    ).first()
    if certificate is None:
        raise refuse(
            actor=actor,
            object_type="kompas.certificate",
            object_id=code,
            purpose=purpose,
            owner_organisation_id=Certificate.objects.filter(code=code)
            .values_list("organisation_id", flat=True)
            .first(),
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.certificate",
        object_id=certificate.pk,
        data_subject=f"user:{certificate.user_id}",
        purpose=purpose,
    )
    return certificate


def certificate_verify(*, code: str, purpose: Purpose) -> Certificate | None:
    """Public check of a certificate code: the certificate or None. Logged without actor."""
    certificate = (
        Certificate.objects.select_related("organisation").filter(code=code.upper()).first()
    )
    if certificate is not None:
        log_processing(
            actor=None,
            action=Action.VIEW,
            object_type="kompas.certificate",
            object_id=certificate.pk,
            data_subject=f"user:{certificate.user_id}",
            purpose=purpose,
            organisation=certificate.organisation,
            details={"public_verification": True},
        )
    return certificate


# -- sociale kaart -------------------------------------------------------------------------
# Entries are public contact details of organisations, not personal data.


def help_entries() -> list[HelpEntry]:
    return list(
        HelpEntry.objects.select_related("police_unit", "municipality").order_by("name", "pk")
    )


def help_entry(pk: int) -> HelpEntry | None:
    return HelpEntry.objects.select_related("police_unit", "municipality").filter(pk=pk).first()


def help_entry_for_editor(*, actor: Actor, pk: int) -> HelpEntry:
    """An entry the actor may change: one of the sociale kaart of the actor's own region.
    An entry of another region is refused (404) and the refusal is logged for the
    organisation that last changed it."""
    if not actor.has(Permission.MANAGE_SOCIAL_MAP):
        raise PermissionDenied
    entry = help_entry(pk)
    if entry is None:
        raise Http404
    if entry.police_unit_id != actor.organisation.municipality.police_unit_id:
        raise refuse(
            actor=actor,
            object_type="kompas.help_entry",
            object_id=pk,
            purpose=Purpose.KOMPAS,
            owner_organisation_id=entry.updated_by_organisation_id,
            action=Action.UPDATE,
        )
    return entry


def region_organisations(*, actor: Actor) -> list[Organisation]:
    """Organisations in the platform that work in the actor's region (public contacts)."""
    municipality = actor.organisation.municipality
    return list(
        organisations_directory()
        .filter(
            Q(municipality__police_unit_id=municipality.police_unit_id)
            | Q(service_area=municipality)
        )
        .distinct()
        .order_by("kind", "name")
    )


# -- self-assessment -------------------------------------------------------------------


def assessment_scope(actor: Actor) -> Organisation:
    """The municipality whose self-assessment the actor manages, or 403."""
    if not actor.has(Permission.MANAGE_SELF_ASSESSMENT):
        raise PermissionDenied
    if actor.organisation.kind != OrganisationKind.MUNICIPALITY:
        raise PermissionDenied
    return actor.organisation


def assessments_for_actor(*, actor: Actor, purpose: Purpose) -> list[SelfAssessment]:
    organisation = assessment_scope(actor)
    return list(SelfAssessment.objects.filter(organisation=organisation).order_by("-created_at"))


def actions_for_actor(*, actor: Actor, purpose: Purpose) -> list[ActionItem]:
    organisation = assessment_scope(actor)
    items = list(ActionItem.objects.filter(organisation=organisation).order_by("deadline", "pk"))
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.action_item",
        object_id=f"organisation:{organisation.pk}",
        purpose=purpose,
        details={"count": len(items)},
    )
    return items


def action_get_for_actor(*, actor: Actor, action_id: int) -> ActionItem:
    organisation = assessment_scope(actor)
    item = ActionItem.objects.filter(pk=action_id, organisation=organisation).first()
    if item is None:
        raise refuse(
            actor=actor,
            object_type="kompas.action_item",
            object_id=action_id,
            purpose=Purpose.KOMPAS,
            owner_organisation_id=ActionItem.objects.filter(pk=action_id)
            .values_list("organisation_id", flat=True)
            .first(),
        )
    return item


def consent_of(organisation: Organisation) -> bool:
    latest = AssessmentConsent.objects.filter(organisation=organisation).first()
    return bool(latest and latest.share_with_region)


@dataclass(frozen=True)
class RegionRow:
    organisation: Organisation
    latest: SelfAssessment | None
    scores: assessment.Scores | None


def region_assessments_for_actor(*, actor: Actor, purpose: Purpose) -> list[RegionRow]:
    """Municipalities of the actor's region that consented, side by side."""
    if not actor.has(Permission.VIEW_REGION_ASSESSMENTS):
        raise PermissionDenied
    unit_id = actor.organisation.municipality.police_unit_id
    rows = []
    municipalities = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY,
        is_active=True,
        municipality__police_unit_id=unit_id,
    ).order_by("name")
    for organisation in municipalities:
        if not consent_of(organisation):
            continue
        latest = SelfAssessment.objects.filter(organisation=organisation).first()
        rows.append(
            RegionRow(
                organisation=organisation,
                latest=latest,
                scores=assessment.scores(latest.answers) if latest else None,
            )
        )
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="kompas.self_assessment",
        object_id=f"police_unit:{unit_id}",
        purpose=purpose,
        details={"municipalities": [r.organisation.pk for r in rows]},
    )
    return rows
