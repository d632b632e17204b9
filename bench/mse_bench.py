"""Benchmark of the multiple systems estimation engine (timings, never asserted).

Run from the repository root:

    PYTHONPATH=src .venv/bin/python bench/mse_bench.py [--repeat 3] [--replicates 1000]

Prints one line per case with the best wall-clock time of ``--repeat`` runs and the
process CPU time of that run (all threads; the machine is shared, so CPU time is
the steadier number). The
6-list data are the UK 2013 data with six lists, the 5-list data the same with
PF and NCA merged (``tests/mse/data``).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

from bovenwater.mse import CaptureTable, SelectionSpec, bootstrap_population, select_exhaustive

DATA = Path(__file__).resolve().parent.parent / "tests" / "mse" / "data"


def best_time(action: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best wall-clock time of ``repeat`` runs, the CPU time of that run, the result."""
    best = float("inf")
    best_cpu = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        cpu = time.process_time()
        result = action()
        wall = time.perf_counter() - start
        if wall < best:
            best, best_cpu = wall, time.process_time() - cpu
    return best, best_cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="only the 5-list order-2 search and the bootstraps (the test suite's smoke run)",
    )
    args = parser.parse_args()
    uk5 = CaptureTable.from_csv(DATA / "UKdat_5.csv")
    uk6 = CaptureTable.from_csv(DATA / "UKdat.csv")
    western = CaptureTable.from_csv(DATA / "Western.csv")
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, {platform.machine()}")
    print("load average at start: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))

    # Warm the model enumeration and design caches once (not part of the timings).
    warm = ((uk5, 2),) if args.tiny else ((uk5, 2), (uk6, 2), (uk5, 3))
    for table, order in warm:
        select_exhaustive(table, "bic", order, top=1)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("BIC search, 5 lists, order 2 (1,024 models)", lambda: select_exhaustive(uk5, "bic", 2)),
        ("BIC search, 6 lists, order 2 (32,768 models)", lambda: select_exhaustive(uk6, "bic", 2)),
        ("BIC search, 5 lists, order 3 (6,212 models)", lambda: select_exhaustive(uk5, "bic", 3)),
    ]
    if args.tiny:
        cases = cases[:1]
    for label, action in cases:
        seconds, cpu, result = best_time(action, args.repeat)
        best = result.best  # type: ignore[attr-defined]
        print(f"{label}: {seconds:.3f} s (cpu {cpu:.3f} s)  -> {best.model.label(best.lists)}")

    b = args.replicates
    for name, table, method in (
        ("UKdat_5", uk5, "bic"),
        ("UKdat_5", uk5, "stepwise"),
        ("Western", western, "bic"),
        ("Western", western, "stepwise"),
    ):
        spec = SelectionSpec(method)
        selection = spec.select(table, top=1)

        def run(
            table: CaptureTable = table, spec: SelectionSpec = spec, selection: object = selection
        ) -> object:
            return bootstrap_population(table, spec, selection, b, seed=1)  # type: ignore[arg-type]

        seconds, cpu, boot = best_time(run, max(1, args.repeat - 1))
        pct = boot.percentile()  # type: ignore[attr-defined]
        print(
            f"bootstrap {b} replicates + jackknife, re-selection {method}, {name}: "
            f"{seconds:.2f} s (cpu {cpu:.2f} s)  -> 95% percentile {pct.low:,.0f}-{pct.high:,.0f}"
        )

    print("load average at end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))


if __name__ == "__main__":
    main()
