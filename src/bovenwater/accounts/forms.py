from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.member_services import ASSIGNABLE_ROLES


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


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(role.label)) for role in ASSIGNABLE_ROLES]


REASON_HELP = _("Komt in het verwerkingslogboek; noem geen gegevens van cliënten.")


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "invalid": _("Vul een geldig e-mailadres in."),
            "required": _("Vul het e-mailadres in."),
        },
        help_text=_(
            "Heeft deze persoon al een account (bij een andere organisatie), dan krijgt dat account het lidmaatschap. Anders maakt Bovenwater een account en stuurt een uitnodiging."
        ),
    )
    first_name = forms.CharField(label=_("Voornaam"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Rol"), choices=_role_choices, error_messages={"required": _("Kies een rol.")}
    )
    reason = forms.CharField(
        label=_("Reden"), max_length=500, required=False, help_text=REASON_HELP
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Nieuwe rol"),
        choices=_role_choices,
        error_messages={"required": _("Kies een rol.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        max_length=500,
        help_text=REASON_HELP,
        error_messages={"required": _("Geef een reden op.")},
    )


class MemberEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=500,
        help_text=REASON_HELP,
        error_messages={"required": _("Geef een reden op.")},
    )


class InvitationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Nieuw wachtwoord"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        error_messages={"required": _("Kies een wachtwoord.")},
    )
    password2 = forms.CharField(
        label=_("Herhaal het wachtwoord"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Herhaal het wachtwoord.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("De wachtwoorden zijn niet gelijk."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
