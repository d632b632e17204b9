"""``bovenwater webscan ...``: generate a synthetic corpus, cluster a corpus.

``generate --n N --seed S OUT.jsonl`` writes ads with ground truth (``network_id``).
``cluster IN.jsonl --out OUT.jsonl`` writes one line per ad with ``id``,
``cluster_id`` (null when alone), ``risk`` (0-1), ``indicators`` and ``phones``
(E.164), plus explanation fields. Malformed input lines are reported on stderr with
their line number and never stop the run. Bad arguments exit with code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

from bovenwater.adscan.ingest import IngestError, read_ads
from bovenwater.adscan.model import Ad
from bovenwater.adscan.run import run, run_jsonl


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {value}")
    return value


def _error(message: str) -> int:
    print(f"bovenwater webscan: error: {message}", file=sys.stderr)
    return 2


def _writable(path: Path) -> str | None:
    parent = path.resolve().parent
    if not parent.is_dir():
        return f"output folder does not exist: {parent}"
    if path.is_dir():
        return f"output path is a folder: {path}"
    return None


def _generate(args: argparse.Namespace) -> int:
    # imported here: `webscan cluster` need not load the generator (about 20 ms)
    from bovenwater.adscan.generate import generate  # noqa: PLC0415 - start-up cost

    out: Path = args.out
    problem = _writable(out)
    if problem:
        return _error(problem)
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for record in generate(
            args.n, seed=args.seed, network_share=args.network_share, hard=args.hard
        ):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    print(f"wrote {count} ads to {out}", file=sys.stderr)
    return 0


def _cluster(args: argparse.Namespace) -> int:
    source: Path = args.input
    if not source.is_file():
        return _error(f"cannot read input file: {source}")
    for path in (args.out, args.networks):
        if path is not None and (problem := _writable(path)):
            return _error(problem)
    started = time.perf_counter()
    errors = 0
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(args.out.open("wb"))
        outcome = None
        if args.networks is None and source.suffix.lower() != ".csv":
            # each process parses the lines it analyses; None: duplicate ids, read below
            outcome = run_jsonl(
                source,
                out,
                workers=args.workers,
                threshold=args.threshold,
                max_entity_df=args.max_entity_df,
            )
        if outcome is not None:
            result, malformed = outcome
            for error in malformed:
                print(f"{source}: {error}", file=sys.stderr)
            errors = len(malformed)
        else:
            ads: list[Ad] = []
            for item in read_ads(source):
                if isinstance(item, IngestError):
                    errors += 1
                    print(f"{source}: {item}", file=sys.stderr)
                else:
                    ads.append(item)
            networks = (
                stack.enter_context(args.networks.open("wb")) if args.networks is not None else None
            )
            result = run(
                ads,
                out,
                workers=args.workers,
                threshold=args.threshold,
                max_entity_df=args.max_entity_df,
                networks_out=networks,
                templates=not args.no_templates,
            )
    for value in result.ignored_entities:
        print(f"ignored over-shared contact value: {value}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(
        f"{result.ads} ads, {errors} malformed line(s) skipped, {result.networks} networks, "
        f"{elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "webscan", help="screen online advertisements: generate a corpus, cluster networks"
    )
    commands = parser.add_subparsers(dest="webscan_command", required=True, metavar="COMMAND")

    generate = commands.add_parser("generate", help="write a synthetic corpus with ground truth")
    generate.add_argument("--n", type=_positive_int, required=True, help="number of ads")
    generate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    generate.add_argument(
        "--network-share", type=_share, default=0.35, help="share of ads in networks (0-1)"
    )
    generate.add_argument(
        "--hard",
        action="store_true",
        help="add hard cases: undialable numbers, rotating phones, template families, "
        "independents from the networks' phrase pools",
    )
    generate.add_argument("out", type=Path, metavar="OUT.jsonl")
    generate.set_defaults(handler=_generate)

    cluster = commands.add_parser("cluster", help="analyse ads and cluster them into networks")
    cluster.add_argument("input", type=Path, metavar="IN.jsonl", help="JSONL (or .csv) input")
    cluster.add_argument("--out", type=Path, required=True, metavar="OUT.jsonl")
    cluster.add_argument(
        "--networks", type=Path, default=None, metavar="NETWORKS.jsonl",
        help="also write one line per network (features, template)",
    )  # fmt: skip
    cluster.add_argument(
        "--workers",
        type=_positive_int,
        default=min(2, os.cpu_count() or 1),
        help="processes for the analysis (default: the cores, at most 2)",
    )
    # the defaults are cluster.DEFAULT_THRESHOLD / DEFAULT_MAX_ENTITY_DF (not imported
    # here: that module loads SciPy, which every other command would pay for)
    cluster.add_argument(
        "--threshold", type=_share, default=0.4, help="weak text link threshold (weighted Jaccard)"
    )
    cluster.add_argument(
        "--max-entity-df", type=_positive_int, default=500,
        help="ignore a contact value shared by more ads than this",
    )  # fmt: skip
    cluster.add_argument("--no-templates", action="store_true", help="skip network templates")
    cluster.set_defaults(handler=_cluster)
