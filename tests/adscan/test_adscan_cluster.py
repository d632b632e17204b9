from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from bovenwater.adscan.cluster import (
    adjusted_rand_index,
    cluster,
    cohesive_links,
    components,
    entity_pairs,
)
from bovenwater.adscan.generate import format_phone, generate
from bovenwater.adscan.model import Ad
from bovenwater.adscan.pipeline import scan
from bovenwater.adscan.sketch import shingle_batch, sketch_batch, sketch_shingles, sketch_weighted
from bovenwater.adscan.templates import build_template


def test_adjusted_rand_index_known_values() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    # textbook example: 0.2424...
    truth = [0, 0, 0, 1, 1, 1]
    pred = [0, 0, 1, 1, 2, 2]
    assert adjusted_rand_index(truth, pred) == pytest.approx(0.242424, abs=1e-6)


def test_entity_links_and_over_shared_values() -> None:
    pairs, ignored = entity_pairs([["p:1"], ["p:1", "e:x"], ["e:x"], ["p:2"]], max_df=5)
    assert sorted(map(tuple, pairs.tolist())) == [(0, 1), (1, 2)]
    assert ignored == []
    pairs, ignored = entity_pairs([["p:1"]] * 4, max_df=3)
    assert pairs.shape == (0, 2)
    assert ignored == ["p:1"]


def test_near_duplicates_and_shared_phone_form_networks() -> None:
    def hashes(text: str) -> list[int]:
        return [zlib.crc32(w.encode()) for w in text.split()]

    base = "nieuw meisje in de stad bel nu voor een afspraak alles kan dag en nacht"
    texts = [
        base + " anna",
        base + " lisa",
        "heel andere tekst over een rustige massage met thee en muziek",
        "nog een losse advertentie zonder enige overlap met iets anders hier",
    ]
    signatures = sketch_batch([hashes(t) for t in texts])
    result = cluster(signatures, [[], [], ["phone:+31611111111"], ["phone:+31611111111"]])
    assert result.labels.tolist() == [0, 0, 1, 1]
    assert result.text_links == 1
    assert result.entity_links == 1


def test_clustering_recovers_planted_networks() -> None:
    records = list(generate(4000, seed=11))
    ads = [Ad(r["id"], r["title"], r["body"], r["city"], r["posted_at"]) for r in records]
    result = scan(ads, templates=False)
    truth = [r.get("network_id") or f"alone-{r['id']}" for r in records]
    predicted = [c or f"alone-{r['id']}" for c, r in zip(result.cluster_of, records, strict=True)]
    ari = adjusted_rand_index(truth, predicted)
    print(f"ARI on 4000 generated ads: {ari:.3f}")
    assert ari >= 0.95  # 1.000 measured (seed 11)
    independents = [
        c for c, r in zip(result.cluster_of, records, strict=True) if "network_id" not in r
    ]
    assert sum(c is None for c in independents) / len(independents) >= 0.95


def test_generator_is_deterministic_and_has_ground_truth() -> None:
    first = list(generate(300, seed=4))
    assert first == list(generate(300, seed=4))
    assert first != list(generate(300, seed=5))
    assert len({r["id"] for r in first}) == 300
    in_networks = [r for r in first if "network_id" in r]
    assert 0.3 <= len(in_networks) / 300 <= 0.4
    assert format_phone("0612345678", "words_nl", __import__("random").Random(1)).startswith(
        "nul zes"
    )


def test_template_has_constants_and_slots() -> None:
    texts = [
        f"Hoi lieverds, ik ben {n} uit {c}. Nieuw meisje, bel me op {p}. Kusjes!"
        for n, c, p in [
            ("Anna", "Utrecht", "06-12345678"),
            ("Lisa", "Zwolle", "06-87654321"),
            ("Mia", "Breda", "06-11223344"),
            ("Eva", "Leiden", "06-12345678"),
        ]
    ]
    template = build_template(texts)
    kinds = [slot.kind for slot in template.slots]
    assert kinds == ["name", "city", "phone"]
    assert template.text.startswith("Hoi lieverds, ik ben [NAME1] uit [CITY2]")
    assert template.slots[0].examples == ["Anna", "Lisa", "Mia", "Eva"]
    assert template.compression < 0.8


def test_network_features_city_hopping() -> None:
    ads = [
        Ad(f"a{i}", "Nieuw meisje", f"Zij is {name}, nu in {city}. Bel 06-12345678 dag en nacht.",
           city, f"2025-03-0{i + 1}T10:00")
        for i, (name, city) in enumerate(
            [("Anna", "Utrecht"), ("Lisa", "Zwolle"), ("Mia", "Breda"), ("Eva", "Leiden")]
        )
    ]  # fmt: skip
    result = scan(ads)
    assert len(result.networks) == 1
    features = result.networks[0].features
    assert features["n_phones"] == 1
    assert features["n_cities"] == 4
    assert features["city_hops"] == 3
    assert features["city_hopping"] is True
    assert features["names"] == ["Anna", "Eva", "Lisa", "Mia"]
    assert set(result.networks[0].indicators) == {"NET_MULTI_NAME", "NET_CITY_HOPPING"}
    assert features["time_span_days"] == 3.0


def test_stock_phrases_do_not_link_unrelated_ads_but_a_rare_template_does() -> None:
    """Rarity weighting: what many ads share weighs little, what two ads share much."""

    rng = random.Random(2)
    stock = "welkom heren ik ontvang je graag in een rustige en schone kamer met eigen douche"
    words = [f"w{k}" for k in range(5000)]
    texts = [f"{stock} {' '.join(rng.sample(words, 8))}" for _ in range(300)]
    template = "zon zee maan ster roos parel diamant vlinder kers honing fluweel zijde satijn"
    texts += [f"{template} anna", f"{template} lisa"]

    def hashes(text: str) -> list[int]:
        return [zlib.crc32(w.encode()) for w in text.split()]

    shingles = shingle_batch([hashes(t) for t in texts])
    weighted = cluster(sketch_weighted(*shingles), [[] for _ in texts])
    assert weighted.labels[:300].tolist() == [-1] * 300  # stock phrases link nothing
    assert weighted.labels[300] == weighted.labels[301] >= 0
    plain = cluster(sketch_shingles(*shingles), [[] for _ in texts])
    assert (plain.labels[:300] >= 0).sum() > 100  # unweighted, the boilerplate glues


def test_one_weak_link_does_not_join_two_cohesive_groups() -> None:
    """Two groups joined by a single pair above the threshold stay apart when the
    groups are on average dissimilar; an edited copy close to its group joins it."""

    rng = np.random.default_rng(0)
    base_a = rng.integers(0, 2**26, 64, dtype=np.uint32)
    base_b = rng.integers(0, 2**26, 64, dtype=np.uint32)
    signatures = np.stack([base_a] * 4 + [base_b] * 4 + [base_a.copy()])
    signatures[7, :40] = base_a[:40]  # b's last ad shares 40/64 with group a
    signatures[8, :20] = rng.integers(0, 2**26, 20, dtype=np.uint32)  # an edited a-copy
    strong = np.array([[0, 1], [0, 2], [0, 3], [4, 5], [4, 6], [4, 7]])
    groups = components(9, strong)
    assert len(set(groups.tolist())) == 3  # a, b, the edited copy alone
    weak = np.array([[3, 7], [0, 8]])  # sim 40/64 and 44/64
    joined = cohesive_links(signatures, groups, weak)
    assert sorted(map(tuple, joined.tolist())) == [(0, 8)]
