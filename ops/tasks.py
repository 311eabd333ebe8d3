"""The worker heartbeat: celery beat sends it every minute and whichever worker runs it writes
the time to Redis, so a recent heartbeat proves beat, broker and a worker all work (`/readyz`)."""

from __future__ import annotations

import time

from celery import shared_task

from .health import HEARTBEAT_KEY, redis_client


@shared_task(ignore_result=True, acks_late=False)
def heartbeat() -> None:
    # A day of expiry: a stale heartbeat must read as stale, not vanish and read as "none yet".
    redis_client().set(HEARTBEAT_KEY, str(time.time()), ex=24 * 3600)
