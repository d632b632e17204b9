from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bovenwater.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the processing log; report intact or the first broken record."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.intact:
            self.stdout.write(f"Processing log intact: {result.checked} records verified.")
            return
        raise CommandError(
            f"Processing log BROKEN at record {result.broken_id}: {result.reason} "
            f"({result.checked} records before it are intact)."
        )
