"""One helper turns a service's refusal into what a web view answers (lib.refusals)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from bovenwater.lib.refusals import attempt, put_on_form, refusal_text
from bovenwater.lib.workflow import TransitionNotAllowed


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _raise(error: Exception) -> None:
    raise error


class _Form(forms.Form):
    reason = forms.CharField(required=False)


def test_a_refusal_becomes_an_error_message_and_nothing_is_said_to_have_worked() -> None:
    request = _request()
    refused = ValidationError(["De datum ligt in de toekomst.", "Geef een reden op."])
    assert attempt(request, lambda: _raise(refused), success="Gelukt.") is False
    assert _said(request) == [("error", "De datum ligt in de toekomst. Geef een reden op.")]

    request = _request()
    step = TransitionNotAllowed("Van Nieuw naar Gesloten kan niet.")
    assert attempt(request, lambda: _raise(step), success="Gelukt.") is False
    assert _said(request) == [("error", "Van Nieuw naar Gesloten kan niet.")]


def test_success_is_said_once_the_service_has_run() -> None:
    request = _request()
    ran: list[int] = []
    assert attempt(request, lambda: ran.append(1), success="Gelukt.") is True
    assert ran == [1]
    assert _said(request) == [("success", "Gelukt.")]


def test_permission_denied_is_a_message_only_when_the_view_names_one() -> None:
    request = _request()
    assert attempt(request, lambda: _raise(PermissionDenied()), denied="Dat mag u niet.") is False
    assert _said(request) == [("error", "Dat mag u niet.")]
    with pytest.raises(PermissionDenied):
        attempt(_request(), lambda: _raise(PermissionDenied()))


def test_a_refusal_goes_next_to_the_field_it_names_and_keeps_the_input() -> None:
    form = _Form({"reason": "mijn invoer"})
    assert form.is_valid()
    put_on_form(form, ValidationError({"reason": "Te kort.", "elsewhere": "Niet hier."}))
    assert form.errors["reason"] == ["Te kort."]
    assert form.non_field_errors() == ["Niet hier."]
    assert form["reason"].value() == "mijn invoer"

    form = _Form({"reason": ""})
    assert form.is_valid()
    put_on_form(form, TransitionNotAllowed("Kan niet."))
    assert form.non_field_errors() == ["Kan niet."]
    assert refusal_text(ValidationError("Een.")) == "Een."
