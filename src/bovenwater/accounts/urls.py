from django.urls import path

from bovenwater.accounts import views

app_name = "accounts"

urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("inloggen/code/", views.verify_view, name="verify"),
    path("inloggen/koppelen/", views.enrol_view, name="enrol"),
    path("inloggen/sso/", views.sso_start_view, name="sso_start"),
    path("inloggen/sso/terug/", views.sso_callback_view, name="sso_callback"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("organisatie-wisselen/", views.switch_organisation_view, name="switch"),
    path("geen-organisatie/", views.no_membership_view, name="no_membership"),
    path("leden/", views.members_view, name="members"),
    path("leden/nieuw/", views.member_add_view, name="member_add"),
    path("leden/<int:membership_id>/", views.member_detail_view, name="member"),
    path("uitnodiging/<uidb64>/<token>/", views.invitation_view, name="invitation"),
    path("organisatie/", views.organisation_view, name="organisation"),
]
