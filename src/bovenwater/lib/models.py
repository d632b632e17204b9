"""The kernel's one table: which object a repeated create returns (see ``idempotency``)."""

from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """The object a create made under a client's key: an API ``Idempotency-Key`` or a web
    form's one-time token. Ids, not foreign keys: the kernel knows no app's models."""

    scope = models.CharField(max_length=60)  # "<app>.<what>", e.g. "cases.placement"
    key = models.CharField(max_length=200)
    user_id = models.BigIntegerField(default=0)  # 0: an anonymous caller
    organisation_id = models.BigIntegerField(default=0)  # 0: no organisation
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "user_id", "organisation_id"],
                name="unique_idempotency_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
