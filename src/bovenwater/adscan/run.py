"""The command line's whole-file run: ``bovenwater webscan cluster`` without holding
every analysis.

:func:`pipeline.scan` keeps one :class:`Analysis` per ad and builds every output
record at the end, in one process. Here the process that analyses a range of ads
(a worker or the parent) also turns each analysis into what the rest of the run
needs and nothing more (:data:`Summary`): the contact values for clustering, the
price and municipality for the regional medians, the rule codes, the network
features, and the ad's output line already encoded up to its evidence. The parent
then clusters, adds the network-dependent fields (cluster, network indicators,
risk, the price rule that needs the medians) and writes the lines. The output is
byte for byte that of ``scan`` + ``pipeline.ad_record`` (a test compares them);
templates are built only when the networks file is written, the one place they
appear.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bovenwater.adscan import forked
from bovenwater.adscan.cluster import (
    DEFAULT_MAX_ENTITY_DF,
    DEFAULT_THRESHOLD,
    cluster,
    entity_pairs,
)
from bovenwater.adscan.indicators import RULESET_VERSION, Hit, price_hit, risk_score
from bovenwater.adscan.ingest import IngestError, JsonlLines, parse_line
from bovenwater.adscan.model import Ad, Analysis
from bovenwater.adscan.municipalities import by_code
from bovenwater.adscan.pipeline import (
    NETWORK_WEIGHTS,
    SKETCH_CHUNK,
    FeatureItem,
    Network,
    _analyse_and_shingle,
    entities_of,
    evidence_of,
    features_of,
    medians_of,
    network_codes,
    network_record,
)
from bovenwater.adscan.sketch import Shingles, sketch_parts
from bovenwater.adscan.templates import build_template

# json.dumps' separators and escaping (ensure_ascii off, as the records are written)
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
# the C encoder that JSONEncoder.encode makes anew on every call, made once (a third
# less time per record; None without the C accelerator)
_C_ITERENCODE: Any = (
    json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None,
        _JSON_ENCODER.default,
        json.encoder.encode_basestring,
        None,
        ": ",
        ", ",
        False,
        False,
        True,
    )
    if getattr(json.encoder, "c_make_encoder", None) is not None
    else None
)


def _encode(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False)`` (a test compares them)."""
    if _C_ITERENCODE is None or type(value) is str:
        return _JSON_ENCODER.encode(value)
    return "".join(_C_ITERENCODE(value, 0))


PRICE_BELOW_MEDIAN = "PRICE_BELOW_MEDIAN"  # the code of indicators.price_hit
_TAIL = f'], "ruleset_version": {_encode(RULESET_VERSION)}}}\n'.encode()

# Per ad, compact (tuples: an empty one costs nothing): contact values, hourly
# price, municipality code, rule codes, network features, the output line up to its
# cluster and from "phones" up to the evidence items (UTF-8), and where the price
# rule's evidence would point (JSON members, or "")
Summary = tuple[
    tuple[str, ...], float | None, str | None, tuple[str, ...], FeatureItem, bytes, bytes, str
]


def summarise(analyses: list[Analysis]) -> list[Summary]:
    """What the run keeps of each analysis (runs where the analysis was made)."""
    out: list[Summary] = []
    for analysis in analyses:
        e = analysis.extraction
        phones = tuple([p.e164 for p in e.phones])
        keys = tuple([p.e164 for p in e.phone_keys])
        code = e.municipality.code if e.municipality is not None else None
        hourly = e.hourly_price
        # the price rule's evidence is located by the ad's own price only (its median
        # comes later): located now, while the ad's text is at hand
        hits = analysis.hits
        if hourly is not None:
            hits = [*hits, Hit(PRICE_BELOW_MEDIAN, (f"{hourly:g}",), "price")]
        items = evidence_of(analysis.ad, hits, e.phones, analysis.base)
        where = ""
        if hourly is not None:
            found = items.pop()
            del found["code"], found["kind"], found["match"]
            where = _encode(found)[1:-1]
        # the fields of pipeline.ad_record from "phones" to "evidence", in its order;
        # the line is kept open after the evidence items (the price item may follow)
        line = _encode(
            {
                "phones": phones,
                "phone_keys": keys,
                "emails": e.emails,
                "handles": e.handles,
                "urls": e.urls,
                "age": e.age,
                "hourly_price": hourly,
                "municipality_code": code,
                "languages": e.languages,
                "names": e.names,
                "evidence": items,
            }
        )[1:-2].encode()
        out.append(
            (
                tuple(entities_of(analysis)),
                hourly,
                code,
                tuple(analysis.codes),
                (
                    phones,
                    keys,
                    tuple(e.emails),
                    tuple(e.handles),
                    tuple(e.names),
                    code,
                    analysis.ad.posted_at,
                ),
                f'{{"id": {_encode(analysis.ad.id)}, "cluster_id": '.encode(),
                line,
                where,
            )
        )
    return out


@dataclass(slots=True)
class RunResult:
    ads: int
    networks: int
    ignored_entities: list[str] = field(default_factory=list)


def run(
    ads: list[Ad],
    out: IO[bytes],
    *,
    workers: int = 1,
    threshold: float = DEFAULT_THRESHOLD,
    max_entity_df: int = DEFAULT_MAX_ENTITY_DF,
    networks_out: IO[bytes] | None = None,
    templates: bool = True,
    times: dict[str, float] | None = None,
) -> RunResult:
    """Analyse, cluster and write one line per ad to ``out`` (and, with
    ``networks_out``, one line per network, with its template unless ``templates``
    is false). ``times``, when given, receives this process's CPU seconds per stage.

    ``ads`` is emptied once analysed (the ads are then held only by their summaries),
    unless templates are to be written.
    """
    lap = _Laps(times)
    with_templates = networks_out is not None and templates
    summaries, parts = _analyse_and_shingle(
        ads, workers, SKETCH_CHUNK, summarise, release=None if with_templates else ads
    )
    texts = [ad.text for ad in ads] if with_templates else []
    ads.clear()
    lap("analyse")
    return _finish(
        summaries,
        parts,
        texts,
        out,
        lap,
        threshold,
        max_entity_df,
        networks_out,
        templates,
        workers,
    )


def run_jsonl(
    path: Path,
    out: IO[bytes],
    *,
    workers: int = 1,
    threshold: float = DEFAULT_THRESHOLD,
    max_entity_df: int = DEFAULT_MAX_ENTITY_DF,
    times: dict[str, float] | None = None,
) -> tuple[RunResult, list[IngestError]] | None:
    """:func:`run` on the JSONL file ``path``, without networks file, and the
    file's malformed lines (as :func:`ingest.read_jsonl` reports them). Each process
    parses the lines it analyses, so reading runs in parallel too.

    Duplicate ids are known only once every line is parsed: when the file has one,
    nothing is written and the result is ``None`` (read the file with
    ``read_jsonl`` and call :func:`run`, which skips the later copies). The output is
    byte for byte that of ``run`` otherwise (a test compares them).
    """
    lap = _Laps(times)
    lines = JsonlLines(path.read_bytes())  # the file's bytes are freed once split
    summaries, parts = _analyse_and_shingle(lines, workers, SKETCH_CHUNK, summarise)
    lap("analyse")
    errors: list[IngestError] = []
    if len(summaries) != len(lines):  # blank or malformed lines: find which, in order
        for index in range(len(lines)):
            parsed = parse_line(index + 1, lines.raw(index))
            if isinstance(parsed, IngestError):
                errors.append(parsed)
    del lines
    # the encoded '{"id": ...' that starts each line: equal exactly when the ids are
    if len({s[5] for s in summaries}) != len(summaries):
        return None
    lap("read")
    done = _finish(summaries, parts, [], out, lap, threshold, max_entity_df, None, False, workers)
    return done, errors


def _finish(
    summaries: list[Summary],
    parts: list[Shingles],
    texts: list[str],
    out: IO[bytes],
    lap: _Laps,
    threshold: float,
    max_entity_df: int,
    networks_out: IO[bytes] | None,
    templates: bool,
    workers: int,
) -> RunResult:
    entities = [s[0] for s in summaries]
    if workers >= 2 and len(summaries) >= forked.MIN_ITEMS and forked.can_fork():
        # the steps that need no signatures (the price rule, the contact pairs) in a
        # forked process while this one sketches
        side, signatures = forked.in_two(
            lambda: (_priced(summaries), entity_pairs(entities, max_entity_df)),
            lambda: sketch_parts(parts, 1),
        )
        priced, contacts = side
    else:
        signatures = sketch_parts(parts)  # empties parts
        priced, contacts = _priced(summaries), None
    lap("sketch")
    result = cluster(signatures, entities, threshold, max_entity_df, workers, contacts)
    del signatures
    lap("cluster")
    groups: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(result.labels.tolist()):
        if label >= 0:
            groups[label].append(index)
    networks: list[Network] = []
    network_of: list[Network | None] = [None] * len(summaries)
    for label in sorted(groups):
        members = groups[label]
        if networks_out is None:  # only the network indicators appear in the output
            network = Network(
                f"net-{label + 1:06d}",
                members,
                indicators=network_codes(summaries[i][4] for i in members),
            )
            networks.append(network)
            for index in members:
                network_of[index] = network
            continue
        features, codes = features_of(summaries[i][4] for i in members)
        network = Network(f"net-{label + 1:06d}", members, features, codes)
        ad_codes = {code for i in members for code in summaries[i][3]}
        if any(i in priced for i in members):
            ad_codes.add(PRICE_BELOW_MEDIAN)
        network.risk = risk_score(ad_codes | set(codes), NETWORK_WEIGHTS)
        if templates:
            network.template = build_template([texts[i] for i in members]).as_dict()
        networks.append(network)
        for index in members:
            network_of[index] = network
    lap("networks")
    n = len(summaries)
    if workers >= 2 and n >= forked.MIN_ITEMS and forked.can_fork():
        # the second half of the lines made in a forked process meanwhile; they come
        # through a pipe and are copied to ``out`` after the first half
        middle = n // 2
        forked.stream_in_two(
            lambda sink: _write(summaries, network_of, priced, sink.write, middle, n),
            lambda: _write(summaries, network_of, priced, out.write, 0, middle),
            out.write,
        )
    else:
        _write(summaries, network_of, priced, out.write, 0, n)
    if networks_out is not None:
        for network in networks:
            networks_out.write(_encode(network_record(network)).encode() + b"\n")
    lap("write")
    return RunResult(len(summaries), len(networks), result.ignored_entities)


def _priced(summaries: list[Summary]) -> dict[int, str]:
    """The price rule (it needs every ad's price): ad -> its encoded evidence item."""
    lookup = by_code()
    medians = medians_of((s[1], lookup[s[2]] if s[2] is not None else None) for s in summaries)
    # its hit comes after the ad's own hits
    priced: dict[int, str] = {}
    national = medians["NL"]
    for index, s in enumerate(summaries):
        hourly = s[1]
        if hourly is None:
            continue
        region = lookup[s[2]].region_code if s[2] is not None else "NL"
        hit = price_hit(hourly, medians.get(region, national))
        if hit is not None:
            where = f", {s[7]}" if s[7] else ""
            priced[index] = (
                f'{{"code": {_encode(hit.code)}, "kind": {_encode(hit.kind)}, '
                f'"match": {_encode(" ".join(hit.phrase))}{where}}}'
            )
    return priced


class _Laps:
    def __init__(self, times: dict[str, float] | None) -> None:
        self.times = times
        self.last = time.process_time()

    def __call__(self, stage: str) -> None:
        if self.times is not None:
            now = time.process_time()
            self.times[stage] = self.times.get(stage, 0.0) + now - self.last
            self.last = now


_BATCH = 4096  # lines per write


def _write(
    summaries: list[Summary],
    network_of: list[Network | None],
    priced: dict[int, str],
    write: Callable[[bytes], object],
    first: int,
    end: int,
) -> None:
    """Write the lines of the ads ``first`` to ``end`` (exclusive) with ``write``."""
    # the part between cluster and "phones" depends only on the ad's and the
    # network's indicators: encoded once per distinct pair
    middles: dict[tuple[tuple[str, ...], tuple[str, ...]], bytes] = {}
    clusters: dict[int, tuple[bytes, tuple[str, ...]]] = {}  # id(network) -> (id, codes)
    alone: tuple[bytes, tuple[str, ...]] = (b"null", ())
    lines: list[bytes] = []
    for index in range(first, end):
        summary = summaries[index]
        network = network_of[index]
        price = priced.get(index)
        codes = summary[3] if price is None else (*summary[3], PRICE_BELOW_MEDIAN)
        if network is None:
            cluster, network_codes = alone
        else:
            known = clusters.get(id(network))
            if known is None:
                known = clusters[id(network)] = (
                    _encode(network.cluster_id).encode(),
                    tuple(network.indicators),
                )
            cluster, network_codes = known
        middle = middles.get((codes, network_codes))
        if middle is None:
            indicators = [*codes, *network_codes]
            middle = middles[codes, network_codes] = (
                f', "risk": {_encode(risk_score(indicators, NETWORK_WEIGHTS))}, '
                f'"ad_risk": {_encode(risk_score(list(codes)))}, '
                f'"indicators": {_encode(indicators)}, '
            ).encode()
        if price is None:
            lines.append(b"".join((summary[5], cluster, middle, summary[6], _TAIL)))
        else:
            joint = ", " if summary[6][-1:] != b"[" else ""
            lines.append(
                b"".join(
                    (summary[5], cluster, middle, summary[6], f"{joint}{price}".encode(), _TAIL)
                )
            )
        if len(lines) >= _BATCH:
            write(b"".join(lines))
            lines.clear()
    write(b"".join(lines))
