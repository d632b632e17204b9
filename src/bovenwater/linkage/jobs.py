"""The background work of linkage: link a queued run's lists (called by the task)."""

from __future__ import annotations

from django.utils import timezone

from bovenwater.linkage.models import LinkageRun, ProjectPurpose, RunStatus
from bovenwater.linkage.storage import unpack
from bovenwater.pprl.match import link


def execute_run(run_id: int) -> LinkageRun:
    """Link a queued run's lists; a failure is stored on the run, not raised."""
    run = LinkageRun.objects.select_related("project").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=5)
    try:
        by_name = {s.name: s for s in run.project.sources.all()}
        files = [unpack(by_name[name]) for name in run.sources]
        LinkageRun.objects.filter(pk=run.pk).update(progress=30)
        if run.project.purpose == ProjectPurpose.DEDUPLICATION:
            # one list or more, and duplicates are what is looked for: the same
            # threshold within a list as between lists
            result = link(files, min_files=1, deduplicate=True)
        else:
            result = link(files)
        groups = [
            [[result.sources.index(source), record_id] for source, record_id in members]
            for members in result.groups()
        ]
        summary = {
            "records": result.records,
            "persons": len(set(result.labels.tolist())),
            "groups": len(groups),
            "comparisons": result.comparisons,
            "within_source_duplicates": result.within_source_duplicates,
            "patterns": {str(mask): count for mask, count in result.capture_patterns().items()},
            "seconds": round(result.seconds, 3),
        }
    except Exception as exc:  # a failed run is shown on its page, never lost
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    else:
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            progress=100,
            groups=groups,
            summary=summary,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run
