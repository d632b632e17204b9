"""Side by side on the same population: clkhash + anonlink (CLKs, Dice, greedy multi-party
solving) and splink (Fellegi-Sunter with EM on plaintext, the accuracy ceiling).

They are not dependencies of Bovenwater: clkhash pins an old ``cryptography`` (< 41)
and both pull in their own stacks, so they live in a separate environment under bench/
that is never committed (``bench/.venv-sidebyside``, ignored by its own .gitignore):

    python3 -m venv bench/.venv-sidebyside
    echo '*' > bench/.venv-sidebyside/.gitignore
    bench/.venv-sidebyside/bin/pip install anonlink clkhash splink
    bench/.venv-sidebyside/bin/python bench/linkage_sidebyside.py --data DIR [--tools anonlink,splink]

``DIR`` is a population written by ``bench/linkage_population.py`` (the same files
``bench/linkage_bench.py`` links). Dates are read with Bovenwater's own date parser for
every tool (the pure ``bovenwater.pprl.normalise``), names are only case- and
accent-folded: what a data owner would hand these tools without Bovenwater's
normalisation. Scores: pairwise precision/recall against the ground truth
(``bench/linkage_eval.py``), wall and CPU time of each tool's linking step.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from linkage_eval import evaluate, read_truth  # noqa: E402

from bovenwater.pprl.errors import PPRLInputError  # noqa: E402
from bovenwater.pprl.normalise import parse_date  # noqa: E402

ORDER = ["politie", "zorgcoordinatie", "kmar", "arbeidsinspectie", "opvang"]


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def read_lists(data: Path) -> dict[str, list[dict[str, str]]]:
    lists: dict[str, list[dict[str, str]]] = {}
    for source in ORDER:
        path = data / f"{source}.csv"
        if not path.exists():
            continue
        rows = []
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                try:
                    dob = parse_date(row["date_of_birth"])
                except PPRLInputError:
                    dob = None
                rows.append(
                    {
                        "record_id": row["record_id"],
                        "first": _fold(row["first_names"]),
                        "last": _fold(row["surname"]),
                        "dob": (
                            f"{dob.year:04d}-{dob.month or 0:02d}-{dob.day or 0:02d}" if dob else ""
                        ),
                        "year": str(dob.year) if dob else "",
                        "sex": _fold(row.get("sex", ""))[:1],
                    }
                )
        lists[source] = rows
    return lists


def _cpu() -> float:
    usage = os.times()  # with waited-for worker processes
    return usage.user + usage.system + usage.children_user + usage.children_system


def run_anonlink(lists: dict[str, list[dict[str, str]]], threshold: float) -> dict[str, object]:
    import anonlink  # noqa: PLC0415 - optional comparison library
    from clkhash import clk  # noqa: PLC0415 - optional comparison library
    from clkhash.schema import from_json_dict  # noqa: PLC0415 - optional comparison library

    def feature(name: str, bits: int) -> dict[str, object]:
        return {
            "identifier": name,
            "format": {"type": "string", "encoding": "utf-8"},
            "hashing": {
                "comparison": {"type": "ngram", "n": 2},
                "strategy": {"bitsPerToken": bits},
                "hash": {"type": "blakeHash"},
                "missingValue": {"sentinel": ""},
            },
        }

    schema = from_json_dict(
        {
            "version": 3,
            "clkConfig": {
                "l": 1024,
                "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64},
            },
            "features": [
                {"identifier": "record_id", "ignored": True},
                feature("first", 20),
                feature("last", 20),
                feature("dob", 20),
                {"identifier": "year", "ignored": True},
                {"identifier": "sex", "ignored": True},
            ],
        }
    )
    secret = os.urandom(16).hex()  # a fresh key per run: nothing to keep
    started, cpu = time.perf_counter(), _cpu()
    sources = list(lists)
    encoded = []
    years = []
    for source in sources:
        rows = [
            [r["record_id"], r["first"], r["last"], r["dob"], r["year"], r["sex"]]
            for r in lists[source]
        ]
        encoded.append(clk.generate_clks(rows, schema, secret, validate=False, max_workers=1))
        years.append([r["year"] for r in lists[source]])
    encode_wall, encode_cpu = time.perf_counter() - started, _cpu() - cpu

    def block_by_year(dataset: int, record: int, _hash: object) -> tuple[str, ...]:
        return (years[dataset][record] or "?",)

    started, cpu = time.perf_counter(), _cpu()
    candidates = anonlink.candidate_generation.find_candidate_pairs(
        encoded,
        anonlink.similarities.dice_coefficient_accelerated,
        threshold,
        blocking_f=block_by_year,
    )
    solved = anonlink.solving.greedy_solve(candidates)
    link_wall, link_cpu = time.perf_counter() - started, _cpu() - cpu
    groups = [
        [(sources[d], lists[sources[d]][r]["record_id"]) for d, r in group]
        for group in solved
        if len(group) > 1
    ]
    return {
        "groups": groups,
        "encode_seconds": round(encode_wall, 1),
        "encode_cpu": round(encode_cpu, 1),
        "link_seconds": round(link_wall, 1),
        "link_cpu": round(link_cpu, 1),
        "candidates": len(candidates[0]),
        "settings": f"CLK 1024 bits, bigrams of first names, surname, date; Dice >= {threshold}; "
        "blocked by year of birth; greedy multi-party solving",
    }


def run_splink(lists: dict[str, list[dict[str, str]]], probability: float) -> dict[str, object]:
    import pandas as pd  # noqa: PLC0415 - optional comparison library
    import splink.comparison_library as cl  # noqa: PLC0415 - optional comparison library
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: PLC0415 - optional comparison library

    started, cpu = time.perf_counter(), _cpu()
    db_api = DuckDBAPI()
    frames = []
    for source, rows in lists.items():
        frame = pd.DataFrame(rows)
        frame["unique_id"] = frame["record_id"]
        frame["first1"] = frame["first"].str.split(" ").str[0]
        frame["dob"] = frame["dob"].where(frame["dob"] != "", None)
        frames.append(db_api.register(frame, dataset_display_name=source))
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("first1", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("last", [0.92, 0.8]),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("last", "year"),
            block_on("first1", "year"),
            block_on("first1", "last"),
            block_on("dob"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frames, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first1", "last", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("last"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=probability
    ).as_pandas_dataframe()
    wall, used = time.perf_counter() - started, _cpu() - cpu
    groups = [
        list(zip(part["source_dataset"], part["unique_id"], strict=True))
        for _, part in clusters.groupby("cluster_id")
        if len(part) > 1
    ]
    return {
        "groups": groups,
        "link_seconds": round(wall, 1),
        "link_cpu": round(used, 1),
        "settings": "Jaro-Winkler first given name and surname, Levenshtein date, exact sex; "
        f"EM on date and surname blocks; clusters at match probability >= {probability}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--tools", default="anonlink,splink")
    parser.add_argument("--dice", type=float, default=0.8)
    parser.add_argument("--probability", type=float, default=0.95)
    args = parser.parse_args()
    lists = read_lists(args.data)
    truth, origin = read_truth(args.data / "truth.csv")
    report: dict[str, object] = {
        "records": sum(len(v) for v in lists.values()),
        "load_before": os.getloadavg()[0],
    }
    for tool in args.tools.split(","):
        try:
            result = (
                run_anonlink(lists, args.dice)
                if tool == "anonlink"
                else run_splink(lists, args.probability)
            )
        except Exception as exc:  # a tool that fails is reported, not hidden
            report[tool] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
            continue
        groups = result.pop("groups")
        scores = evaluate(groups, truth, origin)  # type: ignore[arg-type]
        result["accuracy"] = {
            key: {k: round(v, 4) for k, v in scores[key].items() if k != "true_pairs"}
            for key in ("all", "dutch", "non_dutch")
        }
        report[tool] = result
    report["load_after"] = os.getloadavg()[0]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
