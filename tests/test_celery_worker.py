"""The Celery worker of the full stack starts from the project's configuration and answers
through Redis. With REDIS_URL unset (the embedded default) there is no broker to test: skipped
locally, but CI sets REDIS_URL and refuses to skip."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")

if not REDIS_URL:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the worker test: set REDIS_URL")
    pytest.skip("REDIS_URL is not set: no broker for a worker", allow_module_level=True)


def test_a_worker_started_like_the_full_stack_answers_a_ping_through_redis():
    node = f"stancewatch-test-{uuid.uuid4().hex[:8]}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "-n",
            node,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery(broker=REDIS_URL)
    try:
        deadline = time.monotonic() + 60
        replies: list[dict] = []
        while time.monotonic() < deadline and not replies:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            replies = client.control.ping(destination=[node], timeout=1.0)
        assert replies == [{node: {"ok": "pong"}}]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        client.close()
