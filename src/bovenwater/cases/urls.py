from __future__ import annotations

from django.urls import URLPattern, path

from bovenwater.cases import views
from bovenwater.cases.views.shelter_capacity import shelter_capacity_view

app_name = "cases"

urlpatterns: list[URLPattern] = [
    path("", views.case_list, name="list"),
    path("werkvoorraad/", views.work_queue, name="work_queue"),
    path("nieuw/", views.case_create, name="create"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/status/", views.case_transition, name="transition"),
    path("<int:case_id>/oppakken/", views.case_take_view, name="take"),
    path("<int:case_id>/toewijzen/", views.case_assign_view, name="assign"),
    path("<int:case_id>/gegevens/", views.case_edit_view, name="edit"),
    path("<int:case_id>/persoon/", views.victim_edit_view, name="victim_edit"),
    path("<int:case_id>/notitie/", views.case_note, name="note"),
    path("<int:case_id>/b8/", views.case_b8, name="b8"),
    path("<int:case_id>/toestemming/", views.consent_create, name="consent_create"),
    path("<int:case_id>/verwijzing/", views.referral_create, name="referral_create"),
    path("<int:case_id>/plaatsing/", views.placement_request_create, name="placement_request"),
    path("<int:case_id>/taak/", views.task_create, name="task_create"),
    path("<int:case_id>/registratie/", views.case_register, name="register"),
    path("<int:case_id>/overdragen/", views.transfer_create, name="transfer_create"),
    path("overdrachten/<int:transfer_id>/", views.transfer_detail, name="transfer"),
    path(
        "toestemming/<int:consent_id>/intrekken/", views.consent_withdraw, name="consent_withdraw"
    ),
    path("taken/<int:task_id>/afgerond/", views.task_complete, name="task_complete"),
    path(
        "plaatsingen/<int:placement_id>/vertrek/", views.placement_depart, name="placement_depart"
    ),
    path("verwijzingen/", views.referral_list, name="referrals"),
    path("verwijzingen/<int:referral_id>/", views.referral_detail, name="referral"),
    path(
        "verwijzingen/<int:referral_id>/intrekken/",
        views.referral_withdraw,
        name="referral_withdraw",
    ),
    path("opvang/", views.capacity_board, name="capacity"),
    path("opvang/capaciteit/", shelter_capacity_view, name="shelter_capacity"),
    path("opvang/verzoek/<int:request_id>/plaatsen/", views.placement_create, name="place"),
    path("noodtoegang/", views.emergency_access, name="emergency_access"),
    path("noodtoegang/overzicht/", views.emergency_access_log, name="emergency_log"),
    path("overleg/", views.meeting_list, name="meetings"),
    path("overleg/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("maatregelen/", views.measure_list, name="measures"),
    path("maatregelen/<int:measure_id>/", views.measure_detail, name="measure"),
]
