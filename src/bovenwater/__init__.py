"""Bovenwater: platform for the Dutch chain approach against human trafficking."""

__version__ = "0.1.0"
