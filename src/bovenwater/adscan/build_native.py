"""Optional compiled build of the engine's hot modules (``make webscan-native``).

Compiles :data:`bovenwater.adscan.NATIVE_MODULES` from the same source with mypyc
(part of mypy, a development dependency) and a C compiler, into ``native/`` next to
the package's modules, with a stamp of the sources it was built from. The package uses
the compiled modules only while that stamp matches the current sources (see
``bovenwater/adscan/__init__.py``); without a build, or after a source change, the
pure-Python modules run, with the same results.

Usage::

    python -m bovenwater.adscan.build_native            # build (fails loudly)
    python -m bovenwater.adscan.build_native --optional # build, or skip with a note
    python -m bovenwater.adscan.build_native --remove   # back to pure Python
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bovenwater.adscan import NATIVE_MODULES, NATIVE_STAMP, source_stamp

PACKAGE = Path(__file__).resolve().parent
NATIVE = PACKAGE / "native"
GROUP = "bovenwater.adscan.native"  # the shared library: bovenwater.adscan.native__mypyc

# mypyc type-checks what it compiles; the project's own mypy settings load Django
# plugins that the engine does not need.
_MYPY_CONFIG = """\
[mypy]
strict = True
python_version = {version}

[mypy-phonenumbers.*,scipy.*]
ignore_missing_imports = True
"""


def build() -> list[Path]:
    """Compile into a temporary directory, then replace ``native/``; returns its files."""
    from mypyc.build import mypycify  # noqa: PLC0415 - build-time tools, needed only by the native build
    from setuptools import Distribution  # type: ignore[import-untyped]  # noqa: PLC0415 - build-time tools, needed only by the native build
    from setuptools.command.build_ext import build_ext  # type: ignore[import-untyped]  # noqa: PLC0415 - build-time tools, needed only by the native build

    stamp = source_stamp(PACKAGE)
    with tempfile.TemporaryDirectory(prefix="webscan-native-") as tmp:
        work = Path(tmp)
        config = work / "mypy.ini"
        config.write_text(
            _MYPY_CONFIG.format(version=f"{sys.version_info[0]}.{sys.version_info[1]}")
        )
        paths = [str(PACKAGE / f"{name}.py") for name in NATIVE_MODULES]
        extensions = mypycify(
            [*paths, "--config-file", str(config)],
            opt_level="3",
            group_name=GROUP,
            target_dir=str(work / "c"),
        )
        distribution = Distribution(
            {"name": "bovenwater-webscan-native", "ext_modules": extensions}
        )
        command = build_ext(distribution)
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "temp")
        command.ensure_finalized()
        command.run()
        built = sorted((work / "lib").rglob("*.so")) + sorted((work / "lib").rglob("*.pyd"))
        if source_stamp(PACKAGE) != stamp:
            raise RuntimeError("the sources changed during the build; run it again")
        remove()
        NATIVE.mkdir()
        files = [Path(shutil.copy2(path, NATIVE / path.name)) for path in built]
        # written last: an interrupted build leaves no stamp, so it is never used
        (NATIVE / NATIVE_STAMP).write_text(stamp, encoding="ascii")
    return files


def remove() -> None:
    if NATIVE.exists():
        shutil.rmtree(NATIVE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bovenwater.adscan.build_native")
    parser.add_argument("--optional", action="store_true", help="skip with a note on failure")
    parser.add_argument("--remove", action="store_true", help="delete the compiled modules")
    args = parser.parse_args(argv)
    if args.remove:
        remove()
        print("webscan: compiled modules removed; the pure-Python engine runs")
        return 0
    try:
        files = build()
    except (Exception, SystemExit) as error:  # no mypyc, no C compiler, a compile error
        if not args.optional:
            raise
        remove()
        print(f"webscan: compiled build skipped ({type(error).__name__}: {error}); pure Python")
        return 0
    print(f"webscan: {len(files)} compiled modules in {NATIVE}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
