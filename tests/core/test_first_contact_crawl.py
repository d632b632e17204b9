"""Every demo role, following the navigation in Dutch and in English, meets no codes,
no ISO dates, no words of the other language and no foreign number formats."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from tests.core.crawl import crawl
from tests.support import login

from bovenwater.accounts.models import Membership
from bovenwater.core.demo import seed_demo

REGION = "amsterdam"


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.django_db
def test_every_demo_role_meets_plain_language(language: str, settings: Any) -> None:
    settings.DEMO_MODE = True
    seed_demo()
    memberships = Membership.objects.filter(
        user__username__startswith="demo.", user__username__endswith=f".{REGION}"
    ).select_related("user", "organisation")
    assert memberships.count() >= 10
    problems: list[str] = []
    visited = 0
    kinds: dict[str, int] = {}  # every kind of page twice in all, by whichever role reaches it
    for membership in memberships:
        client = Client()
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        login(client, membership)
        result = crawl(client, language, kinds=kinds)
        visited += len(result.pages)
        problems.extend(f"{membership.user.username} {defect}" for defect in result.defects)
    assert visited > 60
    assert problems == [], f"{len(problems)} defects:\n" + "\n".join(sorted(set(problems)))
