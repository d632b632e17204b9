"""The sociale kaart: need in everyday words, import all-or-nothing, demo entries, RIEC."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bovenwater.accounts.actor import Actor
from bovenwater.accounts.models import Membership, Organisation
from bovenwater.accounts.roles import OrganisationKind, Role
from bovenwater.audit.models import ProcessingLogEntry
from bovenwater.kompas import demo, socialmap, socialmap_services
from bovenwater.kompas.models import HelpEntry

pytestmark = pytest.mark.django_db
HEADER = "naam;soort;gemeente;diensten;doelgroepen;talen;adres;telefoon;email;website;openingstijden;dag_en_nacht;doorverwijzen"
GOOD = "Opvang Oefenhuis;opvang;Enschede;Opvang voor jongeren;minderjarigen;Nederlands;Straat 1;053 - 700 00 01;info@oefen.example;https://oefen.example;ma–vr 9–17;ja;Via de zorgcoördinator"
BAD = "Kapotte regel;vliegtuig;Maastricht;Iets;marsmannetjes;Nederlands;;;geen-mail;;;misschien;Bellen"


@pytest.fixture
def beheerder(
    make_member: Callable[..., Membership], make_organisation: Callable[..., Organisation]
) -> Membership:
    return make_member(
        role=Role.ADMINISTRATOR,
        organisation=make_organisation(name="Gemeente Zwolle", municipality_code="GM0193"),
    )


def test_a_need_in_everyday_words_finds_a_shelter_for_minors_in_twente(settings: Any) -> None:
    demo._seed_social_map()
    need = socialmap.understand("Ik zoek opvang voor een minderjarige in Twente")
    assert (need.category, need.group) == ("opvang", "minderjarigen")
    assert need.place is not None and "GM0153" in need.place.municipalities
    found = socialmap.find(
        list(HelpEntry.objects.select_related("police_unit", "municipality")), need, None
    )
    here = [f.entry for f in found if f.where == "hier"]
    assert [e.name for e in here] == ["Jeugdopvang De Linde Twente"]
    assert here[0].phone and here[0].opening_hours and here[0].always_open
    assert all(f.entry.category == "opvang" for f in found)
    assert not any(f.entry.police_unit and f.entry.police_unit.name == "Limburg" for f in found)


def test_demo_entries_are_complete_for_the_four_regions_and_marked_fictional() -> None:
    assert demo._seed_social_map() > 0
    assert demo._seed_social_map() == 0  # idempotent
    for region in ("Oost-Nederland", "Rotterdam", "Amsterdam", "Limburg"):
        entries = HelpEntry.objects.filter(police_unit__name=region)
        assert entries.count() >= 3 and entries.filter(category="opvang").exists()
        for entry in entries:
            assert entry.fictional and entry.phone and entry.opening_hours and entry.referral
            assert not entry.email or entry.email.endswith(".example")
    national = {e.name for e in HelpEntry.objects.filter(police_unit=None)}
    assert {"Alarmnummer 112", "Meld Misdaad Anoniem"} <= national


def test_import_with_a_bad_row_imports_nothing_and_reports_the_row(
    beheerder: Membership, login_as: Callable[[Membership], Client]
) -> None:
    client = login_as(beheerder)
    upload = SimpleUploadedFile("kaart.csv", f"{HEADER}\n{GOOD}\n{BAD}\n".encode())
    response = client.post("/kompas/sociale-kaart/import/", {"bestand": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert HelpEntry.objects.count() == 0
    assert "Er is niets ingelezen" in page
    assert '<th scope="row">3</th>' in page and "Kapotte regel" in page
    assert "Onbekende soort hulp." in page and "Onbekende doelgroep: marsmannetjes." in page
    assert "Deze gemeente ligt niet in de regio Oost-Nederland." in page
    good = SimpleUploadedFile("kaart.csv", f"{HEADER}\n{GOOD}\n".encode())
    assert client.post("/kompas/sociale-kaart/import/", {"bestand": good}).status_code == 302
    entry = HelpEntry.objects.get()
    assert entry.municipality is not None
    assert (entry.name, entry.municipality.name, entry.target_groups) == (
        "Opvang Oefenhuis",
        "Enschede",
        ["minderjarigen"],
    )
    again = SimpleUploadedFile(
        "kaart.csv", f"{HEADER}\n{GOOD.replace('053 - 700 00 01', '053 - 700 00 02')}\n".encode()
    )
    client.post("/kompas/sociale-kaart/import/", {"bestand": again})
    assert HelpEntry.objects.get().phone == "053 - 700 00 02"


def test_only_a_beheerder_maintains_the_map_and_only_for_the_own_region(
    beheerder: Membership,
    make_member: Callable[..., Membership],
    login_as: Callable[[Membership], Client],
) -> None:
    signaller = login_as(make_member(role=Role.SIGNALLER, organisation=beheerder.organisation))
    assert signaller.get("/kompas/sociale-kaart/nieuw/").status_code == 403
    actor = Actor(user=beheerder.user, membership=beheerder)
    with pytest.raises(socialmap_services.ImportRefused):
        socialmap_services.import_csv(
            actor=actor, data=f"{HEADER}\n{GOOD.replace('Enschede', 'Maastricht')}\n".encode()
        )
    client = login_as(beheerder)
    form = client.post(
        "/kompas/sociale-kaart/nieuw/",
        {
            "naam": "Tolk Test",
            "soort": "tolk",
            "gemeente": "Zwolle",
            "diensten": "Tolken",
            "talen": "Pools",
            "telefoon": "038 - 1",
            "openingstijden": "altijd",
            "doorverwijzen": "Bellen",
            "email": "fout",
        },
    )
    assert form.status_code == 200 and "Vul een geldig e-mailadres in." in form.content.decode()
    assert 'value="Tolk Test"' in form.content.decode()  # the input is kept
    assert HelpEntry.objects.count() == 0


def test_the_map_page_pdf_and_search_show_the_entries(
    beheerder: Membership, login_as: Callable[[Membership], Client]
) -> None:
    demo._seed_social_map()
    client = login_as(beheerder)
    page = client.get(
        "/kompas/sociale-kaart/", {"vraag": "opvang voor een minderjarige in Twente"}
    ).content.decode()
    assert "Jeugdopvang De Linde Twente" in page and "053 - 700 12 34" in page
    assert "Mannenopvang Het Anker" not in page  # men only
    assert "<title>Enschede</title>" in page
    pdf = client.get("/kompas/sociale-kaart/pdf/", {"regio": "PE-LIMBURG"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "hulp" in client.get("/kompas/zoeken/?q=tolk").content.decode()


def test_riec_is_its_own_organisation_kind(make_organisation: Callable[..., Organisation]) -> None:
    riec = make_organisation(name="RIEC Proefregio", kind=OrganisationKind.RIEC)
    assert riec.get_kind_display().startswith("RIEC")


def test_another_region_cannot_change_an_entry_and_its_maintainer_sees_the_attempt(
    beheerder: Membership,
    make_member: Callable[..., Membership],
    make_organisation: Callable[..., Organisation],
    login_as: Callable[[Membership], Client],
) -> None:
    actor = Actor(user=beheerder.user, membership=beheerder)
    socialmap_services.import_csv(actor=actor, data=f"{HEADER}\n{GOOD}\n".encode())
    entry = HelpEntry.objects.get(name="Opvang Oefenhuis")
    assert entry.updated_by_organisation_id == beheerder.organisation_id
    limburg = make_member(
        role=Role.ADMINISTRATOR,
        organisation=make_organisation(name="Gemeente Maastricht", municipality_code="GM0935"),
    )
    client = login_as(limburg)
    assert client.get(f"/kompas/sociale-kaart/{entry.pk}/bewerken/").status_code == 404
    deleted = client.post(f"/kompas/sociale-kaart/{entry.pk}/bewerken/", {"action": "delete"})
    assert deleted.status_code == 404
    assert HelpEntry.objects.filter(pk=entry.pk, name="Opvang Oefenhuis").exists()
    attempts = ProcessingLogEntry.objects.filter(
        object_type="kompas.help_entry", object_id=str(entry.pk), action="update"
    )
    assert attempts.count() == 2 and all(e.refused for e in attempts)
    assert {(e.organisation_id, e.owner_organisation_id) for e in attempts} == {
        (limburg.organisation_id, beheerder.organisation_id)
    }
    # the own region's beheerder changes it, and becomes the one who sees attempts
    colleague = make_member(role=Role.ADMINISTRATOR, organisation=beheerder.organisation)
    page = login_as(colleague).get(f"/kompas/sociale-kaart/{entry.pk}/bewerken/")
    assert page.status_code == 200 and "Opvang Oefenhuis" in page.content.decode()
