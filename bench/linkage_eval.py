"""Accuracy of a linkage against the generator's ground truth (pairwise P/R/F1 per origin)."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path


def read_truth(path: Path) -> tuple[dict[tuple[str, str], int], dict[int, str]]:
    truth: dict[tuple[str, str], int] = {}
    origin: dict[int, str] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pid = int(row["person"])
            truth[(row["source"], row["record_id"])] = pid
            origin[pid] = row["origin"]
    return truth, origin


def read_groups(path: Path) -> list[list[tuple[str, str]]]:
    groups = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            data = json.loads(line)
            groups.append([(m["source"], m["record_id"]) for m in data["members"]])
    return groups


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def evaluate(
    groups: Iterable[list[tuple[str, str]]],
    truth: dict[tuple[str, str], int],
    origin: dict[int, str],
) -> dict[str, dict[str, float]]:
    """Pairwise precision, recall and F1, overall and per name origin."""
    records_per_person = Counter(truth.values())
    true_pairs: Counter[str] = Counter()
    for pid, n in records_per_person.items():
        true_pairs[origin[pid]] += _pairs(n)
    tp: Counter[str] = Counter()
    fp: defaultdict[str, float] = defaultdict(float)
    for members in groups:
        persons = Counter(truth[m] for m in members)
        size = len(members)
        for pid, n in persons.items():
            tp[origin[pid]] += _pairs(n)
            fp[origin[pid]] += n * (size - n) / 2
    out: dict[str, dict[str, float]] = {}
    origins = sorted(set(origin.values()))
    for key in [*origins, "all"]:
        if key == "all":
            t, f, pairs = sum(tp.values()), sum(fp.values()), sum(true_pairs.values())
        else:
            t, f, pairs = tp[key], fp[key], true_pairs[key]
        precision = t / (t + f) if t + f else 1.0
        recall = t / pairs if pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[key] = {"precision": precision, "recall": recall, "f1": f1, "true_pairs": pairs}
    dutch = out.get("dutch", {}).get("recall", 0.0)
    non_dutch_tp = sum(v for k, v in tp.items() if k != "dutch")
    non_dutch_pairs = sum(v for k, v in true_pairs.items() if k != "dutch")
    non_dutch_fp = sum(v for k, v in fp.items() if k != "dutch")
    nd_r = non_dutch_tp / non_dutch_pairs if non_dutch_pairs else 1.0
    nd_p = non_dutch_tp / (non_dutch_tp + non_dutch_fp) if non_dutch_tp + non_dutch_fp else 1.0
    out["non_dutch"] = {
        "precision": nd_p,
        "recall": nd_r,
        "f1": 2 * nd_p * nd_r / (nd_p + nd_r) if nd_p + nd_r else 0.0,
        "true_pairs": non_dutch_pairs,
        "recall_gap_to_dutch": dutch - nd_r,
    }
    return out


def true_patterns(truth: dict[tuple[str, str], int], sources: list[str]) -> dict[int, int]:
    masks: dict[int, int] = defaultdict(int)
    for (source, _), pid in truth.items():
        masks[pid] |= 1 << sources.index(source)
    return dict(Counter(masks.values()))
