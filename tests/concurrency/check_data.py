"""What the concurrency test's writes left in the database, as one JSON line.

``python -m tests.concurrency.check_data MARKER`` with the platform's environment.
"""

from __future__ import annotations

import json
import sys

import django

django.setup()

from bovenwater.audit.models import Action, ProcessingLogEntry  # noqa: E402
from bovenwater.cases.models import CaseEvent  # noqa: E402
from bovenwater.intake.models import Signal, SignalKind  # noqa: E402


def main(marker: str) -> dict[str, object]:
    return {
        "public_reports": Signal.objects.filter(
            kind=SignalKind.PUBLIC, description__startswith=marker
        ).count(),
        "case_opened": sorted(
            Signal.objects.filter(state="case_opened").values_list("reference", flat=True)
        ),
        "notes": sorted(
            CaseEvent.objects.filter(text__startswith=f"{marker} notitie").values_list(
                "text", flat=True
            )
        ),
        "failed_codes": ProcessingLogEntry.objects.filter(
            action=Action.LOGIN, details__result="failed_second_factor"
        ).count(),
        "pending": ProcessingLogEntry.objects.filter(seq__isnull=True).count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
