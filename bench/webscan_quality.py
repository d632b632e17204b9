"""Webscan quality and whole-process cost on the generator's hard corpus.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python bench/webscan_quality.py --n 200000 [--seed 7]

Writes ``--dir``/hard-N-S.jsonl with ``bovenwater webscan generate --hard`` (once),
then times the whole command a user runs::

    bovenwater webscan cluster ADS.jsonl --out OUT.jsonl

(start-up, read, analyse, sketch, cluster, templates, write) under
``/usr/bin/time -v``: wall time, CPU time (user + system, all processes) and peak
resident memory. It then scores the output against the generator's ground truth
(``network_id``): adjusted Rand index, pairwise precision and recall (pairs of ads put
in one network), and the recall over true pairs that share no phone number or phone
key (text-only pairs: what template linking must carry). The load average is printed
before and after; on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def comb2(n: int) -> int:
    return n * (n - 1) // 2


def score(corpus: Path, output: Path) -> dict[str, float]:
    truth: dict[str, str] = {}
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            truth[record["id"]] = record.get("network_id") or f"single:{record['id']}"
    predicted: dict[str, str] = {}
    contacts: dict[str, set[str]] = {}
    with output.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            predicted[record["id"]] = record["cluster_id"] or f"single:{record['id']}"
            contacts[record["id"]] = set(record.get("phones", [])) | set(
                record.get("phone_keys", [])
            )
    ids = list(truth)
    joint = Counter((truth[i], predicted[i]) for i in ids)
    true_sizes = Counter(truth[i] for i in ids)
    pred_sizes = Counter(predicted[i] for i in ids)
    together = sum(comb2(c) for c in joint.values())
    true_pairs = sum(comb2(c) for c in true_sizes.values())
    pred_pairs = sum(comb2(c) for c in pred_sizes.values())
    total = comb2(len(ids))
    expected = true_pairs * pred_pairs / total
    maximum = (true_pairs + pred_pairs) / 2
    ari = (together - expected) / (maximum - expected) if maximum != expected else 1.0
    members: dict[str, list[str]] = defaultdict(list)
    for i in ids:
        if not truth[i].startswith("single:"):
            members[truth[i]].append(i)
    text_pairs = text_found = 0
    for group in members.values():
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                x, y = group[a], group[b]
                if contacts[x] & contacts[y]:
                    continue
                text_pairs += 1
                text_found += predicted[x] == predicted[y]
    return {
        "ari": ari,
        "precision": together / pred_pairs if pred_pairs else 1.0,
        "recall": together / true_pairs if true_pairs else 1.0,
        "text_recall": text_found / text_pairs if text_pairs else 1.0,
        "text_pairs": float(text_pairs),
        "networks_true": float(len(members)),
        "networks_found": float(
            sum(1 for k, c in pred_sizes.items() if not k.startswith("single:"))
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--threshold", type=float, default=None, help="pass --threshold")
    parser.add_argument("--workers", type=int, default=None, help="pass --workers to cluster")
    args = parser.parse_args()
    bovenwater = str(Path(sys.executable).parent / "bovenwater")
    corpus = args.dir / f"hard-{args.n}-{args.seed}.jsonl"
    if not corpus.exists():
        subprocess.run(
            [bovenwater, "webscan", "generate", "--hard", "--n", str(args.n), "--seed",
             str(args.seed), str(corpus)],
            check=True,
        )  # fmt: skip
    output = args.dir / f"hard-{args.n}-{args.seed}.out.jsonl"
    command = [bovenwater, "webscan", "cluster", str(corpus), "--out", str(output)]
    if args.threshold is not None:
        command += ["--threshold", str(args.threshold)]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    load_start = os.getloadavg()
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - started
    load_end = os.getloadavg()
    info = done.stderr

    def field(name: str) -> float:
        match = re.search(rf"{re.escape(name)}: ([\d.:]+)", info)
        return float(match.group(1)) if match else float("nan")

    cpu = field("User time (seconds)") + field("System time (seconds)")
    rss_mb = field("Maximum resident set size (kbytes)") / 1024
    result = score(corpus, output)
    print(f"command: {' '.join(command)}")
    print(f"load average {load_start[0]:.2f} -> {load_end[0]:.2f}")
    print(
        f"n={args.n:,} wall {wall:.1f} s = {args.n / wall:,.0f} ads/s; CPU {cpu:.1f} s "
        f"= {cpu / args.n * 1e6:.0f} us/ad; peak RSS {rss_mb:,.0f} MB"
    )
    print(
        f"ARI {result['ari']:.4f}  pairwise P {result['precision']:.4f}  "
        f"R {result['recall']:.4f}  text-only R {result['text_recall']:.4f} "
        f"({result['text_pairs']:,.0f} pairs)  networks {result['networks_found']:,.0f} found "
        f"/ {result['networks_true']:,.0f} planted"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
