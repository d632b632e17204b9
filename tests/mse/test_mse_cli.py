"""The ``bovenwater mse`` command line (contract used by other tools)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bovenwater.cli import main

DATA = Path(__file__).parent / "data"
UK = str(DATA / "UKdat_5.csv")
WESTERN = str(DATA / "Western.csv")
HIV = str(DATA / "HIV.csv")
KOREA = str(DATA / "Korea.csv")

REQUIRED_KEYS = {
    "observed",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_method",
    "model",
    "method",
    "warnings",
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["mse", "estimate", *args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.err == ""
    data = json.loads(captured.out)
    assert isinstance(data, dict)
    return data


def test_bic_json_reproduces_the_uk_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, UK, "--method", "bic", "--max-order", "2")
    assert set(data) >= REQUIRED_KEYS
    assert data["observed"] == 2744
    assert round(float(data["estimate"]), 2) == 22991.33  # type: ignore[arg-type]
    assert data["model"] == ["LA:NG", "LA:PFNCA", "NG:PFNCA", "NG:GP", "PFNCA:GO"]
    assert data["method"] == "bic"
    assert data["ci_method"] == "profile"
    assert float(data["ci_low"]) < float(data["estimate"]) < float(data["ci_high"])  # type: ignore[arg-type]
    assert "lists LA and GP have no individual in common" in data["warnings"]  # type: ignore[operator]
    top = data["top_models"]
    assert isinstance(top, list)
    assert len(top) == 10
    assert top[0]["model"] == data["model"]


def test_stepwise_json_with_seeded_bootstrap(capsys: pytest.CaptureFixture[str]) -> None:
    args = (WESTERN, "--method", "stepwise", "--p-threshold", "0.02", "--bootstrap", "40")
    first = run_json(capsys, *args, "--seed", "7", "--ci", "percentile")
    again = run_json(capsys, *args, "--seed", "7", "--ci", "percentile")
    assert first == again
    assert first["model"] == ["A:E"]
    assert round(float(first["estimate"]), 3) == 2483.384  # type: ignore[arg-type]
    assert first["ci_method"] == "percentile"
    assert first["method"] == "stepwise"
    boot = first["bootstrap"]
    assert isinstance(boot, dict)
    assert boot["replications"] == 40
    assert boot["seed"] == 7
    assert [boot["percentile"][0], boot["percentile"][1]] == [first["ci_low"], first["ci_high"]]
    bca = run_json(capsys, *args, "--seed", "7", "--ci", "bca")
    assert bca["ci_method"] == "bca"
    assert [bca["ci_low"], bca["ci_high"]] == boot["bca"]


def test_fixed_model_with_profile_interval(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, HIV, "--method", "fixed", "--model", "c1:c2", "--ci", "profile")
    assert data["model"] == ["c1:c2"]
    assert round(float(data["estimate"]), 2) == 12318.47  # type: ignore[arg-type]
    assert abs(float(data["ci_low"]) - 10266.0) < 1.0  # type: ignore[arg-type]
    assert abs(float(data["ci_high"]) - 14992.3) < 1.0  # type: ignore[arg-type]


def test_readable_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mse", "estimate", UK, "--method", "bic", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "Estimated population N: 22,991.3" in out
    assert "Top models:" in out
    assert "LA:NG, LA:PFNCA, NG:PFNCA, NG:GP, PFNCA:GO" in out
    assert out.count("\n     ") >= 3  # three ranked rows
    assert "Warnings:" in out


def test_models_subcommand_lists_admissible_models(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mse", "models", KOREA, "--max-order", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("6 admissible models of 8 up to order 2")
    assert "b:c, c:d" in out
    assert "main effects" in out
    assert main(["mse", "models", KOREA, "--max-order", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["excluded_models"] == 2
    assert next(m["model"] for m in data["models"]) == ["b:c", "c:d"]
    assert all({"estimate", "aic", "bic"} <= set(m) for m in data["models"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["estimate", "missing.csv"], "file not found"),
        (["estimate", HIV, "--method", "fixed"], "--method fixed needs --model"),
        (["estimate", HIV, "--method", "fixed", "--model", "c1:x"], "unknown list 'x'"),
        (["estimate", HIV, "--model", "c1:c2"], "--model is only used with --method fixed"),
        (["estimate", HIV, "--max-order", "7"], "maximum interaction order"),
        (["estimate", HIV, "--bootstrap", "-3"], "bootstrap replications must be >= 0"),
        (["models", HIV, "--max-order", "0"], "maximum interaction order"),
        (
            ["estimate", str(DATA / "Korea.csv"), "--method", "fixed", "--model", "b:c,b:d"],
            "does not exist",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["mse", *args])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert message in lines[0]
    assert "Traceback" not in captured.err


def test_bad_csv_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,0,3\n0,1,-2\n", encoding="utf-8")
    assert main(["mse", "estimate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 3: count must be >= 0" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_method_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["mse", "estimate", HIV, "--method", "magic"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def _modules_after(*argv: str) -> set[str]:
    """The modules a fresh ``bovenwater`` process has loaded when it exits."""

    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('\\n'.join(sorted(sys.modules)), file=sys.stderr))\n"
        "from bovenwater.cli import main\n"
        f"try:\n    main({list(argv)!r})\nexcept SystemExit:\n    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stderr.split())


def test_start_up_imports_only_what_the_command_needs(tmp_path: Path) -> None:
    """Fast start-up: --help loads no engine, an estimate on a small table no SciPy,
    the ad-screening command not the MSE engine and no SciPy either."""
    help_modules = _modules_after("--help")
    assert "numpy" not in help_modules
    assert not any(m.startswith(("bovenwater.mse", "bovenwater.adscan")) for m in help_modules)
    estimate_modules = _modules_after("mse", "estimate", KOREA, "--method", "stepwise")
    assert "bovenwater.mse.selection" in estimate_modules
    assert not any(m.startswith("scipy") for m in estimate_modules)
    assert "threadpoolctl" not in estimate_modules
    webscan_modules = _modules_after("webscan", "--help")
    assert "bovenwater.adscan.cli" in webscan_modules
    assert not any(m.startswith(("bovenwater.mse", "scipy")) for m in webscan_modules)
    ads = tmp_path / "ads.jsonl"
    ads.write_text(
        '{"id": "a", "title": "", "body": "bel 0612345678"}\n'
        '{"id": "b", "title": "", "body": "app 06-12345678"}\n',
        encoding="utf-8",
    )
    out = str(tmp_path / "out.jsonl")
    cluster_modules = _modules_after("webscan", "cluster", str(ads), "--out", out)
    assert "bovenwater.adscan.cluster" in cluster_modules
    assert not any(m.startswith(("bovenwater.mse", "scipy")) for m in cluster_modules)
