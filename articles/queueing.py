"""Sending tasks to the broker without ever losing work or failing a request over it.

Tasks are sent after the transaction commits (a worker must find the rows it is sent for). If
the broker is unreachable the send is given up quickly: the work is not lost, because every
pipeline stage is driven by the article's state in PostgreSQL and `pipeline_resume` (beat)
re-queues whatever still waits once Redis is back. The failure is counted for the current
request or task, so a view can tell the editor plainly that the work is queued for later.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from celery import Task
from django.db import transaction
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

# What a view tells the editor when a send failed (take_failures() > 0).
QUEUE_DOWN = gettext_lazy(
    "The task queue is unreachable right now. What you submitted is saved and will be processed "
    "automatically when the queue is back; nothing needs to be done again."
)

_failures: contextvars.ContextVar[int] = contextvars.ContextVar("queue_failures", default=0)

# Fail fast: an editor waits on this. Redis refusing connections fails at once; a host that
# does not answer costs the connect timeout once more.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def _send(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply_async(args=args, retry=True, retry_policy=RETRY_POLICY)
    except OperationalError as exc:
        _failures.set(_failures.get() + 1)
        log.warning(
            "could not queue %s%r (the broker is unreachable: %s); it will be re-queued",
            task.name,
            args,
            exc,
        )


def send_on_commit(task: Task, *args: Any) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(task, args))


def take_failures() -> int:
    """How many sends failed since the last call in this request or task; resets the count."""
    count = _failures.get()
    _failures.set(0)
    return count
