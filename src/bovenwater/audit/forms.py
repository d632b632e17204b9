from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.models import Action


class LogFilterForm(forms.Form):
    """Filters in the privacy officer's words: people by name, kinds of records by name."""

    data_subject = forms.CharField(
        label=_("Betrokkene"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld een casusnummer of signaalnummer."),
    )
    object_type = forms.ChoiceField(label=_("Soort gegevens"), required=False, choices=())
    object_id = forms.CharField(
        label=_("Nummer van het gegeven"),
        required=False,
        max_length=100,
        help_text=_("Het nummer uit de kolom Gegevens, als u één gegeven zoekt."),
    )
    actor = forms.ChoiceField(
        label=_("Medewerker"),
        required=False,
        choices=(),
        widget=forms.Select(
            attrs={
                "data-picker": _("Zoek een medewerker op naam"),
                "data-picker-count": _("{n} medewerkers gevonden"),
            }
        ),
    )
    organisation = forms.CharField(label=_("Organisatie"), required=False, max_length=200)
    action = forms.ChoiceField(
        label=_("Handeling"), required=False, choices=[("", _("Alle handelingen")), *Action.choices]
    )
    refused = forms.BooleanField(label=_("Alleen geweigerde pogingen"), required=False)
    date_from = forms.DateField(
        label=_("Vanaf datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )
    date_to = forms.DateField(
        label=_("Tot en met datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        object_types: list[tuple[str, str]] = (),  # type: ignore[assignment]
        members: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ) -> None:
        super().__init__(data)
        self.fields["object_type"].choices = [("", _("Alle soorten")), *object_types]  # type: ignore[attr-defined]
        self.fields["actor"].choices = [("", _("Iedereen")), *members]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return cleaned
