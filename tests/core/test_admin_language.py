"""Django's admin, as the platform administrator sees it, speaks the interface language:
no English column headers in Dutch (Django 5.2's Dutch catalogue lacks a few texts, which
``locale/nl`` supplies), no codes, and no Dutch in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from tests.core.crawl import page_defects

from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role

pytestmark = pytest.mark.django_db

PAGES = ("/beheer/", "/beheer/intake/routingrule/", "/beheer/accounts/organisation/")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_admin_pages_speak_the_interface_language(
    language: str,
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    platform = make_organisation(name="Platformbeheer (test)", kind=OrganisationKind.OTHER)
    client = login_as(make_member(role=Role.PLATFORM_ADMINISTRATOR, organisation=platform))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems: list[str] = []
    for url in PAGES:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        html = response.content.decode()
        if language == "nl":
            assert "Model name" not in html and "Add link" not in html, url
        defects, _links = page_defects(html, language, url)
        problems.extend(str(defect) for defect in defects)
    assert problems == [], "\n".join(problems)
