"""Demo chat: the organisation of the first demo chathulp account runs the public chat
(open day and night in the demo, closed on Christmas Day); its chathulp account is a
helper and supervisor, with a few canned responses. Idempotent."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.chat.models import CannedResponse, Helper, Holiday, OpeningHours, Presence, Team

if TYPE_CHECKING:
    from bovenwater.core.demo import SeedReport

CANNED = (
    ("Welkom", "Fijn dat je er bent. Je hoeft niets te vertellen wat je niet wilt.", ""),
    ("Veiligheid", "Ben je nu veilig? Als je in gevaar bent, bel 112.", ""),
    ("Kompas: signalen", "Meer over signalen van uitbuiting staat in Kompas.", "/kompas/"),
)


@transaction.atomic
def seed(report: SeedReport) -> None:
    helpers = list(
        Membership.objects.select_related("user", "organisation")
        .filter(role=Role.CHAT_HELPER, user__username__startswith="demo.")
        .order_by("user__username")
    )
    if not helpers or Team.objects.exists():
        return
    organisation = helpers[0].organisation
    team = Team.objects.create(organisation=organisation, name="Chat Lichtbaken")
    for weekday in range(7):
        OpeningHours.objects.create(team=team, weekday=weekday, opens=time(0), closes=time(0))
    year = timezone.localdate().year
    Holiday.objects.create(team=team, date=date(year, 12, 25), name="Eerste Kerstdag")
    for title, body, link in CANNED:
        CannedResponse.objects.create(organisation=organisation, title=title, body=body, link=link)
    for index, membership in enumerate(m for m in helpers if m.organisation_id == organisation.pk):
        Helper.objects.create(
            membership=membership,
            team=team,
            display_name=membership.user.first_name or f"Hulpverlener {index + 1}",
            presence=Presence.OFFLINE,
            is_supervisor=index == 0,
        )
    report.extra["chat_teams"] = 1
