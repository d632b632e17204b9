"""Recipient pickers scale: grouped by region and kind, the sender's own organisation left
out, searchable; the case-meeting agenda is sorted and searchable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.forms import ModelChoiceField

from bovenwater.accounts.models import Organisation
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.cases.forms import ConsentForm, MeetingForm, ReferralForm
from bovenwater.cases.models import Case, Consent

pytestmark = pytest.mark.django_db


def test_recipients_are_grouped_by_region_and_kind_without_the_own_organisation(
    make_organisation: Callable[..., Organisation],
) -> None:
    own = make_organisation(
        name="Zorgcoördinatie Amstelland", kind=OrganisationKind.CARE_COORDINATION
    )
    police = make_organisation(name="Politie Amsterdam", kind=OrganisationKind.POLICE)
    rotterdam = make_organisation(
        name="Politie Rotterdam", kind=OrganisationKind.POLICE, municipality_code="GM0599"
    )
    for form in (
        ConsentForm(own=own.pk),
        ReferralForm(consents=Consent.objects.none(), own=own.pk),
    ):
        field = form["recipient"] if "recipient" in form.fields else form["to_organisation"]
        html = str(field)
        assert own.name not in html
        assert police.name in html and rotterdam.name in html
        assert 'data-picker="Zoek een organisatie op naam, regio of soort"' in html
        groups = [label for label, _options in field.field.widget.choices[1:]]
        assert groups == sorted(groups)
        assert any("Amsterdam" in g and "Politie" in g for g in groups)
        assert html.count("<optgroup") == len(groups)
        assert isinstance(field.field, ModelChoiceField)
        assert field.field.queryset is not None
        assert own not in field.field.queryset


def test_a_post_for_the_own_organisation_is_refused_by_the_form(
    make_organisation: Callable[..., Organisation],
) -> None:
    own = make_organisation(kind=OrganisationKind.CARE_COORDINATION)
    form = ReferralForm(
        {"to_organisation": str(own.pk), "shared_parts": ["summary"]},
        consents=Consent.objects.none(),
        own=own.pk,
    )
    assert not form.is_valid()
    assert "to_organisation" in form.errors


def test_the_agenda_is_sorted_and_searchable() -> None:
    form = MeetingForm(cases=Case.objects.all(), attendees=Organisation.objects.all())
    assert form.fields["agenda"].picker  # type: ignore[attr-defined]
    assert str(form.fields["agenda"].queryset.query).endswith('ORDER BY "cases_case"."number" ASC')  # type: ignore[attr-defined]
