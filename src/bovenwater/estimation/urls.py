from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.estimation import views

app_name = "estimation"

urlpatterns: list[URLPattern] = [
    path("", views.index_view, name="index"),
    path("starten/", views.start_view, name="start"),
    path("<int:pk>/", views.run_view, name="run"),
    path("<int:pk>/voortgang/", views.progress_view, name="progress"),
    path("<int:pk>/opnieuw/", views.retry_view, name="retry"),
]
