"""Bovenwater's MSE engine side by side with the R reference packages (never in CI).

Runs R and Bovenwater interleaved on the shipped datasets (``tests/mse/data``) and
prints the estimates side by side with the time ratios, for the whole process and
for the library call alone:

* stepwise, p-value threshold 0.02: SparseMSE's ``stepwisefit`` (also
  MultipleSystemsEstimation's ``estimate_population_stepwise`` for the estimate)
  against ``bovenwater mse estimate FILE --method stepwise`` / ``select_stepwise``;
* BIC over all hierarchical models up to order 2: MultipleSystemsEstimation's
  ``estimate_population_bic(maxorder = 2)`` against ``--method bic --max-order 2`` /
  ``select_exhaustive``.

R is optional and never installed by the project. To run this script, install R
and build the two packages (and SparseMSE's dependency Rcapture) from their sources
into a temporary library, for example on Debian::

    apt-get install -y r-base-core r-cran-lpsolve r-cran-mass
    R CMD INSTALL -l /tmp/rlib Rcapture SparseMSE MultipleSystemsEstimation  # source dirs
    PYTHONPATH=src .venv/bin/python bench/mse_vs_r.py --r-lib /tmp/rlib [--repeat 3]

Each row is timed ``--repeat`` times, R and Bovenwater alternating, and the best
wall-clock time is shown with the CPU time (user + system of the child process) of
that run. "Whole process" is a fresh ``Rscript`` or ``bovenwater`` process from
start to exit (the Bovenwater CLI also computes a profile-likelihood interval, R
does not). "Call" is the library call alone, timed inside a fresh process. Without
R or without the packages the script says so and exits with status 0.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "mse" / "data"

R_DRIVER = r"""
args <- commandArgs(TRUE)
method <- args[1]; file <- args[2]; lib <- args[3]
z <- read.csv(file)
vn <- names(z)
suppressMessages({
  library(SparseMSE, lib.loc = lib)
  library(MultipleSystemsEstimation, lib.loc = lib)
})
steps <- character(0)
if (method == "stepwise") {
  ns <- asNamespace("SparseMSE")
  # Record the pairs in the order stepwisefit adds them (modelfit is called once
  # per step with the new pair as the last column of mX).
  invisible(capture.output(trace("modelfit", where = ns, print = FALSE, tracer = quote(
    if (!is.null(mX) && !identical(mX, 0)) {
      mm <- as.matrix(mX)
      assign("steps", c(get("steps", globalenv()), paste(mm[, ncol(mm)], collapse = "-")),
             envir = globalenv())
    }))))
  t0 <- proc.time()[["elapsed"]]
  fit <- stepwisefit(z, pthresh = 0.02)
  t1 <- proc.time()[["elapsed"]]
  est <- sum(z[, ncol(z)]) + exp(fit$fit$coefficients[[1]])
  names <- vapply(strsplit(steps, "-"), function(p) paste(vn[as.integer(p)], collapse = ":"), "")
  other <- estimate_population_stepwise(z, pthresh = 0.02)$popest
  model <- paste(names, collapse = ",")
} else {
  t0 <- proc.time()[["elapsed"]]
  res <- estimate_population_bic(z, maxorder = 2)
  t1 <- proc.time()[["elapsed"]]
  est <- res$popest
  other <- NA
  model <- res$model
}
cat(sprintf("RESULT\t%.12g\t%s\t%.4f\t%.12g\n", est, model, t1 - t0, other))
"""

PY_DRIVER = r"""
import sys, time
method, file = sys.argv[1], sys.argv[2]
from bovenwater.mse import CaptureTable, select_exhaustive, select_stepwise
table = CaptureTable.from_csv(file)
t0 = time.perf_counter()
if method == "stepwise":
    sel = select_stepwise(table, p_threshold=0.02)
    model = ",".join(s.term for s in sel.steps)
else:
    sel = select_exhaustive(table, "bic", 2, top=1)
    model = ",".join(sel.best.terms)
t1 = time.perf_counter()
print(f"RESULT\t{sel.best.total:.12g}\t{model}\t{t1 - t0:.4f}")
"""


@dataclass
class Run:
    estimate: float
    model: str
    call: float
    wall: float
    cpu: float
    other: float = float("nan")


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run ``command``; return its stdout, wall time and CPU time (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done.stdout, wall, cpu


def result_line(stdout: str) -> list[str]:
    for line in stdout.splitlines():
        if line.startswith("RESULT\t"):
            return line.split("\t")[1:]
    raise RuntimeError(f"no result in output:\n{stdout[-2000:]}")


def r_run(rscript: str, driver: Path, method: str, path: Path, lib: str) -> Run:
    out, wall, cpu = timed([rscript, "--vanilla", str(driver), method, str(path), lib])
    est, model, call, other = result_line(out)
    return Run(float(est), model, float(call), wall, cpu, float("nan" if other == "NA" else other))


def bw_run(method: str, path: Path, env: dict[str, str]) -> Run:
    """Whole process: the ``bovenwater`` CLI; call: the selection in a fresh process."""
    cli = [str(Path(sys.executable).parent / "bovenwater"), "mse", "estimate", str(path)]
    if method == "stepwise":
        cli += ["--method", "stepwise", "--p-threshold", "0.02", "--json"]
    else:
        cli += ["--method", "bic", "--max-order", "2", "--json"]
    out, wall, cpu = timed(cli, env)
    whole = json.loads(out)
    call_out, _, _ = timed([sys.executable, "-c", PY_DRIVER, method, str(path)], env)
    est, model, call = result_line(call_out)
    if abs(float(est) - float(whole["estimate"])) > 1e-9 * abs(float(est)):
        raise RuntimeError(f"CLI and library disagree on {path.name}")
    return Run(float(est), model, float(call), wall, cpu)


def digits(a: float, b: float) -> str:
    """Number of agreeing significant digits (relative difference), for display."""
    if a == b:
        return "all"
    rel = abs(a - b) / max(abs(a), abs(b))
    return f"{max(0.0, -math.log10(rel)):.1f}"


def generating_class(terms: list[str], lists: list[str]) -> str:
    """A model written as MultipleSystemsEstimation does: maximal terms, 1-based."""
    sets = [frozenset(t.split(":")) for t in terms] + [frozenset([name]) for name in lists]
    maximal = {s for s in sets if not any(s < other for other in sets)}
    index = {name: str(i + 1) for i, name in enumerate(lists)}
    codes = sorted("".join(sorted(index[n] for n in s)) for s in maximal)
    return "[" + ",".join(codes) + "]"


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--r-lib", default=os.environ.get("R_LIBS_BOVENWATER", ""))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--bic-max-lists",
        type=int,
        default=5,
        help="BIC rows only for tables with at most this many lists (R needs minutes for 6)",
    )
    parser.add_argument("--only", nargs="*", help="dataset names (default: all shipped)")
    args = parser.parse_args()
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript not found: install R (see the docstring); nothing compared.")
        return 0
    if not args.r_lib or not (Path(args.r_lib) / "SparseMSE").is_dir():
        print("SparseMSE not found in --r-lib: build it from source first (see the docstring).")
        return 0
    if not (Path(args.r_lib) / "MultipleSystemsEstimation").is_dir():
        print("MultipleSystemsEstimation not found in --r-lib (see the docstring).")
        return 0
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    shown = subprocess.run([rscript, "--version"], capture_output=True, text=True, check=False)
    version = (shown.stdout + shown.stderr).strip()
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus, {platform.machine()}")
    print(f"{version.splitlines()[0] if version else 'R'}; library {args.r_lib}")
    print("load average at start: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    names = args.only or sorted(p.stem for p in DATA.glob("*.csv"))
    header = (
        "| dataset | method | R estimate | Bovenwater | digits | same model | "
        "whole R / BW (CPU) | ratio | call R / BW | ratio |"
    )
    print(header)
    print("|" + "---|" * 10)
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "driver.R"
        driver.write_text(R_DRIVER, encoding="utf-8")
        for name in names:
            path = DATA / f"{name}.csv"
            lists = path.read_text(encoding="utf-8").splitlines()[0].split(",")[:-1]
            for method in ("stepwise", "bic"):
                if method == "bic" and len(lists) > args.bic_max_lists:
                    continue
                r_runs: list[Run] = []
                bw_runs: list[Run] = []
                for _ in range(args.repeat):
                    r_runs.append(r_run(rscript, driver, method, path, args.r_lib))
                    bw_runs.append(bw_run(method, path, env))
                r, bw = best(r_runs), best(bw_runs)
                if method == "stepwise":
                    same = r.model == bw.model
                    label = "stepwise 0.02"
                    if abs(r.other - r.estimate) > 1e-6 * r.estimate:
                        label += f" (MSE pkg {r.other:.6f})"
                else:
                    same = r.model == generating_class(
                        bw.model.split(",") if bw.model else [], lists
                    )
                    label = "BIC order 2"
                print(
                    f"| {name} | {label} | {r.estimate:,.6f} | {bw.estimate:,.6f} | "
                    f"{digits(r.estimate, bw.estimate)} | {'yes' if same else 'NO'} | "
                    f"{r.wall:.2f} ({r.cpu:.2f}) / {bw.wall:.2f} ({bw.cpu:.2f}) s | "
                    f"{r.wall / bw.wall:.1f}x | {r.call:.3f} / {bw.call:.4f} s | "
                    f"{r.call / max(bw.call, 1e-4):.0f}x |",
                    flush=True,
                )
    print("load average at end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
