"""The ``bovenwater`` console entry point.

Subcommands live next to the code they drive. Each module listed in ``SUBCOMMANDS``
exposes ``register(subparsers)``, which adds one subparser whose ``handler`` default
is called with the parsed arguments and returns the exit code. Only the module of
the subcommand on the command line is imported (``bovenwater --help`` imports none,
``bovenwater webscan ...`` never loads the MSE engine's NumPy/SciPy code), so every
command starts fast. Pure engines (``mse``, ``adscan``, ``pprl``) never import Django;
``bovenwater manage ...`` hands over to Django's management commands.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# command -> (module with ``register(subparsers)``, one-line help for ``--help``)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "mse": (
        "bovenwater.mse.cli",
        "multiple systems estimation of a hidden population from overlapping lists",
    ),
    "webscan": (
        "bovenwater.adscan.cli",
        "screen online advertisements: generate a test corpus, cluster ads into networks",
    ),
    "linkage": (
        "bovenwater.pprl.cli",
        "privacy-preserving record linkage: encode lists, match them, count overlaps",
    ),
}
SUBCOMMAND_MODULES: tuple[str, ...] = tuple(module for module, _ in SUBCOMMANDS.values())


def _manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bovenwater.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - Django loads only for `manage` (start-up cost)

    execute_from_command_line(["bovenwater manage", *args.django_args])
    return 0


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first non-option argument)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def _not_loaded(args: argparse.Namespace) -> int:  # pragma: no cover - never selected
    raise RuntimeError("subcommand parser was not loaded")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``argv`` only the chosen subcommand's module is loaded
    (without ``argv`` every subcommand's)."""
    parser = argparse.ArgumentParser(
        prog="bovenwater",
        description="Bovenwater: ketenaanpak mensenhandel (chain approach against trafficking).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    manage = subparsers.add_parser(
        "manage", help="run a Django management command (migrate, seed_demo, ...)"
    )
    manage.add_argument("django_args", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_manage)
    chosen = None if argv is None else _chosen(argv)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        if argv is not None and name != chosen:
            subparsers.add_parser(name, help=help_text, add_help=False).set_defaults(
                handler=_not_loaded
            )
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                continue  # engine not installed in this build
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
