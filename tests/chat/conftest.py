"""Chat fixtures: a team open day and night, helpers in it, a quick way to start a chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.chat import services
from bovenwater.chat.models import Helper, OpeningHours, Presence, Team


@pytest.fixture
def chat_org(make_organisation: Callable[..., Organisation]) -> Organisation:
    return make_organisation(name="Stichting Chat", kind=OrganisationKind.NGO)


@pytest.fixture
def team(chat_org: Organisation) -> Team:
    team = Team.objects.create(organisation=chat_org, name="Chatteam")
    for weekday in range(7):  # open day and night
        OpeningHours.objects.create(team=team, weekday=weekday, opens=time(0), closes=time(0))
    return team


@pytest.fixture
def make_helper(
    team: Team, chat_org: Organisation, make_member: Callable[..., Membership]
) -> Callable[..., Helper]:
    def make(
        name: str = "Sam",
        presence: str = Presence.AVAILABLE,
        capacity: int = 2,
        supervisor: bool = False,
        organisation: Organisation | None = None,
        in_team: Team | None = None,
    ) -> Helper:
        member = make_member(role=Role.CHAT_HELPER, organisation=organisation or chat_org)
        return Helper.objects.create(
            membership=member,
            team=in_team or team,
            display_name=name,
            presence=presence,
            capacity=capacity,
            is_supervisor=supervisor,
        )

    return make


@pytest.fixture
def start_chat(team: Team) -> Callable[..., Any]:
    def start(nickname: str = "", age_band: str = "12-15") -> services.StartResult:
        return services.conversation_start(team=team, nickname=nickname, age_band=age_band)

    return start
