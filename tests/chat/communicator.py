"""Channels' WebSocket communicator, imported without ``channels.testing``'s package
init (which imports the live-server case and so Daphne, a server we do not use)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import channels

if "channels.testing" not in sys.modules:
    package = types.ModuleType("channels.testing")
    package.__path__ = [str(Path(channels.__file__).parent / "testing")]
    sys.modules["channels.testing"] = package

from channels.testing.websocket import WebsocketCommunicator

__all__ = ["WebsocketCommunicator"]
