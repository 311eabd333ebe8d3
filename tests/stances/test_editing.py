"""Editors log and edit contacts and stance changes through forms: roles, validation that keeps
what was typed, optimistic concurrency with a merge, publish/unpublish, soft delete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Citation
from stances.models import Actor, Contact, Participant, StanceChange
from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    ParticipantFactory,
    StanceChangeFactory,
    TalibanActorFactory,
    person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return person("edith", "editors")


@pytest.fixture
def admin(db):
    return person("ada", "admins")


@pytest.fixture
def analyst(db):
    return person("anna")


@pytest.fixture
def muttaqi(db):
    actor = TalibanActorFactory(name="Amir Khan Muttaqi", slug="amir-khan-muttaqi")
    for name in ("Amir Khan Muttaqi", "Muttaqi", "Mottaki", "Муттаки", "Амир Хан Муттаки"):
        AliasFactory(actor=actor, name=name)
    return actor


@pytest.fixture
def ambassador(kz):
    return ActorFactory(country=kz, name="Alimkhan Yesengeldiyev", slug="alimkhan-yesengeldiyev")


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def contact_data(kz, ambassador, muttaqi, article=None, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "country": kz.code,
        "date": "2021-09-26",
        "date_precision": "day",
        "type": "meeting",
        "direction": "to_afghanistan",
        "location_city": "Kabul",
        "location_country": "",
        "level_country": "",
        "level_taliban": "",
        "topics": ["trade", "humanitarian_aid"],
        "summary": "The ambassador met the acting foreign minister in Kabul.",
        "verification": "reported",
        "notes": "",
        "status": "draft",
        **management("participants", 2),
        "participants-0-actor": str(ambassador.pk),
        "participants-0-side": "country",
        "participants-0-role": "Ambassador of Kazakhstan",
        "participants-1-actor": str(muttaqi.pk),
        "participants-1-side": "taliban",
        "participants-1-role": "acting Minister of Foreign Affairs",
        **management("citations", 1),
        "citations-0-url": "",
        "citations-0-article": str(article.pk) if article else "",
        "citations-0-quote": "встретился в Кабуле" if article else "",
    }
    data.update(overrides)
    return data


def stance_data(kz, article=None, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "country": kz.code,
        "dimension": "legal_status",
        "value": "delisted",
        "date": "2025-12-29",
        "date_precision": "day",
        "summary": "The Supreme Court removed the Taliban from the list of banned organisations.",
        "verification": "confirmed",
        "notes": "",
        "status": "draft",
        **management("citations", 1),
        "citations-0-url": "",
        "citations-0-article": str(article.pk) if article else "",
        "citations-0-quote": "",
    }
    data.update(overrides)
    return data


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Roles: every mutating URL × persona -----------------------------------------------------------


def mutating_urls(contact: Contact, change: StanceChange) -> dict[str, str]:
    """URL → the role it needs ("editor" or "admin")."""
    urls = {
        "/contacts/new/": "editor",
        f"/contacts/{contact.pk}/edit/": "editor",
        "/contacts/check-field/?field=date": "editor",
        f"/contacts/{contact.pk}/publish/": "editor",
        f"/contacts/{contact.pk}/unpublish/": "editor",
        f"/contacts/{contact.pk}/delete/": "admin",
        f"/contacts/{contact.pk}/restore/": "admin",
        "/stances/new/": "editor",
        f"/stances/{change.pk}/edit/": "editor",
        "/stances/check-field/?field=date": "editor",
        f"/stances/{change.pk}/publish/": "editor",
        f"/stances/{change.pk}/unpublish/": "editor",
        f"/stances/{change.pk}/delete/": "admin",
        f"/stances/{change.pk}/restore/": "admin",
        "/citations/article/": "editor",
    }
    return urls


def test_every_mutating_url_sends_anonymous_users_to_login_and_refuses_analysts(
    client, kz, analyst
):
    contact, change = ContactFactory(country=kz), StanceChangeFactory(country=kz)
    urls = mutating_urls(contact, change)
    for url in urls:
        response = client.post(url, {"prefix": "citations-0"})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    as_analyst = login(analyst)
    for url in urls:
        assert as_analyst.post(url, {"prefix": "citations-0"}).status_code == 403, url
    assert Contact.objects.get().version == contact.version
    assert StanceChange.objects.get().deleted_at is None


def test_editors_may_do_everything_but_delete_and_admins_everything(kz, editor, admin):
    for user in (editor, admin):
        contact, change = ContactFactory(country=kz), StanceChangeFactory(country=kz)
        CitationFactory(contact=contact)
        CitationFactory(contact=None, stance_change=change)
        as_user = login(user)
        for url, role in mutating_urls(contact, change).items():
            status = as_user.post(url, {"prefix": "citations-0"}).status_code
            if role == "admin" and user == editor:
                assert status == 403, url
            else:
                # 302 after an action, 200 for a field check or the article slot, 422 for an
                # empty form: never refused.
                assert status in (200, 302, 422), (url, status)


def test_action_urls_refuse_get(kz, admin):
    contact, change = ContactFactory(country=kz), StanceChangeFactory(country=kz)
    as_admin = login(admin)
    for url in mutating_urls(contact, change):
        if url.endswith(("/new/", "/edit/")):
            assert as_admin.get(url).status_code == 200, url
        else:
            assert as_admin.get(url).status_code == 405, url


def test_a_post_without_the_csrf_token_is_refused(kz, editor):
    contact = ContactFactory(country=kz, status="draft")
    CitationFactory(contact=contact)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(f"/contacts/{contact.pk}/publish/").status_code == 403
    contact.refresh_from_db()
    assert contact.status == "draft"


# Creating a contact ------------------------------------------------------------------------------


def test_an_editor_creates_a_contact_with_participants_topics_and_a_citation(
    kz, editor, ambassador, muttaqi
):
    article = ArticleFactory()
    response = login(editor).post(
        "/contacts/new/", contact_data(kz, ambassador, muttaqi, article, status="published")
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == contact.get_absolute_url()
    assert contact.status == "published" and contact.version == 1
    assert sorted(contact.topics.values_list("code", flat=True)) == ["humanitarian_aid", "trade"]
    assert {(p.actor, p.side) for p in contact.participants.all()} == {
        (ambassador, "country"),
        (muttaqi, "taliban"),
    }
    citation = contact.citations.get()
    assert citation.article == article and citation.quote == "встретился в Кабуле"
    # One version, recorded as the creation, with its author and its topics.
    (version,) = contact.history.all()
    assert version.history_type == "+" and version.history_user == editor
    assert version.version == 1


def test_a_month_precise_date_is_stored_as_the_first_day_of_the_month(
    kz, editor, ambassador, muttaqi
):
    login(editor).post(
        "/contacts/new/",
        contact_data(kz, ambassador, muttaqi, date="2023-03-17", date_precision="month"),
    )
    assert Contact.objects.get().date == dt.date(2023, 3, 1)


def test_a_future_date_is_refused_and_everything_typed_is_kept(kz, editor, ambassador, muttaqi):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = login(editor).post(
        "/contacts/new/",
        contact_data(
            kz, ambassador, muttaqi, date=tomorrow.isoformat(), location_city="Mazar-i-Sharif"
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "The date cannot be in the future" in page
    assert "Nothing was saved" in page
    assert "The ambassador met the acting foreign minister in Kabul." in page
    assert 'value="Mazar-i-Sharif"' in page
    assert 'value="Ambassador of Kazakhstan"' in page
    assert f'<option value="{muttaqi.pk}" selected>' in page
    assert 'value="trade" id="id_topics_' in page and "checked" in page
    assert Contact.objects.count() == 0


def test_a_contact_needs_a_participant_on_each_side(kz, editor, ambassador, muttaqi):
    data = contact_data(kz, ambassador, muttaqi)
    data.update(management("participants", 1))
    response = login(editor).post("/contacts/new/", data)
    assert response.status_code == 422
    assert "A contact needs participants on both sides: add someone from the Taliban side" in (
        response.content.decode()
    )
    assert Contact.objects.count() == 0


def test_a_participant_on_the_wrong_side_is_explained(kz, editor, ambassador, muttaqi):
    data = contact_data(kz, ambassador, muttaqi, **{"participants-1-side": "country"})
    response = login(editor).post("/contacts/new/", data)
    assert response.status_code == 422
    assert "Amir Khan Muttaqi is on the Taliban side." in response.content.decode()


def test_publishing_without_a_citation_is_refused(kz, editor, ambassador, muttaqi):
    response = login(editor).post(
        "/contacts/new/", contact_data(kz, ambassador, muttaqi, status="published")
    )
    assert response.status_code == 422
    assert "A record can only be published with at least one citation" in (
        response.content.decode()
    )
    assert Contact.objects.count() == 0
    # A draft may wait for its sources.
    login(editor).post("/contacts/new/", contact_data(kz, ambassador, muttaqi))
    assert Contact.objects.get().status == "draft"


def test_a_pasted_url_registers_the_article_and_queues_its_fetch_after_the_save(
    kz, editor, ambassador, muttaqi, django_capture_on_commit_callbacks
):
    data = contact_data(
        kz, ambassador, muttaqi, **{"citations-0-url": "https://vlast.kz/news/46777?utm_source=tg"}
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = login(editor).post("/contacts/new/", data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.canonical_url == "https://vlast.kz/news/46777"
    assert Citation.objects.get().article == article
    assert len(callbacks) == 1  # the metadata fetch, enqueued once the save is committed


def test_a_new_actor_typed_in_a_row_is_created_with_an_alias(kz, editor, ambassador, muttaqi):
    data = contact_data(kz, ambassador, muttaqi)
    data.update(management("participants", 3))
    data.update(
        {
            "participants-2-actor": "",
            "participants-2-new_actor_name": "Мавлави Абдул Кабир",
            "participants-2-side": "taliban",
            "participants-2-role": "acting Minister of Refugees",
        }
    )
    assert login(editor).post("/contacts/new/", data).status_code == 302
    actor = Actor.objects.get(name="Мавлави Абдул Кабир")
    assert actor.taliban and actor.country is None
    assert list(actor.aliases.values_list("name", flat=True)) == ["Мавлави Абдул Кабир"]
    assert Participant.objects.filter(actor=actor, role="acting Minister of Refugees").exists()


def test_the_add_a_row_button_works_without_javascript_and_saves_nothing(
    kz, editor, ambassador, muttaqi
):
    data = contact_data(kz, ambassador, muttaqi, add="participants")
    response = login(editor).post("/contacts/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="participants-TOTAL_FORMS" value="3"' in page
    assert 'name="participants-2-actor"' in page
    assert 'value="Ambassador of Kazakhstan"' in page
    assert Contact.objects.count() == 0


def test_the_form_offers_every_actor_in_a_select_grouped_by_side(kz, editor, ambassador, muttaqi):
    page = login(editor).get("/contacts/new/?country=kz").content.decode()
    assert '<optgroup label="Taliban">' in page and '<optgroup label="Kazakhstan">' in page
    assert f'<option value="{kz.code}" selected>' in page


# Per-field check ---------------------------------------------------------------------------------


def test_leaving_a_field_checks_it_with_the_same_form(kz, editor):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    as_editor = login(editor)
    response = as_editor.post(
        "/contacts/check-field/?field=date", {"date": tomorrow}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<ul class="errorlist" id="id_date-errors"')
    assert "The date cannot be in the future" in fragment
    # Only this field's errors: the empty summary is not reported here.
    assert "required" not in fragment
    ok = as_editor.post("/contacts/check-field/?field=date", {"date": "2023-03-01"})
    assert "<li>" not in ok.content.decode()
    assert as_editor.post("/contacts/check-field/?field=nonsense", {}).status_code == 404


# Editing, concurrency and merge ------------------------------------------------------------------


def saved_contact(kz, ambassador, muttaqi) -> Contact:
    contact = ContactFactory(country=kz, summary="First account.", location_city="Kabul")
    ParticipantFactory(contact=contact, actor=ambassador, side="country", role="Ambassador")
    ParticipantFactory(contact=contact, actor=muttaqi, side="taliban", role="Foreign Minister")
    CitationFactory(contact=contact)
    return contact


def edit_data(contact: Contact, **overrides) -> dict[str, object]:
    """The edit form as an editor's browser would post it, unchanged unless overridden."""
    participants = list(contact.participants.order_by("side", "id"))
    citations = list(contact.citations.order_by("id"))
    data: dict[str, object] = {
        "version": str(contact.version),
        "country": contact.country_id,
        "date": contact.date.isoformat(),
        "date_precision": contact.date_precision,
        "type": contact.type,
        "direction": contact.direction,
        "location_city": contact.location_city,
        "location_country": "",
        "level_country": contact.level_country,
        "level_taliban": contact.level_taliban,
        "topics": list(contact.topics.values_list("code", flat=True)),
        "summary": contact.summary,
        "verification": contact.verification,
        "notes": contact.notes,
        "status": contact.status,
        **management("participants", len(participants), len(participants)),
        **management("citations", len(citations), len(citations)),
    }
    for i, p in enumerate(participants):
        data.update(
            {
                f"participants-{i}-id": str(p.pk),
                f"participants-{i}-contact": str(contact.pk),
                f"participants-{i}-actor": str(p.actor_id),
                f"participants-{i}-side": p.side,
                f"participants-{i}-role": p.role,
                f"participants-{i}-level": p.level,
            }
        )
    for i, c in enumerate(citations):
        data.update(
            {
                f"citations-{i}-id": str(c.pk),
                f"citations-{i}-contact": str(contact.pk),
                f"citations-{i}-article": str(c.article_id),
                f"citations-{i}-quote": c.quote,
            }
        )
    data.update(overrides)
    return data


def test_an_edit_saves_a_new_version_and_keeps_the_history(kz, editor, ambassador, muttaqi):
    contact = saved_contact(kz, ambassador, muttaqi)
    response = login(editor).post(
        f"/contacts/{contact.pk}/edit/", edit_data(contact, summary="Second account.")
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "Second account." and contact.version == 2
    assert contact.history.first().history_user == editor
    assert contact.participants.count() == 2 and contact.citations.count() == 1


def test_saving_over_a_newer_version_shows_the_conflict_and_overwrites_nothing(
    kz, editor, ambassador, muttaqi
):
    contact = saved_contact(kz, ambassador, muttaqi)
    opened = edit_data(contact)  # Edith opens the form at version 1
    colleague = person("carl", "editors")
    login(colleague).post(
        f"/contacts/{contact.pk}/edit/",
        edit_data(contact, location_city="Termez", summary="Carl's account."),
    )
    opened.update(summary="Edith's account.")
    response = login(editor).post(f"/contacts/{contact.pk}/edit/", opened)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone saved this record while you were editing" in page
    assert "saved by carl" in page
    # Both versions side by side; what Edith typed is still in the form.
    assert "Edith&#x27;s account." in page and "Carl&#x27;s account." in page
    assert 'name="merge-summary"' in page and 'name="merge-location_city"' in page
    assert 'name="version" value="2"' in page
    contact.refresh_from_db()
    assert contact.summary == "Carl's account." and contact.version == 2


def test_the_merge_keeps_the_chosen_side_of_each_field(kz, editor, ambassador, muttaqi):
    contact = saved_contact(kz, ambassador, muttaqi)
    opened = edit_data(contact)
    login(person("carl", "editors")).post(
        f"/contacts/{contact.pk}/edit/",
        edit_data(contact, location_city="Termez", summary="Carl's account."),
    )
    # Edith saves after resolving: her summary, Carl's city.
    merged = {
        **opened,
        "version": "2",
        "summary": "Edith's account.",
        "merge-summary": "mine",
        "merge-location_city": "theirs",
    }
    response = login(editor).post(f"/contacts/{contact.pk}/edit/", merged)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.summary, contact.location_city, contact.version) == (
        "Edith's account.",
        "Termez",
        3,
    )


def test_the_conflict_defaults_to_the_stored_value_for_fields_only_the_colleague_changed(
    kz, editor, ambassador, muttaqi
):
    contact = saved_contact(kz, ambassador, muttaqi)
    opened = edit_data(contact)
    login(person("carl", "editors")).post(
        f"/contacts/{contact.pk}/edit/", edit_data(contact, location_city="Termez")
    )
    page = login(editor).post(f"/contacts/{contact.pk}/edit/", opened).content.decode()
    assert 'name="merge-location_city" value="theirs" checked' in page


def test_a_stance_change_conflict_is_caught_too(kz, editor):
    article = ArticleFactory()
    change = StanceChangeFactory(country=kz, dimension="legal_status", value="banned")
    CitationFactory(contact=None, stance_change=change, article=article)
    data = stance_data(kz, article, value="banned", version="1")
    data.update(management("citations", 1, 1))
    data["citations-0-id"] = str(change.citations.get().pk)
    login(person("carl", "editors")).post(
        f"/stances/{change.pk}/edit/", {**data, "summary": "Carl."}
    )
    response = login(editor).post(f"/stances/{change.pk}/edit/", {**data, "summary": "Edith."})
    assert response.status_code == 409
    change.refresh_from_db()
    assert change.summary == "Carl." and change.version == 2


# Stance changes ----------------------------------------------------------------------------------


def test_an_editor_logs_a_stance_change_from_the_matrix_link(kz, editor):
    as_editor = login(editor)
    form = as_editor.get("/stances/new/?country=kz&dimension=legal_status").content.decode()
    assert '<option value="legal_status" selected>' in form
    article = ArticleFactory()
    response = as_editor.post("/stances/new/", stance_data(kz, article, status="published"))
    change = StanceChange.objects.get()
    assert response.status_code == 302 and change.value == "delisted"
    assert change.citations.get().article == article


def test_a_value_of_another_dimension_is_refused_with_the_allowed_values(kz, editor):
    response = login(editor).post("/stances/new/", stance_data(kz, value="de_facto"))
    page = response.content.decode()
    assert response.status_code == 422
    assert "is not a value of" in page and "banned" in page
    assert StanceChange.objects.count() == 0


def test_the_matrix_and_country_page_link_editors_to_the_forms(kz, editor):
    as_editor = login(editor)
    assert "/stances/new/?country=kz&amp;dimension=recognition" in (
        as_editor.get("/matrix/").content.decode()
    )
    country = as_editor.get("/countries/kz/").content.decode()
    assert "/contacts/new/?country=kz" in country and "/stances/new/?country=kz" in country
    assert "/contacts/new/" not in Client().get("/countries/kz/").content.decode()


# Publish, unpublish, delete, restore -----------------------------------------------------------


def test_publish_and_unpublish_are_recorded_and_publish_needs_a_citation(kz, editor):
    contact = ContactFactory(country=kz, status="draft")
    as_editor = login(editor)
    as_editor.post(f"/contacts/{contact.pk}/publish/")
    contact.refresh_from_db()
    assert contact.status == "draft"  # refused: no citation yet
    CitationFactory(contact=contact)
    as_editor.post(f"/contacts/{contact.pk}/publish/")
    as_editor.post(f"/contacts/{contact.pk}/unpublish/")
    reasons = list(contact.history.order_by("history_id").values_list("history_change_reason"))
    assert reasons[-2:] == [("Published",), ("Unpublished",)]


def test_a_deleted_record_leaves_public_views_and_an_admin_restores_it(client, kz, admin, editor):
    contact = ContactFactory(country=kz, summary="About to be deleted.")
    url = contact.get_absolute_url()
    assert "About to be deleted." in client.get("/countries/kz/").content.decode()
    login(admin).post(f"/contacts/{contact.pk}/delete/")
    assert client.get(url).status_code == 404
    assert "About to be deleted." not in client.get("/countries/kz/").content.decode()
    page = login(editor).get(url).content.decode()
    assert "Deleted on" in page
    assert contact.history.first().history_change_reason == "Deleted"
    login(admin).post(f"/contacts/{contact.pk}/restore/")
    assert client.get(url).status_code == 200
    contact.refresh_from_db()
    assert contact.status == "published" and contact.deleted_at is None


# Autocomplete and the citation slot -------------------------------------------------------------


def test_the_actor_search_finds_one_person_by_any_spelling(kz, editor, muttaqi):
    as_editor = login(editor)
    for query in ("Муттаки", "Muttaqi", "Mottaki", "муттаки", "Мутаки", "Amir Khan"):
        results = as_editor.get("/actors/suggest/", {"q": query}).json()["results"]
        assert results and results[0]["id"] == muttaqi.pk, query
        assert results[0]["side"] == "taliban"
    assert as_editor.get("/actors/suggest/", {"q": "Zhou"}).json()["results"] == []


def test_the_actor_search_is_for_editors_only(client, analyst):
    assert client.get("/actors/suggest/?q=mu").status_code == 302
    assert login(analyst).get("/actors/suggest/?q=mu").status_code == 403


def test_a_pasted_url_answers_with_the_article_slot_and_queues_the_fetch(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = login(editor).post(
            "/citations/article/",
            {"prefix": "citations-1", "citations-1-url": "https://kabulnow.com/2024/08/x/"},
            headers={"HX-Request": "true"},
        )
    page = response.content.decode()
    article = Article.objects.get()
    assert f'name="citations-1-article" id="id_citations-1-article" value="{article.pk}"' in page
    assert "Fetching title, outlet and date" in page
    assert len(callbacks) == 1
    bad = login(editor).post(
        "/citations/article/", {"prefix": "citations-0", "citations-0-url": "ftp://x.example/"}
    )
    assert "errorlist" in bad.content.decode()


# Query counts ----------------------------------------------------------------------------------


def test_the_edit_form_runs_a_fixed_number_of_queries(
    kz, editor, ambassador, muttaqi, django_assert_num_queries
):
    small = saved_contact(kz, ambassador, muttaqi)
    large = saved_contact(kz, ambassador, muttaqi)
    for _ in range(4):
        ParticipantFactory(contact=large, actor=ActorFactory(country=kz))
        CitationFactory(contact=large)
    as_editor = login(editor)
    counts = []
    for contact in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert as_editor.get(f"/contacts/{contact.pk}/edit/").status_code == 200
        counts.append(len(captured))
    # Session, user, groups, the contact, topics, citations, participants, actors, topics
    # (choices), countries (two selects), articles of the citation rows, and the navigation's
    # pending-suggestion count: whatever the rows.
    assert counts[0] == counts[1] == 14


def test_an_actor_listed_twice_or_an_article_cited_twice_is_explained(
    kz, editor, ambassador, muttaqi
):
    article = ArticleFactory()
    data = contact_data(kz, ambassador, muttaqi, article)
    data.update(management("participants", 3))
    data.update({"participants-2-actor": str(muttaqi.pk), "participants-2-side": "taliban"})
    data.update(management("citations", 2))
    data.update({"citations-1-article": str(article.pk), "citations-1-quote": "again"})
    response = login(editor).post("/contacts/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Please correct the duplicate data for actor." in page
    assert "This article is already cited above." in page
    assert Contact.objects.count() == 0
