from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.linkage import views

app_name = "linkage"

urlpatterns: list[URLPattern] = [
    path("", views.index_view, name="index"),
    path("nieuw/", views.create_view, name="create"),
    path("<int:pk>/", views.project_view, name="project"),
    path("<int:pk>/lijst/", views.upload_people_view, name="upload_people"),
    path("<int:pk>/bestand/", views.upload_encoded_view, name="upload_encoded"),
    path("<int:pk>/sleutel/", views.key_view, name="key"),
    path("<int:pk>/koppelen/", views.run_start_view, name="run_start"),
    path("run/<int:pk>/", views.run_view, name="run"),
    path("run/<int:pk>/voortgang/", views.run_progress_view, name="run_progress"),
    path("run/<int:pk>/groepen/", views.run_groups_view, name="run_groups"),
    path("run/<int:pk>/schatting/", views.run_estimate_view, name="run_estimate"),
    path("vraag/", views.ask_view, name="ask"),
    path("vraag/<int:pk>/", views.query_view, name="query"),
    path("verzoek/<int:pk>/", views.reply_view, name="reply"),
    path("treffer/<int:pk>/verwijzen/", views.refer_view, name="refer"),
    path("privacy/", views.privacy_view, name="privacy"),
]
