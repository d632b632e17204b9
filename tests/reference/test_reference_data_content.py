"""What the packaged reference data contains (loaded once per test database)."""

from __future__ import annotations

from collections import Counter

import pytest

from bovenwater.reference.constants import DOMAINS
from bovenwater.reference.loader import read_reference_data
from bovenwater.reference.models import (
    ExploitationForm,
    Indicator,
    Nationality,
    PoliceUnit,
    Province,
    SafetyRegion,
    Sector,
    TraffickingMethod,
)

pytestmark = pytest.mark.django_db

HTCDS_TYPES_OF_EXPLOITATION = {
    "ForcedLabour",
    "SexualExploitation",
    "ChildLabour",
    "ForcedMarriage",
    "Servitude",
    "ForcedMilitary",
    "OrganRemoval",
    "ForcedBegging",
    "ForcedAdoption",
    "Surrogacy",
    "Other",
}


def test_the_packaged_files_are_valid() -> None:
    batches = read_reference_data()
    assert {batch.dataset.version for batch in batches} == {"2025.1"}


def test_regions() -> None:
    assert PoliceUnit.objects.current().count() == 10
    assert SafetyRegion.objects.current().count() == 25
    assert Province.objects.current().count() == 12
    assert PoliceUnit.objects.get(code="PE-AMSTERDAM").name == "Amsterdam"
    per_province = Counter(
        Province.objects.values_list("municipalities__province__name", flat=True)
    )
    assert per_province["Noord-Brabant"] == 56
    assert per_province["Gelderland"] == 51


def test_every_form_has_htcds_values_and_both_languages() -> None:
    forms = list(ExploitationForm.objects.current())
    assert [form.code for form in forms] == [
        "SEXUAL",
        "LABOUR",
        "CRIMINAL",
        "ORGAN-REMOVAL",
        "SURROGACY",
        "OTHER",
    ]
    for form in forms:
        assert form.htcds_values, form.code
        assert set(form.htcds_values) <= HTCDS_TYPES_OF_EXPLOITATION, form.code
        assert all((form.name_nl, form.name_en, form.description_nl, form.description_en))
    assert ExploitationForm.objects.get(code="SEXUAL").htcds_values == ["SexualExploitation"]
    exported = {value for form in forms for value in form.htcds_values}
    assert exported == HTCDS_TYPES_OF_EXPLOITATION


def test_every_indicator_has_a_source_a_catalogue_and_a_form() -> None:
    indicators = list(Indicator.objects.current().prefetch_related("forms", "sectors"))
    assert 70 <= len(indicators) <= 100
    for indicator in indicators:
        assert indicator.source.strip(), indicator.code
        assert "https://" in indicator.source or "http://" in indicator.source, indicator.code
        assert indicator.catalogue in Indicator.Catalogue.values, indicator.code
        assert indicator.forms.exists(), indicator.code
        assert indicator.domains, indicator.code
        assert set(indicator.domains) <= set(DOMAINS), indicator.code
        texts = (indicator.name_nl, indicator.name_en, indicator.group_nl, indicator.group_en)
        assert all(texts), indicator.code
        assert bool(indicator.citizen_question_nl) == bool(indicator.citizen_question_en)
        if indicator.citizen_question_nl:
            assert indicator.citizen_question_nl.endswith("?"), indicator.code
    per_catalogue = Counter(indicator.catalogue for indicator in indicators)
    assert set(per_catalogue) == set(Indicator.Catalogue.values)
    assert per_catalogue["ilo"] == 11
    codes = {indicator.code for indicator in indicators}
    assert {f"ILO-{n:02d}" for n in range(1, 12)} <= codes
    assert Indicator.objects.get(code="B8-1A-SLEEPS-AT-WORK").citizen_question_nl == (
        "Slaapt iemand op de plek waar hij of zij werkt?"
    )
    sexual_groups = set(
        Indicator.objects.filter(catalogue="sexual").values_list("group_nl", flat=True)
    )
    assert sexual_groups == {"Uiterlijk", "Zelfbeeld", "Gedrag"}
    assert sum(1 for indicator in indicators if indicator.citizen_question_nl) >= 30


def test_b8_indicators_follow_the_numbered_structure() -> None:
    groups = list(
        Indicator.objects.filter(catalogue="b8")
        .order_by("position")
        .values_list("group_nl", flat=True)
        .distinct()
    )
    prefixes = []
    for group in groups:
        prefix = group.split(".")[0]
        if prefix not in prefixes:
            prefixes.append(prefix)
    assert prefixes == ["1a", "1b", "2a", "2b", "2c", "3"]


def test_sectors_have_isic_sections() -> None:
    sectors = {sector.code: sector for sector in Sector.objects.current()}
    assert sectors["AGRICULTURE"].isic_section == "A"
    assert sectors["CONSTRUCTION"].isic_section == "F"
    assert sectors["DOMESTIC-WORK"].isic_section == "T"
    assert all(sector.isic_section for code, sector in sectors.items() if code != "OTHER")


def test_nationalities_are_the_iso_3166_countries_with_dutch_names() -> None:
    assert Nationality.objects.current().count() == 249
    netherlands = Nationality.objects.get(code="NL")
    assert (netherlands.name_nl, netherlands.name_en, netherlands.alpha3) == (
        "Nederland",
        "Netherlands",
        "NLD",
    )
    assert netherlands.region_group == "NL"
    assert Nationality.objects.get(code="PL").region_group == "EU/EER"
    assert Nationality.objects.get(code="NG").name_nl == "Nigeria"
    assert Nationality.objects.get(code="NG").region_group == "Afrika"
    assert not Nationality.objects.filter(code__in=["EU", "XK", "ZZ", "001"]).exists()
    alpha3 = list(Nationality.objects.values_list("alpha3", flat=True))
    assert len(set(alpha3)) == len(alpha3) == 249


def test_htcds_methods_of_recruitment_and_control() -> None:
    recruitment = TraffickingMethod.objects.current().filter(kind="recruitment")
    control = TraffickingMethod.objects.current().filter(kind="control")
    assert control.count() == 16
    assert recruitment.count() == 9
    loverboy = recruitment.get(code="REC-LOVERBOY")
    assert loverboy.htcds_value == "Friends"
    assert "Loverboy" in loverboy.name_nl
    assert control.get(code="CTL-DEBT-BONDAGE").htcds_value == "DebtBondage"
