"""Fault tests (issue 7): the processes of docs/operations.md — gunicorn, a Celery worker, Celery
beat — started for real on the test database, with faults injected from outside: a second
`redis-server` on a spare port that the test stops and starts (the shared Redis is never
touched), SIGKILL for workers, `pg_terminate_backend` for database connections.

They need PostgreSQL (other processes must see the test's rows) and Redis: skipped without
them locally, an error in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from bench.feed_latency import WorkerProcess
from tests.pipeline.conftest import news_site, pipeline_registry, worker_database_url  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DEADLINE = 90.0

if not (REDIS_URL and DATABASE_URL.startswith("postgres")):
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI must run the fault tests: set DATABASE_URL (PostgreSQL) and REDIS_URL"
        )
    pytest.skip("fault tests need PostgreSQL and Redis", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], bool], what: str, timeout: float = DEADLINE, logs=()
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    details = "\n".join(
        f"--- {path.name} ---\n{path.read_text(errors='replace')[-4000:]}" for path in logs
    )
    pytest.fail(f"Not within {timeout:.0f} s: {what}\n{details}")


@dataclass
class SpareRedis:
    """A redis-server of the test's own, on a spare port, that can be stopped and restarted."""

    work: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.work)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.answers, f"redis-server on port {self.port} answering", timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


@pytest.fixture
def spare_redis(tmp_path: Path) -> Iterator[SpareRedis]:
    server = SpareRedis(work=tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass
class Stack:
    """gunicorn, workers and beat on the test database, each logging to a file."""

    work: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    port: int = 0

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = self.work / f"{name}.log"
        self.logs.append(log)
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def web(self, workers: int = 2) -> str:
        self.port = free_port()
        self._spawn(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(workers), "--timeout", "60"],
        )  # fmt: skip
        wait_until(self._serving, "gunicorn serving /healthz", logs=tuple(self.logs))
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serving(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def worker(self, broker_url: str) -> WorkerProcess:
        log = self.work / f"worker-{len(self.logs)}.log"
        self.logs.append(log)
        worker = WorkerProcess(env=self.env, log_path=log).launch()
        assert worker.process is not None
        self.processes.append(worker.process)
        return worker.wait_ready(broker_url, timeout=DEADLINE)

    def beat(self) -> None:
        schedule = self.work / "celerybeat-schedule"
        self._spawn(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
             "--schedule", str(schedule)],
        )  # fmt: skip

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=20)

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = DEADLINE):
        wait_until(condition, what, timeout, logs=tuple(self.logs))


@pytest.fixture
def stack(transactional_db, tmp_path: Path) -> Iterator[Callable[..., Stack]]:
    made: list[Stack] = []

    def make(**env: str) -> Stack:
        environment = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": worker_database_url(),
            "INGEST_ALLOWED_HOSTS": "127.0.0.1",
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "LOG_FORMAT": "json",
            "PAGE_CACHE_SECONDS": "0",
            **env,
        }
        environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        made.append(Stack(work=tmp_path, env=environment))
        return made[-1]

    yield make
    for each in made:
        each.stop()


def signed_in(base_url: str, username: str, password: str) -> httpx.Client:
    """An HTTP client signed in through the real login form (CSRF cookie and token)."""
    client = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    form = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/accounts/login/"},
    )
    assert answer.status_code == 302, answer.text[:2000]
    return client


def csrf_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
