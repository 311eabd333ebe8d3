"""The review queue: editors accept (pre-filled form), merge into a matching contact or reject
with a reason; the ingest page takes a URL or a text into the pipeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Citation, SuggestionSource
from stances.models import Contact
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    OutletFactory,
    SuggestionFactory,
    TalibanActorFactory,
    person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return person("edith", "editors")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_queue_is_for_editors_and_its_actions_refuse_get(client, kz):
    suggestion = SuggestionFactory(country=kz)
    assert client.get("/review/").status_code == 302
    assert login(person("anna")).get("/review/").status_code == 403
    as_editor = login(person("edith", "editors"))
    assert as_editor.get("/review/").status_code == 200
    for action in ("merge", "reject"):
        assert as_editor.get(f"/review/{suggestion.pk}/{action}/").status_code == 405
        assert (
            login(person(f"a-{action}")).post(f"/review/{suggestion.pk}/{action}/").status_code
            == 403
        )
    assert client.post(f"/review/{suggestion.pk}/reject/").status_code == 302


def test_the_queue_lists_pending_suggestions_newest_first_with_the_sentence_marked(kz, editor):
    older = SuggestionFactory(
        country=kz, evidence="Посол Казахстана встретился в Кабуле с Амир Ханом Муттаки."
    )
    newer = SuggestionFactory(country=kz, contact_type="phone_call")
    SuggestionFactory(country=kz, state="rejected", reject_reason="noise", contact_type="visit")
    page = login(editor).get("/review/").content.decode()
    assert page.index(f'id="suggestion-{newer.pk}"') < page.index(f'id="suggestion-{older.pk}"')
    assert "Visit" not in page
    assert (
        "Вступление. <mark>Посол Казахстана встретился в Кабуле с Амир Ханом Муттаки.</mark> Конец."
        in page
    )
    assert "2 pending suggestions" in page  # the count in the navigation


def test_the_queue_filters_by_country(kz, tj, editor):
    SuggestionFactory(country=kz, location="Kabul")
    SuggestionFactory(country=tj, location="Dushanbe")
    page = login(editor).get("/review/?country=TJ").content.decode()
    assert "Dushanbe" in page and ", Kabul" not in page


def test_the_queue_runs_a_fixed_number_of_queries(kz, editor):
    as_editor = login(editor)
    counts = []
    for n in (1, 8):
        for _ in range(n):
            suggestion = SuggestionFactory(country=kz, merge_into=ContactFactory(country=kz))
            SuggestionSource.objects.create(suggestion=suggestion, article=ArticleFactory())
        with CaptureQueriesContext(connection) as captured:
            assert as_editor.get("/review/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_rejection_needs_a_reason_and_is_kept(kz, editor):
    suggestion = SuggestionFactory(country=kz)
    as_editor = login(editor)
    response = as_editor.post(f"/review/{suggestion.pk}/reject/", {"reason": "  "}, follow=True)
    assert "Say why you reject it" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.state == "pending"
    as_editor.post(f"/review/{suggestion.pk}/reject/", {"reason": "Not a contact."})
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reject_reason, suggestion.decided_by) == (
        "rejected",
        "Not a contact.",
        editor,
    )
    again = as_editor.post(f"/review/{suggestion.pk}/reject/", {"reason": "x"}, follow=True)
    assert "Someone else decided this suggestion first" in again.content.decode()


def test_a_merge_cites_the_article_and_its_sources_on_the_existing_contact(kz, editor):
    contact = ContactFactory(country=kz)
    CitationFactory(contact=contact)
    suggestion = SuggestionFactory(country=kz, action="merge", merge_into=contact)
    other = ArticleFactory(outlet=OutletFactory(name="Kun.uz", domain="kun.uz"))
    SuggestionSource.objects.create(suggestion=suggestion, article=other, evidence="Другой текст.")
    response = login(editor).post(f"/review/{suggestion.pk}/merge/")
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    quotes = dict(Citation.objects.filter(contact=contact).values_list("article_id", "quote"))
    assert quotes[suggestion.article_id] == suggestion.evidence
    assert quotes[other.pk] == "Другой текст."
    suggestion.refresh_from_db()
    contact.refresh_from_db()
    assert suggestion.state == "accepted" and suggestion.contact == contact
    assert contact.version == 2  # an editor's open form now sees a conflict, not a silent loss


def test_accepting_opens_the_form_pre_filled_and_saving_it_accepts(kz, editor):
    muttaqi = TalibanActorFactory(name="Amir Khan Muttaqi")
    suggestion = SuggestionFactory(
        country=kz,
        participants=[
            {
                "name": "Amir Khan Muttaqi",
                "side": "TALIBAN",
                "role": "acting FM",
                "actor_id": muttaqi.pk,
            },
            {"name": "Алимхан Есенгельдиев", "side": "KZ", "role": "ambassador", "actor_id": None},
        ],
    )
    as_editor = login(editor)
    response = as_editor.get(f"/review/{suggestion.pk}/accept/")
    assert response["Location"] == f"/contacts/new/?suggestion={suggestion.pk}"
    form = as_editor.get(response["Location"]).content.decode()
    assert '<option value="KZ" selected>' in form
    assert 'value="2021-09-26"' in form
    assert f'<option value="{muttaqi.pk}" selected>' in form
    assert 'value="Алимхан Есенгельдиев"' in form
    assert (
        f'name="citations-0-article" id="id_citations-0-article" value="{suggestion.article_id}"'
        in form
    )
    assert suggestion.evidence in form
    assert f'name="suggestion" value="{suggestion.pk}"' in form

    data = {
        "suggestion": str(suggestion.pk),
        "country": "KZ",
        "date": "2021-09-26",
        "date_precision": "day",
        "type": "meeting",
        "summary": "The ambassador met the acting foreign minister.",
        "verification": "reported",
        "status": "draft",
        "topics": ["trade"],
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-0-actor": str(muttaqi.pk),
        "participants-0-side": "taliban",
        "participants-1-new_actor_name": "Алимхан Есенгельдиев",
        "participants-1-side": "country",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-article": str(suggestion.article_id),
        "citations-0-quote": suggestion.evidence,
    }
    saved = as_editor.post("/contacts/new/", data)
    assert saved.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == "accepted" and suggestion.contact == Contact.objects.get()


def test_the_ingest_page_explains_what_it_needs(editor):
    response = login(editor).post("/ingest/", {"url": "", "text": ""})
    assert response.status_code == 422
    assert "Paste an article&#x27;s URL or its text." in response.content.decode()
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = login(editor).post("/ingest/", {"text": "Текст.", "published": future})
    assert "cannot be in the future" in response.content.decode()


def test_the_ingest_status_polls_until_the_article_reaches_a_final_state(editor):
    article = ArticleFactory(origin="pasted_url", state="registered")
    as_editor = login(editor)
    running = as_editor.get(f"/ingest/{article.pk}/", headers={"HX-Request": "true"})
    fragment = running.content.decode()
    assert fragment.startswith('\n<section id="ingest-status"') or fragment.lstrip().startswith(
        '<section id="ingest-status"'
    )
    assert 'hx-trigger="every 2s"' in fragment
    article.state = "failed"
    article.failure_reason = "The server answered 404 Not Found"
    article.save()
    done = as_editor.get(f"/ingest/{article.pk}/").content.decode()
    assert "hx-trigger" not in done.split('id="ingest-status"')[1].split(">")[0]
    assert "Failed: The server answered 404 Not Found." in done
