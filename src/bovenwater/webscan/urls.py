from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.webscan import views

app_name = "webscan"

urlpatterns: list[URLPattern] = [
    path("", views.queue_view, name="queue"),
    path("bronnen/", views.sources_view, name="sources"),
    path("bronnen/nieuw/", views.source_create_view, name="source_create"),
    path("bronnen/<int:pk>/", views.source_view, name="source"),
    path("bronnen/<int:pk>/actief/", views.source_active_view, name="source_active"),
    path("bronnen/<int:pk>/scannen/", views.scan_start_view, name="scan_start"),
    path("scans/<int:pk>/", views.run_view, name="run"),
    path("scans/<int:pk>/voortgang/", views.progress_view, name="progress"),
    path("netwerken/<int:pk>/", views.network_view, name="network"),
    path("netwerken/<int:pk>/besluit/", views.decide_view, name="decide"),
    path("advertenties/<int:pk>/", views.ad_view, name="ad"),
]
