"""Writes on outlets, articles and citations, shared by the loader, forms and the pipeline."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .canonical import InvalidURL, canonicalize_url, url_domain
from .models import Article, Feed, Outlet
from .pipeline import ingest
from .pipeline.dedupe import simhash
from .pipeline.feeds import FeedError, parse_feed
from .pipeline.fetch import (
    FEED_TYPES,
    FetchError,
    FetchResult,
    FetchSettings,
    HTTPStatusError,
    fetch_url,
)
from .pipeline.html import parse_page
from .queueing import send_on_commit

# Limits for every fetch the pipeline makes (fetch.FetchSettings has the defaults and the why).
INGEST_FETCH_SETTINGS = FetchSettings()
STALLED_BATCH = 500
# Bodies decoded as UTF-8 with more replacement characters than this share were in a legacy
# encoding nobody declared; in this region that is windows-1251 (Cyrillic).
MISDECODED_SHARE = 0.02


def outlet_for_url(*, url: str, name: str = "") -> Outlet:
    """The outlet an article URL belongs to (keyed by domain), created on first sight."""
    domain = url_domain(url)
    outlet, _created = Outlet.objects.get_or_create(
        domain=domain, defaults={"name": name or domain}
    )
    return outlet


def article_register(
    *,
    url: str,
    outlet_name: str = "",
    title: str = "",
    language: str = "",
    published_date: dt.date | None = None,
    origin: str = Article.Origin.CITATION,
    feed: Feed | None = None,
) -> Article:
    """The article for a URL, created or reused by canonical URL.

    Known metadata is filled in where the stored article has none; nothing already recorded is
    overwritten, so registering a URL twice (two editors, a retried task) changes nothing. An
    article only cited so far takes a pipeline `origin` (feed, pasted URL) when one finds it, so
    it goes on to analysis; `feed` is recorded when the article has none.
    """
    article, _created = _article_register(
        url=url,
        outlet_name=outlet_name,
        title=title,
        language=language,
        published_date=published_date,
        origin=origin,
        feed=feed,
    )
    return article


def _article_register(
    *,
    url: str,
    outlet_name: str,
    title: str,
    language: str,
    published_date: dt.date | None,
    origin: str,
    feed: Feed | None,
) -> tuple[Article, bool]:
    canonical = canonicalize_url(url)
    title = title[: Article._meta.get_field("title").max_length]
    article = Article.objects.filter(canonical_url=canonical).first()
    if article is None:
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    url=url,
                    canonical_url=canonical,
                    outlet=outlet_for_url(url=url, name=outlet_name),
                    title=title,
                    language=language,
                    published_date=published_date,
                    origin=origin,
                    feed=feed,
                )
            return article, True
        except IntegrityError:
            # Another transaction registered it between our look-up and insert.
            article = Article.objects.get(canonical_url=canonical)
    changed = []
    if origin != Article.Origin.CITATION and article.origin == Article.Origin.CITATION:
        # Conditional, so two registrations racing here agree on one origin.
        if Article.objects.filter(pk=article.pk, origin=Article.Origin.CITATION).update(
            origin=origin
        ):
            article.origin = origin
            changed.append("origin")
        else:
            article.refresh_from_db(fields=["origin"])
    if feed is not None and article.feed_id is None:
        article.feed = feed
        changed.append("feed")
    for field, value in (
        ("title", title),
        ("language", language),
        ("published_date", published_date),
    ):
        if value and not getattr(article, field):
            setattr(article, field, value)
            changed.append(field)
    if article.outlet_id is None:
        article.outlet = outlet_for_url(url=url, name=outlet_name)
        changed.append("outlet")
    if changed:
        article.save(update_fields=changed)
    return article, False


def article_fetch_enqueue(*, article: Article) -> bool:
    """Queue the fetch of an article's title, outlet, date, language and text, once the current
    transaction commits (so the worker finds the row). Only a `registered` article needs it.
    """
    if article.state != Article.State.REGISTERED:
        return False
    # Imported here: the task module imports this one.
    from .tasks import article_fetch_metadata

    send_on_commit(article_fetch_metadata, article.pk)
    return True


def article_analyse_enqueue(*, article: Article) -> bool:
    """Queue the analysis of a fetched pipeline article once the transaction commits."""
    if article.state != Article.State.FETCHED or article.origin == Article.Origin.CITATION:
        return False
    from .tasks import article_analyse

    send_on_commit(article_analyse, article.pk)
    return True


def article_fill_metadata(
    *, article_id: int, fetch_settings: FetchSettings | None = None
) -> Article:
    """Fetch a registered article's page and record what it says about itself.

    Runs twice without harm: an article no longer `registered` is returned untouched, without a
    fetch, and the write claims the row with a conditional update so only one run writes. Fields
    an editor already filled in are kept. A permanent fetch failure is recorded on the article;
    a temporary one (timeout, refused connection, 5xx) propagates for the task to retry. A
    pipeline article (not only cited) is queued for analysis once fetched.
    """
    article = Article.objects.get(pk=article_id)
    if article.state != Article.State.REGISTERED:
        return article
    # No transaction is open here: a slow server must not hold a database connection's locks.
    try:
        result = fetch_url(article.url, settings=fetch_settings or INGEST_FETCH_SETTINGS)
    except FetchError as exc:
        if not exc.permanent:
            raise
        return article_mark_failed(article_id=article_id, reason=fetch_failure_reason(exc))
    if result.content_type in FEED_TYPES:
        return article_mark_failed(
            article_id=article_id,
            reason=f"The address is a news feed ({result.content_type}), not an article page",
        )
    pipeline = article.origin != Article.Origin.CITATION
    if pipeline and not result.content.strip():
        return article_mark_failed(article_id=article_id, reason="The server sent an empty page")
    page = parse_page(_decoded_text(result), result.final_url)

    with transaction.atomic():
        claimed = Article.objects.filter(pk=article_id, state=Article.State.REGISTERED).update(
            state=Article.State.FETCHED, fetched_at=timezone.now()
        )
        article = Article.objects.select_related("outlet").get(pk=article_id)
        if not claimed:
            return article
        # Re-read after the claim, so a title an editor saved during the fetch is seen and kept.
        article.set_text(page.text)
        article.simhash = simhash(page.text)
        changed = ["state", "fetched_at", "text", "content_hash", "simhash"]
        for field, value in (
            ("title", page.title[: Article._meta.get_field("title").max_length]),
            ("language", page.language),
            ("published_date", page.published_date),
        ):
            if value and not getattr(article, field):
                setattr(article, field, value)
                changed.append(field)
        if article.outlet_id is None:
            article.outlet = outlet_for_url(url=article.url, name=page.site_name)
            changed.append("outlet")
        if page.site_name:
            _outlet_name_from_site(outlet_id=article.outlet_id, site_name=page.site_name)
        # A save after the conditional update, so the article's history records the fetch.
        article.save(update_fields=changed)
        # Inside the transaction: the task is sent when (and only if) the fetch commits.
        article_analyse_enqueue(article=article)
    return article


def _decoded_text(result: FetchResult) -> str:
    """The body as text. A page that declared no charset and is not UTF-8 was decoded with
    replacement characters; read it as windows-1251 when that gives Cyrillic text."""
    text = result.text
    if result.encoding != "utf-8" or not text:
        return text
    if text.count("\ufffd") / len(text) <= MISDECODED_SHARE:
        return text
    legacy = result.content.decode("windows-1251", errors="replace")
    cyrillic = sum(1 for char in legacy if "\u0400" <= char <= "\u04ff")
    return legacy if cyrillic > len(legacy) * MISDECODED_SHARE else text


def article_mark_failed(*, article_id: int, reason: str) -> Article:
    """Record why a registered article could not be fetched; a fetched one stays as it is."""
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article_id, state=Article.State.REGISTERED).update(
            state=Article.State.FAILED, failure_reason=reason
        )
        article = Article.objects.get(pk=article_id)
        if claimed:
            article.save(update_fields=["state", "failure_reason"])
    return article


def fetch_failure_reason(exc: FetchError) -> str:
    """A fetch failure in words an editor can act on."""
    if isinstance(exc, HTTPStatusError):
        try:
            phrase = HTTPStatus(exc.status).phrase
        except ValueError:
            phrase = "an error"
        return f"The server answered {exc.status} {phrase}"
    return exc.reason


def _outlet_name_from_site(*, outlet_id: int, site_name: str) -> None:
    """Name an outlet after its site, unless someone already named it (name ≠ bare domain)."""
    outlet = Outlet.objects.select_for_update().get(pk=outlet_id)
    if outlet.name == outlet.domain:
        outlet.name = site_name[: Outlet._meta.get_field("name").max_length]
        outlet.save(update_fields=["name"])


def article_ingest_url(*, url: str) -> Article:
    """An editor pastes a report's URL for the pipeline: registered (or reused), then fetched
    and analysed in the background. Raises `InvalidURL` for what is not an http(s) URL."""
    article = article_register(url=url, origin=Article.Origin.PASTED_URL)
    if not article_fetch_enqueue(article=article):
        article_analyse_enqueue(article=article)
    return article


def article_ingest_text(
    *, text: str, title: str = "", published: dt.date | None = None, language: str = ""
) -> Article:
    """An editor pastes a report's text: stored as fetched under `urn:sha256:<text hash>` (the
    same text pasted twice is one article) and analysed in the background."""
    text = text.strip()
    if not text:
        raise ValueError("The pasted text is empty")
    urn = f"urn:sha256:{hashlib.sha256(text.encode()).hexdigest()}"
    article = Article.objects.filter(canonical_url=urn).first()
    if article is None:
        article = Article(
            url=urn,
            canonical_url=urn,
            title=title[: Article._meta.get_field("title").max_length],
            language=language,
            published_date=published,
            origin=Article.Origin.PASTED_TEXT,
            state=Article.State.FETCHED,
            fetched_at=timezone.now(),
            simhash=simhash(text),
        )
        article.set_text(text)
        try:
            with transaction.atomic():
                article.save(force_insert=True)
        except IntegrityError:
            article = Article.objects.get(canonical_url=urn)
    article_analyse_enqueue(article=article)
    return article


def article_analyse(*, article_id: int) -> Article:
    """Dedupe, relevance, extraction and suggestions for one fetched article (see
    `articles.pipeline.ingest`)."""
    return ingest.article_analyse(article_id=article_id)


def feed_add(*, url: str, outlet_name: str = "") -> Feed:
    """A feed to poll, created once per URL (an inactive one is switched back on). The outlet is
    the one named `outlet_name` (or with that domain), else the feed's domain's outlet.
    Raises `InvalidURL` for what is not an http(s) URL."""
    canonicalize_url(url)
    url = url.strip()
    outlet = None
    if outlet_name:
        outlet = Outlet.objects.filter(Q(name__iexact=outlet_name) | Q(domain=outlet_name)).first()
    if outlet is None:
        outlet = outlet_for_url(url=url, name=outlet_name)
    feed, created = Feed.objects.get_or_create(url=url, defaults={"outlet": outlet})
    if not created and not feed.active:
        feed.active = True
        feed.save(update_fields=["active"])
    return feed


@dataclass
class FeedPoll:
    """What one poll of a feed did: entries read, articles new to us, or why nothing."""

    entries: int = 0
    new: int = 0
    not_modified: bool = False
    error: str = ""


def feed_poll_now(*, feed: Feed, fetch_settings: FetchSettings | None = None) -> int:
    """Poll a feed at once; the number of articles new to us."""
    return feed_poll(feed=feed, fetch_settings=fetch_settings).new


def feed_poll(*, feed: Feed, fetch_settings: FetchSettings | None = None) -> FeedPoll:
    """Fetch a feed (conditional GET) and register each entry's article, carrying the entry's
    title and date forward; articles not fetched yet are queued for fetching.

    Every failure is recorded on the feed (`last_error`); a permanent one (malformed feed, 404,
    refused address) is returned in `error`, a temporary one (timeout, 5xx) also propagates for
    the task to retry. Runs twice without harm: articles are unique by canonical URL and the
    fetch claims each article. The validators are saved only after every entry is registered,
    so a poll that dies half-way is repeated in full rather than answered with a 304.
    """
    try:
        result = fetch_url(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            settings=fetch_settings or INGEST_FETCH_SETTINGS,
        )
    except FetchError as exc:
        reason = fetch_failure_reason(exc)
        _feed_record(feed, last_error=reason)
        if not exc.permanent:
            raise
        return FeedPoll(error=reason)
    if result.not_modified:
        _feed_record(feed, last_error="")
        return FeedPoll(not_modified=True)
    try:
        parsed = parse_feed(result.content, url=result.final_url)
    except FeedError as exc:
        _feed_record(feed, last_error=exc.reason)
        return FeedPoll(error=exc.reason)

    poll = FeedPoll(entries=len(parsed.entries))
    skipped = parsed.skipped
    for entry in parsed.entries:
        try:
            article, created = _article_register(
                url=entry.url,
                outlet_name=feed.outlet.name,
                title=entry.title,
                language="",
                published_date=entry.published,
                origin=Article.Origin.FEED,
                feed=feed,
            )
        except InvalidURL:
            skipped += 1
            continue
        poll.new += created
        if not article_fetch_enqueue(article=article):
            article_analyse_enqueue(article=article)
    note = f"{skipped} entries had no usable http(s) link and were skipped" if skipped else ""
    _feed_record(
        feed,
        last_error=note,
        etag=result.etag,
        last_modified=result.last_modified,
        title=feed.title or parsed.title[: Feed._meta.get_field("title").max_length],
    )
    return poll


def _feed_record(feed: Feed, **fields: str) -> None:
    """Save what a poll learnt. An update, not a save: a poll every few minutes is not an edit
    worth a history row."""
    fields_and_time = {**fields, "last_polled_at": timezone.now()}
    Feed.objects.filter(pk=feed.pk).update(**fields_and_time)
    for name, value in fields_and_time.items():
        setattr(feed, name, value)


def feeds_poll_enqueue() -> int:
    """Queue a poll of every active feed, and requeue pipeline articles whose queued task was
    lost (see `pipeline_resume`). The number of feeds queued."""
    from .tasks import feed_poll as feed_poll_task

    feed_ids = list(Feed.objects.filter(active=True).values_list("pk", flat=True))
    for feed_id in feed_ids:
        send_on_commit(feed_poll_task, feed_id)
    pipeline_resume()
    return len(feed_ids)


def pipeline_resume() -> int:
    """Requeue pipeline articles stuck before a final state for longer than any task takes:
    a worker that died between committing one stage and sending the next task leaves such an
    article behind. Queuing one twice is harmless (each stage claims its row)."""
    now = timezone.now()
    # A pipeline article still `fetched` this long after its fetch is taken to have lost its
    # queued task (a crash between commit and send, or a broker outage) and is queued again;
    # a `registered` one gets three times as long, more than the fetch task's retries take.
    after = dt.timedelta(seconds=settings.PIPELINE_RESUME_AFTER_SECONDS)
    pipeline = Article.objects.exclude(origin=Article.Origin.CITATION)
    fetched = pipeline.filter(state=Article.State.FETCHED, fetched_at__lt=now - after).order_by(
        "pk"
    )[:STALLED_BATCH]
    registered = pipeline.filter(
        state=Article.State.REGISTERED, found_at__lt=now - after * 3
    ).order_by("pk")[:STALLED_BATCH]
    count = 0
    for article in fetched:
        count += article_analyse_enqueue(article=article)
    for article in registered:
        count += article_fetch_enqueue(article=article)
    return count
