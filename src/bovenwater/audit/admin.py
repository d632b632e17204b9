from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bovenwater.audit.models import ProcessingLogEntry


@admin.register(ProcessingLogEntry)
class ProcessingLogEntryAdmin(admin.ModelAdmin[ProcessingLogEntry]):
    """Read-only: the log is append-only, also in the admin."""

    list_display = (
        "id",
        "occurred_at",
        "actor_username",
        "organisation_name",
        "action",
        "object_type",
        "object_id",
    )
    list_filter = ("action", "purpose")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
