"""What the registry announces to the apps that follow it (the monitor subscribes).

The registry imports none of its followers: it sends ``registrations_committed`` after
new registrations have been committed, and a follower connects a receiver in its
``AppConfig.ready`` (the monitor queues its fill job). Data flows one way.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent (without arguments) after a transaction that added registrations has committed.
registrations_committed = Signal()


def announce_new_registrations() -> None:
    """An ``on_commit`` callback: tell the followers that registrations were added."""
    registrations_committed.send(sender=None)
