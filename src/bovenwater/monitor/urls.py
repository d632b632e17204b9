from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.monitor import views

app_name = "monitor"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard_view, name="dashboard"),
    path("csv/trend.csv", views.trend_csv_view, name="trend_csv"),
    path("csv/<slug:stat>.csv", views.table_csv_view, name="table_csv"),
    path("kaart/gemeenten.topojson", views.geo_view, name="geo"),
]
