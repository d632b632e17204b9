"""What happens when an e-mail cannot be sent: logged, retried later, never swallowed.

Used by the tasks that send mail one object at a time (a Kompas share, an account's
invitation): a failed attempt is logged with the kind of mail, the object's id and the
kind of error (never the address: an SMTP refusal's text carries it), the next attempt
is queued ``RETRY_AFTER`` later, and the task fails with the error so its result shows
it. After the last attempt, or on a task backend that cannot defer, an error is logged.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta

# Seconds before the next attempt after the first, second, ... failure.
RETRY_AFTER = (60, 300, 1800, 7200)
MAIL_ERRORS = (smtplib.SMTPException, OSError)

Retry = Callable[[int, int, timedelta], None]  # (object id, next attempt, delay)


def after_failure(
    *,
    logger: logging.Logger,
    what: str,
    object_id: int,
    attempt: int,
    error: BaseException,
    retry: Retry | None,
) -> None:
    """Log a failed attempt and queue the next one (``retry(object_id, attempt, delay)``),
    or log that it was the last."""
    kind = type(error).__name__
    if attempt > len(RETRY_AFTER):
        logger.error(
            "%s %s not sent: attempt %s failed (%s), no attempts left",
            what,
            object_id,
            attempt,
            kind,
        )
        return
    if retry is None:
        logger.error(
            "%s %s not sent: attempt %s failed (%s), and the task backend cannot queue a "
            "later attempt",
            what,
            object_id,
            attempt,
            kind,
        )
        return
    delay = timedelta(seconds=RETRY_AFTER[attempt - 1])
    logger.warning(
        "%s %s: attempt %s failed (%s); next attempt in %s s",
        what,
        object_id,
        attempt,
        kind,
        int(delay.total_seconds()),
    )
    retry(object_id, attempt + 1, delay)
