from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.kompas.views import assessment, cards, handbook, notes, socialmap, training

app_name = "kompas"

urlpatterns: list[URLPattern] = [
    path("", handbook.home_view, name="home"),
    path("hoofdstuk/<slug:slug>/", handbook.chapter_view, name="chapter"),
    path("hoofdstuk/<slug:slug>/pdf/", handbook.chapter_pdf_view, name="chapter_pdf"),
    path("zoeken/", handbook.search_view, name="search"),
    path("kaarten/", cards.cards_view, name="cards"),
    path("kaarten/<slug:key>/", cards.card_view, name="card"),
    path("kaarten/<slug:key>/pdf/", cards.card_pdf_view, name="card_pdf"),
    path("sociale-kaart/", socialmap.social_map_view, name="social_map"),
    path("sociale-kaart/pdf/", socialmap.social_map_pdf_view, name="social_map_pdf"),
    path("sociale-kaart/nieuw/", socialmap.help_entry_edit_view, name="help_entry_new"),
    path("sociale-kaart/import/", socialmap.help_import_view, name="help_import"),
    path("sociale-kaart/<int:pk>/", socialmap.help_entry_view, name="help_entry"),
    path(
        "sociale-kaart/<int:pk>/bewerken/",
        socialmap.help_entry_edit_view,
        name="help_entry_edit",
    ),
    path("training/", training.training_view, name="training"),
    path("training/team/", training.team_view, name="team"),
    path("training/team/<str:code>/intrekken/", training.revoke_view, name="revoke"),
    path("training/<slug:slug>/", training.path_view, name="path"),
    path("training/<slug:slug>/toets/<slug:module>/", training.quiz_view, name="quiz"),
    path("training/<slug:slug>/eindtoets/", training.quiz_view, name="final"),
    path("training/<slug:slug>/certificaat/", training.certificate_view, name="certificate"),
    path("verificatie/", training.verify_view, name="verify"),
    path("verificatie/<str:code>/", training.verify_view, name="verify_code"),
    path("casus/<slug:slug>/", training.scenario_view, name="scenario"),
    path("notities/", notes.notes_view, name="notes"),
    path("notities/export/", notes.notes_export_view, name="notes_export"),
    path("notities/<int:pk>/", notes.note_edit_view, name="note_edit"),
    path("gedeeld/", notes.shared_view, name="shared"),
    path("gedeeld/<int:pk>/open/", notes.share_open_view, name="share_open"),
    path("zelfevaluatie/", assessment.assessment_view, name="assessment"),
    path("zelfevaluatie/pdf/", assessment.assessment_pdf_view, name="assessment_pdf"),
    path(
        "zelfevaluatie/actie/<int:pk>/status/",
        assessment.action_status_view,
        name="action_status",
    ),
    path("zelfevaluatie/regio/", assessment.region_view, name="region"),
]
