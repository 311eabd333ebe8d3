"""Whole-page caching for anonymous readers: fast repeats, never a stale page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command

from stances.pagecache import content_changes_batched, content_version
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ContactFactory,
    ParticipantFactory,
    StanceChangeFactory,
    person,
)

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'nonce="[^"]+"')
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeated_anonymous_request_costs_one_query_and_is_identical(
    client, kz, django_assert_num_queries
):
    ContactFactory(country=kz, summary="Talks in Kabul.")
    for url in ("/", "/countries/kz/", "/matrix/?as_of=2024-06-30"):
        first = text(client.get(url))
        with django_assert_num_queries(1):  # the content version
            again = text(client.get(url))
        # Identical but for the CSP nonce, which is fresh for every reader.
        assert NONCE.sub("", again) == NONCE.sub("", first)
        assert NONCE.search(first) and NONCE.search(first).group() != NONCE.search(again).group()


def test_every_kind_of_change_shows_on_the_next_request(client, kz):
    contact = ContactFactory(country=kz, summary="First wording.", date=dt.date(2023, 5, 1))
    url = "/countries/kz/"
    assert "First wording." in text(client.get(url))

    contact.summary = "Second wording."
    contact.save()
    assert "Second wording." in text(client.get(url))

    citation = CitationFactory(contact=contact, quote="Цитата из статьи")
    assert "Цитата из статьи" in text(client.get(url))

    citation.article.title = "A retitled report"
    citation.article.save()
    assert "A retitled report" in text(client.get(url))

    participant = ParticipantFactory(
        contact=contact, actor=ActorFactory(country=kz, name="Murat Nurtleu")
    )
    assert "Murat Nurtleu" in text(client.get(url))
    participant.actor.name = "Murat Nurtleu (renamed)"
    participant.actor.save()
    assert "Murat Nurtleu (renamed)" in text(client.get(url))
    participant.delete()
    assert "Murat Nurtleu" not in text(client.get(url))

    contact.topics.set(["railway"])
    assert "1 record" in text(client.get(url, {"topic": "railway"}))
    contact.topics.clear()
    assert "0 records" in text(client.get(url, {"topic": "railway"}))

    draft = StanceChangeFactory(country=kz, status="draft", summary="A change not yet public.")
    assert "A change not yet public." not in text(client.get(url))
    draft.status = "published"
    draft.save()
    assert "A change not yet public." in text(client.get(url))

    contact.delete()
    assert "Second wording." not in text(client.get(url))


def test_fragments_and_full_pages_are_cached_apart(client, kz):
    ContactFactory(country=kz)
    full = text(client.get("/countries/kz/"))
    fragment = text(client.get("/countries/kz/", **HTMX))
    assert "<html" in full and "<html" not in fragment
    assert "<html" in text(client.get("/countries/kz/"))


def test_logged_in_users_are_never_served_from_the_cache(client, kz, django_assert_max_num_queries):
    ContactFactory(country=kz, summary="A draft for editors.", status="draft")
    text(client.get("/countries/kz/"))
    client.force_login(person("editor", "editors"))
    text(client.get("/countries/kz/"))
    with django_assert_max_num_queries(100) as captured:
        text(client.get("/countries/kz/"))
    assert len(captured) > 5


def test_loading_the_demo_data_moves_the_version_once(kz):
    before = content_version()
    call_command("load_demo", verbosity=0)
    assert content_version() == before + 1


def test_batched_changes_bump_once_and_nested_batches_wait_for_the_outermost(kz):
    before = content_version()
    with content_changes_batched():
        ContactFactory(country=kz)
        with content_changes_batched():
            ContactFactory(country=kz)
        assert content_version() == before
    assert content_version() == before + 1
    with content_changes_batched():
        pass
    assert content_version() == before + 1


def test_a_page_carrying_someones_flash_message_is_neither_cached_nor_served_cached(rf, kz):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages import add_message, constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from stances.views.home import home

    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = False
    add_message(request, constants.INFO, "You have been signed out.")
    assert "You have been signed out." in home(request).content.decode()

    other = rf.get("/")
    other.user = AnonymousUser()
    other.session = SessionStore()
    other._messages = FallbackStorage(other)
    other.htmx = False
    assert "You have been signed out." not in home(other).content.decode()
