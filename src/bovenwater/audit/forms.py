from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bovenwater.audit.models import Action


class LogFilterForm(forms.Form):
    data_subject = forms.CharField(
        label=_("Betrokkene"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld user:12 of een casusnummer."),
    )
    object_type = forms.CharField(label=_("Soort object"), required=False, max_length=100)
    object_id = forms.CharField(label=_("Object-id"), required=False, max_length=100)
    actor = forms.CharField(label=_("Gebruiker"), required=False, max_length=150)
    organisation = forms.CharField(label=_("Organisatie"), required=False, max_length=200)
    action = forms.ChoiceField(
        label=_("Handeling"), required=False, choices=[("", _("Alle handelingen")), *Action.choices]
    )
    refused = forms.BooleanField(label=_("Alleen geweigerde pogingen"), required=False)
    date_from = forms.DateField(
        label=_("Vanaf datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-01-31.")},
    )
    date_to = forms.DateField(
        label=_("Tot en met datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-01-31.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("De einddatum ligt vóór de begindatum."))
        return cleaned
