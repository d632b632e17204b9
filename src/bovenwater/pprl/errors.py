"""Errors of the record-linkage engine."""

from __future__ import annotations


class PPRLError(Exception):
    """Base class of the engine's errors."""


class PPRLInputError(PPRLError, ValueError):
    """Invalid input (a people file, an encoding file or a secret); the message says where."""
