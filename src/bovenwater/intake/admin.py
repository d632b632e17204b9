"""Routing rules are data: platform administrators edit them here."""

from __future__ import annotations

from django.contrib import admin

from bovenwater.intake.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = (
        "priority",
        "name",
        "target",
        "kind",
        "requires_victim",
        "requires_minor",
        "form",
        "makes_lead",
        "stop",
        "is_active",
    )
    list_editable = ("is_active",)
    list_display_links = ("name",)
    list_filter = ("is_active", "target")
    ordering = ("priority", "id")
