from __future__ import annotations

from django.utils import translation

from bovenwater.screening.explain import rule_text


def test_evidence_note_follows_the_interface_language() -> None:
    with translation.override("nl"):
        dutch = rule_text("MOVEMENT")
    with translation.override("en"):
        english = rule_text("MOVEMENT")
    assert "NIET voorspellend" in dutch.evidence
    assert dutch.label == "Reisbewegingen ('nieuw in de stad')"
    assert "NOT predictive" in english.evidence
    assert english.label == english.label_en


def test_network_rules_are_explained_in_dutch_too() -> None:
    with translation.override("nl"):
        assert rule_text("NET_CITY_HOPPING").evidence.startswith("Advertenties van één netwerk")
    with translation.override("en"):
        assert rule_text("NET_CITY_HOPPING").evidence.startswith("Ads of one network")


def test_the_network_map_colours_only_the_municipalities_in_the_ads() -> None:
    from bovenwater.screening.charts import network_map_spec

    cities = [
        {"code": "GM0363", "name": "Amsterdam", "count": 9},
        {"code": "GM0599", "name": "Rotterdam", "count": 1},
    ]
    with translation.override("nl"):
        spec = network_map_spec(cities, "/monitor/kaart/gemeenten.topojson")
    values = spec["transform"][0]["from"]["data"]["values"]
    assert [(v["code"], v["count"], v["band"]) for v in values] == [
        ("GM0363", 9, "de meeste advertenties"),
        ("GM0599", 1, "1 advertentie of meer"),
    ]
    assert spec["data"]["url"] == "/monitor/kaart/gemeenten.topojson"
    assert spec["encoding"]["color"]["scale"]["domain"][0] == "niet genoemd"
