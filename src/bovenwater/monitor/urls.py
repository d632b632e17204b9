from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.monitor import views

app_name = "monitor"

urlpatterns: list[URLPattern] = [
    path("", views.dashboard_view, name="dashboard"),
    path("csv/trend.csv", views.trend_csv_view, name="trend_csv"),
    path("csv/<slug:stat>.csv", views.table_csv_view, name="table_csv"),
    path("kaart/gemeenten.topojson", views.geo_view, name="geo"),
    path("open-data/", views.open_data_view, name="open_data"),
    path(
        "open-data/<int:release_id>/<slug:stat>.csv",
        views.open_data_csv_view,
        name="open_data_csv",
    ),
]
