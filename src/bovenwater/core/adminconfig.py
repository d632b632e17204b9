"""The Django admin app with Bovenwater's admin site (``core.admin_site``) as its site."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext


def _boolean_icon(value: bool | None) -> SafeString:
    """Django's yes/no/unknown icon in admin lists, with its alt text in the interface
    language: Django writes ``alt="True"`` in every language."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: gettext("ja"), False: gettext("nee"), None: gettext("onbekend")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


class PlatformAdminConfig(AdminConfig):
    default_site = "bovenwater.core.admin_site.PlatformAdminSite"

    def ready(self) -> None:
        super().ready()
        # ``admin.utils.display_for_field`` looks the function up at call time.
        admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]
