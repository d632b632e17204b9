"""Admin for reference data: view only.

The data files in ``data/`` are the single source; ``manage.py load_reference_data``
writes them. Editing rows here would be overwritten (or silently diverge from the files),
so the admin offers lists, search and filters but no add, change or delete.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Municipality,
    Nationality,
    PoliceUnit,
    Province,
    SafetyRegion,
    Sector,
    TraffickingMethod,
)

M = TypeVar("M", bound=Model)


class CurrentFilter(admin.SimpleListFilter):
    title = _("geldigheid")
    parameter_name = "geldig"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("ja", _("Geldig (geen einddatum)")), ("nee", _("Afgesloten"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "ja":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "nee":
            return queryset.filter(valid_to__isnull=False)
        return queryset


class ReferenceAdmin(admin.ModelAdmin[M]):
    """Read-only list and detail pages; changes go through the data files."""

    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PoliceUnit)
class PoliceUnitAdmin(ReferenceAdmin[PoliceUnit]):
    list_filter = (CurrentFilter, "data_version")
    list_display = ("code", "name", "valid_from", "valid_to", "data_version")
    search_fields = ("code", "name")


@admin.register(Province)
class ProvinceAdmin(ReferenceAdmin[Province]):
    list_filter = (CurrentFilter, "data_version")
    list_display = ("code", "name", "valid_from", "valid_to", "data_version")
    search_fields = ("code", "name")


@admin.register(SafetyRegion)
class SafetyRegionAdmin(ReferenceAdmin[SafetyRegion]):
    list_display = ("code", "name", "police_unit", "valid_from", "valid_to")
    list_filter = (CurrentFilter, "police_unit")
    list_select_related = ("police_unit",)
    search_fields = ("code", "name")


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceAdmin[Municipality]):
    list_display = (
        "code",
        "name",
        "safety_region",
        "police_unit",
        "province",
        "valid_from",
        "valid_to",
    )
    list_filter = (CurrentFilter, "police_unit", "province", "safety_region")
    list_select_related = ("safety_region", "police_unit", "province")
    search_fields = ("code", "name")


@admin.register(ExploitationForm)
class ExploitationFormAdmin(ReferenceAdmin[ExploitationForm]):
    list_filter = (CurrentFilter, "data_version")
    list_display = ("code", "name_nl", "name_en", "htcds_values", "valid_from", "valid_to")
    search_fields = ("code", "name_nl", "name_en")


@admin.register(Sector)
class SectorAdmin(ReferenceAdmin[Sector]):
    list_display = ("code", "name_nl", "name_en", "isic_section", "valid_from", "valid_to")
    list_filter = (CurrentFilter, "isic_section")
    search_fields = ("code", "name_nl", "name_en")


@admin.register(Nationality)
class NationalityAdmin(ReferenceAdmin[Nationality]):
    list_display = ("code", "alpha3", "name_nl", "name_en", "region_group", "valid_to")
    list_filter = (CurrentFilter, "region_group")
    search_fields = ("code", "alpha3", "name_nl", "name_en")


@admin.register(TraffickingMethod)
class TraffickingMethodAdmin(ReferenceAdmin[TraffickingMethod]):
    list_display = ("code", "kind", "name_nl", "name_en", "htcds_value", "valid_to")
    list_filter = (CurrentFilter, "kind")
    search_fields = ("code", "name_nl", "name_en", "htcds_value")


@admin.register(Indicator)
class IndicatorAdmin(ReferenceAdmin[Indicator]):
    list_display = ("code", "catalogue", "group_nl", "name_nl", "valid_to")
    list_filter = (CurrentFilter, "catalogue", "forms", "sectors")
    search_fields = ("code", "name_nl", "name_en", "citizen_question_nl", "source")
