"""A real pipeline for worker tests: a news site on 127.0.0.1, the registry the extractor reads,
and `celery worker` processes on the test database through Redis.

The site and the worker process are bench/feed_latency.py's (`NewsSite`, `WorkerProcess`), so
the benchmark measures exactly what these tests exercise.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from articles.pipeline import registry as registry_module
from bench.feed_latency import NewsSite, WorkerProcess, news_items, purge_broker
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CountryFactory,
    PositionFactory,
    TalibanActorFactory,
)

REDIS_URL = os.environ.get("REDIS_URL", "")
# Every wait in these tests gives up after this long, showing what the workers said.
DEADLINE = 90.0
# Seconds after which Redis hands an unacknowledged task (a killed worker's) to another worker.
VISIBILITY_TIMEOUT = 5


def worker_database_url() -> str:
    """The URL of the database this test session uses (pytest-django's `test_<name>`), so a
    worker process reads and writes the rows the test sees."""
    settings = connection.settings_dict
    if settings["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("worker tests need PostgreSQL: another process must see the rows")
    credentials = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    at = f"{credentials}@" if credentials else ""
    return f"postgres://{at}{host}{port}/{settings['NAME']}"


@pytest.fixture
def pipeline_registry(transactional_db) -> Iterator[None]:
    """The countries and actors the generated reports name: KZ and UZ tracked, Afghanistan,
    Muttaqi with his spellings, a Kazakh ambassador and the Uzbek foreign minister. Committed
    (transactional tests), so the workers read them."""
    CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан", tracked=True)
    CountryFactory(code="UZ", name_en="Uzbekistan", name_ru="Узбекистан", tracked=True)
    CountryFactory(code="AF", name_en="Afghanistan", name_ru="Афганистан", tracked=False)
    muttaqi = TalibanActorFactory(slug="amir-khan-muttaqi", name="Amir Khan Muttaqi")
    for alias in ["Амир Хан Муттаки", "Амир Хан Моттаки", "Муттаки", "Muttaqi", "Mottaki"]:
        AliasFactory(actor=muttaqi, name=alias)
    PositionFactory(actor=muttaqi, title="acting Minister of Foreign Affairs", start=None)
    ambassador = ActorFactory(
        slug="alimkhan-yesengeldiyev",
        name="Alimkhan Yesengeldiyev",
        country=CountryFactory(code="KZ"),
    )
    AliasFactory(actor=ambassador, name="Алимхан Есенгельдиев", language="ru")
    PositionFactory(actor=ambassador, title="Ambassador to Afghanistan", level="ambassador")
    saidov = ActorFactory(
        slug="bakhtiyor-saidov", name="Bakhtiyor Saidov", country=CountryFactory(code="UZ")
    )
    AliasFactory(actor=saidov, name="Бахтиёр Саидов", language="ru")
    # This process's registry too, for tests that ask the extractor what to expect.
    registry_module.reset()
    yield
    registry_module.reset()


@pytest.fixture
def news_site() -> Iterator[Callable[[int], NewsSite]]:
    """Start a news site with a feed of `n` generated reports (one contact each)."""
    sites: list[NewsSite] = []

    def start(count: int) -> NewsSite:
        site = NewsSite(items=news_items(count), hold_seconds=DEADLINE).start()
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.stop()


class Workers:
    """The worker processes of one test: started on the test database, stopped (before the
    database is emptied) when the test ends."""

    visibility_timeout = VISIBILITY_TIMEOUT

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[WorkerProcess] = []
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": REDIS_URL,
            "INGEST_ALLOWED_HOSTS": "127.0.0.1",
            # A killed worker's task goes back to the queue after seconds, not 20 minutes.
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        }

    def start(self, count: int = 1) -> list[WorkerProcess]:
        """Start `count` workers at once and wait until each answers a ping."""
        launched = []
        for _ in range(count):
            log_path = self.log_dir / f"worker-{len(self.started) + 1}.log"
            worker = WorkerProcess(env=self.env, log_path=log_path).launch()
            self.started.append(worker)
            launched.append(worker)
        try:
            return [worker.wait_ready(REDIS_URL, timeout=DEADLINE) for worker in launched]
        except RuntimeError as exc:
            pytest.fail(str(exc))

    def stop(self) -> None:
        # The test has read what it needed; a warm shutdown would only add seconds, and
        # whatever a killed worker leaves unacknowledged is purged before the next test.
        for worker in self.started:
            worker.kill()

    def output(self) -> str:
        return "\n".join(
            f"--- {worker.name} (exit {worker.process.poll() if worker.process else '-'}) ---\n"
            f"{worker.output()}"
            for worker in self.started
        )

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = DEADLINE):
        """Poll `condition` (it reads the database) until it holds; fail after `timeout`
        seconds, saying what did not happen and what the workers said meanwhile."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        pytest.fail(f"Not within {timeout:.0f} s: {what}\n{self.output()}")

    def wait_until_idle(self, timeout: float = DEADLINE) -> None:
        """Until the queue is empty and no worker holds a task, twice in a row a moment apart
        (a task running now may enqueue another one as it finishes)."""
        import redis
        from celery import Celery

        client = Celery(broker=REDIS_URL)
        broker = redis.Redis.from_url(REDIS_URL)
        names = [worker.name for worker in self.started if worker.process.poll() is None]

        def idle() -> bool:
            # Queued, or delivered and not yet acknowledged (acks_late: running counts too).
            if broker.llen("celery") or broker.zcard("unacked_index"):
                return False
            # A solo worker in the middle of a task cannot answer: no answer means busy.
            active = client.control.inspect(destination=names, timeout=1.0).active()
            return active is not None and set(active) == set(names) and not any(active.values())

        def settled() -> bool:
            if not idle():
                return False
            time.sleep(1.0)
            return idle()

        try:
            self.wait_until(settled, "the queue drained and every worker idle")
        finally:
            client.close()
            broker.close()


@pytest.fixture
def workers(transactional_db, tmp_path: Path) -> Iterator[Workers]:
    purge_broker(REDIS_URL)
    started = Workers(tmp_path)
    yield started
    started.stop()
    # Tasks a test left behind (duplicates it enqueued on purpose) must not reach the next one.
    purge_broker(REDIS_URL)
