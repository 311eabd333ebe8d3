"""The ingestion pipeline in real `celery worker` processes, on Redis and PostgreSQL.

A feed served from 127.0.0.1 goes end to end to pending suggestions; every task run twice, two
workers racing on one feed and a worker killed in the middle of a fetch all end with one article
per report and one suggestion per event. With REDIS_URL unset (the embedded default) there is no
broker: skipped locally, but CI sets REDIS_URL and refuses to skip.
"""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings

REDIS_URL = os.environ.get("REDIS_URL", "")
if not REDIS_URL:
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the worker pipeline tests: set REDIS_URL")
    pytest.skip("REDIS_URL is not set: no broker for a worker", allow_module_level=True)
if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    # pytest-django's SQLite test database lives in this process's memory: no worker sees it.
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the worker pipeline tests on PostgreSQL")
    pytest.skip("worker tests need PostgreSQL (DATABASE_URL)", allow_module_level=True)

from articles.models import Article, Feed, Suggestion, SuggestionSource  # noqa: E402
from articles.services import outlet_for_url  # noqa: E402
from articles.tasks import (  # noqa: E402
    article_analyse,
    article_fetch_metadata,
    feed_poll,
    feeds_poll,
)
from bench.feed_latency import NewsSite  # noqa: E402
from stances.models import Actor  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

FINAL_STATES = ("duplicate", "irrelevant", "analysed", "failed")


def feed_of(site: NewsSite) -> Feed:
    return Feed.objects.create(
        url=site.feed_url, outlet=outlet_for_url(url=site.feed_url, name=site.site_name)
    )


def finished(feed: Feed, count: int) -> bool:
    """Whether the feed's `count` reports are all registered and in a final state."""
    articles = Article.objects.filter(feed=feed)
    return articles.count() == count and not articles.exclude(state__in=FINAL_STATES).exists()


def pipeline_rows(feed: Feed) -> dict[str, object]:
    """Everything the pipeline wrote for a feed, history included, to compare before and after
    a task runs again."""
    articles = Article.objects.filter(feed=feed)
    return {
        "articles": sorted(articles.values_list("canonical_url", "state", "analysed_at")),
        "suggestions": sorted(
            Suggestion.objects.filter(article__feed=feed).values_list("article_id", "fingerprint")
        ),
        "sources": SuggestionSource.objects.count(),
        "article history": Article.history.filter(id__in=articles.values("id")).count(),
        "suggestion history": Suggestion.history.count(),
    }


def times_in(article: Article, state: str) -> int:
    """How many times the article was claimed into `state`: its history rows in that state
    (each stage saves once after its conditional update wins)."""
    return Article.history.filter(id=article.pk, state=state).count()


def test_a_polled_feed_ends_as_one_pending_suggestion_per_report(
    pipeline_registry, news_site, workers
):
    site = news_site(3)
    feed = feed_of(site)
    workers.start()

    feeds_poll.delay_on_commit()  # what celery beat enqueues

    workers.wait_until(lambda: finished(feed, 3), "the feed's 3 reports analysed")
    articles = {article.url: article for article in Article.objects.filter(feed=feed)}
    assert sorted(articles) == sorted(site.url(item) for item in site.items)
    muttaqi = Actor.objects.get(slug="amir-khan-muttaqi")
    for item in site.items:
        article = articles[site.url(item)]
        assert (article.state, article.origin) == ("analysed", "feed"), article.failure_reason
        assert article.title == item.title
        assert article.published_date == item.published
        assert article.analysed_at is not None
        (suggestion,) = article.suggestions.all()
        assert (suggestion.state, suggestion.kind, suggestion.action) == (
            "pending",
            "contact",
            "new",
        )
        assert (suggestion.country_id, suggestion.contact_type, suggestion.date) == (
            item.country,
            item.contact_type,
            item.event_date,
        )
        # The sentence that reports the event, not the background around it.
        assert item.paragraphs[1][:50] in suggestion.evidence
        assert 0 < suggestion.confidence <= 1
        if item.contact_type in ("meeting", "phone_call", "visit", "conference"):
            assert muttaqi.pk in [p.get("actor_id") for p in suggestion.participants]
        assert site.hits[item.path] == 1
    feed.refresh_from_db()
    assert feed.last_polled_at is not None
    assert feed.last_error == ""


def test_every_task_enqueued_twice_leaves_one_article_and_one_suggestion_per_report(
    pipeline_registry, news_site, workers
):
    site = news_site(3)
    feed = feed_of(site)
    workers.start()

    # The second poll finds the reports still registered, so every fetch is queued twice too.
    feed_poll.delay_on_commit(feed.pk)
    feed_poll.delay_on_commit(feed.pk)
    workers.wait_until(lambda: finished(feed, 3), "the feed's 3 reports analysed")
    workers.wait_until_idle()
    before = pipeline_rows(feed)
    # Then every stage again, twice, on work that is already done.
    for article in Article.objects.filter(feed=feed):
        for _ in range(2):
            article_fetch_metadata.delay_on_commit(article.pk)
            article_analyse.delay_on_commit(article.pk)
    feed_poll.delay_on_commit(feed.pk)
    feed_poll.delay_on_commit(feed.pk)
    workers.wait_until_idle()

    assert pipeline_rows(feed) == before
    articles = Article.objects.filter(feed=feed)
    assert articles.count() == 3
    for article in articles:
        assert article.state == "analysed", article.failure_reason
        assert article.suggestions.count() == 1
        assert (times_in(article, "fetched"), times_in(article, "analysed")) == (1, 1)
    assert Suggestion.objects.count() == 3


def test_two_workers_racing_on_one_feed_leave_one_article_and_one_suggestion_per_report(
    pipeline_registry, news_site, workers
):
    site = news_site(4)
    feed = feed_of(site)
    workers.start(2)

    feed_poll.delay_on_commit(feed.pk)
    feed_poll.delay_on_commit(feed.pk)

    workers.wait_until(lambda: finished(feed, 4), "the feed's 4 reports analysed")
    workers.wait_until_idle()
    articles = Article.objects.filter(feed=feed)
    assert sorted(articles.values_list("url", flat=True)) == sorted(
        site.url(item) for item in site.items
    )
    for article in articles:
        assert article.state == "analysed", article.failure_reason
        assert article.suggestions.count() == 1
        assert (times_in(article, "fetched"), times_in(article, "analysed")) == (1, 1)
    assert Suggestion.objects.count() == 4
    assert SuggestionSource.objects.count() == 0


def test_a_worker_killed_in_the_middle_of_a_fetch_leaves_the_work_to_the_next_one(
    pipeline_registry, news_site, workers
):
    site = news_site(2)
    held = site.items[0]
    site.hold(held.path)
    feed = feed_of(site)
    (first,) = workers.start()
    feed_poll.delay_on_commit(feed.pk)
    assert site.wait_for_request(held.path), f"the worker never fetched it\n{workers.output()}"
    requested_at = time.monotonic()

    first.kill()  # SIGKILL while the page is still being read: no acknowledgement, no clean-up
    killed_mid_fetch = Article.objects.get(url=site.url(held))
    assert killed_mid_fetch.state == "registered"
    site.release()
    # A worker hands back expired unacknowledged tasks as it starts, then only every ~100 s
    # (kombu's Redis transport): restart once the killed worker's task has expired, as an
    # operator restarting a crashed worker would.
    time.sleep(max(0.0, requested_at + workers.visibility_timeout + 1 - time.monotonic()))
    workers.start()

    workers.wait_until(lambda: finished(feed, 2), "both reports analysed after the restart")
    workers.wait_until_idle()
    assert site.hits[held.path] >= 2  # fetched again by the new worker
    killed_mid_fetch.refresh_from_db()
    assert killed_mid_fetch.state == "analysed", killed_mid_fetch.failure_reason
    assert times_in(killed_mid_fetch, "fetched") == 1
    assert times_in(killed_mid_fetch, "analysed") == 1
    assert killed_mid_fetch.suggestions.count() == 1
    assert Article.objects.filter(feed=feed).count() == 2
    assert Suggestion.objects.filter(article__feed=feed).count() == 2
