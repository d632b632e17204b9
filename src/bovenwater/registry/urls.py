from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.registry import views

app_name = "registry"

urlpatterns: list[URLPattern] = [
    path("", views.registration_list_view, name="list"),
    path("import/", views.import_view, name="import"),
    path("import/fouten/<str:token>.csv", views.import_report_view, name="import_report"),
    path("htcds/", views.htcds_export_view, name="htcds_export"),
]
