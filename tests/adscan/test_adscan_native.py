"""The optional compiled build is used only for exactly the sources it was built from."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import bovenwater.adscan as webscan
from bovenwater.adscan import (
    NATIVE_MODULES,
    NATIVE_STAMP,
    PURE_ENV,
    native_directory,
    pipeline,
    source_stamp,
    tokens,
)

PACKAGE = Path(webscan.__file__).resolve().parent
ROOT = PACKAGE.parents[2]


def _copy_sources(target: Path) -> Path:
    target.mkdir()
    for name in NATIVE_MODULES:
        shutil.copy(PACKAGE / f"{name}.py", target / f"{name}.py")
    return target


def test_no_build_means_pure_python(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path / "pkg")
    assert native_directory(package) is None
    (package / "native").mkdir()  # a build without its stamp (interrupted) is not used
    assert native_directory(package) is None


def test_build_of_the_current_sources_is_used(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path / "pkg")
    (package / "native").mkdir()
    (package / "native" / NATIVE_STAMP).write_text(source_stamp(package), encoding="ascii")
    assert native_directory(package) == package / "native"


def test_a_changed_source_falls_back_to_pure_python(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path / "pkg")
    (package / "native").mkdir()
    (package / "native" / NATIVE_STAMP).write_text(source_stamp(package), encoding="ascii")
    with (package / "phones.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited after the build\n")
    assert native_directory(package) is None


def test_stamp_names_every_compiled_module(tmp_path: Path) -> None:
    package = _copy_sources(tmp_path / "pkg")
    lines = source_stamp(package).splitlines()
    assert [line.split()[0] for line in lines] == list(NATIVE_MODULES)
    assert all(len(line.split()[1]) == 64 for line in lines)


def test_modules_come_from_where_the_package_says() -> None:
    # True with a build of the current sources (``make install``), unless the
    # environment asks for pure Python (the test suite does: ``make pytest``)
    native = PACKAGE / "native"
    for module in (pipeline, tokens):
        assert Path(module.__file__ or "").parent == (native if webscan.NATIVE else PACKAGE)
    wanted = native_directory(PACKAGE) is not None and os.environ.get(PURE_ENV) != "1"
    assert wanted == webscan.NATIVE


def test_make_install_compiles_the_modules_the_package_checks() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"WEBSCAN_NATIVE_SOURCES := \$\(addprefix [^,]+,([^)]*)\)", makefile)
    assert found is not None
    names = found.group(1).replace("\\", " ").split()
    assert names == [f"{name}.py" for name in NATIVE_MODULES]


def _command(argv: list[str], pure: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != PURE_ENV}
    if pure:
        env[PURE_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-c", "import sys; from bovenwater.cli import main; sys.exit(main())",
         *argv],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
    )  # fmt: skip


def test_the_command_writes_the_same_with_the_build_as_without(tmp_path: Path) -> None:
    # The command uses the compiled modules when there is a build of the current
    # sources (after ``make install``; otherwise both runs are pure Python and
    # this checks the fallback). Hard corpus: phone keys, template families.
    corpus = tmp_path / "ads.jsonl"
    _command(["webscan", "generate", "--n", "600", "--seed", "5", "--hard", str(corpus)], True)
    probe = "import bovenwater.adscan as w; print(w.NATIVE)"
    for pure in (False, True):
        engine = subprocess.run(
            [sys.executable, "-c", probe], env={**os.environ, PURE_ENV: "1" if pure else "0"},
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        assert engine.stdout.strip() == str(native_directory(PACKAGE) is not None and not pure)
    outputs = []
    for pure in (False, True):
        out = tmp_path / f"out-{pure}.jsonl"
        networks = tmp_path / f"networks-{pure}.jsonl"
        _command(
            ["webscan", "cluster", str(corpus), "--out", str(out), "--networks", str(networks),
             "--workers", "2"],
            pure,
        )  # fmt: skip
        outputs.append((out.read_bytes(), networks.read_bytes()))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") == 600
