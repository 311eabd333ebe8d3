"""The ingestion pipeline, stage by stage and end to end, against a real local HTTP server.

Tasks run in-process (`apply`) or their services are called directly; what a stage enqueues is
captured with `django_capture_on_commit_callbacks` and never sent (in CI a real broker is
configured and Celery is not eager there). `run_pipeline` plays the part of the worker: it runs
each stage the way the queued tasks would, in order.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from articles import services
from articles.models import Article, Feed, Suggestion, SuggestionSource
from articles.pipeline import ingest, registry
from articles.pipeline.extract import Event
from articles.pipeline.fetch import FetchSettings, FetchTimeout
from articles.tasks import (
    FEED_MAX_RETRIES,
    article_analyse,
    article_fetch_metadata,
    feed_poll,
    feeds_poll,
)
from tests.factories import (
    AliasFactory,
    ContactFactory,
    CountryFactory,
    OutletFactory,
    ParticipantFactory,
    PositionFactory,
    TalibanActorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def muttaqi(db) -> Iterator:
    """A small registry: KZ, UZ and TJ tracked, Afghanistan, and the Taliban's foreign minister
    under the spellings the fixture reports use."""
    for code, name_en, name_ru, tracked in [
        ("KZ", "Kazakhstan", "Казахстан", True),
        ("UZ", "Uzbekistan", "Узбекистан", True),
        ("TJ", "Tajikistan", "Таджикистан", True),
        ("AF", "Afghanistan", "Афганистан", False),
    ]:
        CountryFactory(code=code, name_en=name_en, name_ru=name_ru, tracked=tracked)
    actor = TalibanActorFactory(slug="amir-khan-muttaqi", name="Amir Khan Muttaqi")
    for name, language in [
        ("Muttaqi", "en"),
        ("Mottaki", "en"),
        ("Муттаки", "ru"),
        ("Моттаки", "ru"),
        ("Амир Хан Муттаки", "ru"),
    ]:
        AliasFactory(actor=actor, name=name, language=language)
    PositionFactory(
        actor=actor,
        title="acting Minister of Foreign Affairs",
        level="minister",
        start=dt.date(2021, 9, 7),
    )
    registry.reset()
    yield actor
    registry.reset()


@pytest.fixture
def eager_retries(monkeypatch):
    """Let `apply()` run a task's retries through, as a worker would."""
    monkeypatch.setitem(feed_poll.app.conf, "task_eager_propagates", False)


def add_feed(server, path: str) -> Feed:
    return services.feed_add(url=server.url(path), outlet_name="Test outlet")


def requests_for(server, path: str) -> int:
    return sum(1 for request in server.requests if request["path"].split("?")[0] == path)


def run_pipeline(feed: Feed) -> None:
    """Poll the feed, then fetch and analyse every article, as the queued tasks would."""
    feed_poll.apply(args=[feed.pk])
    for article_id in Article.objects.filter(state="registered").values_list("pk", flat=True):
        article_fetch_metadata.apply(args=[article_id])
    for article_id in (
        Article.objects.filter(state="fetched").order_by("pk").values_list("pk", flat=True)
    ):
        article_analyse.apply(args=[article_id])


def article_at(server, path: str) -> Article:
    return Article.objects.get(canonical_url=server.url(path))


# Feeds


def test_adding_a_feed_twice_keeps_one_and_names_its_outlet(server):
    first = add_feed(server, "/pipeline/feed.rss")
    second = add_feed(server, "/pipeline/feed.rss")

    assert first.pk == second.pk
    assert first.outlet.name == "Test outlet"
    assert first.active


def test_a_poll_registers_each_entry_with_its_title_and_date(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.rss")

    new = services.feed_poll_now(feed=feed)

    assert new == 2
    article = article_at(server, "/pipeline/uz-saidov-kabul.html")
    assert article.origin == Article.Origin.FEED
    assert article.feed == feed
    assert article.state == Article.State.REGISTERED
    assert article.title == "Саидов обсудил с Муттаки железную дорогу (лента)"
    assert article.published_date == dt.date(2024, 3, 13)
    feed.refresh_from_db()
    assert feed.title == "Ташкентский вестник — Регион"
    assert feed.etag == '"feed.rss-v1"'
    assert feed.last_polled_at is not None
    assert feed.last_error == ""


def test_a_poll_queues_the_fetch_of_new_articles_after_commit(
    server, muttaqi, django_capture_on_commit_callbacks
):
    feed = add_feed(server, "/pipeline/feed.rss")

    with django_capture_on_commit_callbacks() as callbacks:
        services.feed_poll_now(feed=feed)

    assert len(callbacks) == 2


def test_an_unchanged_feed_answers_304_and_makes_no_new_work(
    server, muttaqi, django_capture_on_commit_callbacks
):
    feed = add_feed(server, "/pipeline/feed.rss")
    services.feed_poll_now(feed=feed)

    with django_capture_on_commit_callbacks() as callbacks:
        poll = services.feed_poll(feed=feed)

    assert poll.not_modified is True
    assert poll.new == 0
    assert callbacks == []
    assert server.requests[-1]["If-None-Match"] == '"feed.rss-v1"'
    assert Article.objects.count() == 2


def test_last_modified_alone_is_enough_for_a_304(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.rss")
    services.feed_poll_now(feed=feed)
    Feed.objects.filter(pk=feed.pk).update(etag="")
    feed.refresh_from_db()

    poll = services.feed_poll(feed=feed)

    assert poll.not_modified is True
    assert "If-None-Match" not in server.requests[-1]


def test_an_atom_feed_takes_the_alternate_link_and_reports_an_entry_without_one(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.atom")

    poll = services.feed_poll(feed=feed)

    assert (poll.entries, poll.new) == (2, 2)
    article = article_at(server, "/pipeline/kz-nurtleu-astana.html")
    assert article.title == "Nurtleu receives Muttaqi in Astana"
    assert article.published_date == dt.date(2024, 5, 21)
    assert not Article.objects.filter(url__endswith="photo.jpg").exists()
    feed.refresh_from_db()
    assert feed.last_error == "1 entries had no usable http(s) link and were skipped"


def test_a_malformed_feed_is_recorded_on_the_feed(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed-malformed.rss")

    result = feed_poll.apply(args=[feed.pk])

    assert result.successful()
    feed.refresh_from_db()
    assert feed.last_error.startswith("Not an RSS or Atom feed")
    assert feed.etag == ""  # so the next poll reads it again once fixed
    assert Article.objects.count() == 0


def test_a_missing_feed_is_recorded_and_not_retried(server, muttaqi):
    feed = add_feed(server, "/status/404")

    result = feed_poll.apply(args=[feed.pk])

    assert result.successful()
    assert requests_for(server, "/status/404") == 1
    feed.refresh_from_db()
    assert feed.last_error == "The server answered 404 Not Found"


def test_an_unavailable_feed_is_retried_then_left_with_its_reason(server, muttaqi, eager_retries):
    feed = add_feed(server, "/status/503")

    result = feed_poll.apply(args=[feed.pk])

    assert result.successful()
    assert requests_for(server, "/status/503") == 1 + FEED_MAX_RETRIES
    feed.refresh_from_db()
    assert feed.last_error == "The server answered 503 Service Unavailable"


def test_a_slow_feed_times_out_and_is_recorded(server, muttaqi):
    feed = add_feed(server, "/slow")

    with pytest.raises(FetchTimeout):
        services.feed_poll(feed=feed, fetch_settings=FetchSettings(read_timeout=0.3, deadline=0.5))

    feed.refresh_from_db()
    assert feed.last_error.startswith("Timed out")


def test_beat_queues_a_poll_of_every_active_feed(
    server, muttaqi, django_capture_on_commit_callbacks
):
    add_feed(server, "/pipeline/feed.rss")
    add_feed(server, "/pipeline/feed.atom")
    Feed.objects.create(url=server.url("/off.rss"), outlet=OutletFactory(), active=False)

    with django_capture_on_commit_callbacks() as callbacks:
        queued = feeds_poll.apply().result

    assert queued == 2
    assert len(callbacks) == 2
    assert server.requests == []


# End to end


def test_a_feed_goes_end_to_end_to_a_pending_suggestion(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.rss")

    run_pipeline(feed)

    article = article_at(server, "/pipeline/uz-saidov-kabul.html")
    assert article.state == Article.State.ANALYSED
    assert article.analysed_at is not None
    # The feed's title and date were kept; the page only filled what was missing.
    assert article.title == "Саидов обсудил с Муттаки железную дорогу (лента)"
    assert article.published_date == dt.date(2024, 3, 13)
    assert article.language == "ru"
    suggestion = Suggestion.objects.get(article=article)
    assert suggestion.state == Suggestion.State.PENDING
    assert suggestion.action == Suggestion.Action.NEW
    assert (suggestion.kind, suggestion.country_id) == ("contact", "UZ")
    assert suggestion.date == dt.date(2024, 3, 12)
    assert suggestion.date_precision == "day"
    assert "12 марта в Кабуле встретился" in suggestion.evidence
    assert 0 < suggestion.confidence <= 1
    assert len(suggestion.fingerprint) == 64
    taliban = [p for p in suggestion.participants if p["side"] == "TALIBAN"]
    assert taliban == [
        {
            "name": "Amir Khan Muttaqi",
            "side": "TALIBAN",
            "role": taliban[0]["role"],
            "actor_id": muttaqi.pk,
        }
    ]


def test_an_english_report_from_an_atom_feed_becomes_a_suggestion(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.atom")

    run_pipeline(feed)

    article = article_at(server, "/pipeline/kz-nurtleu-astana.html")
    assert article.language == "en"
    suggestion = Suggestion.objects.get(article=article, kind="contact")
    assert suggestion.country_id == "KZ"
    assert suggestion.date == dt.date(2024, 5, 20)
    assert "Astana" in suggestion.location


def test_running_everything_twice_yields_one_article_and_one_suggestion(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.rss")
    run_pipeline(feed)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")  # no 304: a full re-read
    feed.refresh_from_db()

    run_pipeline(feed)
    article = article_at(server, "/pipeline/uz-saidov-kabul.html")
    for task in (article_fetch_metadata, article_analyse):
        task.apply(args=[article.pk])

    assert Article.objects.filter(canonical_url__contains="uz-saidov-kabul.html").count() == 1
    assert Suggestion.objects.filter(article=article).count() == 1
    assert requests_for(server, "/pipeline/uz-saidov-kabul.html") == 1


def test_an_irrelevant_article_ends_irrelevant_and_is_never_fetched_again(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed.rss")
    run_pipeline(feed)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    feed.refresh_from_db()

    run_pipeline(feed)

    article = article_at(server, "/pipeline/kz-wheat-harvest.html")
    assert article.state == Article.State.IRRELEVANT
    assert not article.suggestions.exists()
    assert requests_for(server, "/pipeline/kz-wheat-harvest.html") == 1


def test_a_near_duplicate_becomes_another_source_of_the_originals_suggestion(server, muttaqi):
    run_pipeline(add_feed(server, "/pipeline/feed.rss"))
    run_pipeline(add_feed(server, "/pipeline/feed.atom"))

    original = article_at(server, "/pipeline/uz-saidov-kabul.html")
    rewrite = article_at(server, "/pipeline/uz-saidov-kabul-rewrite.html")
    assert rewrite.state == Article.State.DUPLICATE
    assert rewrite.duplicate_of == original
    assert not rewrite.suggestions.exists()
    source = SuggestionSource.objects.get(article=rewrite)
    assert source.suggestion.article == original
    assert "12 марта в Кабуле встретился" in source.evidence


def test_a_near_duplicate_decided_first_gets_the_source_when_the_original_is_analysed(
    server, muttaqi
):
    feed = add_feed(server, "/pipeline/feed.rss")
    services.feed_poll_now(feed=feed)
    services.feed_poll_now(feed=add_feed(server, "/pipeline/feed.atom"))
    for article in Article.objects.all():
        services.article_fill_metadata(article_id=article.pk)
    original = article_at(server, "/pipeline/uz-saidov-kabul.html")
    rewrite = article_at(server, "/pipeline/uz-saidov-kabul-rewrite.html")

    # The later article is analysed first, while the original is still undecided.
    services.article_analyse(article_id=rewrite.pk)
    services.article_analyse(article_id=original.pk)

    rewrite.refresh_from_db()
    assert rewrite.duplicate_of_id == original.pk
    suggestion = Suggestion.objects.get(article=original)
    assert list(suggestion.sources.values_list("article", flat=True)) == [rewrite.pk]


def test_a_matching_contact_is_offered_as_a_merge(server, muttaqi):
    uz = CountryFactory(code="UZ")
    contact = ContactFactory(country=uz, date=dt.date(2024, 3, 12), location_city="Kabul")
    ParticipantFactory(contact=contact, actor=muttaqi, side="taliban")
    elsewhere = ContactFactory(country=uz, date=dt.date(2024, 4, 20))
    ParticipantFactory(contact=elsewhere, actor=muttaqi, side="taliban")

    run_pipeline(add_feed(server, "/pipeline/feed.rss"))

    suggestion = Suggestion.objects.get(article__canonical_url__contains="uz-saidov-kabul")
    assert suggestion.action == Suggestion.Action.MERGE
    assert suggestion.merge_into == contact


def test_a_contact_known_only_to_the_month_still_matches(server, muttaqi):
    contact = ContactFactory(
        country=CountryFactory(code="UZ"), date=dt.date(2024, 3, 1), date_precision="month"
    )
    ParticipantFactory(contact=contact, actor=muttaqi, side="taliban")

    run_pipeline(add_feed(server, "/pipeline/feed.rss"))

    suggestion = Suggestion.objects.get(article__canonical_url__contains="uz-saidov-kabul")
    assert suggestion.merge_into == contact


def test_a_contact_without_a_common_participant_is_not_a_merge(server, muttaqi):
    ContactFactory(country=CountryFactory(code="UZ"), date=dt.date(2024, 3, 12))

    run_pipeline(add_feed(server, "/pipeline/feed.rss"))

    suggestion = Suggestion.objects.get(article__canonical_url__contains="uz-saidov-kabul")
    assert suggestion.action == Suggestion.Action.NEW
    assert suggestion.merge_into is None


# Pasted URLs and text


def test_a_pasted_url_is_fetched_then_analysed(server, muttaqi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        article = services.article_ingest_url(url=server.url("/pipeline/kz-nurtleu-astana.html"))
    assert article.origin == Article.Origin.PASTED_URL
    assert len(callbacks) == 1  # the fetch

    with django_capture_on_commit_callbacks() as callbacks:
        article_fetch_metadata.apply(args=[article.pk])
    assert len(callbacks) == 1  # the analysis, queued by the fetch

    services.article_analyse(article_id=article.pk)
    assert Suggestion.objects.filter(article=article, country="KZ").exists()


def test_a_cited_article_is_only_fetched_not_analysed(server, django_capture_on_commit_callbacks):
    article = services.article_register(url=server.url("/pipeline/kz-nurtleu-astana.html"))

    with django_capture_on_commit_callbacks() as callbacks:
        services.article_fill_metadata(article_id=article.pk)
    analysed = services.article_analyse(article_id=article.pk)

    assert callbacks == []
    assert analysed.state == Article.State.FETCHED


def test_pasting_a_cited_article_sends_it_on_to_analysis(
    server, muttaqi, django_capture_on_commit_callbacks
):
    article = services.article_register(url=server.url("/pipeline/kz-nurtleu-astana.html"))
    services.article_fill_metadata(article_id=article.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        again = services.article_ingest_url(url=server.url("/pipeline/kz-nurtleu-astana.html"))

    assert again.pk == article.pk
    assert again.origin == Article.Origin.PASTED_URL
    assert len(callbacks) == 1


def test_pasted_text_is_stored_once_and_analysed(muttaqi, django_capture_on_commit_callbacks):
    text = (
        "Министр иностранных дел Таджикистана Сироджиддин Мухриддин 3 октября в Душанбе "
        "встретился с исполняющим обязанности министра иностранных дел Афганистана "
        "Амир Ханом Муттаки. Стороны обсудили безопасность на границе и торговлю."
    )
    with django_capture_on_commit_callbacks() as callbacks:
        article = services.article_ingest_text(
            text=text, title="Мухриддин встретился с Муттаки", published=dt.date(2024, 10, 4)
        )
        again = services.article_ingest_text(text=text + "\n")

    assert again.pk == article.pk
    assert article.canonical_url == article.url
    assert article.canonical_url.startswith("urn:sha256:") and len(article.canonical_url) == 75
    assert article.state == Article.State.FETCHED
    assert len(callbacks) == 2  # queued twice, analysed once: the claim decides

    article_analyse.apply(args=[article.pk])
    article_analyse.apply(args=[article.pk])

    suggestion = Suggestion.objects.get(article=article)
    assert (suggestion.country_id, suggestion.date) == ("TJ", dt.date(2024, 10, 3))
    assert Article.objects.get(pk=article.pk).state == Article.State.ANALYSED


def test_empty_pasted_text_is_refused(muttaqi):
    with pytest.raises(ValueError, match="empty"):
        services.article_ingest_text(text="  \n ")


# Failures end recorded on the article, never as an exception out of a task


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/404", "The server answered 404 Not Found"),
        ("/loop", "More than 5 redirects"),
        ("/huge", "Body is over the 5242880-byte limit"),
        ("/pipeline/empty.html", "The server sent an empty page"),
        ("/image.png", "Content type image/png is not a page or a feed"),
    ],
)
def test_a_page_that_cannot_be_fetched_is_recorded_with_its_reason(server, muttaqi, path, reason):
    article = services.article_ingest_url(url=server.url(path))

    result = article_fetch_metadata.apply(args=[article.pk])

    assert result.successful()
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.failure_reason.startswith(reason)


def test_broken_html_ends_failed_with_a_reason(server, muttaqi):
    article = services.article_ingest_url(url=server.url("/pipeline/broken.html"))

    article_fetch_metadata.apply(args=[article.pk])
    result = article_analyse.apply(args=[article.pk])

    assert result.successful()
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.failure_reason == "The page has no readable text to analyse"


def test_a_page_in_undeclared_windows_1251_is_read_as_cyrillic(server, muttaqi):
    article = services.article_ingest_url(url=server.url("/pipeline/kz-cp1251-undeclared.html"))

    article_fetch_metadata.apply(args=[article.pk])
    article_analyse.apply(args=[article.pk])

    article.refresh_from_db()
    assert "Муттаки" in article.text
    assert "\ufffd" not in article.text
    assert article.state == Article.State.ANALYSED
    assert Suggestion.objects.get(article=article).country_id == "KZ"


def test_a_slow_page_times_out_and_is_recorded_after_the_retries(
    server, muttaqi, monkeypatch, eager_retries
):
    monkeypatch.setattr(
        services, "INGEST_FETCH_SETTINGS", FetchSettings(read_timeout=0.2, deadline=0.3)
    )
    article = services.article_ingest_url(url=server.url("/slow"))

    result = article_fetch_metadata.apply(args=[article.pk])

    assert result.successful()
    article.refresh_from_db()
    assert article.state == Article.State.FAILED
    assert article.failure_reason.startswith("Timed out")


def test_feed_entries_at_private_addresses_are_refused_and_recorded(server, muttaqi):
    feed = add_feed(server, "/pipeline/feed-ssrf.rss")
    run_pipeline(feed)

    failures = dict(Article.objects.values_list("url", "failure_reason"))
    assert set(Article.objects.values_list("state", flat=True)) == {Article.State.FAILED}
    assert failures["http://10.0.0.1/admin"] == (
        "10.0.0.1 resolves to 10.0.0.1, which is not a public address"
    )
    assert (
        "169.254.169.254, which is not a public address"
        in (failures["http://169.254.169.254/latest/meta-data/"])
    )
    loopback = server.url("/pipeline/uz-saidov-kabul.html").replace("127.0.0.1", "localhost")
    assert "which is not a public address" in failures[loopback]
    assert requests_for(server, "/pipeline/uz-saidov-kabul.html") == 0


# Recovery of lost tasks


def test_articles_stuck_after_a_lost_task_are_queued_again(
    server, muttaqi, django_capture_on_commit_callbacks
):
    feed = add_feed(server, "/pipeline/feed.rss")
    services.feed_poll_now(feed=feed)
    stuck = article_at(server, "/pipeline/uz-saidov-kabul.html")
    services.article_fill_metadata(article_id=stuck.pk)
    long_ago = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    Article.objects.filter(pk=stuck.pk).update(fetched_at=long_ago)
    Article.objects.filter(state="registered").update(found_at=long_ago)

    with django_capture_on_commit_callbacks() as callbacks:
        requeued = services.pipeline_resume()

    assert requeued == 2  # one analysis, one fetch
    assert len(callbacks) == 2


# Commands


def test_add_feed_and_poll_feeds_report_each_feed(server, muttaqi):
    out = io.StringIO()
    call_command(
        "add_feed", server.url("/pipeline/feed.atom"), "--outlet", "Steppe Herald", stdout=out
    )
    feed = Feed.objects.get()
    assert out.getvalue() == f"Feed {feed.pk}: {feed.url} (outlet: Steppe Herald)\n"

    out = io.StringIO()
    call_command("poll_feeds", stdout=out)
    assert out.getvalue() == f"{feed.pk} {feed.url}: 2 new of 2 entries\n"

    out = io.StringIO()
    call_command("poll_feeds", "--feed", str(feed.pk), stdout=out)
    assert out.getvalue() == f"{feed.pk} {feed.url}: not modified\n"


def test_poll_feeds_prints_a_failing_feed_and_exits_non_zero(server, muttaqi):
    good = add_feed(server, "/pipeline/feed.rss")
    bad = add_feed(server, "/pipeline/feed-malformed.rss")
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 feed"):
        call_command("poll_feeds", stdout=out)

    lines = out.getvalue().splitlines()
    assert f"{good.pk} {good.url}: 2 new of 2 entries" in lines
    assert any(
        line.startswith(f"{bad.pk} {bad.url}: error: Not an RSS or Atom feed") for line in lines
    )


def test_add_feed_refuses_what_is_not_a_url(db):
    with pytest.raises(CommandError, match="Not an absolute http"):
        call_command("add_feed", "feeds/rss.xml")


# Admin


def test_the_admin_polls_selected_feeds_now(server, muttaqi, admin_client):
    feed = add_feed(server, "/pipeline/feed.rss")

    response = admin_client.post(
        "/admin/articles/feed/",
        {"action": "poll_now", "_selected_action": [feed.pk]},
        follow=True,
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert "Ташкентский вестник — Регион: 2 new of 2 entries" in shown
    assert Article.objects.filter(feed=feed).count() == 2


def test_the_admin_shows_a_suggestion_read_only(server, muttaqi, admin_client):
    run_pipeline(add_feed(server, "/pipeline/feed.rss"))
    suggestion = Suggestion.objects.get()

    response = admin_client.get(f"/admin/articles/suggestion/{suggestion.pk}/change/")

    assert response.status_code == 200
    assert b'name="evidence"' not in response.content
    assert admin_client.get("/admin/articles/suggestion/add/").status_code == 403


# Idempotency details


def test_an_analysis_that_loses_the_claim_writes_nothing(server, muttaqi, monkeypatch):
    article = services.article_ingest_url(url=server.url("/pipeline/kz-nurtleu-astana.html"))
    services.article_fill_metadata(article_id=article.pk)
    real_extract = ingest.extract_document

    def extract_while_another_run_finishes(document, registry=None):
        # Another worker finishes the same article while this one is still extracting.
        Article.objects.filter(pk=article.pk).update(state="analysed")
        return real_extract(document, registry)

    monkeypatch.setattr(ingest, "extract_document", extract_while_another_run_finishes)

    result = services.article_analyse(article_id=article.pk)

    assert result.state == Article.State.ANALYSED
    assert result.analysed_at is None
    assert not Suggestion.objects.exists()


def test_an_events_fingerprint_ignores_case_and_spacing_of_its_sentence():
    event = Event(
        kind="contact",
        country="UZ",
        type="visit",
        date=dt.date(2024, 3, 12),
        date_precision="day",
        location="Kabul",
        participants=[],
        topics=[],
        dimension=None,
        value=None,
        evidence="Саидов  встретился с Муттаки.",
        confidence=0.9,
    )
    same = replace(event, evidence="саидов встретился с муттаки.", confidence=0.5)
    other_day = replace(event, date=dt.date(2024, 3, 13))

    assert ingest.suggestion_fingerprint(event) == ingest.suggestion_fingerprint(same)
    assert ingest.suggestion_fingerprint(event) != ingest.suggestion_fingerprint(other_day)
