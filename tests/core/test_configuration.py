from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bovenwater.envconf import REGISTRY
from bovenwater.envdoc import render

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DEBUG": "false",
    "SECRET_KEY": "k7#vQ9!pZr2@Lm4$Xw8^Nb6&Tc1*Hs5(Jd3)Fg0-Yq7_Ue9+Ia2=Oe4Wt6Rp8Sx",
    "ALLOWED_HOSTS": "bovenwater.example.nl",
    "DATABASE_URL": "sqlite:////tmp/bovenwater-deploy-check.sqlite3",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_refuses_to_start_without_required_settings(missing: str) -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "Bovenwater refuses to start" in result.stderr
    assert missing in result.stderr


def test_deploy_check_is_clean_with_production_settings() -> None:
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_configuration_doc_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/configuration.md is stale: run `make envdoc` and commit it"


def test_every_setting_has_a_meaning() -> None:
    assert len(REGISTRY) >= 15
    assert all(setting.help.strip() for setting in REGISTRY.values())
