"""What the task worker announces to the apps (the kernel side of ``core.worker``).

Apps connect to these signals in ``AppConfig.ready`` without importing the worker
(the shell); the worker sends them.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent once per abandoned task, with ``task_path``, ``args`` and ``kwargs``.
task_abandoned = Signal()
