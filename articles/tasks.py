"""Background work on articles. Each task takes ids, calls one service and owns its retries."""

from __future__ import annotations

from celery import Task, shared_task

from . import services
from .models import Article, Feed
from .pipeline.fetch import FetchError

# Temporary failures (timeouts, refused connections, 5xx) are retried after about 30 s, 1, 2
# and 4 min (with jitter), then recorded on the article.
FETCH_MAX_RETRIES = 4
FETCH_BACKOFF_SECONDS = 30
# A feed is polled again on schedule anyway: a few retries over some minutes suffice.
FEED_MAX_RETRIES = 3
FEED_BACKOFF_SECONDS = 60


@shared_task(
    bind=True,
    acks_late=True,
    # Only temporary failures reach the task: the service records permanent ones itself.
    autoretry_for=(FetchError,),
    max_retries=FETCH_MAX_RETRIES,
    retry_backoff=FETCH_BACKOFF_SECONDS,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
)
def article_fetch_metadata(self: Task, article_id: int) -> None:
    """Fill a pasted article's title, outlet, date, language and text from its page; an article
    that came through the pipeline (not only cited) is then queued for `article_analyse`."""
    try:
        services.article_fill_metadata(article_id=article_id)
    except Article.DoesNotExist:
        return  # deleted before a worker got to it: nothing left to fill
    except FetchError as exc:
        if self.request.retries >= self.max_retries:
            # The last attempt: say why on the article instead of failing silently in a log.
            services.article_mark_failed(
                article_id=article_id, reason=services.fetch_failure_reason(exc)
            )
            return
        raise


@shared_task(acks_late=True)
def pipeline_resume() -> int:
    """Queue again the pipeline articles whose task was lost (beat runs this every minute)."""
    return services.pipeline_resume()


@shared_task(acks_late=True)
def feeds_poll() -> int:
    """Queue a poll of every active feed (celery beat runs this, settings.CELERY_BEAT_SCHEDULE)."""
    return services.feeds_poll_enqueue()


@shared_task(
    bind=True,
    acks_late=True,
    # The service records every failure on the feed and raises only the temporary ones.
    autoretry_for=(FetchError,),
    max_retries=FEED_MAX_RETRIES,
    retry_backoff=FEED_BACKOFF_SECONDS,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
)
def feed_poll(self: Task, feed_id: int) -> int:
    """Poll one feed: register its entries' articles and queue their fetch."""
    feed = Feed.objects.select_related("outlet").filter(pk=feed_id, active=True).first()
    if feed is None:
        return 0  # deleted or switched off since it was queued
    try:
        return services.feed_poll_now(feed=feed)
    except FetchError:
        if self.request.retries >= self.max_retries:
            return 0  # the reason is on the feed; the next scheduled poll tries again
        raise


@shared_task(acks_late=True)
def article_analyse(article_id: int) -> None:
    """Dedupe, relevance, extraction and suggestions for one fetched article. No retries: it
    reads no network, and a failure is recorded on the article by the service."""
    try:
        services.article_analyse(article_id=article_id)
    except Article.DoesNotExist:
        return
