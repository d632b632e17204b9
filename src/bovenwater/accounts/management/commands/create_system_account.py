from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from bovenwater.accounts import services
from bovenwater.accounts.models import Organisation, User
from bovenwater.accounts.roles import Role


class Command(BaseCommand):
    help = (
        "Create (or reuse) a system account of an organisation and issue an API token. "
        "The token is printed once; only its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username", help="username of the system account, e.g. systeem.politie-oost"
        )
        parser.add_argument("--organisation", required=True, help="exact name of the organisation")
        parser.add_argument("--role", required=True, choices=[role.value for role in Role])
        parser.add_argument("--label", default="API-koppeling", help="what the token is for")
        parser.add_argument(
            "--days", type=int, default=365, help="days until the token expires (0: never)"
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Organisation {options['organisation']!r} does not exist.")
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            user = services.user_create(
                username=options["username"], password=None, is_system_account=True
            )
        elif not user.is_system_account:
            raise CommandError(f"{user.username!r} is a person's account, not a system account.")
        membership = services.membership_add(
            user=user, organisation=organisation, role=Role(options["role"])
        )
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] > 0 else None
        _token, plain = services.api_token_create(
            membership=membership, label=options["label"], expires_at=expires
        )
        self.stdout.write(plain)
