"""Settings refuse more than one ASGI process on the in-memory channel layer."""

from __future__ import annotations

import os
import subprocess
import sys


def _load_settings(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHANNEL_LAYER")}
    env.update(DJANGO_SETTINGS_MODULE="bovenwater.settings", **extra)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_more_than_one_process_needs_a_redis_channel_layer() -> None:
    refused = _load_settings(WEB_CONCURRENCY="2")
    assert refused.returncode != 0
    assert "refuses to start 2 ASGI processes on the in-memory channel layer" in refused.stderr
    assert _load_settings(WEB_CONCURRENCY="1").returncode == 0
    allowed = _load_settings(WEB_CONCURRENCY="2", CHANNEL_LAYER_URL="redis://127.0.0.1:1/0")
    assert allowed.returncode == 0, allowed.stderr
