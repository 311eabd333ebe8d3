"""Background work on articles. Each task takes ids, calls one service and owns its retries."""

from __future__ import annotations

from celery import Task, shared_task

from . import services
from .models import Article
from .pipeline.fetch import FetchError

# Temporary failures (timeouts, refused connections, 5xx) are retried after about 30 s, 1, 2
# and 4 min (with jitter), then recorded on the article.
FETCH_MAX_RETRIES = 4
FETCH_BACKOFF_SECONDS = 30


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
    """Fill a pasted article's title, outlet, date, language and text from its page."""
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
