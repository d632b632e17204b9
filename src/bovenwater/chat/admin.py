"""The chat's set-up is data: platform administrators edit teams, opening hours,
holidays, helpers and canned responses here. Conversations are not in the admin."""

from __future__ import annotations

from django.contrib import admin

from bovenwater.chat.models import CannedResponse, Helper, Holiday, OpeningHours, Team


class OpeningHoursInline(admin.TabularInline[OpeningHours, Team]):
    model = OpeningHours
    extra = 0


class HolidayInline(admin.TabularInline[Holiday, Team]):
    model = Holiday
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "organisation", "is_public", "max_queue")
    inlines = (OpeningHoursInline, HolidayInline)


@admin.register(Helper)
class HelperAdmin(admin.ModelAdmin[Helper]):
    list_display = ("display_name", "team", "presence", "capacity", "is_supervisor")
    list_filter = ("team", "is_supervisor")
    raw_id_fields = ("membership",)


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin[CannedResponse]):
    list_display = ("title", "organisation", "link")
    list_filter = ("organisation",)
