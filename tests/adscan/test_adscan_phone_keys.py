"""Phone keys: numbers outside the numbering plan link ads but are never dialable."""

from __future__ import annotations

import pytest

from bovenwater.adscan.cluster import adjusted_rand_index
from bovenwater.adscan.extract import extract
from bovenwater.adscan.generate import generate
from bovenwater.adscan.indicators import derived_hits
from bovenwater.adscan.model import Ad
from bovenwater.adscan.pipeline import ad_record, entities_of, scan
from bovenwater.adscan.tokens import base_view, split_tokens

KEY = "0601234567"  # 06-0...: not assigned in the Dutch numbering plan


def facts(text: str):  # type: ignore[no-untyped-def]
    return extract(text, base_view(text), split_tokens(text))


@pytest.mark.parametrize(
    "text",
    [
        "Bel 06-01234567 voor een afspraak",  # plain
        "bel 0 6 0 1 2 3 4 5 6 7",  # spaced
        "nul zes nul een twee drie vier vijf zes zeven",  # Dutch words
        "zero six zero one two three four five six seven",  # English words
        "06-0one2 34 five67",  # mixed
        "O6.0l.23.45.67",  # letters for digits
        "06*01*23*45*67",  # stars
        "app +31 6 01234567",  # international form: the same key
        "0031 6 0123 4567",
    ],
)
def test_undialable_number_in_every_style_is_one_key(text: str) -> None:
    extraction = facts(text)
    assert [p.e164 for p in extraction.phone_keys] == [KEY]
    assert extraction.phones == []
    assert not extraction.phone_keys[0].valid


def test_keys_and_dialable_numbers_side_by_side() -> None:
    extraction = facts("tel 06-70123456 of 06-12345678, prijs 150 euro")
    assert [p.e164 for p in extraction.phones] == ["+31612345678"]
    assert [p.e164 for p in extraction.phone_keys] == ["0670123456"]


@pytest.mark.parametrize(
    "text",
    [
        "ordernummer 01234567890123",  # longer digit string: not cut into a number
        "geboren 01-05-2004, 1012 AB Amsterdam",
        "open 10.00-22.00 en 24/7, 150 euro per uur, 90-60-90",
        "call 0012",
    ],
)
def test_numbers_that_are_not_phone_like_are_no_keys(text: str) -> None:
    extraction = facts(text)
    assert extraction.phone_keys == []
    assert extraction.phones == []


def test_a_key_links_ads_but_counts_as_no_phone() -> None:
    texts = [
        "Rustige massage in het centrum, bel 06-01234567.",
        "Totaal andere tekst over thee, muziek en een boek. nul zes nul een twee drie vier "
        "vijf zes zeven",
        "Nog een advertentie zonder nummer die nergens op lijkt.",
    ]
    ads = [Ad(f"a{i}", "", text, None, None) for i, text in enumerate(texts)]
    result = scan(ads, templates=False)
    assert result.cluster_of[0] is not None
    assert result.cluster_of[0] == result.cluster_of[1]
    assert result.cluster_of[2] is None
    network = result.networks[0]
    assert network.features["phones"] == []
    assert network.features["n_phones"] == 0
    assert network.features["phone_keys"] == [KEY]
    assert "NET_MANY_PHONES" not in network.indicators
    assert entities_of(result.analyses[0]) == [f"phonekey:{KEY}"]
    record = ad_record(result.analyses[1], network.cluster_id, network)
    assert record["phones"] == [] and record["phone_keys"] == [KEY]
    # an obfuscated key is no obscured *dialable* contact
    assert all(h.code != "OBSCURED_CONTACT" for h in derived_hits(result.analyses[1].extraction))


def test_hard_corpus_networks_are_recovered_without_false_merges() -> None:
    records = list(generate(3000, seed=3, hard=True))
    assert any(r.get("family_id") for r in records)
    ads = [Ad(r["id"], r["title"], r["body"], r["city"], r["posted_at"]) for r in records]
    result = scan(ads, templates=False)
    truth = [r.get("network_id") or f"alone-{r['id']}" for r in records]
    predicted = [c or f"alone-{r['id']}" for c, r in zip(result.cluster_of, records, strict=True)]
    # no predicted network mixes two planted networks or a network and an independent
    mixed: dict[str, set[str]] = {}
    for t, p in zip(truth, predicted, strict=True):
        if not p.startswith("alone-"):
            mixed.setdefault(p, set()).add(t)
    assert all(len(v) == 1 for v in mixed.values())
    assert adjusted_rand_index(truth, predicted) >= 0.95
