"""The command line's whole-file run (``adscan.run``) writes exactly what the
analyses-in-memory path (``pipeline.scan`` + ``ad_record``/``network_record``) writes."""

from __future__ import annotations

import io
import json
import os
from typing import IO

import numpy as np
import pytest

from bovenwater.adscan import forked, sketch
from bovenwater.adscan import run as run_module
from bovenwater.adscan.generate import generate
from bovenwater.adscan.model import Ad
from bovenwater.adscan.pipeline import ad_record, network_record, scan
from bovenwater.adscan.run import run

# Hand-made ads next to the generated ones: no hits, only a price, emoji and other
# non-ASCII text, full-width and Arabic-Indic digits, invisible characters, a price
# in the title, spelled-out and undialable numbers, e-mail and handles, no title.
ODD_ADS = [
    ("odd-1", "", "Gewoon een tekst zonder iets bijzonders."),
    ("odd-2", "Prijs", "Een uur 60 euro, half uur 40 euro"),
    ("odd-3", "Nieuw 🆕💋", "Bel ０６１２３４５６７８ 🌹 24/7 geen grenzen"),
    ("odd-4", "Lisa ٠٦١٢٣٤٥٦٧٨", "Ｌｉｓａ hier, bel mij\u200b 06 1234 5678"),
    ("odd-5", "70 euro per uur", "nul zes een twee drie vier vijf zes zeven acht, alleen prive"),
    ("odd-6", "Nieuwe meiden", "06-01234567 of 06-71234567, mail anna@example.com"),
    ("odd-7", "Anna", "snap anna_x of telegram @lisa, 50 euro half uur, 80 euro uur"),
    ("odd-8", "", "Hi, I am Mia from Romania, 19 years, speak english and russian"),
    ("odd-9", 'Quote " and \\ backslash', 'Tab\there, "quotes", new\nline 150 eur/uur'),
    ("odd-10", "📞", "+31 6 1234 5678 / +44 7700 900123 / 0031612345678"),
]


def _corpus(n: int, seed: int) -> list[Ad]:
    ads = [
        Ad(r["id"], r["title"], r["body"], r.get("city"), r.get("posted_at"))
        for r in generate(n, seed=seed, hard=True)
    ]
    ads.extend(Ad(i, t, b, "Utrecht" if i < "odd-5" else None) for i, t, b in ODD_ADS)
    return ads


def _reference(ads: list[Ad]) -> tuple[bytes, bytes]:
    """What ``bovenwater webscan cluster`` wrote before ``adscan.run``."""
    result = scan(ads, workers=1)
    by_id = {network.cluster_id: network for network in result.networks}
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    lines = [
        encode(ad_record(analysis, cluster_id, by_id.get(cluster_id) if cluster_id else None))
        + "\n"
        for analysis, cluster_id in zip(result.analyses, result.cluster_of, strict=True)
    ]
    networks = [
        json.dumps(network_record(network), ensure_ascii=False) + "\n"
        for network in result.networks
    ]
    return "".join(lines).encode(), "".join(networks).encode()


@pytest.mark.parametrize("workers", [1, 2])
def test_run_writes_what_scan_writes(workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # small ranges and sketch blocks, so that 1,510 ads take every path: worker
    # processes, the parent's own ranges, several sketch blocks and counter parts
    monkeypatch.setattr(run_module, "SKETCH_CHUNK", 300)
    monkeypatch.setattr(sketch, "BLOCK", 256)
    monkeypatch.setattr(sketch, "_PART_BITS", 12)
    monkeypatch.setattr(forked, "MIN_ITEMS", 200)  # with 2 workers: the forked halves too
    ads = _corpus(1500, seed=11)
    expected, expected_networks = _reference(ads)
    out, networks = io.BytesIO(), io.BytesIO()
    result = run(list(ads), out, workers=workers, networks_out=networks)
    assert out.getvalue() == expected
    assert networks.getvalue() == expected_networks
    assert result.ads == len(ads)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    # the cases the record assembly treats separately do occur
    priced = [r for r in rows if "PRICE_BELOW_MEDIAN" in r["indicators"]]
    assert priced and any(len(r["evidence"]) == 1 for r in priced)
    assert any(r["evidence"] == [] for r in rows)
    assert any(r["phone_keys"] for r in rows)
    assert result.networks == len({r["cluster_id"] for r in rows} - {None}) > 10


def test_run_without_networks_file_skips_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(texts: list[str]) -> None:
        raise AssertionError("template built although no networks file is written")

    monkeypatch.setattr(run_module, "build_template", fail)
    ads = _corpus(300, seed=2)
    expected, _ = _reference(ads)
    out = io.BytesIO()
    run(list(ads), out)
    assert out.getvalue() == expected


def test_blockwise_weighted_sketch_equals_the_whole_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(4)
    n = 3000
    counts = rng.integers(0, 40, n).astype(np.int64)
    pool = rng.integers(0, 2**63, 20_000, dtype=np.uint64)
    mixed = pool[rng.zipf(1.3, int(counts.sum())) % pool.size]  # a few very common shingles
    whole = sketch.sketch_shingles(mixed, counts, sketch.idf_copies(mixed, n))
    monkeypatch.setattr(sketch, "BLOCK", 500)
    monkeypatch.setattr(sketch, "_PART_BITS", 10)
    assert np.array_equal(sketch.sketch_weighted(mixed, counts), whole)
    copies = sketch.idf_copies(mixed, n)
    assert set(np.unique(copies).tolist()) == {1, 2, 3, 4}
    assert np.array_equal(sketch._idf_copies_compact([(mixed, counts)], mixed.size, n), copies)
    cut = np.cumsum(counts)
    parts = [
        (mixed[(cut[a - 1] if a else 0) : cut[b - 1]], counts[a:b])
        for a, b in [(0, 700), (700, 701), (701, 2999), (2999, 3000)]
    ]
    assert np.array_equal(sketch.sketch_parts(parts), whole)
    assert parts == []


def test_unique_pairs_equals_unique_over_rows() -> None:
    rng = np.random.default_rng(9)
    pairs = np.sort(rng.integers(0, 50, size=(4000, 2)), axis=1)  # many repeats
    expected_rows, expected_first = np.unique(pairs, axis=0, return_index=True)
    rows, first = sketch.unique_pairs(pairs, 50)
    assert np.array_equal(rows, expected_rows)
    assert np.array_equal(first, expected_first)
    empty, none = sketch.unique_pairs(np.zeros((0, 2), dtype=np.int64), 10)
    assert empty.shape == (0, 2) and none.size == 0


def test_sketch_and_pair_search_split_over_a_forked_process_give_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    n = 3000
    counts = rng.integers(0, 40, n).astype(np.int64)
    pool = rng.integers(0, 2**63, 5_000, dtype=np.uint64)
    mixed = pool[rng.zipf(1.3, int(counts.sum())) % pool.size]
    monkeypatch.setattr(sketch, "BLOCK", 400)
    cut = np.cumsum(counts)
    bounds = [(a, min(a + 250, n)) for a in range(0, n, 250)]

    def parts() -> list[sketch.Shingles]:
        return [(mixed[(cut[a - 1] if a else 0) : cut[b - 1]], counts[a:b]) for a, b in bounds]

    alone = sketch.sketch_parts(parts())
    monkeypatch.setattr(forked, "MIN_ITEMS", 100)
    split = sketch.sketch_parts(parts(), workers=2)
    assert np.array_equal(split, alone)
    pairs, scores = sketch.scored_pairs(alone, 0.3)
    assert pairs.shape[0] > 100
    split_pairs, split_scores = sketch.scored_pairs(alone, 0.3, workers=2)
    assert np.array_equal(split_pairs, pairs)
    assert np.array_equal(split_scores, scores)


def test_in_two_returns_both_halves_and_survives_a_failing_child() -> None:
    assert forked.in_two(lambda: [1, 2], lambda: "here") == ([1, 2], "here")
    shared = forked.shared_array((4, 3), np.uint32)

    def child() -> None:
        shared[2:] = 7

    forked.in_two(child, lambda: shared.__setitem__(slice(0, 2), 5))
    assert shared.tolist() == [[5] * 3, [5] * 3, [7] * 3, [7] * 3]
    calls: list[str] = []

    def fails() -> str:
        calls.append("run")  # seen here only when the child's half runs here again
        if len(calls) == 1 and os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "again"

    parent = os.getpid()
    assert forked.in_two(fails, lambda: None) == ("again", None)
    assert calls == ["run"]


def test_stream_in_two_writes_here_first_then_the_child() -> None:
    out = io.BytesIO()
    forked.stream_in_two(
        lambda sink: sink.write(b"second " * 300_000),  # more than a pipe holds
        lambda: out.write(b"first "),
        out.write,
    )
    assert out.getvalue() == b"first " + b"second " * 300_000

    def fails(sink: IO[bytes]) -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child fails before writing")
        sink.write(b"here instead")

    parent = os.getpid()
    out = io.BytesIO()
    forked.stream_in_two(fails, lambda: out.write(b"first, "), out.write)
    assert out.getvalue() == b"first, here instead"
