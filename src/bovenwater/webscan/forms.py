"""Forms of the webscan pages: input validation only (the rules live in services)."""

from __future__ import annotations

from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from bovenwater.webscan.models import DecisionKind, SourceKind

SELECT = {"class": "utrecht-select utrecht-select--html-select"}
TEXT = {"class": "utrecht-textbox utrecht-textbox--html-input"}
AREA = {"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 3}
DATE = {"class": "utrecht-textbox utrecht-textbox--html-input", "type": "date"}


class SourceForm(forms.Form):
    name = forms.CharField(
        label=_("Naam van de bron"), max_length=200, widget=forms.TextInput(TEXT)
    )
    kind = forms.ChoiceField(
        label=_("Soort bron"), choices=SourceKind.choices, widget=forms.Select(attrs=SELECT)
    )
    base_url = forms.URLField(
        label=_("Adres van de website (alleen bij een crawler)"),
        required=False,
        max_length=200,
        widget=forms.URLInput(TEXT),
        assume_scheme="https",
    )
    purpose = forms.CharField(
        label=_("Doel"),
        required=False,
        widget=forms.Textarea(AREA),
        help_text=_("Waarvoor worden deze advertenties verwerkt?"),
    )
    legal_basis = forms.CharField(
        label=_("Grondslag"),
        required=False,
        widget=forms.Textarea(AREA),
        help_text=_("Bijvoorbeeld een artikel uit de Wet politiegegevens."),
    )
    authoriser_name = forms.CharField(
        label=_("Naam opdrachtgever"), required=False, max_length=200, widget=forms.TextInput(TEXT)
    )
    authoriser_function = forms.CharField(
        label=_("Functie opdrachtgever"),
        required=False,
        max_length=200,
        widget=forms.TextInput(TEXT),
    )
    authorised_on = forms.DateField(
        label=_("Datum toestemming"), required=False, widget=forms.DateInput(DATE)
    )
    valid_until = forms.DateField(
        label=_("Geldig tot en met"), required=False, widget=forms.DateInput(DATE)
    )
    retention_days = forms.IntegerField(
        label=_("Bewaartermijn advertentieteksten (dagen)"),
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(TEXT),
    )


class ScanForm(forms.Form):
    upload = forms.FileField(
        label=_("Bestand met advertenties (JSONL of CSV)"),
        required=False,
        help_text=mark_safe(  # noqa: S308 - a constant text; field names as code
            _(
                "Per regel (JSONL) of rij (CSV) minstens de velden <code>id</code>, "
                "<code>title</code> en <code>body</code>; optioneel <code>city</code>, "
                "<code>posted_at</code> en <code>url</code>. Afbeeldingen worden niet "
                "opgeslagen."
            )
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "utrecht-textbox", "accept": ".jsonl,.json,.ndjson,.csv"}
        ),
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Besluit"), choices=DecisionKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(AREA),
        help_text=_("Verplicht bij afwijzen."),
    )
