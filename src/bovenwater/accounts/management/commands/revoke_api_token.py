"""``manage.py revoke_api_token``: revoke a system account's API token at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bovenwater.accounts import services


class Command(BaseCommand):
    help = (
        "Revoke an API token issued by create_system_account, given the token or its "
        "prefix (the part before the dot). The token is refused from the next request on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help="the token, or its prefix (the part before the dot)")

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = options["token"].partition(".")[0]
        token = services.api_token_revoke(prefix=prefix)
        if token is None:
            raise CommandError(f"No API token with prefix {prefix!r}.")
        self.stdout.write(f"revoked {token.prefix}… ({token.label})")
