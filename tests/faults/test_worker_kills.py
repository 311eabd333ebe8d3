"""A worker killed with SIGKILL in the middle of each pipeline stage — the feed poll, a fetch,
an analysis — again and again: every article still reaches its final state exactly once."""

from __future__ import annotations

import time

import pytest

from articles.models import Article, Feed, Suggestion
from articles.services import feed_add
from articles.tasks import feed_poll

pytestmark = pytest.mark.django_db(transaction=True)


def claims(article: Article, state: str) -> int:
    """How often the article was claimed into `state` (each stage saves once after winning)."""
    return Article.history.filter(id=article.pk, state=state).count()


def test_killing_the_worker_in_every_stage_loses_and_doubles_nothing(
    pipeline_registry, news_site, stack
):
    from bench.feed_latency import purge_broker
    from tests.pipeline.conftest import REDIS_URL

    purge_broker(REDIS_URL)
    site = news_site(3)
    feed = feed_add(url=site.feed_url, outlet_name="Fault News")
    app = stack(REDIS_URL=REDIS_URL)

    def restart_after_kill(worker, since: float):
        worker.kill()
        # Redis hands the killed worker's unacknowledged task out again after the visibility
        # timeout (5 s here); the next worker takes it.
        time.sleep(max(0.0, since + 6 - time.monotonic()))
        return app.worker(REDIS_URL)

    # 1. Killed while polling the feed (the feed's answer is held back).
    site.hold("/feed.rss")
    worker = app.worker(REDIS_URL)
    feed_poll.delay(feed.pk)
    assert site.wait_for_request("/feed.rss"), "the worker never polled the feed"
    worker = restart_after_kill(worker, time.monotonic())
    site.release()

    # 2. Killed while fetching a report (its page is held back), after the poll was redone.
    first = site.items[0]
    site.hold(first.path)
    assert site.wait_for_request(first.path, timeout=90), "the report was never fetched"
    worker = restart_after_kill(worker, time.monotonic())
    site.release()

    # 3. Killed in an analysis: a fresh worker's first one loads the language models (seconds).
    def analysing() -> bool:
        return "article_analyse" in worker.output(tail=0) and "received" in worker.output(tail=0)

    app.wait_until(analysing, "an analysis under way")
    time.sleep(0.3)
    worker = restart_after_kill(worker, time.monotonic())

    app.wait_until(
        lambda: Article.objects.filter(feed=feed, state="analysed").count() == 3,
        "all three reports analysed after three kills",
        timeout=150,
    )
    articles = list(Article.objects.filter(feed=feed))
    assert len(articles) == 3
    for article in articles:
        assert claims(article, "fetched") == 1, article.canonical_url
        assert claims(article, "analysed") == 1, article.canonical_url
    assert Suggestion.objects.filter(article__feed=feed).count() == 3
    assert Feed.objects.get(pk=feed.pk).last_error == ""
