from __future__ import annotations

import random

import phonenumbers
import pytest

from bovenwater.adscan.extract import extract
from bovenwater.adscan.normalise import normalise
from bovenwater.adscan.phones import extract_phones, nl_national_to_e164
from bovenwater.adscan.tokens import base_view, split_tokens

NUMBER = "+31612345678"


def phones(text: str) -> list[str]:
    return [hit.e164 for hit in extract_phones(normalise(text).base)]


def facts(text: str, city: str | None = None):  # type: ignore[no-untyped-def]
    return extract(text, base_view(text), split_tokens(text), city)


@pytest.mark.parametrize(
    ("text", "obfuscated"),
    [
        ("Bel 06-12345678 voor een afspraak", False),
        ("Call 0612345678 now", False),
        ("tel: 06 12 34 56 78", False),
        ("+31 6 1234 5678", False),
        ("+31 (0)6 12345678", False),
        ("0031612345678", False),
        ("0031 6 12 34 56 78", False),
        ("bel 0 6 1 2 3 4 5 6 7 8", True),
        ("06*12*34*56*78", True),
        ("06_12_34_56_78", True),
        ("O6.l2.34.56.78", True),
        ("06-1two3 45 six78", True),
        ("nul zes een twee drie vier vijf zes zeven acht", True),
        ("zero six one two three four five six seven eight", True),
        ("Zero Six - One Two Three Four - Five Six Seven Eight", True),
        ("bel mij: nul zes, 12 drie vier, vijf 6 7 acht", True),
        ("06 een twee 3 4 vijf zes 78", True),
        ("ｏ６-１２３４５６７８", True),  # full-width digits and letter o
    ],
)
def test_phone_forms_normalise_to_e164(text: str, obfuscated: bool) -> None:
    hits = extract_phones(normalise(text).base)
    assert [h.e164 for h in hits] == [NUMBER]
    assert hits[0].obfuscated is obfuscated


def test_foreign_and_multiple_numbers() -> None:
    assert phones("+40 721 234 567 of +48 512 345 678") == ["+40721234567", "+48512345678"]
    assert phones("ik ben een 06 12345678 of 06-11112222") == [NUMBER, "+31611112222"]


def test_phone_span_points_into_original_text() -> None:
    text = "Ｂel ０６-12345678 nu"
    norm = normalise(text)
    hit = extract_phones(norm.base)[0]
    assert norm.original_slice(hit.start, hit.end) == "０６-12345678"


@pytest.mark.parametrize(
    "text",
    [
        "€ 150 per uur, half uur € 80",
        "prijs 100 200 300 400 500 euro",
        "open 01-05-2024 tot 02-06-2024",
        "van 10.00-22.00 uur en 24/7 op afspraak",
        "postcode 1012 AB en 3511 CD",
        "ik ben 21 jaar, 170 cm, 55 kg, 90-60-90",
        "2024-05-01 2024-06-02",
        "rates 150,- 250,- 350,- 450,-",
        "prices 100 € 200 € 300 € 400 €",
        "geen nummer hier, zes meiden en twee vrienden",
    ],
)
def test_stop_list_prices_dates_postcodes_are_not_phones(text: str) -> None:
    assert phones(text) == []


def test_stop_list_next_to_a_real_number() -> None:
    assert phones("01-05-2024 0612345678") == [NUMBER]
    assert phones("€ 150 per uur, bel 06-12345678, 1012 AB") == [NUMBER]


def test_dutch_fast_path_agrees_with_phonenumbers() -> None:
    rng = random.Random(5)
    for _ in range(400):
        digits = "0" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        try:
            parsed = phonenumbers.parse(digits, "NL")
        except phonenumbers.NumberParseException:
            expected = None
        else:
            valid = phonenumbers.is_valid_number(parsed)
            expected = phonenumbers.format_number(parsed, 0) if valid else None
        assert nl_national_to_e164(digits) == expected, digits


def test_emails_plain_and_obfuscated() -> None:
    result = facts("Mail anna.x@gmail.com of lisa (at) hotmail (dot) com, sara[at]mail[punt]nl")
    assert result.emails == ["anna.x@gmail.com", "lisa@hotmail.com", "sara@mail.nl"]
    assert result.obfuscated_emails == ["lisa@hotmail.com", "sara@mail.nl"]


def test_urls_and_handles() -> None:
    result = facts("Zie https://example.test/anna en snap: anna_x, telegram @lisa99, t.me/mia_nl")
    assert result.urls == ["https://example.test/anna"]
    assert result.handles == ["telegram:mia_nl", "snapchat:anna_x", "telegram:lisa99"]


def test_no_handle_inside_words() -> None:
    assert facts("Hoi schatjes, insta is leuk").handles == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Ik ben 19 jaar", 19),
        ("I am 18 years old", 18),
        ("Anna (21), nieuw", 21),
        ("leeftijd: 23", 23),
        ("age 20", 20),
        ("Sweet 19yo girl", 19),
        ("Ik ben 24/7 beschikbaar", None),
        ("170 cm, 55 kg", None),
    ],
)
def test_stated_age(text: str, age: int | None) -> None:
    assert facts(text).age == age


def test_prices_and_hourly_price() -> None:
    result = facts("30 min 80 euro, 1 uur 150 euro")
    assert [(p.amount, p.unit) for p in result.prices] == [(80.0, "half_hour"), (150.0, "hour")]
    assert result.hourly_price == 150.0
    assert facts("€120 per hour").hourly_price == 120.0
    assert facts("Half hour €60").hourly_price == 120.0
    assert facts("geen prijs").prices == []


def test_city_to_municipality_code() -> None:
    assert facts("x", city="Den Haag").municipality is not None
    assert facts("x", city="Den Haag").municipality.code == "GM0518"
    assert facts("Nu in 's-Hertogenbosch centrum").cities_mentioned == ["GM0796"]
    assert facts("Nieuw in Hengelo en Alphen aan den Rijn").cities_mentioned == ["GM0164", "GM0484"]
    # ambiguous names only count after a place preposition
    assert facts("The best service, she goes out").cities_mentioned == []
    assert facts("Ontvangst in Best").cities_mentioned == ["GM0753"]


def test_languages_and_names() -> None:
    result = facts("Hoi, ik ben Anna. Ik spreek Engels, Duits en een beetje Russisch.")
    assert result.languages == ["en", "de", "ru"]
    assert result.names == ["Anna"]
    assert facts("My name is Lisa, I speak only Romanian").languages == ["ro"]
    assert facts("I am New here").names == []


def test_normalise_folds_homoglyphs_leet_and_keeps_emoji() -> None:
    norm = normalise("Ѕ3ху n3w g1rl 🍒 me\u200bisje Oekraïense")
    assert norm.folded == "sexy new girl 🍒 meisje oekraiense"
    start = norm.folded.index("meisje")
    assert norm.original_slice(start, start + 6) == "me\u200bisje"
    assert norm.original.startswith("Ѕ3ху")
    assert split_tokens("18jr, 30min, h0t 🍒🌹") == ["18jr", "30min", "h0t", "🍒", "🌹"]
