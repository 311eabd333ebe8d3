"""Filling a pasted article's metadata in the background: the service against a real local
server, the enqueueing after commit, and the task's retries run in-process."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from articles import services
from articles.models import Article, Outlet
from articles.pipeline.fetch import FetchConnectionError, HTTPStatusError
from articles.services import (
    article_fetch_enqueue,
    article_fill_metadata,
    article_register,
)
from articles.tasks import FETCH_MAX_RETRIES, article_fetch_metadata

pytestmark = pytest.mark.django_db


def requests_for(server, path: str) -> int:
    return sum(1 for request in server.requests if request["path"] == path)


def closed_port() -> int:
    with socket.socket() as sock:  # nothing listens on it once closed
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The service


def test_it_fills_title_outlet_date_language_and_text(server):
    article = article_register(url=server.url("/article/news-ru.html"))
    assert article.outlet.name == "127.0.0.1"  # a new outlet is named after its domain

    article = article_fill_metadata(article_id=article.pk)

    article.refresh_from_db()
    assert article.state == Article.State.FETCHED
    assert article.fetched_at is not None
    assert article.title.startswith("Узбекистан и талибы подписали дорожную карту")
    assert article.language == "ru"
    assert article.published_date == dt.date(2024, 7, 17)
    assert "Абдул Гани Барадар" in article.text
    assert "Все права защищены" not in article.text
    assert len(article.content_hash) == 64
    assert article.outlet.name == "Вести Азии"
    assert article.failure_reason == ""


def test_the_fetch_is_recorded_in_the_article_history(server):
    article = article_register(url=server.url("/article/news-ru.html"))

    article_fill_metadata(article_id=article.pk)

    latest = article.history.latest()
    assert latest.state == Article.State.FETCHED
    assert latest.title.startswith("Узбекистан")


def test_an_editors_title_and_date_are_kept(server):
    article = article_register(
        url=server.url("/article/news-ru.html"),
        title="Дорожная карта по железной дороге",
        published_date=dt.date(2024, 7, 18),
    )

    article_fill_metadata(article_id=article.pk)

    article.refresh_from_db()
    assert article.title == "Дорожная карта по железной дороге"
    assert article.published_date == dt.date(2024, 7, 18)
    assert article.language == "ru"  # empty before, so filled


def test_an_outlet_someone_named_keeps_its_name(server):
    Outlet.objects.create(domain="127.0.0.1", name="Vesti Asia (local mirror)")
    article = article_register(url=server.url("/article/news-ru.html"))

    article_fill_metadata(article_id=article.pk)

    assert Outlet.objects.get(domain="127.0.0.1").name == "Vesti Asia (local mirror)"


def test_running_twice_fetches_and_writes_once(server):
    article = article_register(url=server.url("/article/news-ru.html"))
    article_fill_metadata(article_id=article.pk)
    fetched_at = Article.objects.get(pk=article.pk).fetched_at
    versions = article.history.count()

    again = article_fill_metadata(article_id=article.pk)

    assert requests_for(server, "/article/news-ru.html") == 1
    assert again.state == Article.State.FETCHED
    assert again.fetched_at == fetched_at
    assert article.history.count() == versions


def test_a_run_that_loses_the_claim_writes_nothing(server, monkeypatch):
    article = article_register(url=server.url("/article/news-ru.html"))
    real_parse_page = services.parse_page

    def parse_while_another_run_finishes(html: str, url: str = ""):
        # Another worker claims and fills the article while this one is still parsing.
        Article.objects.filter(pk=article.pk).update(state="fetched", title="The other run")
        return real_parse_page(html, url)

    monkeypatch.setattr(services, "parse_page", parse_while_another_run_finishes)

    result = article_fill_metadata(article_id=article.pk)

    assert result.title == "The other run"
    assert result.text == ""
    assert result.fetched_at is None
    assert Outlet.objects.get(domain="127.0.0.1").name == "127.0.0.1"


def test_a_404_marks_the_article_failed_with_a_reason_an_editor_can_read(server):
    article = article_register(url=server.url("/status/404"))

    article = article_fill_metadata(article_id=article.pk)

    assert article.state == Article.State.FAILED
    assert article.failure_reason == "The server answered 404 Not Found"
    assert article.fetched_at is None
    assert Article.objects.get(pk=article.pk).state == Article.State.FAILED


def test_a_feed_is_not_an_article_page(server):
    article = article_register(url=server.url("/feed.rss"))

    article = article_fill_metadata(article_id=article.pk)

    assert article.state == Article.State.FAILED
    assert "news feed" in article.failure_reason
    assert "application/rss+xml" in article.failure_reason


def test_a_failed_article_is_not_fetched_again(server):
    article = article_register(url=server.url("/status/404"))
    article_fill_metadata(article_id=article.pk)

    article_fill_metadata(article_id=article.pk)

    assert requests_for(server, "/status/404") == 1


def test_a_refused_connection_propagates_for_a_retry(settings):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    article = article_register(url=f"http://127.0.0.1:{closed_port()}/news/1")

    with pytest.raises(FetchConnectionError):
        article_fill_metadata(article_id=article.pk)

    article.refresh_from_db()
    assert article.state == Article.State.REGISTERED
    assert article.failure_reason == ""


def test_a_server_error_propagates_for_a_retry(server):
    article = article_register(url=server.url("/status/503"))

    with pytest.raises(HTTPStatusError):
        article_fill_metadata(article_id=article.pk)

    assert Article.objects.get(pk=article.pk).state == Article.State.REGISTERED


# Enqueueing


def test_enqueueing_waits_for_the_commit(django_capture_on_commit_callbacks):
    article = article_register(url="https://kun.uz/news/2024/07/17/railway")

    # Not executed: in CI a real broker is configured, and this test must not publish to it.
    with django_capture_on_commit_callbacks() as callbacks:
        enqueued = article_fetch_enqueue(article=article)

    assert enqueued is True
    assert len(callbacks) == 1


@pytest.mark.parametrize("state", [Article.State.FETCHED, Article.State.FAILED])
def test_an_article_past_registered_is_not_enqueued(django_capture_on_commit_callbacks, state):
    article = article_register(url="https://kun.uz/news/2024/07/17/railway")
    Article.objects.filter(pk=article.pk).update(state=state)
    article.refresh_from_db()

    with django_capture_on_commit_callbacks() as callbacks:
        enqueued = article_fetch_enqueue(article=article)

    assert enqueued is False
    assert callbacks == []


# The task, run in-process (eager retries do not wait for their countdown)


@pytest.fixture
def eager_retries(monkeypatch):
    """Let `apply()` run a task's retries through, as a worker would. With eager errors
    propagating (the laptop default) the first retry would surface as a `Retry` exception."""
    monkeypatch.setitem(article_fetch_metadata.app.conf, "task_eager_propagates", False)


def test_the_task_fills_the_article(server):
    article = article_register(url=server.url("/article/no-meta.html"))

    article_fetch_metadata.apply(args=[article.pk])

    article.refresh_from_db()
    assert article.state == Article.State.FETCHED
    assert article.published_date == dt.date(2024, 2, 5)
    assert article.language == "en"


def test_the_task_retries_a_temporary_failure_then_records_it(server, eager_retries):
    article = article_register(url=server.url("/status/503"))

    result = article_fetch_metadata.apply(args=[article.pk])

    assert result.successful()
    assert requests_for(server, "/status/503") == 1 + FETCH_MAX_RETRIES
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.failure_reason == "The server answered 503 Service Unavailable"


def test_the_task_records_a_refused_connection_after_its_retries(settings, eager_retries):
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    article = article_register(url=f"http://127.0.0.1:{closed_port()}/news/1")

    article_fetch_metadata.apply(args=[article.pk])

    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.failure_reason.startswith("Connection failed")


def test_the_task_does_not_retry_a_permanent_failure(server):
    article = article_register(url=server.url("/status/404"))

    article_fetch_metadata.apply(args=[article.pk])

    assert requests_for(server, "/status/404") == 1
    assert Article.objects.get(pk=article.pk).state == Article.State.FAILED


def test_the_task_ignores_an_article_deleted_meanwhile(server):
    article = article_register(url=server.url("/article/news-ru.html"))
    article_id = article.pk
    article.delete()

    result = article_fetch_metadata.apply(args=[article_id])

    assert result.successful()
    assert server.requests == []


def test_the_task_declares_late_acknowledgement_and_back_off():
    assert article_fetch_metadata.acks_late is True
    assert article_fetch_metadata.max_retries == FETCH_MAX_RETRIES == 4
    assert article_fetch_metadata.retry_backoff
