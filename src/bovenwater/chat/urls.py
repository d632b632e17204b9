from django.urls import path

from bovenwater.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.youth, name="youth"),
    path("weg/", views.neutral, name="neutral"),
    path("bericht/", views.leave_message, name="leave_message"),
    path("ophalen/", views.pickup, name="pickup"),
    path("api/controle/", views.challenge, name="challenge"),
    path("api/start/", views.start, name="start"),
    path("api/verstuur/", views.send, name="send"),
    path("api/wacht/", views.poll, name="poll"),
    path("api/einde/", views.end, name="end"),
    path("api/toestemming/", views.consent, name="consent"),
    path("api/vragenlijst/", views.survey, name="survey"),
    path("hulp/", views.console, name="console"),
    path("hulp/paneel/", views.console_panel, name="panel"),
    path("hulp/live/", views.live, name="live"),
    path("hulp/status/", views.presence, name="presence"),
    path("hulp/volgende/", views.pull, name="pull"),
    path("hulp/overzicht/", views.board, name="board"),
    path("hulp/standaardantwoorden/", views.canned_list, name="canned"),
    path("hulp/standaardantwoorden/<int:pk>/", views.canned_edit, name="canned_edit"),
    path(
        "hulp/standaardantwoorden/<int:pk>/verwijderen/", views.canned_delete, name="canned_delete"
    ),
    path("hulp/gesprek/<int:pk>/", views.conversation, name="conversation"),
    path("hulp/gesprek/<int:pk>/notitie/", views.note, name="note"),
    path("hulp/gesprek/<int:pk>/indeling/", views.classify, name="classify"),
    path("hulp/gesprek/<int:pk>/overdragen/", views.transfer, name="transfer"),
    path("hulp/gesprek/<int:pk>/meelezen/", views.observe, name="observe"),
    path("hulp/gesprek/<int:pk>/markeren/", views.flag, name="flag"),
    path("hulp/gesprek/<int:pk>/beeindigen/", views.end_by_helper, name="end_by_helper"),
    path("hulp/gesprek/<int:pk>/blokkeren/", views.block, name="block"),
    path("hulp/gesprek/<int:pk>/overdracht-zorg/", views.handoff, name="handoff"),
    path("hulp/overdracht/<int:pk>/accepteren/", views.transfer_accept, name="transfer_accept"),
    path("hulp/berichten/<int:pk>/", views.pickup_answer, name="pickup_answer"),
    path("overdrachten/", views.handoffs, name="handoffs"),
    path("overdrachten/<int:pk>/meedoen/", views.handoff_join, name="handoff_join"),
    path("overdrachten/<int:pk>/casus/", views.handoff_case, name="handoff_case"),
]
