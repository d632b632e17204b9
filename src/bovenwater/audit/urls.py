from django.urls import path

from bovenwater.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log_view, name="log"),
    path("export.csv", views.log_export_view, name="export"),
]
