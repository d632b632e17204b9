"""The home page shows each role the work it starts the day with, each block linking to
its full list, and only what that role may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.support import login

from bovenwater.accounts.models import Membership
from bovenwater.core.demo import seed_demo

pytestmark = pytest.mark.django_db

EXPECTED = {
    "aandachtsfunctionaris": ["home-signals"],
    "signaleerder": ["home-my-reports"],
    "zorgcoordinator": ["home-deadlines", "home-referrals"],
    "analist": ["home-figures", "home-estimates"],
    "fg": ["home-emergency"],
    "beleid": ["home-learning", "home-figures"],
}
NOT_EXPECTED = {
    "signaleerder": ["home-signals", "home-deadlines", "home-emergency"],
    "analist": ["home-deadlines", "home-emergency"],
    "chathulp": ["home-signals", "home-deadlines", "home-figures"],
}


def test_every_demo_role_gets_its_blocks_and_every_block_link_works(settings: Any) -> None:
    settings.DEMO_MODE = True
    seed_demo()
    for membership in Membership.objects.filter(
        user__username__startswith="demo.", user__username__endswith=".amsterdam"
    ).select_related("user"):
        if membership.pk != min(m.pk for m in membership.user.memberships.all()):
            continue  # the membership the user starts in
        role = membership.user.username.split(".")[1]
        client = Client()
        login(client, membership)
        response = client.get("/")
        assert response.status_code == 200, role
        body = response.content.decode()
        for testid in EXPECTED.get(role, []):
            assert f'data-testid="{testid}"' in body, (role, testid)
        for testid in NOT_EXPECTED.get(role, []):
            assert f'data-testid="{testid}"' not in body, (role, testid)
        for block in response.context["blocks"]:
            if block.link:
                assert client.get(block.link).status_code == 200, (role, block.link)
            for item in block.items:
                if item.url:
                    assert client.get(item.url).status_code == 200, (role, item.url)
