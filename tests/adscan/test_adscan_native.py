"""The optional compiled build is used only for exactly the sources it was built from."""

from __future__ import annotations

import shutil
from pathlib import Path

import bovenwater.adscan as webscan
from bovenwater.adscan import (
    NATIVE_MODULES,
    NATIVE_STAMP,
    native_directory,
    pipeline,
    source_stamp,
    tokens,
)

PACKAGE = Path(webscan.__file__).resolve().parent


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
    # True after ``make webscan-native`` (and no source change since), else False; the
    # other tests in this directory then run against whichever engine is in use
    native = PACKAGE / "native"
    for module in (pipeline, tokens):
        assert Path(module.__file__ or "").parent == (native if webscan.NATIVE else PACKAGE)
    assert (native_directory(PACKAGE) is not None) == webscan.NATIVE
