"""Organisations in the platform administrator's admin (``/beheer/``)."""

from __future__ import annotations

from django.contrib import admin

from bovenwater.accounts.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "kind", "municipality", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("municipality",)
    search_fields = ("name",)
    filter_horizontal = ("service_area",)
    autocomplete_fields = ("municipality",)
