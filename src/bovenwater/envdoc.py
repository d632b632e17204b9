"""Print docs/configuration.md from the settings registry: ``make envdoc``."""

from __future__ import annotations

import sys

from bovenwater.envconf import REGISTRY

# Importing the settings fills the registry.
from bovenwater.settings import PROJECT_DIR


def render() -> str:
    lines = [
        "# Configuration",
        "",
        "Bovenwater reads every setting from an environment variable with a safe default.",
        "This file is generated from `src/bovenwater/settings/` by `make envdoc`;",
        "a test fails when it is stale. With `DEBUG` off, `SECRET_KEY`, `ALLOWED_HOSTS` and",
        "`DATABASE_URL` must be set or the application refuses to start.",
        "",
    ]
    groups: dict[str, list[str]] = {}
    for setting in REGISTRY.values():
        # Paths under the checkout are shown relative to it, so the file is the same everywhere.
        shown = setting.default.replace(str(PROJECT_DIR), "<project>")
        default = f"`{shown}`" if shown else "(empty)"
        row = f"| `{setting.name}` | {setting.kind} | {default} | {setting.help} |"
        groups.setdefault(setting.group, []).append(row)
    for group, rows in groups.items():
        lines += [f"## {group}", "", "| variable | type | default | meaning |", "|---|---|---|---|"]
        lines += rows
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
