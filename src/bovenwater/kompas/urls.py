from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.kompas import views

app_name = "kompas"

urlpatterns: list[URLPattern] = [
    path("", views.home_view, name="home"),
    path("hoofdstuk/<slug:slug>/", views.chapter_view, name="chapter"),
    path("hoofdstuk/<slug:slug>/pdf/", views.chapter_pdf_view, name="chapter_pdf"),
    path("zoeken/", views.search_view, name="search"),
    path("kaarten/", views.cards_view, name="cards"),
    path("kaarten/<slug:key>/", views.card_view, name="card"),
    path("kaarten/<slug:key>/pdf/", views.card_pdf_view, name="card_pdf"),
    path("sociale-kaart/", views.social_map_view, name="social_map"),
    path("sociale-kaart/pdf/", views.social_map_pdf_view, name="social_map_pdf"),
    path("training/", views.training_view, name="training"),
    path("training/certificaat/", views.certificate_view, name="certificate"),
    path("casus/<slug:slug>/", views.scenario_view, name="scenario"),
    path("notities/", views.notes_view, name="notes"),
    path("notities/export/", views.notes_export_view, name="notes_export"),
    path("notities/<int:pk>/", views.note_edit_view, name="note_edit"),
    path("gedeeld/", views.shared_view, name="shared"),
    path("gedeeld/<int:pk>/open/", views.share_open_view, name="share_open"),
    path("zelfevaluatie/", views.assessment_view, name="assessment"),
    path("zelfevaluatie/pdf/", views.assessment_pdf_view, name="assessment_pdf"),
    path("zelfevaluatie/actie/<int:pk>/status/", views.action_status_view, name="action_status"),
    path("zelfevaluatie/regio/", views.region_view, name="region"),
]
