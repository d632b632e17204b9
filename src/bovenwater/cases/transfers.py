"""The transfer (overdracht) of a case to another region's care coordination.

Part of the models of ``cases`` (imported by ``cases.models``). The owning care
coordination proposes a transfer with a reason and a basis (the victim's consent or a
legal basis); a care coordinator of the receiving organisation accepts or declines it
(declining needs a reason), or the proposer withdraws it. On acceptance the case's owner
becomes the receiving organisation (``services.transfer_respond``). The states and who
may move them are the declared table ``cases.workflow.TRANSFER_WORKFLOW``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bovenwater.accounts.models import Organisation, User


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    ACCEPTED = "accepted", _("Geaccepteerd")
    DECLINED = "declined", _("Afgewezen")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class Transfer(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("van")
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        verbose_name=_("naar zorgcoördinatie"),
    )
    reason = models.TextField(_("reden"))
    consent = models.ForeignKey(  # RESTRICT: goes only with its case (retention)
        "cases.Consent",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("toestemming"),
    )
    legal_basis = models.CharField(_("wettelijke grondslag"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reason = models.TextField(_("reden van het antwoord"), blank=True)

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["to_organisation", "status"], name="transfer_to_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="proposed"),
                name="transfer_one_open_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_organisation_id} → {self.to_organisation_id}"
