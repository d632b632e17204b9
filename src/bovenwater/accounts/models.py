"""Organisations, users and memberships (user x organisation x role).

Writes go through ``accounts.services``; reads of personal data (names, e-mail
addresses of members) through ``accounts.selectors``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.reference.models import Municipality


class Organisation(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=40, choices=OrganisationKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("gemeente (vestiging)"),
        help_text=_("Bepaalt de veiligheidsregio en politie-eenheid van de organisatie."),
    )
    service_area = models.ManyToManyField(
        Municipality,
        related_name="served_by",
        blank=True,
        verbose_name=_("werkgebied"),
        help_text=_(
            "Gemeenten waarvoor deze organisatie werkt; leeg betekent alleen de eigen gemeente."
        ),
    )
    email = models.EmailField(_("algemeen e-mailadres"), blank=True)
    phone = models.CharField(_("algemeen telefoonnummer"), max_length=30, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def police_unit_id(self) -> int:
        return self.municipality.police_unit_id

    @property
    def safety_region_id(self) -> int:
        return self.municipality.safety_region_id


class User(AbstractUser):
    """A person (or a system account) that signs in to Bovenwater."""

    is_system_account = models.BooleanField(
        _("systeemaccount"),
        default=False,
        help_text=_(
            "Koppeling van een organisatie via de API, met een token in plaats van een wachtwoord."
        ),
    )
    oidc_subject = models.CharField(
        _("kenmerk bij de identiteitsprovider"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Het vaste kenmerk (sub) van dit account bij single sign-on."),
    )
    preferred_language = models.CharField(
        _("voorkeurstaal"),
        max_length=5,
        choices=[("nl", "Nederlands"), ("en", "English")],
        default="nl",
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisatie"),
    )
    role = models.CharField(_("rol"), max_length=40, choices=Role.choices)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.username} — {self.get_role_display()} — {self.organisation.name}"


class ApiToken(models.Model):
    """A hashed API token of a system account; the plain token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    label = models.CharField(_("omschrijving"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.label})"
