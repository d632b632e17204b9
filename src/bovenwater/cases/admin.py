"""Shelters and their categories in the platform administrator's admin (``/beheer/``).

Which categories a shelter offers is nationwide configuration; the number of places
per category is also kept by the shelter organisation's own beheerder.
"""

from __future__ import annotations

from django.contrib import admin

from bovenwater.cases.models import Shelter, ShelterCapacity


class ShelterCapacityInline(admin.TabularInline[ShelterCapacity, Shelter]):
    model = ShelterCapacity
    extra = 0


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin[Shelter]):
    list_display = ("name", "organisation", "region", "municipality")
    list_select_related = ("organisation", "region", "municipality")
    search_fields = ("name",)
    inlines = (ShelterCapacityInline,)
