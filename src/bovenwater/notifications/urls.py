from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("", views.list_view, name="list"),
    path("gelezen/", views.mark_read_view, name="mark_read"),
    path("voorkeur/", views.preference_view, name="preference"),
    path("demo-postvak/", views.demo_mailbox_view, name="demo_mailbox"),
]
