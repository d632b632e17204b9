"""The public report asks each thing once, in plain words, and still records every
indicator the catalogues hold for citizens."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from bovenwater.intake import questions
from bovenwater.intake.models import PublicReportDetails, Signal
from bovenwater.reference.models import Indicator, Municipality

pytestmark = pytest.mark.django_db


def _normalised(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.lower())


def test_every_citizen_indicator_is_asked_exactly_once() -> None:
    asked = [code for q in questions.every_question() for code in q.indicators]
    assert len(asked) == len(set(asked)), "an indicator is asked by two questions"
    citizen = set(
        Indicator.objects.current().exclude(citizen_question_nl="").values_list("code", flat=True)
    )
    assert set(asked) == citizen


def test_no_question_is_asked_twice_and_each_has_english() -> None:
    every = questions.every_question()
    keys = [q.key for q in every]
    assert len(keys) == len(set(keys))
    texts = [_normalised(q.nl) for q in every]
    assert len(texts) == len(set(texts))
    assert all(q.en and q.en != q.nl for q in every)
    assert len(every) <= 30  # the old list asked 47 questions, several twice


def test_ticked_questions_record_their_indicators_and_the_category(client: Client) -> None:
    response = client.post(
        reverse("report:new"),
        {
            "category": "werk",
            "signs": ["slaapt-op-het-werk", "paspoort"],
            "description": "Mannen slapen in de loods van het tuinbouwbedrijf.",
            "municipality": str(Municipality.objects.get(code="GM0363").pk),
            "minor": "no",
            "form_token": "vragen-1",
        },
    )
    assert response.status_code == 200
    details = PublicReportDetails.objects.get(signal=Signal.objects.get())
    assert details.answers["category"] == "werk"
    for code in (
        "B8-1A-SLEEPS-AT-WORK",
        "GEN-LIVES-ON-PREMISES",
        "B8-2B-NO-ACCESS-TO-ID",
        "GEN-NO-OWN-PASSPORT",
        "ILO-07",
    ):
        assert details.answers[code] == "yes"


def test_an_error_keeps_the_category_and_the_ticked_questions(client: Client) -> None:
    response = client.post(
        reverse("report:new"),
        {
            "category": "seks",
            "signs": ["telefoon"],
            "municipality": str(Municipality.objects.get(code="GM0363").pk),
            "minor": "unknown",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="seks" checked' in body
    assert 'value="telefoon" checked' in body
    assert "Beschrijf wat u heeft gezien of gehoord." in body
