from django.urls import path

from bovenwater.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.signal_list_view, name="list"),
    path("nieuw/", views.signal_create_view, name="create"),
    path("nieuw/signalen-kiezen/", views.indicator_options_view, name="indicator_options"),
    path("<str:reference>/", views.signal_detail_view, name="detail"),
    path("<str:reference>/beoordelen/", views.signal_triage_view, name="triage"),
    path("<str:reference>/bijlagen/<int:attachment_id>/", views.attachment_view, name="attachment"),
]
