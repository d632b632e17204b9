from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordStepForm(forms.Form):
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        max_length=256,  # hashing a megabyte-long password is work an attacker orders
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenStepForm(forms.Form):
    token = forms.RegexField(
        label=_("Code uit uw authenticator-app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": _("Vul de zescijferige code uit uw authenticator-app in.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Zes cijfers; de code verandert elke 30 seconden."),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class SwitchOrganisationForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)


class OrganisationContactForm(forms.Form):
    email = forms.EmailField(
        label=_("Algemeen e-mailadres"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Vul een geldig e-mailadres in.")},
    )
    phone = forms.CharField(label=_("Algemeen telefoonnummer"), required=False, max_length=30)
