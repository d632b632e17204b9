""" "Controleer de keten": the privacy officer verifies the processing log from its page.

The check runs as a background task on the ``audit`` queue (a long chain takes a while)
and records itself as a ``PrivacyJobRun`` of the job ``chain_check``: when it started
and finished, how many entries it verified so far (the page shows this while it runs),
and the result. The result is about the whole chain: it says nothing about any person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from bovenwater.accounts.roles import Permission
from bovenwater.audit.anchor import check_anchors
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.models import Action, PrivacyJobRun, ProcessingLogEntry
from bovenwater.audit.purposes import Purpose
from bovenwater.audit.services import log_processing
from bovenwater.audit.verify import verify_chain

if TYPE_CHECKING:
    from bovenwater.accounts.actor import Actor

JOB = "chain_check"

# The verifier's reasons, as the privacy officer reads them.
REASONS = {
    "is missing": gettext_lazy("er ontbreekt een regel in de keten"),
    "link to the previous entry is broken": gettext_lazy(
        "de koppeling met de vorige regel klopt niet"
    ),
    "content does not match its hash": gettext_lazy("de inhoud van een regel is gewijzigd"),
    "entries after the last intact one were removed": gettext_lazy(
        "de nieuwste regels zijn verwijderd"
    ),
}


def reason_text(reason: str) -> str:
    for key, text in REASONS.items():
        if key in reason:
            return str(text)
    return reason


def chain_check_request(*, actor: Actor) -> PrivacyJobRun:
    """Start a check of the whole chain; the caller enqueues ``run_chain_check``."""
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    run = PrivacyJobRun.objects.create(job=JOB, counts={"checked": 0})
    log_processing(
        actor=actor,
        action=Action.VIEW,
        object_type="audit.processinglogentry",
        object_id="chain",
        purpose=Purpose.PRIVACY_SUPERVISION,
        details={"chain_check": run.pk},
    )
    return run


def run_chain_check(run_id: int) -> PrivacyJobRun:
    """Seal what is pending, verify the chain and its anchors, record the outcome."""
    sealed = chain_pending()
    total = ProcessingLogEntry.objects.filter(seq__isnull=False).count()

    def progress(checked: int) -> None:
        PrivacyJobRun.objects.filter(pk=run_id).update(
            counts={"checked": checked, "total": total, "sealed": sealed}
        )

    try:
        result = verify_chain(progress=progress)
        anchors = check_anchors(result.checked)
    except Exception as error:  # recorded for the officer; the worker goes on
        PrivacyJobRun.objects.filter(pk=run_id).update(
            finished_at=timezone.now(), ok=False, error=f"{type(error).__name__}: {error}"[:500]
        )
    else:
        problem = "" if result.intact else reason_text(result.reason)
        if result.intact and not anchors.ok:
            problem = _("de keten klopt niet met het laatste anker: %(reason)s") % {
                "reason": anchors.reason
            }
        PrivacyJobRun.objects.filter(pk=run_id).update(
            finished_at=timezone.now(),
            ok=not problem,
            counts={
                "checked": result.checked,
                "total": total,
                "sealed": sealed,
                "pending": result.pending,
                "anchors": anchors.anchors,
                **({"broken_at": result.broken_seq} if result.broken_seq else {}),
            },
            error=problem[:500],
        )
    return PrivacyJobRun.objects.get(pk=run_id)


@task(queue_name="audit")
def check_processing_log(run_id: int) -> bool:
    """The background task behind "Controleer de keten" (on the log's own queue)."""
    return run_chain_check(run_id).ok


def latest_chain_check(*, actor: Actor) -> PrivacyJobRun | None:
    if not actor.has(Permission.VIEW_PROCESSING_LOG):
        raise PermissionDenied
    return PrivacyJobRun.objects.filter(job=JOB).order_by("-started_at", "-pk").first()
