"""The one write path of the training: knowledge checks, scenario runs, certificates."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.roles import Permission
from bovenwater.audit.models import Action
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.kompas import learning, training
from bovenwater.kompas.models import Certificate, QuizAttempt, QuizKind, ScenarioAttempt
from bovenwater.kompas.selectors import final_passed, modules_passed

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud


def _log(
    actor: Actor, action: Action, object_type: str, object_id: object, **details: object
) -> None:
    log_processing(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data_subject=f"user:{actor.user.pk}",
        purpose=Purpose.KOMPAS,
        details=dict(details),
    )


@transaction.atomic
def quiz_submit(
    *,
    actor: Actor,
    item: learning.Path,
    module: str | None,
    drawn: Sequence[learning.Drawn],
    answers: Mapping[str, int | None],
) -> tuple[QuizAttempt, list[learning.Marked]]:
    """Score a knowledge check (``module``) or the final assessment (``module=None``).

    Every drawn question needs an answer; the final assessment opens only after every
    module of the path was passed.
    """
    if module is not None and module not in item.modules:
        raise ValidationError(_("Deze module hoort niet bij deze leerroute."))
    if module is None and len(modules_passed(actor.user.pk, item)) < len(item.modules):
        raise ValidationError(_("Haal eerst de kennistoets van elke module."))
    pool = {q.id for q in learning.pool_for(item, module)}
    if len(drawn) != learning.size_for(item, module) or any(
        d.question.id not in pool for d in drawn
    ):
        raise ValidationError(_("Deze toets hoort niet bij deze module. Begin opnieuw."))
    missing = {d.question.id for d in drawn if answers.get(d.question.id) is None}
    if missing:
        raise ValidationError({qid: _("Kies een antwoord.") for qid in missing})
    marked = learning.mark(drawn, answers)
    score = sum(m.right for m in marked)
    attempt = QuizAttempt.objects.create(
        user=actor.user,
        kind=QuizKind.MODULE if module else QuizKind.FINAL,
        path_slug=item.slug,
        module_slug=module or "",
        questions=[d.question.id for d in drawn],
        answers={qid: answers[qid] for qid in (d.question.id for d in drawn)},
        score=score,
        total=len(drawn),
        pass_mark=item.pass_mark,
        passed=learning.passed(score, len(drawn), item.pass_mark),
    )
    _log(actor, Action.CREATE, "kompas.quiz_attempt", attempt.pk, passed=attempt.passed)
    return attempt, marked


@transaction.atomic
def scenario_finish(*, actor: Actor, run: training.Run) -> ScenarioAttempt:
    """Store a finished scenario run (the path taken and its points)."""
    if not run.finished:
        raise ValidationError(_("Deze casus is nog niet af."))
    attempt = ScenarioAttempt.objects.create(
        user=actor.user,
        scenario_slug=run.scenario.slug,
        answers={"path": run.path},
        points=run.points,
        max_points=run.max_points,
    )
    _log(actor, Action.CREATE, "kompas.scenario_attempt", attempt.pk)
    return attempt


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def certificate_issue(*, actor: Actor, item: learning.Path) -> Certificate:
    """The certificate of a path, only when every module and the final were passed.

    Asking again returns the certificate already issued (the same code).
    """
    existing = Certificate.objects.filter(user=actor.user, path_slug=item.slug).first()
    if existing is not None and existing.revoked_at is None:
        return existing
    if existing is not None:
        raise ValidationError(
            _("Dit certificaat is ingetrokken. Neem contact op met uw beheerder.")
        )
    if len(modules_passed(actor.user.pk, item)) < len(item.modules):
        raise ValidationError(_("Haal eerst de kennistoets van elke module."))
    if final_passed(actor.user.pk, item) is None:
        raise ValidationError(_("Haal eerst de eindtoets."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    user=actor.user,
                    organisation=actor.organisation,
                    path_slug=item.slug,
                    path_title=item.title,
                    name=actor.user.display_name,
                    code=_new_code(),
                    issued_on=timezone.localdate(),
                )
            break
        except IntegrityError:  # pragma: no cover - a code collision, astronomically rare
            continue
    else:  # pragma: no cover
        raise ValidationError(_("Er ging iets mis. Probeer het opnieuw."))
    _log(actor, Action.CREATE, "kompas.certificate", certificate.pk, path=item.slug)
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate) -> Certificate:
    """A manager of the organisation the certificate was earned in revokes it (for example
    when it was issued in error)."""
    if not actor.has(Permission.VIEW_TRAINING_PROGRESS):
        raise PermissionDenied
    if certificate.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at"])
        log_processing(
            actor=actor,
            action=Action.UPDATE,
            object_type="kompas.certificate",
            object_id=certificate.pk,
            data_subject=f"user:{certificate.user_id}",
            purpose=Purpose.KOMPAS,
            details={"revoked": True},
        )
    return certificate
