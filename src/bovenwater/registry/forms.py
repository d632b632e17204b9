"""Forms of the registry pages: input validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    PLAIN = "plain"
    HTCDS = "htcds"

    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("CSV (UTF-8, komma of puntkomma) of XLSX, met een kopregel; hoogstens 10 MB."),
        widget=forms.ClearableFileInput(attrs={"class": "utrecht-textbox", "accept": ".csv,.xlsx"}),
    )
    format = forms.ChoiceField(
        label=_("Formaat"),
        choices=[(PLAIN, _("Bovenwater-importformaat")), (HTCDS, _("HTCDS-uitwisselformaat"))],
        initial=PLAIN,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )

    def __init__(self, *args: object, allow_htcds: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not allow_htcds:
            field = self.fields["format"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(self.PLAIN, _("Bovenwater-importformaat"))]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Kies een CSV- of XLSX-bestand."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 10 MB."))
        return upload
