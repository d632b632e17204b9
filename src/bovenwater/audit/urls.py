from django.urls import path

from bovenwater.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log_view, name="log"),
    path("export.csv", views.log_export_view, name="export"),
    path("keten/", views.chain_check_view, name="chain_check"),
    path("keten/status/", views.chain_check_status_view, name="chain_check_status"),
]
