from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bovenwater.audit.anchor import anchor_now, anchor_path, public_key_base64


class Command(BaseCommand):
    help = (
        "Seal pending entries and append a signed anchor of the processing log's chain head "
        "to the anchor file (with an RFC 3161 time-stamp when PROCESSING_LOG_TSA_URL is set)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--public-key", action="store_true", help="Only print the anchors' public key."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["public_key"]:
            self.stdout.write(public_key_base64())
            return
        anchor = anchor_now()
        stamped = " with a time-stamp" if anchor.timestamp_token else ""
        self.stdout.write(
            f"Anchored chain position {anchor.seq} ({anchor.hash[:16]}…){stamped} "
            f"in {anchor_path()}."
        )
