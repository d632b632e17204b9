"""Normalisation: every case the linkage has to survive, one assertion per variant."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from bovenwater.pprl import names_data
from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.normalise import (
    PartialDate,
    fold,
    given_names,
    normalise_sex,
    order_free_key,
    parse_date,
    surname_parts,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # diacritics and case
        ("Müller", "MULLER"),
        ("Çelik", "Celik"),
        ("Ştefănescu", "Stefanescu"),
        ("Ţurcanu", "Turcanu"),
        ("Wiśniewski", "Wisniewski"),
        ("Łukasik", "Lukasik"),
        ("Yılmaz", "Yilmaz"),
        ("Şahin", "Sahin"),
        ("Dvořák", "Dvorak"),
        ("Straße", "Strasse"),
    ],
)
def test_diacritics_and_case_fold_to_one_form(a: str, b: str) -> None:
    assert surname_parts(a) == surname_parts(b)


@pytest.mark.parametrize(
    "written",
    ["de Vries", "De Vries", "Vries, de", "Vries de", "VRIES, DE", "de vries "],
)
def test_tussenvoegsel_in_any_position(written: str) -> None:
    assert surname_parts(written) == surname_parts("Vries")


@pytest.mark.parametrize(
    "written",
    [
        "van der Berg",
        "Berg, van der",
        "Berg van der",
        "v.d. Berg",
        "Berg, v.d.",
        "Vanderberg",
        "der Berg, van",
    ],
)
def test_tussenvoegsels_in_any_order_and_abbreviated(written: str) -> None:
    assert surname_parts(written) == surname_parts("Berg")


def test_glued_particles_are_stripped_only_before_a_real_name() -> None:
    assert surname_parts("Vandenberg") == surname_parts("van den Berg")
    assert surname_parts("Vandam") != surname_parts("Dam")  # "dam" is too short to split off
    assert surname_parts("Verhoeven") != surname_parts("Hoeven")  # "ver" is no particle


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Jansen-de Vries", "de Vries-Jansen"),
        ("Jansen - de Vries", "Vries-Jansen, de"),
        ("Bakker-van Dijk", "van Dijk Bakker"),
    ],
)
def test_double_barrelled_names_in_either_order(a: str, b: str) -> None:
    assert surname_parts(a) == surname_parts(b)


def test_married_name_contains_the_birth_name() -> None:
    married = set(surname_parts("Jansen-de Vries"))
    assert set(surname_parts("de Vries")) <= married
    assert set(surname_parts("Jansen")) <= married


@pytest.mark.parametrize(
    "written",
    ["Shevchenko", "Schewtschenko", "Sjevtsjenko", "Ševčenko", "Szewczenko", "Шевченко"],
)
def test_cyrillic_surname_and_its_transliterations(written: str) -> None:
    assert surname_parts(written) == surname_parts("Shevchenko")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Иванов", "Ivanov"),  # Russian/Bulgarian Cyrillic
        ("Iwanow", "Ivanov"),  # German and Polish transliteration
        ("Георгиев", "Georgiev"),  # Bulgarian
        ("Kowalczyk", "Kovalchik"),  # Polish cz
        ("Popescu", "Popesku"),  # Romanian c
        ("Καραγιάννης", "Karagiannis"),  # Greek script
        ("Παπαδόπουλος", "Papadopoulos"),
        ("Öztürk", "Ozturk"),  # Turkish
        ("El-Amrani", "Amrani"),  # Arabic article as a particle
        ("al Haddad", "Haddad"),
        ("Ben Ali", "Ali"),
        ("Meijer", "Meyer"),  # Dutch ij / y / ei
        ("Meier", "Meyer"),
    ],
)
def test_transliteration_variants_fold_together(a: str, b: str) -> None:
    assert surname_parts(a) == surname_parts(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kees", "Cornelis"),
        ("Henk", "Hendrik"),
        ("Jan", "Johannes"),
        ("Mieke", "Maria"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Mehmet"),
        ("Youssef", "Yusuf"),
        ("Aleksandr", "Oleksandr"),
        ("Александр", "Alexander"),
        ("Sergei", "Serhiy"),
        ("Sergej", "Sergey"),
        ("Yuri", "Iouri"),
        ("Tatjana", "Tatiana"),
        ("Natalya", "Natalia"),
        ("Katarzyna", "Catharina"),
        ("Γεώργιος", "Georgios"),
        ("Fatma", "Fatima"),
        ("Aicha", "Aisha"),
    ],
)
def test_nicknames_and_foreign_forms_of_a_given_name(a: str, b: str) -> None:
    assert given_names(a).names == given_names(b).names


def test_different_given_names_stay_different() -> None:
    assert given_names("Anna").names != given_names("Johanna").names
    assert given_names("Jan").names != given_names("Jannie").names
    assert given_names("Maria").names != given_names("Mark").names


@pytest.mark.parametrize("written", ["M.J.", "M. J.", "m j", "M.-J."])
def test_initials(written: str) -> None:
    parsed = given_names(written)
    assert parsed.initials_only
    assert parsed.initials == ("m", "j")


def test_written_out_names_carry_their_initials() -> None:
    parsed = given_names("Maria Johanna")
    assert parsed.names == (given_names("Maria").names[0], given_names("Johanna").names[0])
    assert {"m", "j"} <= set(parsed.initials)
    assert not parsed.initials_only


def test_hyphenated_given_names_are_two_names() -> None:
    assert given_names("Jan-Willem").names == given_names("Jan Willem").names


@pytest.mark.parametrize(
    "written",
    [
        "1990-03-14",
        "14-03-1990",
        "14/03/1990",
        "14/3/1990",
        "14.03.1990",
        "14 maart 1990",
        "14 mrt 1990",
        "14-mrt-1990",
        "March 14, 1990",
        "14 March 1990",
        "19900314",
        "3/14/1990",  # month first: 14 cannot be a month
        "14-03-90",
    ],
)
def test_dates_in_any_common_format(written: str) -> None:
    assert parse_date(written, reference_year=2026) == PartialDate(1990, 3, 14)


@pytest.mark.parametrize(
    "written", ["00-03-1990", "XX-03-1990", "??-03-1990", "03-1990", "1990-03", "maart 1990"]
)
def test_missing_day_is_tolerated(written: str) -> None:
    assert parse_date(written, reference_year=2026) == PartialDate(1990, 3, None)


def test_year_only() -> None:
    assert parse_date("1990", reference_year=2026) == PartialDate(1990, None, None)


def test_ambiguous_day_and_month_are_read_day_first() -> None:
    assert parse_date("04-03-1990", reference_year=2026) == PartialDate(1990, 3, 4)


def test_two_digit_years_pivot_on_the_reference_year() -> None:
    assert parse_date("01-02-05", reference_year=2026) == PartialDate(2005, 2, 1)
    assert parse_date("01-02-85", reference_year=2026) == PartialDate(1985, 2, 1)


def test_empty_date_is_missing() -> None:
    assert parse_date("  ") is None


@pytest.mark.parametrize(
    "written", ["31-02-1990", "14-14-1990", "gisteren", "1990-13-45", "12-05-2099", "1800"]
)
def test_unreadable_dates_are_refused_without_echoing_the_value(written: str) -> None:
    with pytest.raises(PPRLInputError) as caught:
        parse_date(written, reference_year=2026)
    assert written not in str(caught.value)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("M", "m"), ("man", "m"), ("Vrouw", "f"), ("V", "f"), ("F", "f"), ("x", ""), ("", "")],
)
def test_sex(written: str, expected: str) -> None:
    assert normalise_sex(written) == expected


def test_fold_keeps_letters_only() -> None:
    assert fold("  O'Neill-Smith ") == "o neill smith"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Pieer", "Pieter"),  # a letter left out
        ("Grerit", "Gerrit"),  # a letter replaced
        ("Jlakub", "Jakub"),  # a letter added
        ("Ieon", "Ion"),  # neighbours swapped (and a letter added)
        ("Wilhelmila", "Wilhelmina"),
    ],
)
def test_one_typing_error_from_a_known_name_finds_its_group(typed: str, meant: str) -> None:
    assert given_names(typed).names == given_names(meant).names


def test_typing_tolerance_keeps_different_names_apart() -> None:
    # the last letter differs: a different name (and often sex), not a typo
    assert given_names("Marian").names != given_names("Maria").names
    assert given_names("Daniela").names != given_names("Daniel").names
    # unknown names stay themselves
    assert given_names("Zorbulak").names == ("zorbulak",)


@pytest.mark.parametrize(
    ("first", "last"),
    [("Kuijpers", "Niels"), ("TEN CATE", "Cornelis"), ("Vries, De", "Isa"), ("de vries", "ISA")],
)
def test_order_free_key_survives_swapped_name_fields(first: str, last: str) -> None:
    assert order_free_key(first, last) == order_free_key(last, first)
    assert order_free_key(first, last) != ""


def test_order_free_key_needs_both_names() -> None:
    assert order_free_key("", "Jansen") == ""
    assert order_free_key("M.J.", "Jansen") == ""  # initials are no lead name
    assert order_free_key("Jan", "Jansen") != order_free_key("Piet", "Jansen")


def test_name_data_comes_from_the_packaged_data_file() -> None:
    """The tables are read from pprl/data/names.json, which the package ships."""
    raw = json.loads(
        resources.files("bovenwater.pprl").joinpath("data", "names.json").read_text("utf-8")
    )
    assert tuple(tuple(g) for g in raw["name_groups"]) == names_data.NAME_GROUPS
    assert names_data.MONTHS["maart"] == 3
    assert "van" in names_data.PARTICLES
    assert names_data.CYRILLIC["ж"] == "zh"
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "data/*.json" in pyproject["tool"]["setuptools"]["package-data"]["bovenwater.pprl"]


def test_name_data_refuses_a_table_of_the_wrong_type() -> None:
    with pytest.raises(ValueError, match=r"names\.json"):
        names_data._mapping({"maart": "drie"}, int)
