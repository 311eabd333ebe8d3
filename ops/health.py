"""Liveness and readiness for a load balancer or an orchestrator.

`/healthz` answers 200 while the process can serve a request (it touches nothing else).
`/readyz` checks what serving real work needs — the database, Redis (the Celery broker) and a
recent worker heartbeat — and answers 200 when all are fine, 503 otherwise, naming each degraded
dependency with a short reason and never a stack trace. Both are cheap and never cached.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "stancewatch:worker-heartbeat"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2, health_check_interval=0
    )


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"; the reason is logged
        log.warning("readyz: database check failed: %s", type(exc).__name__)
        return False, f"unreachable ({type(exc).__name__})"
    return True, "ok"


def check_redis_and_worker() -> dict[str, tuple[bool, str]]:
    if not settings.REDIS_URL:
        # The embedded default: no broker, tasks run in-process.
        return {
            "redis": (True, "not configured: tasks run in-process"),
            "worker": (True, "in-process"),
        }
    try:
        client = redis_client()
        client.ping()
        beat = client.get(HEARTBEAT_KEY)
    except redis.RedisError as exc:
        log.warning("readyz: redis check failed: %s", type(exc).__name__)
        return {
            "redis": (False, f"unreachable ({type(exc).__name__})"),
            "worker": (False, "unknown: Redis is unreachable"),
        }
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS
    if beat is None:
        return {"redis": (True, "ok"), "worker": (False, "no heartbeat yet")}
    age = time.time() - float(beat)
    if age > max_age:
        return {
            "redis": (True, "ok"),
            "worker": (False, f"last heartbeat {int(age)} s ago (limit {max_age} s)"),
        }
    return {"redis": (True, "ok"), "worker": (True, f"heartbeat {int(age)} s ago")}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, tuple[bool, str]] = {"database": check_database()}
    checks.update(check_redis_and_worker())
    ready = all(ok for ok, _reason in checks.values())
    body: dict[str, Any] = {
        "status": "ok" if ready else "degraded",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
