"""The anonymous public report, without login, at /melden/."""

from django.urls import path

from bovenwater.intake import views

app_name = "report"

urlpatterns = [
    path("", views.public_report_view, name="new"),
    path("aanvullen/", views.public_addition_view, name="add"),
]
