from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.audit.anchor import check_anchors
from bovenwater.audit.jobs import chain_pending
from bovenwater.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Seal pending entries into the processing log's hash chain, then verify the chain; "
        "report intact or the first broken record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-chain",
            action="store_true",
            help="Only verify: leave entries that are not sealed yet as they are (reported as pending).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = 0 if options["no_chain"] else chain_pending()
        result = verify_chain()
        pending = f"; {result.pending} not sealed yet" if result.pending else ""
        anchors = check_anchors(result.checked)
        if result.intact and not anchors.ok:
            raise CommandError(f"Processing log BROKEN against its anchors: {anchors.reason}.")
        if result.intact:
            anchored = (
                f"; matches {anchors.anchors} anchors, the last of {anchors.last.anchored_at}"
                if anchors.last is not None
                else "; no anchors yet"
            )
            self.stdout.write(
                f"Processing log intact: {result.checked} records verified "
                f"({sealed} newly sealed{pending}{anchored})."
            )
            return
        where = (
            f"record {result.broken_id} (chain position {result.broken_seq})"
            if result.broken_id is not None
            else f"chain position {result.broken_seq}"
        )
        against = "" if anchors.ok else f" Against its anchors: {anchors.reason}."
        raise CommandError(
            f"Processing log BROKEN at {where}: {result.reason} "
            f"({result.checked} records before it are intact{pending}).{against}"
        )
