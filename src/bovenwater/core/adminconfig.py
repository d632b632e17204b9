"""The Django admin app with Bovenwater's admin site (``core.admin_site``) as its site."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "bovenwater.core.admin_site.PlatformAdminSite"
