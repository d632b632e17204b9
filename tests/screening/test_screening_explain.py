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
