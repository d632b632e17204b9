"""The import contracts of pyproject.toml ([tool.importlinter], run by ``make test`` as
``lint-imports``): each one is broken by a planted import in a copy of the source.

The copy holds the Python modules only; one ``lint-imports`` run over it must report
every contract broken, while ``make imports`` keeps them all on the real tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bovenwater"

# Contract id -> (module to write or extend, import planted in it).
PLANTS: dict[str, tuple[str, str]] = {
    "layers": ("accounts/planted_layers.py", "import bovenwater.cases.services"),
    "pure-engines": ("mse/planted_engine.py", "import django.db"),
    "kernel": ("lib/planted_kernel.py", "import bovenwater.reference.models"),
    "audit-core": ("audit/purposes.py", "import bovenwater.accounts.roles"),
    "audit-accounts": ("audit/planted_accounts.py", "import bovenwater.accounts.selectors"),
    "registry-announces": ("registry/planted_follow.py", "import bovenwater.monitor.fill"),
    "cases-models": ("intake/planted_models.py", "import bovenwater.cases.models"),
    "intake-models": ("cases/planted_models.py", "import bovenwater.intake.models"),
    "registry-models": ("monitor/planted_models.py", "import bovenwater.registry.models"),
    "monitor-models": ("estimation/planted_models.py", "import bovenwater.monitor.models"),
    "estimation-models": ("monitor/planted_models2.py", "import bovenwater.estimation.models"),
    "kompas-models": ("cases/planted_models2.py", "import bovenwater.kompas.models"),
    "webscan-models": ("intake/planted_models2.py", "import bovenwater.webscan.models"),
    "linkage-models": ("estimation/planted_models3.py", "import bovenwater.linkage.models"),
}


def _contracts() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_every_contract_has_a_plant() -> None:
    assert set(_contracts()) == set(PLANTS)


def test_every_contract_fails_on_its_planted_import(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "bovenwater"
    shutil.copytree(
        SRC,
        copy,
        ignore=lambda folder, names: [
            n
            for n in names
            if (not n.endswith(".py") and not (Path(folder) / n).is_dir()) or n == "__pycache__"
        ],
    )
    for path, line in PLANTS.values():
        module = copy / path
        existing = module.read_text(encoding="utf-8") if module.exists() else ""
        module.write_text(existing + f"\n{line}  # planted\n", encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src"), "COLUMNS": "400"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    kept = [name for name in _contracts().values() if f"{name} BROKEN" not in result.stdout]
    assert kept == [], "not broken by its plant:\n" + "\n".join(kept) + "\n" + result.stdout
