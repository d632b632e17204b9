"""``create_system_account`` end to end: the printed token works on the API, only its
hash is stored, and ``revoke_api_token`` makes the API refuse it from the next request."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import Client
from django.urls import reverse

from bovenwater.accounts.models import ApiToken, Organisation, User
from bovenwater.audit.models import Action, ProcessingLogEntry

pytestmark = pytest.mark.django_db


def _create(username: str, organisation: str, role: str = "investigator") -> str:
    out = io.StringIO()
    call_command(
        "create_system_account", username, organisation=organisation, role=role, stdout=out
    )
    return out.getvalue().strip()


def _me(client: Client, plain: str) -> int:
    return client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {plain}").status_code


def _stored_anywhere(secret: str) -> list[str]:
    """Every text, JSON or binary column of every table that holds ``secret``."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, kinds):
                continue
            for value in model._default_manager.values_list(field.attname, flat=True):
                text = (
                    bytes(value).decode("latin-1")
                    if isinstance(value, bytes | memoryview)
                    else str(value)
                )
                if secret in text:
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def test_the_issued_token_works_is_stored_hashed_and_can_be_revoked(
    client: Client, make_organisation: Callable[..., Organisation]
) -> None:
    make_organisation(name="Politie Oost-Nederland")
    plain = _create("systeem.politie-oost", "Politie Oost-Nederland")

    # The token works on the API, as the system account of that organisation.
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {plain}")
    assert response.status_code == 200
    assert response.json()["username"] == "systeem.politie-oost"
    assert response.json()["organisation"] == "Politie Oost-Nederland"
    assert response.json()["role"] == "investigator"
    assert User.objects.get(username="systeem.politie-oost").is_system_account is True

    # Stored hashed: the row keeps the lookup prefix and the SHA-256 digest, and the
    # secret part of the token is in no column of any table.
    prefix, dot, secret = plain.partition(".")
    assert dot and len(secret) >= 32
    token = ApiToken.objects.get()
    assert token.prefix == prefix
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest() != plain
    assert token.expires_at is not None and token.revoked_at is None
    assert _stored_anywhere(secret) == []
    assert "accounts.ApiToken.prefix" in _stored_anywhere(prefix)  # the scan does find things

    # Revoked by its prefix: refused from the next request on, and logged.
    out = io.StringIO()
    call_command("revoke_api_token", prefix, stdout=out)
    assert out.getvalue().startswith(f"revoked {prefix}")
    assert ApiToken.objects.get().revoked_at is not None
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {plain}")
    assert response.status_code == 401
    assert response.json()["detail"] == "Onbekend, verlopen of ingetrokken token."
    revoked = ProcessingLogEntry.objects.get(
        object_type="accounts.apitoken", action=Action.UPDATE, object_id=str(token.pk)
    )
    assert revoked.details == {"revoked": True}
    # Revoking again changes nothing and logs nothing more.
    call_command("revoke_api_token", plain, stdout=io.StringIO())
    assert (
        ProcessingLogEntry.objects.filter(action=Action.UPDATE, object_id=str(token.pk)).count()
        == 1
    )


def test_revoking_one_token_leaves_the_accounts_other_token_working(
    client: Client, make_organisation: Callable[..., Organisation]
) -> None:
    make_organisation(name="Politie Oost-Nederland")
    first = _create("systeem.politie-oost", "Politie Oost-Nederland")
    second = _create("systeem.politie-oost", "Politie Oost-Nederland")  # account reused
    assert first != second
    assert User.objects.filter(username="systeem.politie-oost").count() == 1
    call_command("revoke_api_token", first, stdout=io.StringIO())  # the whole token works too
    assert (_me(client, first), _me(client, second)) == (401, 200)


def test_the_commands_refuse_unknown_organisations_persons_and_prefixes(
    make_organisation: Callable[..., Organisation],
    make_member: Callable[..., object],
) -> None:
    make_organisation(name="Politie Oost-Nederland")
    with pytest.raises(CommandError, match="does not exist"):
        _create("systeem.x", "Onbekende organisatie")
    make_member(username="j.jansen")
    with pytest.raises(CommandError, match="is a person's account"):
        _create("j.jansen", "Politie Oost-Nederland")
    with pytest.raises(CommandError, match="No API token with prefix"):
        call_command("revoke_api_token", "00000000", stdout=io.StringIO())
    assert not ApiToken.objects.exists()
