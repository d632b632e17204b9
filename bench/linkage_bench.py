"""Benchmark of privacy-preserving record linkage (``bovenwater linkage``).

Generates (or reuses) a synthetic population seen by several organisations
(``bench/linkage_population.py``), then measures, as whole processes:

* ``bovenwater linkage encode`` per list (wall time, peak memory);
* ``bovenwater linkage match`` over all lists (wall time, peak memory);
* accuracy against the ground truth: pairwise precision, recall and F1, overall and
  per name origin (``bench/linkage_eval.py``);
* the hidden-number estimate (MSE, BIC over all order-2 models) from the linked lists,
  from the true overlaps, and from today's exact keyed pseudonym (an HMAC of the
  normalised names and the date of birth, as in ``registry/pseudonym.py``).

    PYTHONPATH=src .venv/bin/python bench/linkage_bench.py --people 500000 \\
        --sources 5 --per-source 200000 --data /tmp/linkage-5x200k

The machine load (1-minute load average) is printed before and after the run.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import unicodedata

from linkage_eval import evaluate, read_groups, read_truth, true_patterns

from bovenwater.mse import CaptureTable, estimate
from bovenwater.pprl.errors import PPRLInputError
from bovenwater.pprl.normalise import parse_date

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


CPU_SECONDS: dict[str, float] = {}


def run(args: list[str]) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak RSS in MiB, stdout). Its CPU time (user +
    system) is kept in ``CPU_SECONDS`` under the subcommand's name."""
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        _, status, usage = os.wait4(proc.pid, 0)
        out = proc.stdout.read().decode() if proc.stdout else ""
        err = proc.stderr.read().decode() if proc.stderr else ""
    wall = time.perf_counter() - started
    CPU_SECONDS[" ".join(args[3:5])] = usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024, out


def exact_token_groups(data: Path, sources: list[str]) -> list[list[tuple[str, str]]]:
    """Today's pseudonym: an exact keyed hash of normalised names and the date of birth."""

    def norm(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return " ".join(folded.split())

    key = b"bench-only-pseudonym-key"
    by_token: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for source in sources:
        with (data / f"{source}.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                try:
                    dob = parse_date(row["date_of_birth"])
                except PPRLInputError:
                    dob = None
                when = f"{dob.year}-{dob.month}-{dob.day}" if dob else ""
                fields = "\x1f".join((norm(row["first_names"]), norm(row["surname"]), when))
                token = hmac.new(key, fields.encode(), hashlib.sha256).hexdigest()
                by_token[token].append((source, row["record_id"]))
    return [members for members in by_token.values() if len(members) > 1]


def patterns_of_groups(
    groups: list[list[tuple[str, str]]], truth: dict[tuple[str, str], int], sources: list[str]
) -> dict[int, int]:
    grouped: set[tuple[str, str]] = set()
    masks: Counter[int] = Counter()
    for members in groups:
        mask = 0
        for source, record_id in members:
            mask |= 1 << sources.index(source)
            grouped.add((source, record_id))
        masks[mask] += 1
    for source, record_id in truth:
        if (source, record_id) not in grouped:
            masks[1 << sources.index(source)] += 1
    return dict(masks)


def mse_total(patterns: dict[int, int], sources: list[str]) -> tuple[float, int]:
    counts = [patterns.get(mask, 0) for mask in range(1, 2 ** len(sources))]
    table = CaptureTable.from_counts(sources, counts)
    result = estimate(table, "bic", max_order=2)
    return result.total, table.observed


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark bovenwater linkage.")
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--sources", type=int, default=5)
    parser.add_argument("--per-source", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--reuse-encodings", action="store_true", help="keep existing ENCODED.jsonl files"
    )
    args = parser.parse_args()
    data: Path = args.data
    load_before = os.getloadavg()[0]
    report: dict[str, object] = {"cores": os.cpu_count(), "load_before": load_before}
    if not (data / "truth.csv").exists():
        cmd = [
            PYTHON,
            str(ROOT / "bench" / "linkage_population.py"),
            "--people",
            str(args.people),
            "--sources",
            str(args.sources),
            "--seed",
            str(args.seed),
            "--out",
            str(data),
        ]
        if args.per_source:
            cmd += ["--per-source", str(args.per_source)]
        wall, _, out = run(cmd)
        report["generate_seconds"] = round(wall, 1)
    sources = sorted(p.stem for p in data.glob("*.csv") if p.stem != "truth")
    order = ["politie", "zorgcoordinatie", "kmar", "arbeidsinspectie", "opvang"]
    sources = [s for s in order if s in sources]
    secret = data / "secret.key"
    if not secret.exists():
        secret.write_bytes(os.urandom(32).hex().encode())
    encode = {}
    for source in sources:
        if args.reuse_encodings and (data / f"{source}.jsonl").exists():
            continue
        wall, rss, _ = run(
            [
                PYTHON,
                "-m",
                "bovenwater.cli",
                "linkage",
                "encode",
                str(data / f"{source}.csv"),
                "--secret-file",
                str(secret),
                "--out",
                str(data / f"{source}.jsonl"),
            ]
        )
        encode[source] = {"seconds": round(wall, 2), "peak_mib": round(rss)}
    report["encode"] = encode
    encoded = [str(data / f"{s}.jsonl") for s in sources]
    wall, rss, out = run(
        [
            PYTHON,
            "-m",
            "bovenwater.cli",
            "linkage",
            "match",
            *encoded,
            "--out",
            str(data / "groups.jsonl"),
            "--json",
        ]
    )
    report["match"] = {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(CPU_SECONDS.get("linkage match", 0.0), 1),
        "peak_mib": round(rss),
        "summary": json.loads(out),
    }
    wall, rss, _ = run(
        [
            PYTHON,
            "-m",
            "bovenwater.cli",
            "linkage",
            "overlap",
            *encoded,
            "--out",
            str(data / "overlap.csv"),
        ]
    )
    report["overlap"] = {"wall_seconds": round(wall, 2), "peak_mib": round(rss)}
    truth, origin = read_truth(data / "truth.csv")
    groups = read_groups(data / "groups.jsonl")
    report["accuracy"] = evaluate(groups, truth, origin)
    exact = exact_token_groups(data, sources)
    report["accuracy_exact_tokens"] = {
        k: v
        for k, v in evaluate(exact, truth, origin).items()
        if k in ("all", "dutch", "non_dutch")
    }
    true_total, true_observed = mse_total(true_patterns(truth, sources), sources)
    linked_table = CaptureTable.from_csv(data / "overlap.csv")
    linked_result = estimate(linked_table, "bic", max_order=2)
    exact_total, exact_observed = mse_total(patterns_of_groups(exact, truth, sources), sources)
    report["estimate"] = {
        "true_overlaps": {"observed": true_observed, "estimate": round(true_total)},
        "linked": {
            "observed": linked_table.observed,
            "estimate": round(linked_result.total),
            "difference": round(linked_result.total / true_total - 1, 4),
        },
        "exact_tokens": {
            "observed": exact_observed,
            "estimate": round(exact_total),
            "difference": round(exact_total / true_total - 1, 4),
        },
    }
    report["load_after"] = os.getloadavg()[0]
    (data / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
