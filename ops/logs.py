"""Structured logs: one JSON line per request and per task, each with its id, and nothing secret.

The request middleware gives every request an id (a sane incoming `X-Request-ID`, else a new
one), returns it in the response header and logs one line when the response is ready. Celery
signals log one line per task run with the task's id, name, outcome and duration. A context
variable carries the current request or task id into every other line logged meanwhile.
Passwords in URLs and the secret key are masked in every line, whoever logs it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_id: contextvars.ContextVar[str] = contextvars.ContextVar("stancewatch_log_id", default="")

request_log = logging.getLogger("stancewatch.request")
task_log = logging.getLogger("stancewatch.task")

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):[^@/\s]+@", re.I)
# Attributes every LogRecord has; anything else was passed as `extra` and goes into the JSON.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    text = _URL_PASSWORD.sub(r"\g<scheme>\g<user>:***@", text)
    secret = getattr(settings, "SECRET_KEY", "")
    if secret and len(secret) >= 8:
        text = text.replace(secret, "***")
    return text


class ContextFilter(logging.Filter):
    """Adds the current request or task id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "id", ""):
            record.id = current_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The development format, masked the same way."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RequestLogMiddleware:
    """One line per request: method, path (no query string), status, duration, user, id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.id = request_id
        token = current_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            current_id.reset(token)
        response["X-Request-ID"] = request_id
        # Only a user some view already loaded: reading it here would cost a session query.
        user = getattr(request, "_cached_user", None)
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


_started: dict[str, float] = {}


def _task_prerun(task_id: str = "", task: Any = None, **_: Any) -> None:
    _started[task_id] = time.perf_counter()
    current_id.set(task_id)


def _task_postrun(task_id: str = "", task: Any = None, state: str = "", **_: Any) -> None:
    started = _started.pop(task_id, None)
    task_log.info(
        "%s %s",
        getattr(task, "name", "?"),
        state,
        extra={
            "id": task_id,
            "task": getattr(task, "name", "?"),
            "state": state,
            "retries": getattr(getattr(task, "request", None), "retries", 0),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        },
    )
    current_id.set("")


def connect_task_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_prerun, dispatch_uid="stancewatch-task-prerun")
    task_postrun.connect(_task_postrun, dispatch_uid="stancewatch-task-postrun")
