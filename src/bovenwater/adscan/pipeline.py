"""The engine end to end: analyse ads, cluster them, describe networks.

``analyse`` = normalise + extract + indicators + sketch tokens for one ad;
``analyse_many`` runs it over a list (optionally in worker processes);
``scan`` adds the regional price medians, the MinHash sketches, the clustering into
networks, per-network features and templates, and returns records ready to write.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import multiprocessing
import os
import pickle
import re
import select
import socket
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import numpy as np

from bovenwater.adscan.cluster import (
    DEFAULT_MAX_ENTITY_DF,
    DEFAULT_THRESHOLD,
    ClusterResult,
    cluster,
    parse_time,
)
from bovenwater.adscan.extract import (
    ROLE_AGE,
    ROLE_CITY,
    ROLE_EURO,
    AdRoles,
    Extraction,
    Price,
    extract,
    extract_many,
    token_roles,
)
from bovenwater.adscan.indicators import (
    FIRST_WORDS,
    RULES_BY_CODE,
    RULESET_VERSION,
    Hit,
    derived_hits,
    match_phrases,
    merge_hits,
    price_hit,
    risk_score,
)
from bovenwater.adscan.model import Ad, Analysis
from bovenwater.adscan.municipalities import Municipality, by_code
from bovenwater.adscan.normalise import NormalisedText, fold_leet, needs_nfkc, normalise
from bovenwater.adscan.phones import PhoneHit
from bovenwater.adscan.sketch import (
    NUMBER_HASH_PLACEHOLDER,
    Shingles,
    Signatures,
    shingle_batch,
    sketch_weighted,
)
from bovenwater.adscan.templates import build_template
from bovenwater.adscan.tokens import TOKEN_CACHE, tokenise

NATIONAL_MEDIAN_FALLBACK = 150.0  # euro per hour, used when a region has too few prices
MIN_PRICES_PER_REGION = 20

# Network-level indicators (explained like the ad rules; weights for the noisy-OR).
# Each value: Dutch label, English label, weight, evidence note in English and in Dutch.
NETWORK_RULES: dict[str, tuple[str, str, float, str, str]] = {
    "NET_MULTI_NAME": (
        "Meerdere namen bij één nummer",
        "Several names on one contact",
        0.25,
        "One phone or handle advertising several different women suggests a third party.",
        "Eén telefoonnummer of account dat verschillende vrouwen aanbiedt, wijst op een derde.",
    ),
    "NET_CITY_HOPPING": (
        "Stedenhoppen",
        "City hopping",
        0.2,
        "Ads of one network moving through three or more municipalities within 30 days "
        "(rotation of victims over cities).",
        "Advertenties van één netwerk die binnen 30 dagen door drie of meer gemeenten gaan "
        "(rouleren van slachtoffers over steden).",
    ),
    "NET_MANY_PHONES": (
        "Wisselende nummers",
        "Rotating phone numbers",
        0.15,
        "Three or more numbers used by one near-identical text.",
        "Drie of meer nummers bij één vrijwel gelijke tekst.",
    ),
}
NETWORK_WEIGHTS = {code: rule[2] for code, rule in NETWORK_RULES.items()}


def analyse(ad: Ad) -> Analysis:
    text = ad.text
    base, tokens = tokenise(text)
    infos = list(map(TOKEN_CACHE.__getitem__, tokens))  # C-level loop; computes misses
    if not infos:
        extraction = extract(text, base, tokens, ad.city, spelled=False)
        return Analysis(ad, extraction, derived_hits(extraction), [], base)
    # transpose in C: one tuple per field instead of one Python loop per field
    folded, _, _, sketch, spells = zip(*infos, strict=True)
    extraction = extract(text, base, tokens, ad.city, spelled=any(spells))
    hits = derived_hits(extraction)
    phrase_hits = match_phrases(folded)
    if phrase_hits:
        hits = merge_hits([*hits, *phrase_hits])
    return Analysis(ad, extraction, hits, list(sketch), base)


class _ColumnCache(dict[str, tuple[str, int, bool, bool, int]]):
    """Token -> ``(folded, sketch hash, spells, starts a phrase rule, roles)``: what the
    batch analysis needs per token (:func:`_columns`; roles: :func:`extract.token_roles`).
    Values depend only on the token, so clearing the cache when it is full changes no
    result."""

    def __missing__(self, token: str) -> tuple[str, int, bool, bool, int]:
        if len(self) >= _COLUMN_CACHE_LIMIT:
            self.clear()
        if token.isdigit() and token.isascii():
            # most misses are plain numbers (phones, prices); what TOKEN_CACHE would
            # give for them (tokens._compute), without filling that cache as well
            value = (
                token,
                NUMBER_HASH_PLACEHOLDER,
                False,
                token in FIRST_WORDS,
                token_roles(token),
            )
        else:
            info = TOKEN_CACHE[token]
            value = (
                info.folded,
                info.sketch,
                info.spells,
                info.folded in FIRST_WORDS,
                token_roles(token),
            )
        self[token] = value
        return value


_COLUMN_CACHE_LIMIT = 400_000
_COLUMNS = _ColumnCache()


# (folded tokens, sketch hashes, spells digits, phrase-rule positions, extraction roles)
_Columns = tuple[list[str], list[int], bool, list[int], AdRoles]


def _columns(tokens: list[str]) -> _Columns:
    """An ad's columns from the column cache, in one loop (faster than transposing the
    cached tuples with ``zip(*...)``, which builds an iterator per token; and no token
    set is needed for the extraction's pre-filters)."""
    cache = _COLUMNS
    folded: list[str] = []
    hashes: list[int] = []
    where: list[int] = []
    euro_at: list[int] = []
    cities_at: list[int] = []
    ages_at: list[int] = []
    spelled = False
    roles = 0
    for position, token in enumerate(tokens):
        value = cache[token]
        folded.append(value[0])
        hashes.append(value[1])
        if value[2]:
            spelled = True
        if value[3]:
            where.append(position)
        role = value[4]
        if role:
            roles |= role
            if role & ROLE_EURO:
                euro_at.append(position)
            if role & ROLE_CITY:
                cities_at.append(position)
            if role & ROLE_AGE:
                ages_at.append(position)
    return folded, hashes, spelled, where, (roles, euro_at, cities_at, ages_at)


def analyse_batch(ads: Sequence[Ad]) -> list[Analysis]:
    """``[analyse(ad) for ad in ads]``, one step at a time over the whole batch.

    Same result (a test compares them); faster because each step's code and data stay
    in the CPU caches while it runs over many ads (see :func:`extract.extract_many`).
    """
    texts = [ad.text for ad in ads]
    tokenised = list(map(tokenise, texts))
    tokens = [ad_tokens for _, ad_tokens in tokenised]
    columns = list(map(_columns, tokens))
    extractions = extract_many(
        texts,
        [base for base, _ in tokenised],
        tokens,
        [ad.city for ad in ads],
        [c[2] for c in columns],
        [c[4] for c in columns],
    )
    derived = list(map(derived_hits, extractions))
    phrases = [match_phrases(c[0], c[3]) if c[3] else [] for c in columns]
    return [
        Analysis(
            ad,
            extraction,
            merge_hits([*hits, *phrase_hits]) if phrase_hits else hits,
            c[1],
            t[0],
        )
        for ad, extraction, hits, phrase_hits, c, t in zip(
            ads, extractions, derived, phrases, columns, tokenised, strict=True
        )
    ]


def _analyse_chunk(ads: list[Ad]) -> list[Analysis]:
    results = [analyse(ad) for ad in ads]
    for result in results:  # tokens are not needed after analysis; less to pickle
        result.extraction.tokens = []
        result.base = ""
    return results


def analyse_many(ads: Sequence[Ad], workers: int = 1, chunk: int = 2000) -> list[Analysis]:
    if workers <= 1 or len(ads) < 2 * chunk:
        return [analyse(ad) for ad in ads]
    chunks = [list(ads[i : i + chunk]) for i in range(0, len(ads), chunk)]
    results: list[Analysis] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_analyse_chunk, chunks):
            results.extend(part)
    return results


SKETCH_CHUNK = 5000
WARM_UP = 250  # ads the parent analyses before it starts worker processes
RANGE = 2000  # ads per range with workers
MIDDLE_RANGE = 400  # ... and around the middle, where the parent and the workers meet


def _sketch_chunk(ads: Sequence[Ad]) -> tuple[list[Analysis], Shingles]:
    analyses = analyse_batch(ads)
    return analyses, shingle_batch([a.token_hashes for a in analyses])


def _sketch_chunk_quiet(ads: Sequence[Ad]) -> tuple[list[Analysis], Shingles]:
    with _no_cyclic_gc():
        return _sketch_chunk(ads)


FREEZE_FROM = 10_000  # ads: from this batch size on, the analysed objects are frozen


@contextmanager
def _no_cyclic_gc(freeze: bool = False) -> Iterator[None]:
    """Analysis creates no reference cycles; the cyclic garbage collector would only
    rescan the growing heap of results again and again (10-15% of the time).

    With ``freeze`` (large batches, :data:`FREEZE_FROM`), the objects alive on the way
    out are frozen (``gc.freeze``) before the collector is switched back on. Otherwise
    its first collection walks every object the analysis made (about 0.35 s per
    100,000 ads) and later full collections do so again. Frozen objects are still
    freed by reference counting as usual; they are only left out of the search for
    reference cycles, which the engine does not create (a long-running caller can
    ``gc.unfreeze()`` to have them searched again).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            gc.enable()


# --- worker processes ------------------------------------------------------------------
#
# Pickling whole ``Extraction``/``Hit`` objects back to the parent cost about 80 us per ad
# (more than a third of the analysis itself): frozen dataclasses pickle through
# Python-level ``__getstate__``/``__setstate__`` and every ``Municipality`` went by value.
# Workers therefore get the ads without pickling (inherited through ``fork`` as the pool
# initializer's argument, only index ranges travel) and send back plain tuples; the parent
# rebuilds the objects, sharing one instance per distinct hit, price and municipality.

_WORKER_ADS: Sequence[Ad] = ()
_WORKER_SPOOL: socket.socket | None = None  # the spool's sending end (None: the pipe)

PackedAnalysis = tuple[Any, ...]
# what a caller keeps of each analysed chunk instead of the analyses (runs in the
# process that analysed the chunk; the result must pickle)
Summarise = Callable[[list[Analysis]], list[Any]]


def _init_worker(ads: Sequence[Ad], spool: socket.socket | None = None) -> None:
    global _WORKER_ADS, _WORKER_SPOOL
    _WORKER_ADS = ads
    _WORKER_SPOOL = spool
    # A worker lives for one call and creates no reference cycles. With the collector on,
    # packing and pickling its results ran collections over the whole heap inherited
    # from the parent (which also copies those pages: the collector writes to them).
    gc.disable()


def _pack(analysis: Analysis) -> PackedAnalysis:
    e = analysis.extraction
    return (
        [(p.e164, p.start, p.end, p.obfuscated) for p in e.phones] if e.phones else None,
        e.emails or None,
        e.obfuscated_emails or None,
        e.urls or None,
        e.handles or None,
        e.age,
        [(p.amount, p.unit) for p in e.prices] if e.prices else None,
        e.municipality.code if e.municipality is not None else None,
        e.cities_mentioned or None,
        e.languages or None,
        e.names or None,
        [(h.code, h.phrase, h.kind) for h in analysis.hits] if analysis.hits else None,
        [(p.e164, p.start, p.end, p.obfuscated, False) for p in e.phone_keys]
        if e.phone_keys
        else None,
    )


class _Interned(dict[tuple[Any, ...], Any]):
    """One shared instance per distinct value of a frozen type (``Hit``, ``Price``)."""

    def __init__(self, factory: Any) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, key: tuple[Any, ...]) -> Any:
        value = self.factory(*key)
        self[key] = value
        return value


def _unpack(ad: Ad, packed: PackedAnalysis, hits: _Interned, prices: _Interned) -> Analysis:
    (
        phones,
        emails,
        obfuscated,
        urls,
        handles,
        age,
        price,
        code,
        cities,
        languages,
        names,
        found,
        keys,
    ) = packed
    extraction = Extraction(
        [],
        [PhoneHit(*p) for p in phones] if phones else [],
        emails or [],
        obfuscated or [],
        urls or [],
        handles or [],
        age,
        list(map(prices.__getitem__, price)) if price else [],
        by_code()[code] if code is not None else None,
        cities or [],
        languages or [],
        names or [],
        [PhoneHit(*p) for p in keys] if keys else [],
    )
    return Analysis(ad, extraction, list(map(hits.__getitem__, found)) if found else [])


def _sketch_range(
    bounds: tuple[int, int], summarise: Summarise | None = None
) -> tuple[list[Any], Shingles] | int:
    """Worker side: analyse ``_WORKER_ADS[start:end]``; only what the parent lacks goes
    back (packed analyses, or what ``summarise`` makes of them).

    With a spool (:class:`_Spool`), the result goes into an anonymous file whose
    descriptor is passed to the parent, and only ``start`` goes through the pool's
    pipe. A large result sent through the pipe kept the worker waiting until the
    parent's result thread had read it all, and that thread cannot run while the
    parent's main thread is in compiled code (it does not release the interpreter
    lock): the worker then sat idle for about a third of the time."""
    start, end = bounds
    analyses, signatures = _sketch_chunk_quiet(_WORKER_ADS[start:end])
    if summarise is not None:
        with _no_cyclic_gc():
            result = summarise(analyses), signatures
    else:
        result = [_pack(a) for a in analyses], signatures
    if _WORKER_SPOOL is None:
        return result
    with _anonymous_file() as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        # sent before the future completes: the parent finds it waiting
        socket.send_fds(_WORKER_SPOOL, [start.to_bytes(8, "little")], [handle.fileno()])
    return start


def _anonymous_file() -> IO[bytes]:
    """A file that has no name anywhere: anonymous memory (``memfd_create``, Linux),
    else an unnamed temporary file (``O_TMPFILE``, or unlinked before anything is
    written). Its content goes when the last process holding it closes it or dies."""
    if MEMFD:
        return os.fdopen(os.memfd_create("webscan-range", os.MFD_CLOEXEC), "w+b")
    return tempfile.TemporaryFile(prefix="webscan-")


# whether workers spool into anonymous memory (else unnamed temporary files); the
# tests switch it off to check the other way
MEMFD = hasattr(os, "memfd_create")


class _Spool:
    """Where the workers' results wait for the parent: each in an anonymous file (see
    :func:`_anonymous_file`), passed as a descriptor over a Unix socket pair made
    before the workers are forked. Nothing is ever written under a name: a run that
    is killed (even with SIGKILL) leaves no file behind, as the kernel frees the
    files with the last process that holds them (the socket holds those in flight).
    """

    def __init__(self) -> None:
        self.receiver, self.sender = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.waiting: dict[int, int] = {}  # range start -> descriptor, received early

    @staticmethod
    def available() -> bool:
        return hasattr(socket, "send_fds") and hasattr(socket, "AF_UNIX")

    def result(self, future: Future[Any], several: bool) -> Any:
        """``future.result()``. With ``several`` workers, the descriptors that arrive
        meanwhile are received while waiting: a socket holds only a few unread ones
        (``net.unix.max_dgram_qlen``), and a worker whose send waits for room would
        otherwise wait for this process, which waits for another worker's range that
        is queued behind it. (One worker sends in the order they are taken.)"""
        while several and not future.done():
            if select.select([self.receiver], [], [], 0.005)[0]:
                self._receive()
        return future.result()

    def _receive(self) -> None:
        tag, fds, _, _ = socket.recv_fds(self.receiver, 8, 1)
        self.waiting[int.from_bytes(tag, "little")] = fds[0]

    def take(self, got: tuple[list[Any], Shingles] | int) -> tuple[list[Any], Shingles]:
        """A worker's result: as it came through the pipe, or read from its file."""
        if not isinstance(got, int):
            return got
        while got not in self.waiting:
            self._receive()
        with os.fdopen(self.waiting.pop(got), "rb") as handle:
            handle.seek(0)
            result: tuple[list[Any], Shingles] = pickle.load(handle)  # noqa: S301 - our own worker's file
        return result

    def close(self) -> None:
        for fd in self.waiting.values():
            os.close(fd)
        self.waiting.clear()
        self.receiver.close()
        self.sender.close()


def _direct(got: tuple[list[Any], Shingles] | int) -> tuple[list[Any], Shingles]:
    if isinstance(got, int):  # pragma: no cover - only with a spool
        raise RuntimeError("a worker spooled a result without a spool")
    return got


def _fork_context() -> Any:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: the ads are pickled to each worker once
        return multiprocessing.get_context()


def analyse_and_sketch(
    ads: Sequence[Ad], workers: int = 1, chunk: int = SKETCH_CHUNK
) -> tuple[list[Analysis], Signatures]:
    """Analyse every ad and MinHash-sketch it, in chunks, optionally in worker processes.

    The chunks give each ad's word shingles; the signatures are made over the whole
    batch at the end, because a shingle's weight is its rarity in the batch
    (:func:`sketch.idf_copies`). The result does not depend on ``workers`` or
    ``chunk``. With workers the analyses come back without their tokens and token
    hashes: the signatures already hold what clustering needs.
    """
    analyses, parts = _analyse_and_shingle(ads, workers, chunk)
    mixed = np.concatenate([part[0] for part in parts])
    counts = np.concatenate([part[1] for part in parts])
    del parts
    return analyses, sketch_weighted(mixed, counts)


def _analyse_and_shingle(
    ads: Sequence[Ad],
    workers: int,
    chunk: int,
    summarise: Summarise | None = None,
    release: list[Ad] | None = None,
) -> tuple[list[Any], list[Shingles]]:
    """Analyses (without tokens) and shingles of ``ads``, in ranges, optionally in
    worker processes. With ``summarise``, each range's analyses are replaced by
    ``summarise(analyses)`` in the process that made them (one item per ad, in order):
    nothing else of them is kept or sent back. ``release`` (``ads`` itself, as a list,
    with ``summarise``): each range of it is replaced by a placeholder in this process
    once summarised, so the memory of the ads is reused for the summaries."""

    def keep(done: list[Analysis], start: int = 0) -> list[Any]:
        if summarise is not None:
            kept = summarise(done)
            if release is not None:
                release[start : start + len(done)] = [_RELEASED] * len(done)
            return kept
        _strip(done)  # the shingles hold what clustering needs: less memory
        return done

    bounds = [(i, min(i + chunk, len(ads))) for i in range(0, len(ads), chunk)]
    analyses: list[Any] = []
    parts: list[Shingles] = [shingle_batch([])]
    freeze = len(ads) >= FREEZE_FROM
    if workers <= 1 or len(bounds) < 2:
        with _no_cyclic_gc(freeze):
            for start, end in bounds:
                done, signatures = _sketch_chunk(ads[start:end])
                analyses.extend(keep(done, start))
                parts.append(signatures)
        return analyses, parts
    # The parent analyses a first, small part itself before the pool starts: the caches it
    # fills (tokens, places, phone metadata) are inherited by the forked workers.
    warm = min(chunk, WARM_UP)
    with _no_cyclic_gc():
        first, signatures = _sketch_chunk(ads[:warm])
        analyses.extend(keep(first))
    parts.append(signatures)
    # The parent is one of the ``workers``: ``workers - 1`` processes take ranges from the
    # front, the parent takes them from the back (cancelling the futures not yet started)
    # until they meet. What the parent analyses needs no transfer at all.
    ranges = _ranges(warm, len(ads), workers, chunk)
    by_range: list[tuple[list[Any], Shingles] | None] = [None] * len(ranges)
    hits = _Interned(Hit)
    prices = _Interned(Price)

    def receive(index: int) -> None:
        start, end = ranges[index]
        if spool is not None:
            packed, signatures = spool.take(spool.result(futures[index], workers > 2))
        else:
            packed, signatures = _direct(futures[index].result())
        if summarise is not None:
            by_range[index] = (packed, signatures)
            if release is not None:
                release[start:end] = [_RELEASED] * (end - start)
            return
        by_range[index] = (
            [
                _unpack(ad, item, hits, prices)
                for ad, item in zip(ads[start:end], packed, strict=True)
            ],
            signatures,
        )

    context = _fork_context()
    # the spool's sockets are inherited by forked workers (they do not pickle)
    spool = _Spool() if _Spool.available() and context.get_start_method() == "fork" else None
    with (
        contextlib.closing(spool) if spool is not None else contextlib.nullcontext(),
        ProcessPoolExecutor(
            max_workers=workers - 1,
            mp_context=context,
            initializer=_init_worker,
            initargs=(ads, spool.sender if spool is not None else None),
        ) as pool,
        _no_cyclic_gc(freeze),
    ):
        futures = [pool.submit(_sketch_range, bounds, summarise) for bounds in ranges]
        received = 0  # the workers' ranges before this one are unpacked
        last = len(ranges) - 1
        while last >= received:
            # unpack what the workers finished meanwhile, so no unpacking is left for
            # the end, when the workers would wait idle for the parent
            while received <= last and futures[received].done():
                receive(received)
                received += 1
            if received > last or not futures[last].cancel():
                break
            start, end = ranges[last]
            local, signatures = _sketch_chunk(ads[start:end])
            by_range[last] = (keep(local, start), signatures)
            last -= 1
        for index in range(received, last + 1):
            receive(index)
    for part in by_range:
        if part is None:  # pragma: no cover - every range is done above
            raise RuntimeError("a range of ads was not analysed")
        analyses.extend(part[0])
        parts.append(part[1])
    return analyses, parts


_RELEASED = Ad("", "", "")  # what a released ad is replaced by


def _ranges(start: int, end: int, workers: int, chunk: int) -> list[tuple[int, int]]:
    """Ranges of ads for the workers (from the front) and the parent (from the back).

    Small ranges around the middle, where they meet: the pool has already handed a
    worker its next range while it runs the current one, and the parent waits for
    both at the end, so these should be short.
    """
    step = max(1, min(chunk, RANGE, -(-(end - start) // (workers * 8))))
    small = max(1, min(step, MIDDLE_RANGE))
    low = start + (end - start) * 7 // 20  # the middle 30%
    high = start + (end - start) * 13 // 20
    ranges: list[tuple[int, int]] = []
    position = start
    while position < end:
        size = small if low <= position < high or low < position + step <= high else step
        ranges.append((position, min(position + size, end)))
        position += size
    return ranges


def _strip(analyses: list[Analysis]) -> None:
    """What workers send back lacks the tokens and token hashes; so do the parent's own."""
    for analysis in analyses:
        analysis.extraction.tokens = []
        analysis.token_hashes = []
        analysis.base = ""


def regional_medians(analyses: Iterable[Analysis]) -> dict[str, float]:
    """Median hourly price per safety region (only regions with enough prices)."""
    return medians_of((a.extraction.hourly_price, a.extraction.municipality) for a in analyses)


def medians_of(prices: Iterable[tuple[float | None, Municipality | None]]) -> dict[str, float]:
    """:func:`regional_medians` from ``(hourly price, municipality)`` per ad."""
    by_region: dict[str, list[float]] = defaultdict(list)
    national: list[float] = []
    for hourly, municipality in prices:
        if hourly is None:
            continue
        national.append(hourly)
        if municipality is not None:
            by_region[municipality.region_code].append(hourly)
    medians = {
        region: statistics.median(values)
        for region, values in by_region.items()
        if len(values) >= MIN_PRICES_PER_REGION
    }
    medians["NL"] = (
        statistics.median(national)
        if len(national) >= MIN_PRICES_PER_REGION
        else NATIONAL_MEDIAN_FALLBACK
    )
    return medians


def apply_price_rule(analyses: Iterable[Analysis], medians: dict[str, float]) -> None:
    for analysis in analyses:
        hourly = analysis.extraction.hourly_price
        if hourly is None:
            continue
        municipality = analysis.extraction.municipality
        region = municipality.region_code if municipality is not None else "NL"
        hit = price_hit(hourly, medians.get(region, medians["NL"]))
        if hit is not None:
            analysis.hits.append(hit)


def entities_of(analysis: Analysis) -> list[str]:
    e = analysis.extraction
    return [
        *(f"phone:{p.e164}" for p in e.phones),
        *(f"phonekey:{p.e164}" for p in e.phone_keys),
        *(f"email:{m}" for m in e.emails),
        *(f"handle:{h.split(':', 1)[1]}" for h in e.handles),
    ]


@dataclass(slots=True)
class Network:
    cluster_id: str
    members: list[int]
    features: dict[str, Any] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    template: dict[str, Any] | None = None
    risk: float = 0.0


# what the network features need of one ad: dialable phones, phone keys, e-mail
# addresses, handles, names (lists of str), municipality code, posted_at
FeatureItem = tuple[
    Sequence[str],
    Sequence[str],
    Sequence[str],
    Sequence[str],
    Sequence[str],
    str | None,
    str | None,
]


def feature_item(analysis: Analysis) -> FeatureItem:
    e = analysis.extraction
    return (
        [p.e164 for p in e.phones],
        [p.e164 for p in e.phone_keys],
        e.emails,
        e.handles,
        e.names,
        e.municipality.code if e.municipality is not None else None,
        analysis.ad.posted_at,
    )


def network_features(
    analyses: Sequence[Analysis], members: list[int]
) -> tuple[dict[str, Any], list[str]]:
    return features_of([feature_item(analyses[index]) for index in members])


def features_of(items: Iterable[FeatureItem]) -> tuple[dict[str, Any], list[str]]:
    """A network's features and network indicators from its members' :data:`FeatureItem`."""
    phones: set[str] = set()
    phone_keys: set[str] = set()
    emails: set[str] = set()
    handles: set[str] = set()
    names: set[str] = set()
    names_per_contact: dict[str, set[str]] = defaultdict(set)
    timeline: list[tuple[Any, str | None]] = []
    cities: list[str] = []
    count = 0
    for ad_phones, ad_keys, ad_emails, ad_handles, ad_names, code, posted_at in items:
        count += 1
        phones.update(ad_phones)
        phone_keys.update(ad_keys)
        emails.update(ad_emails)
        handles.update(ad_handles)
        names.update(ad_names)
        for contact in [*ad_phones, *ad_handles]:
            names_per_contact[contact].update(ad_names)
        if code is not None and code not in cities:
            cities.append(code)
        timeline.append((parse_time(posted_at), code))
    dated = sorted((t, c) for t, c in timeline if t is not None and c is not None)
    hops = sum(1 for (_, a), (_, b) in itertools.pairwise(dated) if a != b)
    times = [t for t, _ in timeline if t is not None]
    span_days = (max(times) - min(times)).total_seconds() / 86400 if times else None
    hopping = False
    if len(dated) >= 3:
        for i, (start, _) in enumerate(dated):
            window = {c for t, c in dated[i:] if (t - start).days <= 30}
            if len(window) >= 3:
                hopping = True
                break
    lookup = by_code()
    features: dict[str, Any] = {
        "ads": count,
        "phones": sorted(phones),
        "n_phones": len(phones),
        # numbers outside the numbering plan: linking keys, not dialable phones
        "phone_keys": sorted(phone_keys),
        "emails": sorted(emails),
        "handles": sorted(handles),
        "names": sorted(names),
        "n_names": len(names),
        "cities": [{"code": c, "name": lookup[c].name} for c in cities],
        "n_cities": len(cities),
        "first_seen": min(times).isoformat() if times else None,
        "last_seen": max(times).isoformat() if times else None,
        "time_span_days": round(span_days, 2) if span_days is not None else None,
        "city_hops": hops,
        "city_hopping": hopping,
    }
    codes: list[str] = []
    if any(len(v) >= 2 for v in names_per_contact.values()):
        codes.append("NET_MULTI_NAME")
    if hopping:
        codes.append("NET_CITY_HOPPING")
    if len(phones) >= 3:
        codes.append("NET_MANY_PHONES")
    return features, codes


def network_codes(items: Iterable[FeatureItem]) -> list[str]:
    """The network indicators of :func:`features_of` (the same list), without the
    features: what the command's run needs when it writes no networks file."""
    phones: set[str] = set()
    names_per_contact: dict[str, set[str]] = {}
    placed: list[tuple[str, str | None]] = []  # (municipality code, posted_at)
    for ad_phones, _, _, ad_handles, ad_names, code, posted_at in items:
        phones.update(ad_phones)
        if ad_names:  # a contact without names can never have two
            for contact in [*ad_phones, *ad_handles]:
                known = names_per_contact.get(contact)
                if known is None:
                    names_per_contact[contact] = set(ad_names)
                else:
                    known.update(ad_names)
        if code is not None:
            placed.append((code, posted_at))
    codes: list[str] = []
    if any(len(v) >= 2 for v in names_per_contact.values()):
        codes.append("NET_MULTI_NAME")
    if len(placed) >= 3 and _city_hopping(placed):
        codes.append("NET_CITY_HOPPING")
    if len(phones) >= 3:
        codes.append("NET_MANY_PHONES")
    return codes


def _city_hopping(placed: list[tuple[str, str | None]]) -> bool:
    """:func:`features_of`'s ``city_hopping`` from (code, posted_at) of the ads with a
    municipality: three or more municipalities within 30 days. The dated list is
    sorted by time, so each window ends at the first ad more than 30 days later."""
    dated: list[tuple[datetime, str]] = []
    for code, posted_at in placed:
        moment = parse_time(posted_at)
        if moment is not None:
            dated.append((moment, code))
    if len(dated) < 3:
        return False
    dated.sort()
    for i, (start, _) in enumerate(dated):
        window: set[str] = set()
        for moment, code in itertools.islice(dated, i, None):
            if (moment - start).days > 30:
                break
            window.add(code)
        if len(window) >= 3:
            return True
    return False


@dataclass(slots=True)
class ScanResult:
    analyses: list[Analysis]
    networks: list[Network]
    cluster_of: list[str | None]
    clustering: ClusterResult
    medians: dict[str, float]


def scan(
    ads: Sequence[Ad],
    workers: int = 1,
    threshold: float = DEFAULT_THRESHOLD,
    templates: bool = True,
    max_entity_df: int = DEFAULT_MAX_ENTITY_DF,
) -> ScanResult:
    analyses, signatures = analyse_and_sketch(ads, workers=workers)
    medians = regional_medians(analyses)
    apply_price_rule(analyses, medians)
    result = cluster(signatures, [entities_of(a) for a in analyses], threshold, max_entity_df)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(result.labels.tolist()):
        if label >= 0:
            groups[label].append(index)
    networks: list[Network] = []
    cluster_of: list[str | None] = [None] * len(analyses)
    for label in sorted(groups):
        members = groups[label]
        cluster_id = f"net-{label + 1:06d}"
        features, codes = network_features(analyses, members)
        network = Network(cluster_id, members, features, codes)
        ad_codes = {code for i in members for code in analyses[i].codes}
        network.risk = risk_score(ad_codes | set(codes), NETWORK_WEIGHTS)
        if templates:
            network.template = build_template([analyses[i].ad.text for i in members]).as_dict()
        networks.append(network)
        for index in members:
            cluster_of[index] = cluster_id
    return ScanResult(analyses, networks, cluster_of, result, medians)


# --- explanation and records ------------------------------------------------------------


def evidence(analysis: Analysis) -> list[dict[str, Any]]:
    """Where each fired indicator is in the original title/body (field + offsets)."""
    return evidence_of(analysis.ad, analysis.hits, analysis.extraction.phones, analysis.base)


def evidence_of(
    ad: Ad, hits: Sequence[Hit], phones: Sequence[PhoneHit], base: str = ""
) -> list[dict[str, Any]]:
    """:func:`evidence` for ``hits`` of ``ad`` (``phones``: its dialable phones;
    ``base``: the text's base view when known, else "")."""
    if not hits:
        return []
    text = ad.text  # a property that joins title and body: once
    if base and not needs_nfkc(text):
        # what normalise(text) gives for such a text, without folding it again (its
        # base view is the tokeniser's; a test compares them)
        norm = NormalisedText(text, text, base, fold_leet(base))
    else:
        norm = normalise(text)
    title_len = len(ad.title) + 1 if ad.title else 0
    items: list[dict[str, Any]] = []
    for hit in hits:
        span = _locate(hit, phones, norm)
        item: dict[str, Any] = {"code": hit.code, "kind": hit.kind, "match": " ".join(hit.phrase)}
        if span is not None:
            start, end = norm.to_original(*span)
            # keys set one by one (update() with keywords builds a dict first)
            if ad.title and start < title_len - 1:
                item["field"] = "title"
                item["start"] = start
                item["end"] = min(end, title_len - 1)
            else:
                item["field"] = "body"
                item["start"] = start - title_len
                item["end"] = end - title_len
            item["text"] = text[start:end]
        items.append(item)
    return items


def _locate(hit: Hit, phones: Sequence[PhoneHit], norm: Any) -> tuple[int, int] | None:
    if hit.kind == "phone":
        for phone in phones:
            if phone.e164 == hit.phrase[0]:
                return phone.start, phone.end
        return None
    on_base, pattern, fallback = _hit_search(hit.kind, hit.phrase)
    match = pattern.search(norm.base if on_base else norm.folded)
    if match is None and fallback is not None:
        match = fallback.search(norm.base)
    return match.span() if match else None


@functools.lru_cache(maxsize=8192)
def _hit_search(
    kind: str, phrase: tuple[str, ...]
) -> tuple[bool, re.Pattern[str], re.Pattern[str] | None]:
    """How to find a hit in an ad: (search the base view?, pattern, fallback on the
    base view). Compiled once per distinct hit; hits repeat across ads."""
    # Every pattern starts with the literal it looks for and checks the character
    # before it with a look-behind placed after that literal (``w(?<!\dw)`` rather
    # than ``(?<!\d)w``): the same matches, but the regular expression engine can
    # then jump from one occurrence of the literal to the next instead of trying
    # the look-behind at every position of the text (about ten times faster when
    # the phrase is not in the ad).
    if kind == "price":
        return True, _literal_first(re.escape(phrase[0].split(".")[0]), r"\d", r"(?!\d)"), None
    if kind == "language":
        return True, re.compile(r"spreek|speak|talen|languages?|taal"), None
    if kind == "email":
        return True, re.compile(re.escape(phrase[0].split("@")[0])), None
    words = [re.escape(w) for w in phrase]
    pattern = _literal_first(
        words[0], r"[^\W_]", "".join(r"[\W_]+" + w for w in words[1:]) + r"(?![^\W_])"
    )
    fallback = _literal_first(words[0], r"\d", r"(?!\d)") if kind == "age" else None
    return False, pattern, fallback


def _literal_first(literal: str, before: str, rest: str) -> re.Pattern[str]:
    """``(?<!before)literal rest``, written so that the search starts at the literal
    (``before`` matches one character; ``literal`` is escaped, of fixed width)."""
    return re.compile(f"{literal}(?<!{before}{literal}){rest}")


def ad_record(
    analysis: Analysis, cluster_id: str | None, network: Network | None
) -> dict[str, Any]:
    e = analysis.extraction
    codes = analysis.codes
    net_codes = network.indicators if network is not None else []
    record: dict[str, Any] = {
        "id": analysis.ad.id,
        "cluster_id": cluster_id,
        "risk": risk_score([*codes, *net_codes], NETWORK_WEIGHTS),
        "ad_risk": risk_score(codes),
        "indicators": [*codes, *net_codes],
        "phones": [p.e164 for p in e.phones],
        "phone_keys": [p.e164 for p in e.phone_keys],
        "emails": e.emails,
        "handles": e.handles,
        "urls": e.urls,
        "age": e.age,
        "hourly_price": e.hourly_price,
        "municipality_code": e.municipality.code if e.municipality else None,
        "languages": e.languages,
        "names": e.names,
        "evidence": evidence(analysis),
        "ruleset_version": RULESET_VERSION,
    }
    return record


def network_record(network: Network) -> dict[str, Any]:
    return {
        "cluster_id": network.cluster_id,
        "risk": network.risk,
        "indicators": network.indicators,
        "features": network.features,
        "template": network.template,
        "ruleset_version": RULESET_VERSION,
    }


def rule_catalogue() -> list[dict[str, Any]]:
    rules = [
        {"code": r.code, "label_nl": r.label_nl, "label_en": r.label_en, "weight": r.weight,
         "evidence": r.evidence, "evidence_nl": r.evidence_nl}
        for r in RULES_BY_CODE.values()
    ]  # fmt: skip
    rules.extend(
        {
            "code": code,
            "label_nl": nl,
            "label_en": en,
            "weight": w,
            "evidence": note,
            "evidence_nl": note_nl,
        }
        for code, (nl, en, w, note, note_nl) in NETWORK_RULES.items()
    )
    return rules


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))
