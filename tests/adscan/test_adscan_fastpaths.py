"""The engine's fast paths give the same answers as the general code they shortcut."""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
from itertools import pairwise

import numpy as np
import pytest

from bovenwater.adscan.cli import register
from bovenwater.adscan.cluster import DEFAULT_MAX_ENTITY_DF, DEFAULT_THRESHOLD
from bovenwater.adscan.extract import _plain, extract, token_roles
from bovenwater.adscan.generate import _phone, generate
from bovenwater.adscan.indicators import FIRST_WORDS, Hit
from bovenwater.adscan.ingest import MAX_TEXT, _checked, ad_from_mapping
from bovenwater.adscan.model import Ad
from bovenwater.adscan.normalise import (
    _LEET_CANDIDATE,
    NormalisedText,
    _leet_replace,
    fold_leet,
    needs_nfkc,
    normalise,
)
from bovenwater.adscan.phones import (
    _digit_units,
    _is_obfuscated,
    _parse_international,
    _segment,
    _single_number,
    extract_phones,
    nl_national_to_e164,
)
from bovenwater.adscan.pipeline import (
    MIDDLE_RANGE,
    RANGE,
    _ColumnCache,
    _hit_search,
    _no_cyclic_gc,
    _ranges,
    analyse,
    analyse_and_sketch,
    analyse_batch,
    evidence_of,
    feature_item,
    features_of,
    network_codes,
    scan,
)
from bovenwater.adscan.run import _encode as run_encode
from bovenwater.adscan.sketch import shingle_batch, sketch_batch, sketch_weighted
from bovenwater.adscan.tokens import (
    _compute,
    _compute_general,
    _simple_characters,
    base_view,
    positions,
    split_tokens,
    tokenise,
)

TEXTS = [
    "Hoi! Ik ben Anna (21), bel 06-12345678 of +31 6 1234 5678.",
    "Сеху девушка s3xy h0t 🍒🌹 €80 per uur, ｏ６-１２３４５６７８",
    "me\u200bisje Oekraïense, snap: anna_x — “quotes” and ’apostrophes’\tTab\nNew line",
    "06-1two3 45 six78 call now 24/7!!! 1012 AB 10:00-22:00",
    "",
    "   ",
]


@pytest.mark.parametrize("text", TEXTS)
def test_tokenise_equals_base_view_and_split_tokens(text: str) -> None:
    assert tokenise(text) == (base_view(text), split_tokens(text))


def test_tokenise_shortcut_for_euro_and_emoji_equals_general_path() -> None:
    rng = random.Random(4)
    simple = _simple_characters()
    assert "€" in simple and "🌹" in simple and "🍒" in simple
    assert "é" not in simple and "\u200b" not in simple and "\ufe0f" not in simple
    pool = [*"abcXYZ 019\t\n.,!?@$-_/()'", *rng.sample(simple, 80), "€", "🌹", "🍭"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        assert tokenise(text) == (base_view(text), split_tokens(text)), text


def _general(text: str) -> tuple[str, bool] | None:
    units, digits, starts = _digit_units(text)
    found = _segment(digits, text.startswith("+"), starts)
    # the fast path is for dialable numbers; phone keys (valid=False) take the general one
    if len(found) == 1 and found[0][1] == 0 and found[0][2] == len(digits) and found[0][3]:
        return found[0][0], _is_obfuscated(text, units)
    return None


def test_single_number_fast_path_matches_segmentation() -> None:
    rng = random.Random(3)
    separators = ["", " ", "-", ".", "/", "*", "_", " - ", "  "]
    runs = [
        "06-12345678", "0612345678", "+31 6 1234 5678", "+31 (0)6 12345678", "0031612345678",
        "06*12*34*56*78", "0 6 1 2 3 4 5 6 7 8", "+40 721 234 567", "0612345678 0687654321",
        "100 200 300 400", "0201234567", "+48 512 345 678",
    ]  # fmt: skip
    for _ in range(300):
        digits = "06" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        cut = sorted(rng.sample(range(1, 10), rng.randint(0, 5)))
        pieces = [digits[a:b] for a, b in zip([0, *cut], [*cut, 10], strict=True)]
        runs.append(rng.choice(separators).join(pieces))
    for _ in range(300):
        national = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        runs.append(f"+31 {national[0]} {national[1:5]} {national[5:]}")
        runs.append(f"+31{national}")
    for run in runs:
        assert _single_number(run) == _general(run), run


def test_dutch_international_form_agrees_with_phonenumbers() -> None:
    rng = random.Random(13)
    for _ in range(500):
        national = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        expected = _parse_international.__wrapped__("+31" + national)
        assert nl_national_to_e164("0" + national) == expected, national


def test_phones_fast_path_in_context() -> None:
    hits = extract_phones(base_view("Bel 06-12345678 of 06 1234 5678, nu!"), word_digits=False)
    assert [(h.e164, h.start, h.end, h.obfuscated) for h in hits] == [
        ("+31612345678", 4, 15, False)
    ]


def test_positions() -> None:
    items = ["a", "b", "a", "c", "b", "a"]
    assert positions(items, {"a"}) == [0, 2, 5]
    assert positions(items, {"a", "c"}) == [0, 2, 3, 5]
    assert positions(items, {"a", "b", "c"}) == [0, 1, 2, 3, 4, 5]
    assert positions(items, {"x"}) == []


def test_spelled_hint_does_not_change_extraction() -> None:
    text = "Bel nul zes een twee drie vier vijf zes zeven acht"
    base, tokens = tokenise(text)
    assert [p.e164 for p in extract(text, base, tokens).phones] == ["+31612345678"]
    assert [p.e164 for p in extract(text, base, tokens, spelled=True).phones] == ["+31612345678"]


def test_bare_word_after_platform_is_not_a_handle() -> None:
    def handles(text: str) -> list[str]:
        base, tokens = tokenise(text)
        return extract(text, base, tokens).handles

    # "telegram Maar ..." is the next sentence, not a handle (it glued networks together)
    assert handles("App 0612345678, alleen via telegram Maar 60 euro per uur!") == []
    assert handles("snap anna_x of telegram lisa") == ["snapchat:anna_x"]
    assert handles("insta: annabel") == ["instagram:annabel"]
    assert handles("telegram @lisa") == ["telegram:lisa"]


def test_analyse_and_sketch_is_independent_of_workers_and_chunks() -> None:
    records = list(generate(900, seed=5))
    ads = [Ad(r["id"], r["title"], r["body"], r["city"], r["posted_at"]) for r in records]
    single, signatures = analyse_and_sketch(ads, workers=1, chunk=1000)
    chunked, chunk_signatures = analyse_and_sketch(ads, workers=1, chunk=250)
    parallel, parallel_signatures = analyse_and_sketch(ads, workers=2, chunk=300)
    assert signatures.shape == (900, 64)
    assert np.array_equal(signatures, chunk_signatures)
    assert np.array_equal(signatures, parallel_signatures)
    one_by_one = shingle_batch([analyse(ad).token_hashes for ad in ads])
    assert np.array_equal(signatures, sketch_weighted(*one_by_one))
    for a, b, c in zip(single, chunked, parallel, strict=True):
        assert a.ad is b.ad is c.ad
        assert a.hits == b.hits == c.hits
        assert [p.e164 for p in a.extraction.phones] == [p.e164 for p in c.extraction.phones]
        assert a.extraction.municipality == c.extraction.municipality
        assert a.extraction.age == c.extraction.age


def test_generator_never_reuses_a_phone_by_accident() -> None:
    first = _phone(random.Random(1))
    used = {first}
    again = _phone(random.Random(1), used=used)  # the same draw is refused
    assert again != first
    assert used == {first, again}
    records = [r for r in generate(2000, seed=8) if "network_id" not in r]
    phones = [p.e164 for r in records for p in extract_phones(base_view(r["body"]), False)]
    assert len(phones) >= 0.99 * len(records)  # a few generated foreign numbers are invalid
    assert len(set(phones)) == len(phones)


def test_cli_defaults_follow_the_clustering_defaults() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["webscan", "cluster", "in.jsonl", "--out", "out.jsonl"])
    assert DEFAULT_THRESHOLD == 0.4
    assert args.threshold == DEFAULT_THRESHOLD
    assert args.max_entity_df == DEFAULT_MAX_ENTITY_DF


def test_signature_of_an_ad_does_not_depend_on_its_batch() -> None:
    rng = random.Random(9)
    hashes = [
        [rng.getrandbits(32) for _ in range(rng.choice([0, 1, 2, 2, 3, 5, 40]))] for _ in range(300)
    ]
    batch = sketch_batch(hashes)
    alone = np.concatenate([sketch_batch([h]) for h in hashes])
    assert np.array_equal(batch, alone)
    reordered = sketch_batch(hashes[::-1])[::-1]
    assert np.array_equal(batch, reordered)


def test_batch_analysis_equals_per_ad_analysis() -> None:
    records = list(generate(600, seed=11))
    ads = [Ad(r["id"], r["title"], r["body"], r["city"], r["posted_at"]) for r in records]
    ads += [Ad(f"t{i}", "", text, "Utrecht" if i % 2 else None) for i, text in enumerate(TEXTS)]
    ads += [Ad("phones", "Bel", "nul zes een twee drie vier vijf zes zeven acht (19)")]
    batch = analyse_batch(ads)
    single = [analyse(ad) for ad in ads]
    assert batch == single
    assert sum(1 for a in single if a.extraction.phones) > 500
    assert sum(1 for a in single if a.hits) > 200


def test_token_info_shortcut_for_plain_numbers() -> None:
    rng = random.Random(12)
    tokens = ["0", "06", "2024", "0612345678", *(str(rng.randrange(10**12)) for _ in range(300))]
    for token in tokens:
        assert _compute(token) == _compute_general(token)
    assert _compute("six78") == _compute_general("six78")


def test_column_cache_shortcut_for_plain_numbers() -> None:
    rng = random.Random(13)
    numbers = [t for t in FIRST_WORDS if t.isdigit()]
    tokens = ["0", "06", "2024", *numbers, *(str(rng.randrange(10**12)) for _ in range(300))]
    tokens += ["six78", "s3xy", "jong", "٣٤", "euro", "amsterdam", "den", "snap", "spreek"]
    cache = _ColumnCache()
    for token in tokens:
        info = _compute_general(token)
        general = (info.folded, info.sketch, info.spells, info.folded in FIRST_WORDS)
        assert cache[token] == (*general, token_roles(token))
    assert [cache[t][4] > 0 for t in ("euro", "amsterdam", "den", "snap", "spreek")] == [True] * 5


def test_worker_ranges_cover_every_ad_once() -> None:
    assert _ranges(0, 0, 2, 5000) == []
    for start, end, chunk in ((250, 100_000, 5000), (0, 7, 300), (1000, 9431, 300), (5, 6, 5000)):
        ranges = _ranges(start, end, 2, chunk)
        assert ranges[0][0] == start
        assert ranges[-1][1] == end
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in pairwise(ranges))
    sizes = [b - a for a, b in _ranges(250, 100_000, 2, 5000)]
    assert sizes[0] == RANGE
    assert sizes[len(sizes) // 2] == MIDDLE_RANGE  # small where the processes meet


def test_analysis_leaves_the_garbage_collector_as_it_found_it() -> None:
    ads = [Ad(f"g{i}", "", f"Bel 06-1234567{i % 10} nu") for i in range(20)]
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    analyse_and_sketch(ads)
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen  # a small batch freezes nothing
    gc.disable()
    try:
        analyse_and_sketch(ads)
        assert not gc.isenabled()
    finally:
        gc.enable()
    try:
        with _no_cyclic_gc(freeze=True):  # what a batch of FREEZE_FROM ads or more does
            kept = [[i] for i in range(100)]
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        gc.unfreeze()


def test_ascii_phone_scan_on_text_with_only_euro_signs_and_emoji() -> None:
    texts = [
        f"{r['title']} {r['body']} 🍒 € 06-{n:08d} 🌹+31 6 {n:08d}"
        for n, r in enumerate(generate(300, seed=14))
    ]
    texts += ["Bel 0️⃣6️⃣ 1234 5678 💋", "06\u20131234\u20135678 ☎", "٠٦١٢٣٤٥٦٧٨ 🍒"]
    checked = 0
    for text in texts:
        base = base_view(text)
        if not _plain(base):  # non-ASCII digits or dashes: the general scan only
            continue
        checked += 1
        assert extract_phones(base, False, plain=True) == extract_phones(base, False, plain=False)
    assert checked >= 300


LEET_TEXTS = [
    *TEXTS,
    "s3xy h0t @nal ma$$age 5exy 24/7 10km 2x 1012ab b4 l33t",
    "a1 1a $a a$ @@ 3e 0 7t, x5-y 4a4 ab1cd 06-12345678",
    "ik ben 19 jaar, 150 per uur, 69 standjes, 1day 0ne",
    "hell0 en 06 12",
    "ma$$ 12",
]


@pytest.mark.parametrize("text", LEET_TEXTS)
def test_fold_leet_shortcut_equals_the_full_substitution(text: str) -> None:
    # fold_leet skips texts where no letter touches a foldable character; the result
    # must be what the candidate pattern's substitution gives on every text
    base = base_view(text)
    assert fold_leet(base) == _LEET_CANDIDATE.sub(_leet_replace, base)


def _search_as_before(kind: str, phrase: tuple[str, ...], norm: NormalisedText) -> object:
    # the patterns as written before the literal-first form (look-behind first)
    if kind == "price":
        pattern = re.compile(rf"(?<!\d){re.escape(phrase[0].split('.')[0])}(?!\d)")
        match = pattern.search(norm.base)
        return match.span() if match else None
    words = [re.escape(w) for w in phrase]
    pattern = re.compile(r"(?<![^\W_])" + r"[\W_]+".join(words) + r"(?![^\W_])")
    match = pattern.search(norm.folded)
    if match is None and kind == "age":
        match = re.compile(rf"(?<!\d){words[0]}(?!\d)").search(norm.base)
    return match.span() if match else None


EVIDENCE_TEXT = normalise(
    "xnieuw in de stad, nieuw_in de stad, Nieuw   in de stad! 121 21 jaar, 21jaar 215 150 1500"
    " €150 ab150"
)


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("phrase", ("nieuw", "in", "de", "stad")),
        ("phrase", ("stad",)),
        ("phrase", ("jaar",)),
        ("phrase", ("absent", "phrase")),
        ("age", ("21",)),
        ("age", ("12",)),
        ("price", ("150", "200")),
        ("price", ("1500.5", "200")),
        ("price", ("15", "200")),
    ],
)
def test_literal_first_patterns_find_what_the_look_behind_first_ones_found(
    kind: str, phrase: tuple[str, ...]
) -> None:
    on_base, pattern, fallback = _hit_search(kind, phrase)
    match = pattern.search(EVIDENCE_TEXT.base if on_base else EVIDENCE_TEXT.folded)
    if match is None and fallback is not None:
        match = fallback.search(EVIDENCE_TEXT.base)
    assert (match.span() if match else None) == _search_as_before(kind, phrase, EVIDENCE_TEXT)


def test_evidence_from_the_kept_base_view_equals_evidence_from_the_text() -> None:
    # the evidence is located in the tokeniser's base view when the text needs no NFKC
    # step; it must be what normalising the text again gives, for every kind of hit
    records = list(generate(400, seed=5, hard=True))
    ads = [Ad(r["id"], r["title"], r["body"], r["city"], r["posted_at"]) for r in records]
    ads += [Ad(f"t{i}", "Titel €", text) for i, text in enumerate(TEXTS)]
    ads += [Ad("n", "Nieuw 🆕💋", "Ｌｉｓａ hier, 19 jaar, bel mij\u200b 06 1234 5678, 50 euro")]
    analyses = analyse_batch(ads)
    assert all(a.base for a in analyses if a.ad.text.strip())
    with_base = 0
    for analysis in analyses:
        hits = [*analysis.hits, Hit("PRICE_BELOW_MEDIAN", ("50",), "price")]
        kept = evidence_of(analysis.ad, hits, analysis.extraction.phones, analysis.base)
        again = evidence_of(analysis.ad, hits, analysis.extraction.phones)
        assert kept == again
        with_base += bool(analysis.hits) and not needs_nfkc(analysis.ad.text)
    assert with_base > 150
    assert any(needs_nfkc(a.ad.text) and a.hits for a in analyses)


def test_record_shortcut_equals_the_full_checks() -> None:
    base = {"id": "a1", "title": "T", "body": "B", "city": "Utrecht", "posted_at": "2025-01-01"}
    variants: list[object] = [
        base,
        {**base, "url": "https://x.test/1"},
        {**base, "id": "  a2 "},
        {**base, "id": "   "},
        {**base, "id": 12},
        {**base, "id": True},
        {**base, "id": None},
        {**base, "title": None},
        {**base, "title": ""},
        {**base, "body": 5},
        {**base, "body": "x" * (MAX_TEXT + 1)},
        {**base, "title": "x" * MAX_TEXT},
        {**base, "city": ""},
        {**base, "city": 3},
        {**base, "posted_at": None},
        {**base, "url": ["u"]},
        {k: v for k, v in base.items() if k != "body"},
        {"id": "b", "title": "t", "body": "b"},
        ["not", "an", "object"],
        "text",
        None,
    ]
    for record in variants:
        assert ad_from_mapping(record) == _checked(record), record
    assert isinstance(ad_from_mapping(base), Ad)
    assert ad_from_mapping({**base, "id": "   "}) == "field 'id' is empty"


def test_network_codes_equal_the_indicators_of_the_full_features() -> None:
    ads = [
        Ad(r["id"], r["title"], r["body"], r.get("city"), r.get("posted_at"))
        for r in generate(1500, seed=17, hard=True)
    ]
    result = scan(ads, templates=False)
    items = [feature_item(analysis) for analysis in result.analyses]
    fired: set[str] = set()
    for network in result.networks:
        members = [items[i] for i in network.members]
        assert network_codes(members) == features_of(members)[1] == network.indicators
        fired.update(network.indicators)
    assert fired == {"NET_MULTI_NAME", "NET_CITY_HOPPING", "NET_MANY_PHONES"}
    # hand-made: windows of exactly 30 and 31 days, equal times, times without a
    # municipality or unreadable, names on handles only, a phone with names elsewhere
    rng = random.Random(3)
    days = ["2024-03-01T10:00:00", "2024-03-31T10:00:00", "2024-03-31T10:00:01",
            "2024-04-01T09:59:59", "2024-04-01T10:00:00", "2024-03-01T10:00:00Z", "2024-03-15T00:00:00+02:00",
            "not a time", None]  # fmt: skip
    codes = ["GM0014", "GM0034", "GM0037", "GM0047", None]
    hopping = []
    for _ in range(400):
        members = [
            (
                rng.sample(["+31612345678", "+31687654321", "+3220000000"], rng.randint(0, 2)),
                [],
                [],
                rng.sample(["snap:anna", "telegram:lisa"], rng.randint(0, 1)),
                rng.sample(["Anna", "Lisa", "Mia"], rng.randint(0, 2)),
                rng.choice(codes),
                rng.choice(days),
            )
            for _ in range(rng.randint(1, 7))
        ]
        assert network_codes(members) == features_of(members)[1]
        hopping.append("NET_CITY_HOPPING" in network_codes(members))
    assert any(hopping) and not all(hopping)


def test_run_encoder_writes_what_json_dumps_writes() -> None:
    values: list[object] = [
        "plain",
        'quote " backslash \\ tab \t newline \n \u2028 é 🌹 \x00',
        {"phones": ("+31612345678",), "age": 21, "hourly_price": 150.0, "none": None},
        [1, 2.5, -0.0, 1e16, 1e-7, float("nan"), float("inf"), True, False, None],
        {"evidence": [{"code": "X", "start": 0, "text": "Ｌｉｓａ"}], "empty": [], "e": {}},
        ("tuple", ["nested", ("deep",)]),
        3,
        0.1,
    ]
    for value in values:
        assert run_encode(value) == json.dumps(value, ensure_ascii=False)
