"""Exceptions raised by the multiple systems estimation engine."""

from __future__ import annotations


class MSEError(Exception):
    """Base class of every error raised by :mod:`bovenwater.mse`."""


class MSEInputError(MSEError, ValueError):
    """The capture table or a model specification is invalid.

    The message is a single line meant for the end user (the CLI prints it as is).
    """


class NotEstimableError(MSEError):
    """No finite, identifiable estimate exists for the requested model and data.

    Raised instead of returning a meaningless number when the linear-programming
    check of Fienberg & Rinaldo (2012), as used by Chan, Silverman & Vincent (2021),
    shows that the (extended) maximum likelihood estimate does not exist, or when
    the design matrix is rank deficient on the cells that carry information.
    """

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status
