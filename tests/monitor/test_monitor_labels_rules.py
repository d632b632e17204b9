"""The names the monitor shows for the values of each breakdown (issue #20, `make
mutation` group monitor-scope): every statistic gets its own list of names, and a
statistic without one gets only "Onbekend" and "Totaal"."""

from __future__ import annotations

import pytest
from django.utils import translation

from bovenwater.chat.choices import AgeBand, Topic
from bovenwater.monitor.models import UNKNOWN
from bovenwater.monitor.selectors import _value_labels, value_labels
from bovenwater.reference.models import (
    ExploitationForm,
    Municipality,
    Nationality,
    PoliceUnit,
    TraffickingMethod,
)
from bovenwater.registry.choices import Gender, MelderType

pytestmark = pytest.mark.django_db

BASE = {UNKNOWN: "Onbekend", "": "Totaal"}


def _expected() -> dict[str, dict[str, str]]:
    forms = {f.code: f.name for f in ExploitationForm.objects.all()}
    units = {p.code: p.name for p in PoliceUnit.objects.all()}
    return {
        "form": {**BASE, **forms},
        "melder": {**BASE, **{str(v): str(label) for v, label in MelderType.choices}},
        "minor": {**BASE, "minor": "Minderjarig", "adult": "Meerderjarig", "unknown": "Onbekend"},
        "gender": {**BASE, **{str(v): str(label) for v, label in Gender.choices}},
        "nationality_group": {
            **BASE,
            "dutch": "Nederlands",
            "non_dutch": "Niet-Nederlands",
            "unknown": "Onbekend",
        },
        "nationality": {**BASE, **{n.code: n.name for n in Nationality.objects.all()}},
        "method": {**BASE, **{m.code: m.name for m in TraffickingMethod.objects.all()}},
        "municipality": {**BASE, **{m.code: m.name for m in Municipality.objects.all()}},
        "police_unit": {**BASE, **units},
        "chat_region": {**BASE, **units},
        "chat_form": {**BASE, **forms},
        "chat_topic": {**BASE, **{str(v): str(label) for v, label in Topic.choices if v}},
        "chat_age_band": {
            **BASE,
            **{str(v): str(label) for v, label in AgeBand.choices if v},
            UNKNOWN: "Niet opgegeven",
        },
        "chat_handoff": {**BASE, "yes": "Ja", "no": "Nee"},
        # statistics without names of their own, before, between and after the others
        "age": BASE,
        "chat_aaa": BASE,
        "chat_zzz": BASE,
        "total": BASE,
        "zzz": BASE,
    }


def test_every_breakdown_has_its_own_names() -> None:
    """Names compared by value: the statistic's name is built here (as from a request),
    not the interned literal of the code."""
    _value_labels.cache_clear()
    with translation.override("nl"):
        expected = _expected()
        assert len(expected["form"]) > 3 and len(expected["municipality"]) > 300
        for stat, names in expected.items():
            built = "".join(list(stat))
            assert built == stat and (built is not stat or len(stat) < 2)
            assert value_labels(built) == names, stat


def test_the_names_are_those_of_the_page_s_language() -> None:
    with translation.override("en"):
        assert value_labels("minor")["minor"] == "Minor"
        assert value_labels("chat_handoff") == {
            UNKNOWN: "Unknown",
            "": "Total",
            "yes": "Yes",
            "no": "No",
        }
    with translation.override("nl"):
        assert value_labels("minor")["minor"] == "Minderjarig"
