"""``bovenwater mse``: multiple systems estimation from the command line.

``bovenwater mse estimate FILE.csv --method {bic,aic,stepwise,fixed} ...`` prints a
report (or one JSON object with ``--json``); ``bovenwater mse models FILE.csv``
lists every admissible model with its estimate, AIC and BIC. Invalid input gives a
one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import TextIO

from bovenwater.mse.errors import MSEError
from bovenwater.mse.estimate import DEFAULT_BOOTSTRAP, ENGINE_VERSION, Estimate, estimate
from bovenwater.mse.fitting import ModelFit
from bovenwater.mse.intervals import BOOTSTRAP_KINDS, CI_METHODS
from bovenwater.mse.models import parse_model
from bovenwater.mse.selection import (
    DEFAULT_P_THRESHOLD,
    DEFAULT_STEPWISE_TAILS,
    METHODS,
    STEPWISE_TAILS,
    select_exhaustive,
)
from bovenwater.mse.table import CaptureTable

EXIT_INPUT = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``mse`` command with its ``estimate`` and ``models`` subcommands."""
    parser = subparsers.add_parser(
        "mse",
        help="multiple systems estimation of a hidden population from overlapping lists",
        description="Multiple systems estimation (log-linear capture-recapture).",
    )
    parser.set_defaults(handler=_usage(parser))
    sub = parser.add_subparsers(dest="mse_command", metavar="SUBCOMMAND")

    est = sub.add_parser(
        "estimate",
        help="estimate the population size with a model-selection method",
        description="Estimate the population size N from a CSV with one 0/1 column per "
        "list and a 'count' column.",
    )
    est.add_argument("file", metavar="FILE.csv")
    est.add_argument(
        "--method", choices=METHODS, default="bic", help="model selection (default bic)"
    )
    est.add_argument(
        "--max-order", type=int, default=2, help="highest interaction order (default 2)"
    )
    est.add_argument(
        "--p-threshold",
        type=float,
        default=DEFAULT_P_THRESHOLD,
        help=f"stepwise p-value threshold (default {DEFAULT_P_THRESHOLD})",
    )
    est.add_argument(
        "--stepwise-tails",
        choices=STEPWISE_TAILS,
        default=DEFAULT_STEPWISE_TAILS,
        help="stepwise test: both = min(P(X<=n), P(X>=n)) as SparseMSE (default), "
        "upper = P(X>=n) only",
    )
    est.add_argument("--model", help='interaction terms for --method fixed, e.g. "A:B,A:C"')
    est.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="B",
        help=f"bootstrap replications (default 0; {DEFAULT_BOOTSTRAP} when --ci needs them)",
    )
    est.add_argument("--seed", type=int, help="random seed for the bootstrap")
    est.add_argument(
        "--ci",
        choices=CI_METHODS,
        help="interval: profile (default without bootstrap) or percentile/bca (default with)",
    )
    est.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")
    est.add_argument(
        "--bootstrap-kind",
        choices=BOOTSTRAP_KINDS,
        default="parametric",
        help="parametric (Poisson from the fitted model, default) or nonparametric",
    )
    est.add_argument(
        "--no-reselect",
        action="store_true",
        help="keep the selected model fixed in the bootstrap replicates",
    )
    est.add_argument("--top", type=int, default=10, help="rows in the top-models table")
    est.add_argument("--json", action="store_true", help="print one JSON object")
    est.set_defaults(handler=_handle_estimate)

    models = sub.add_parser(
        "models",
        help="list every admissible model with its estimate, AIC and BIC",
        description="Fit every hierarchical model up to --max-order and list the "
        "admissible ones (existing, identifiable MLE).",
    )
    models.add_argument("file", metavar="FILE.csv")
    models.add_argument("--max-order", type=int, default=2, help="highest interaction order")
    models.add_argument("--sort", choices=("bic", "aic"), default="bic", help="ranking")
    models.add_argument("--json", action="store_true", help="print one JSON object")
    models.set_defaults(handler=_handle_models)


def _usage(parser: argparse.ArgumentParser) -> object:
    def handler(args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        print("bovenwater mse: error: choose a subcommand: estimate or models", file=sys.stderr)
        return EXIT_INPUT

    return handler


def _fail(message: str) -> int:
    text = " ".join(message.split())
    print(f"bovenwater mse: error: {text}", file=sys.stderr)
    return EXIT_INPUT


def _handle_estimate(args: argparse.Namespace) -> int:
    try:
        table = CaptureTable.from_csv(args.file)
        model = None
        if args.model is not None:
            if args.method != "fixed":
                return _fail("--model is only used with --method fixed")
            model = parse_model(args.model, table.lists)
        elif args.method == "fixed":
            return _fail('--method fixed needs --model, e.g. --model "A:B,A:C"')
        if args.top < 0:
            return _fail("--top must be >= 0")
        result = estimate(
            table,
            args.method,
            max_order=args.max_order,
            p_threshold=args.p_threshold,
            model=model,
            bootstrap=args.bootstrap,
            seed=args.seed,
            ci=args.ci,
            level=args.level,
            reselect=not args.no_reselect,
            bootstrap_kind=args.bootstrap_kind,
            top=max(args.top, 1),
            tails=args.stepwise_tails,
        )
    except MSEError as exc:
        return _fail(str(exc))
    if args.json:
        json.dump(result.to_dict(top=args.top), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print_report(result, args.file, args.top, sys.stdout)
    return 0


def _fmt(value: float, digits: int = 0) -> str:
    if not math.isfinite(value):
        return "inf" if value > 0 else "n/a"
    return f"{value:,.{digits}f}"


def print_report(result: Estimate, source: str, top: int, out: TextIO) -> None:
    """Readable report of an estimate, with the top-models table."""
    table = result.table
    fit = result.fit
    lists = ", ".join(f"{name} {total:,}" for name, total in table.list_totals().items())
    out.write(f"Multiple systems estimation - {source} (engine {ENGINE_VERSION})\n")
    out.write(f"Lists ({table.k}): {lists}\n")
    out.write(f"Observed individuals: {table.observed:,}\n")
    sel = result.selection
    if result.method in ("aic", "bic"):
        how = (
            f"{result.method.upper()} over all {sel.n_models:,} hierarchical models up to "
            f"order {result.max_order} ({sel.excluded} not estimable)"
        )
    elif result.method == "stepwise":
        tails = "two-tailed" if sel.tails == "both" else "upper tail"
        how = f"stepwise forward selection ({tails}), p-value threshold {result.p_threshold}"
    else:
        how = "fixed model"
    out.write(f"Method: {how}\n")
    out.write(f"Model: {fit.model.label(table.lists)}\n")
    out.write(
        f"Estimated population N: {_fmt(fit.total, 1)} (unobserved {_fmt(fit.unobserved, 1)})\n"
    )
    if result.interval is not None:
        iv = result.interval
        detail = iv.method
        if result.bootstrap is not None and iv.method != "profile":
            boot = result.bootstrap
            detail += f", {boot.requested:,} {boot.kind} bootstrap replicates"
            if boot.seed is not None:
                detail += f", seed {boot.seed}"
        out.write(f"{iv.level:.0%} interval ({detail}): {_fmt(iv.low)} - {_fmt(iv.high)}\n")
    out.write(
        f"Fit: deviance {_fmt(fit.deviance, 2)}, AIC {_fmt(fit.aic, 2)}, "
        f"BIC {_fmt(fit.bic, 2)}, {fit.n_params} parameters\n"
    )
    if sel.steps:
        out.write("Stepwise steps:\n")
        for step in sel.steps:
            out.write(
                f"  + {step.term}: observed {step.observed}, expected {step.expected:.2f}, "
                f"p = {step.p_value:.3g}\n"
            )
    ranking = sel.top(top)
    if ranking and top > 0:
        out.write("Top models:\n")
        _write_models(ranking, result.method if result.method in ("aic", "bic") else "bic", out)
    if result.warnings:
        out.write("Warnings:\n")
        for warning in result.warnings:
            out.write(f"  - {warning}\n")


def _write_models(rows: Sequence[ModelFit], criterion: str, out: TextIO) -> None:
    if not rows:
        return
    best = min(getattr(f, criterion) for f in rows)
    key = criterion.upper()
    out.write(f"  {'rank':>4}  {'N':>12}  {'AIC':>10}  {'BIC':>10}  {'d' + key:>8}  model\n")
    for rank, f in enumerate(rows, start=1):
        delta = getattr(f, criterion) - best
        out.write(
            f"  {rank:>4}  {_fmt(f.total, 1):>12}  {_fmt(f.aic, 2):>10}  {_fmt(f.bic, 2):>10}  "
            f"{delta:>8.2f}  {f.model.label(f.lists)}\n"
        )


def _handle_models(args: argparse.Namespace) -> int:
    try:
        table = CaptureTable.from_csv(args.file)
        selection = select_exhaustive(table, args.sort, args.max_order)
    except MSEError as exc:
        return _fail(str(exc))
    if args.json:
        payload = {
            "lists": list(table.lists),
            "observed": table.observed,
            "max_order": args.max_order,
            "sort": args.sort,
            "n_models": selection.n_models,
            "excluded_models": selection.excluded,
            "models": [
                {
                    "model": f.terms,
                    "estimate": f.total,
                    "aic": f.aic,
                    "bic": f.bic,
                    "deviance": f.deviance,
                    "n_params": f.n_params,
                    "infinite_terms": list(f.infinite_terms),
                }
                for f in selection.ranking
            ],
        }
        json.dump(payload, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(
        f"{len(selection.ranking):,} admissible models of {selection.n_models:,} up to order "
        f"{args.max_order} for {args.file} (observed {table.observed:,}), sorted by "
        f"{args.sort.upper()}\n"
    )
    _write_models(selection.ranking, args.sort, out)
    return 0
