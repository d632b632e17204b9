"""The ``bovenwater`` console entry point.

Subcommands live next to the code they drive. Each module listed in
``SUBCOMMAND_MODULES`` exposes ``register(subparsers)``, which adds one subparser
whose ``handler`` default is called with the parsed arguments and returns the exit
code. Pure engines (``mse``, ``webscan``) never import Django, so their commands stay
fast; ``bovenwater manage ...`` hands over to Django's management commands.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

SUBCOMMAND_MODULES: tuple[str, ...] = (
    "bovenwater.mse.cli",
    "bovenwater.adscan.cli",
)


def _manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bovenwater.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bovenwater manage", *args.django_args])
    return 0


def build_parser() -> argparse.ArgumentParser:
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
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                continue  # engine not installed in this build
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
