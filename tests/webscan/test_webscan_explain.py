from __future__ import annotations

from pathlib import Path

from django.utils import translation

from bovenwater.adscan.ingest import read_jsonl
from bovenwater.webscan.charts import network_map_spec
from bovenwater.webscan.explain import ingest_reason, rule_text


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


def test_malformed_line_reasons_are_shown_in_the_interface_language() -> None:
    with translation.override("nl"):
        assert ingest_reason("missing field(s): title, body") == (
            "ontbrekend(e) veld(en): title, body"
        )
        assert ingest_reason("invalid JSON (Expecting value, column 1)") == (
            "ongeldige JSON (Expecting value, column 1)"
        )
        assert ingest_reason("field 'body' is longer than 20000 characters") == (
            "het veld 'body' is langer dan 20000 tekens"
        )
        assert ingest_reason("something new") == "something new"
    with translation.override("en"):
        assert ingest_reason("duplicate id 'a1'") == "duplicate id 'a1'"


def test_every_engine_reason_has_a_dutch_text(tmp_path: object) -> None:
    path = Path(str(tmp_path)) / "bad.jsonl"
    path.write_bytes(
        b'[1]\n{"id": "a"}\n{"id": true, "title": "t", "body": "b"}\n'
        b'{"id": " ", "title": "t", "body": "b"}\n{"id": "b", "title": 1, "body": "b"}\n'
        b'{not json\n\xff\xfe\n{"id": "c", "title": "t", "body": "b"}\n'
        b'{"id": "c", "title": "t", "body": "b"}\n'
    )
    reasons = [item.reason for item in read_jsonl(path) if hasattr(item, "reason")]
    assert len(reasons) == 8
    with translation.override("nl"):
        for reason in reasons:
            assert ingest_reason(reason) != reason, reason
