"""Where the whole ``webscan cluster`` run spends its CPU time, stage by stage.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python bench/webscan_stages.py ADS.jsonl [--workers 2]

Runs what ``bovenwater webscan cluster ADS.jsonl --out OUT`` runs (``adscan.run.run_jsonl``) in
this process and prints, per stage, this process's CPU time in microseconds per ad,
then the CPU time of the worker processes (with the forked halves of the serial steps:
with two workers the price rule and the contact pairs run in one of them during
"sketch", and half of the pair search and of the writing in others), the wall time
and the peak resident memory of this process and of the largest worker. The load average is printed
before and after; on a shared machine the CPU figures are the steadier ones.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ads", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    wall = time.perf_counter()
    cpu = time.process_time()
    # The imports are part of the timed start-up.
    from bovenwater.adscan import NATIVE  # noqa: PLC0415
    from bovenwater.adscan.ingest import IngestError, read_ads  # noqa: PLC0415
    from bovenwater.adscan.run import run, run_jsonl  # noqa: PLC0415

    times: dict[str, float] = {"start-up": time.process_time() - cpu}
    out = args.out or Path(tempfile.gettempdir()) / "webscan_stages.out.jsonl"
    with out.open("wb") as handle:
        # as the command: JSONL lines parsed by the process that analyses them (in
        # "analyse"; "read" is then the check for malformed lines and duplicate ids)
        outcome = None
        if args.ads.suffix.lower() != ".csv":
            outcome = run_jsonl(args.ads, handle, workers=args.workers, times=times)
        if outcome is None:
            cpu = time.process_time()
            ads = [ad for ad in read_ads(args.ads) if not isinstance(ad, IngestError)]
            times["read"] = time.process_time() - cpu
            result = run(ads, handle, workers=args.workers, times=times)
        else:
            result = outcome[0]
    n = result.ads
    wall = time.perf_counter() - wall
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = children.ru_utime + children.ru_stime
    print(f"{n} ads, {result.networks} networks, engine {'compiled' if NATIVE else 'pure Python'}")
    for stage, seconds in times.items():
        print(f"  {stage:10s} {seconds * 1e6 / n:7.1f} us/ad (this process)")
    parent = sum(times.values())
    print(f"  {'workers':10s} {worker_cpu * 1e6 / n:7.1f} us/ad (worker and forked processes)")
    total = parent + worker_cpu
    print(
        f"CPU {total:.2f} s = {total * 1e6 / n:.1f} us/ad; wall {wall:.2f} s = {n / wall:,.0f} ads/s"
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS: this process {own:,.0f} MB, largest worker {children.ru_maxrss / 1024:,.0f} MB"
    )
    print(f"load average at end: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
