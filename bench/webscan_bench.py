"""Webscan benchmark: end-to-end throughput, clustering time and ARI, MinHash choice.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python bench/webscan_bench.py --n 100000 --workers 2
    PYTHONPATH=src .venv/bin/python bench/webscan_bench.py --n 100000 --workers 1
    PYTHONPATH=src .venv/bin/python bench/webscan_bench.py --n 1000000 --workers 1
    PYTHONPATH=src .venv/bin/python bench/webscan_bench.py --n 20000 --compare-libraries

Stages timed separately:

* analyse + sketch: normalise + extract + indicators + sketch tokens (per ad) and the
  batch MinHash sketch (``pipeline.analyse_and_sketch``) - the "end to end" figure,
  as wall-clock ads/s and as CPU time per ad (load-independent on a shared machine);
* cluster: LSH candidate pairs + verification + entity links + components;
* ARI against the generator's ground truth.

``--compare-libraries`` sketches the same token sets with this engine's NumPy
one-permutation MinHash, ``datasketch`` (pure Python/NumPy, if installed) and
``rensa`` (Rust, if installed); neither is a project dependency.

The engine runs as pure Python unless ``make webscan-native`` has compiled its hot
modules (``python -m bovenwater.adscan.build_native --remove`` goes back); the first
line of the output says which one ran.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time

from bovenwater.adscan import NATIVE
from bovenwater.adscan.cluster import adjusted_rand_index, cluster
from bovenwater.adscan.generate import generate
from bovenwater.adscan.model import Ad
from bovenwater.adscan.pipeline import (
    analyse_and_sketch,
    apply_price_rule,
    entities_of,
    regional_medians,
)
from bovenwater.adscan.sketch import sketch_batch
from bovenwater.adscan.tokens import split_tokens, token_info


def _compare(ads: list[Ad]) -> None:
    shingle_sets = []
    hashes = []
    for ad in ads:
        folded = [token_info(t).folded for t in split_tokens(ad.text)]
        hashes.append([token_info(t).hash for t in split_tokens(ad.text)])
        shingle_sets.append([" ".join(folded[i : i + 3]).encode() for i in range(len(folded) - 2)])
    started = time.perf_counter()
    sketch_batch(hashes)
    own = time.perf_counter() - started
    print(f"numpy one-permutation MinHash (64 bins): {len(ads) / own:,.0f} ads/s")
    try:
        from datasketch import MinHash  # noqa: PLC0415 - optional comparison, may be absent
    except ImportError:
        print("datasketch not installed")
    else:
        started = time.perf_counter()
        for shingles in shingle_sets:
            m = MinHash(num_perm=64)
            m.update_batch(shingles)
        elapsed = time.perf_counter() - started
        print(f"datasketch MinHash (64 perm, update_batch): {len(ads) / elapsed:,.0f} ads/s")
    try:
        from rensa import RMinHash  # noqa: PLC0415 - optional comparison, may be absent
    except ImportError:
        print("rensa not installed")
    else:
        started = time.perf_counter()
        for shingles in shingle_sets:
            r = RMinHash(num_perm=64, seed=1)
            r.update([s.decode() for s in shingles])
        elapsed = time.perf_counter() - started
        print(f"rensa RMinHash (64 perm, Rust): {len(ads) / elapsed:,.0f} ads/s")


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (worker processes).

    Other sessions share this machine's two cores, so wall-clock rates depend on their
    load; CPU time per ad is the load-independent figure.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--compare-libraries", action="store_true")
    args = parser.parse_args()
    engine = "compiled modules (make webscan-native)" if NATIVE else "pure Python"
    print(f"python {platform.python_version()}, {platform.machine()}, n={args.n:,}; {engine}")
    print(f"load average at the start: {os.getloadavg()}")

    started = time.perf_counter()
    records = list(generate(args.n, seed=args.seed))
    ads = [Ad(r["id"], r["title"], r["body"], r["city"], r["posted_at"], r["url"]) for r in records]
    print(f"generate: {time.perf_counter() - started:.1f} s")
    if args.compare_libraries:
        _compare(ads)
        return

    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    analyses, signatures = analyse_and_sketch(ads, workers=args.workers)
    end_to_end = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    print(
        f"analyse + sketch ({args.workers} worker(s)): {end_to_end:.1f} s wall, "
        f"end to end {len(ads) / end_to_end:,.0f} ads/s; CPU time (all processes) "
        f"{cpu / len(ads) * 1e6:.0f} us/ad = {len(ads) / cpu:,.0f} ads per CPU-second"
    )

    started = time.perf_counter()
    cluster_cpu = _cpu_seconds()
    apply_price_rule(analyses, regional_medians(analyses))
    result = cluster(signatures, [entities_of(a) for a in analyses])
    cluster_s = time.perf_counter() - started
    cluster_cpu = _cpu_seconds() - cluster_cpu
    truth = [r.get("network_id") or f"alone-{r['id']}" for r in records]
    predicted = [
        f"n{label}" if label >= 0 else f"alone-{r['id']}"
        for label, r in zip(result.labels.tolist(), records, strict=True)
    ]
    ari = adjusted_rand_index(truth, predicted)
    networks = int(result.labels.max()) + 1 if len(result.labels) else 0
    planted = len({r["network_id"] for r in records if "network_id" in r})
    print(
        f"cluster: {cluster_s:.1f} s wall, {cluster_cpu:.1f} s CPU ({result.text_links:,} text links, "
        f"{result.entity_links:,} contact links); networks {networks:,} (planted {planted:,}); "
        f"ARI {ari:.3f}"
    )
    print(
        f"total analyse + sketch + cluster: {end_to_end + cluster_s:.1f} s wall, "
        f"{cpu + cluster_cpu:.1f} s CPU"
    )
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
