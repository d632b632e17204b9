"""The API has a human-readable documentation page, served from our own assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import bovenwater.api

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client: Client) -> None:
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-schema-url="/api/v1/openapi.yaml"' in body
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in body
    assert "/static/bovenwater/api-docs.js" in body
    assert "https://" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_docs_read_the_committed_contract(client: Client) -> None:
    response = client.get(reverse("api:schema-file"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    committed = Path(bovenwater.api.__file__).resolve().parent / "openapi.yaml"
    assert b"".join(response.streaming_content) == committed.read_bytes()  # type: ignore[attr-defined]
