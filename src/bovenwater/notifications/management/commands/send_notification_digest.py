"""``manage.py send_notification_digest``: queue the daily overview e-mail (run once a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bovenwater.notifications.mail import digest_send
from bovenwater.notifications.tasks import send_daily_digest


class Command(BaseCommand):
    help = "Queue the daily e-mail overview of new notices for users who chose it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", action="store_true", help="send at once, not via the queue")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            self.stdout.write(f"{digest_send()} e-mails sent")
        else:
            send_daily_digest.enqueue()
            self.stdout.write("digest queued")
