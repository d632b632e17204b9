"""Findings 4 and 9: bounded anonymous input, bounded JSON nesting, bounded pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.request import Request

from bovenwater.accounts.models import Membership
from bovenwater.accounts.roles import Role
from bovenwater.api.pagination import BoundedLimitOffsetPagination
from bovenwater.intake.models import Signal
from bovenwater.reference.models import Municipality

pytestmark = pytest.mark.django_db

REPORT = {"description": "Verdachte situatie bij de haven.", "municipality": "GM0599"}


def _post_json(client: Client, path: str, body: bytes | str) -> object:
    return client.post(path, body, content_type="application/json")


def test_a_megabyte_of_signs_is_refused_in_dutch(client: Client) -> None:
    response = _post_json(
        client, reverse("api:public-reports"), json.dumps({**REPORT, "signs": ["x" * 30] * 30000})
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert Signal.objects.count() == 0


def test_unknown_signs_are_refused(client: Client) -> None:
    response = _post_json(
        client, reverse("api:public-reports"), json.dumps({**REPORT, "signs": ["GEEN-VRAAG"]})
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    problem = response.json()  # type: ignore[attr-defined]
    assert problem["invalid_params"][0]["name"] == "signs"
    assert "Onbekende vraag" in problem["invalid_params"][0]["reason"]


def test_a_body_over_the_limit_is_a_dutch_413_problem(client: Client, settings: object) -> None:
    body = json.dumps({**REPORT, "description": "a" * 3_000_000})
    response = _post_json(client, reverse("api:public-reports"), body)
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert "groter dan" in response.json()["detail"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("depth", [33, 5000])
def test_deeply_nested_json_is_a_problem_not_a_500(client: Client, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = _post_json(client, reverse("api:public-reports"), body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    assert "genest" in response.json()["detail"]  # type: ignore[attr-defined]


def test_nesting_of_32_levels_is_parsed(client: Client) -> None:
    body = json.dumps({**REPORT, "signs": []})
    assert _post_json(client, reverse("api:public-reports"), body).status_code == 201  # type: ignore[attr-defined]


def test_oversized_web_form_keeps_the_text_and_answers_in_dutch(client: Client) -> None:
    text = "Ik zag iets vreemds. " * 150_000  # about 3 MB, over Django's 2.5 MB
    form = {
        "description": text,
        "municipality": str(Municipality.objects.get(code="GM0599").pk),
        "minor": "unknown",
    }
    response = client.post(
        reverse("report:new"), urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "niet meer dan 5000 tekens" in body
    assert text[:2000] in body  # what was typed is on the page again
    assert Signal.objects.count() == 0


def test_a_body_beyond_any_form_limit_gets_a_dutch_page(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"),
        urlencode({"username": "x", "password": "p" * 11_000_000}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "Te veel tekst of te grote bestanden" in response.content.decode()


def test_huge_limit_and_offset_never_give_a_500(
    make_member: Callable[..., Membership], login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(make_member(role=Role.CONTACT_OFFICER))
    for query in (
        {"limit": str(10**30)},
        {"offset": str(10**30)},
        {"limit": "99999999"},
        {"limit": "5", "offset": str(10**20)},
    ):
        # reference lists are never empty, so the huge numbers reach the database
        response = client.get("/api/v1/reference/municipalities/", query)
        assert response.status_code == 200, query
        assert len(response.json()["results"]) <= 500
    request = Request(RequestFactory().get("/", {"limit": "100000"}))
    assert BoundedLimitOffsetPagination().get_limit(request) == 500
