"""The history of a record (who changed which field when, with a revert) and the editors'
"recent changes" page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stances.models import Contact, StanceChange
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    StanceChangeFactory,
    person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return person("edith", "editors")


@pytest.fixture
def analyst(db):
    return person("anna")


def edit(record, user: User, **values) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


def history_urls(contact: Contact, change: StanceChange) -> list[str]:
    return [f"/contacts/{contact.pk}/history/", f"/stances/{change.pk}/history/", "/changes/"]


def test_the_pages_send_anonymous_users_to_login_refuse_analysts_and_show_editors(
    client, kz, editor, analyst
):
    urls = history_urls(ContactFactory(country=kz), StanceChangeFactory(country=kz))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    client.force_login(analyst)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(editor)
    for url in urls:
        assert client.get(url).status_code == 200


def test_revert_refuses_get_and_forbids_anonymous_users_and_analysts(client, kz, analyst, editor):
    contact = ContactFactory(country=kz)
    first = contact.history.earliest().history_id
    url = f"/contacts/{contact.pk}/history/{first}/revert/"
    assert client.post(url).status_code == 302
    client.force_login(analyst)
    assert client.post(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 405


def test_the_history_page_shows_who_changed_which_field_with_readable_values(client, kz, editor):
    contact = ContactFactory(country=kz, summary="Talks in Kabul.", verification="reported")
    edit(contact, editor, summary="Talks in Kabul on trade.", verification="confirmed")
    client.force_login(editor)
    html = client.get(f"/contacts/{contact.pk}/history/").content.decode()
    assert "edith" in html
    assert "Summary" in html and "Talks in Kabul on trade." in html
    assert "Verification" in html and "confirmed" in html
    assert "Revert to this version" in html


def test_publishing_and_unpublishing_show_as_a_change_of_status(client, kz, editor):
    change = StanceChangeFactory(country=kz, status="draft")
    edit(change, editor, status="published")
    edit(change, editor, status="draft")
    client.force_login(editor)
    response = client.get(f"/stances/{change.pk}/history/")
    versions = response.context["versions"]
    statuses = [[(c.old, c.new) for c in v.changes if c.label == "Status"] for v in versions[:2]]
    assert statuses == [[("published", "draft")], [("draft", "published")]]


def test_an_editor_reverts_to_an_older_version_which_becomes_a_new_version(client, kz, editor):
    contact = ContactFactory(country=kz, summary="First account.", verification="reported")
    edit(contact, editor, summary="Second account.", verification="disputed")
    old = contact.history.earliest()
    reviser = person("rita", "editors")
    client.force_login(reviser)
    response = client.post(f"/contacts/{contact.pk}/history/{old.history_id}/revert/")
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{contact.pk}/history/"
    contact.refresh_from_db()
    assert (contact.summary, contact.verification) == ("First account.", "reported")
    latest = contact.history.latest()
    assert contact.history.count() == 3
    assert latest.history_user == reviser
    assert latest.history_change_reason.startswith("Reverted to version of ")
    page = client.get(response["Location"])
    assert "Reverted." in page.content.decode()


def test_a_revert_restores_the_topics_of_a_contact(kz, editor):
    from stances.revert import record_revert

    contact = ContactFactory(country=kz)
    contact.topics.set(["trade"])
    old = contact.history.latest()
    contact.topics.set(["security"])
    record_revert(record=contact, history_id=old.history_id, editor=editor)
    assert list(contact.topics.values_list("code", flat=True)) == ["trade"]


def test_a_version_of_another_record_cannot_be_reverted_to(client, kz, editor):
    contact, other = ContactFactory(country=kz), ContactFactory(country=kz)
    client.force_login(editor)
    foreign = other.history.earliest().history_id
    assert client.post(f"/contacts/{contact.pk}/history/{foreign}/revert/").status_code == 404
    change, other_change = StanceChangeFactory(country=kz), StanceChangeFactory(country=kz)
    foreign = other_change.history.earliest().history_id
    assert client.post(f"/stances/{change.pk}/history/{foreign}/revert/").status_code == 404


def test_recent_changes_lists_an_edit_with_who_made_it_and_the_fields_changed(client, kz, editor):
    xavier = person("xavier", "editors")
    contact = ContactFactory(country=kz)
    edit(contact, xavier, summary="Revised.", location_city="Termez")
    client.force_login(editor)
    response = client.get("/changes/")
    first = response.context["page"].object_list[0]
    assert first.user == xavier
    assert first.fields == ["Summary", "City"]
    assert first.url == contact.get_absolute_url()
    html = response.content.decode()
    assert "xavier" in html and "Summary, City" in html


def test_recent_changes_is_paginated_with_real_links(client, kz, editor):
    StanceChangeFactory.create_batch(51, country=kz)
    client.force_login(editor)
    html = client.get("/changes/").content.decode()
    assert 'href="?page=2"' in html
    assert len(client.get("/changes/?page=2").context["page"].object_list) == 1


def test_the_history_page_runs_a_fixed_number_of_queries(client, kz, editor):
    client.force_login(editor)

    def contact_with(versions: int) -> Contact:
        contact = ContactFactory(country=kz)
        contact.topics.set(["trade"])
        for n in range(versions - 2):
            edit(contact, editor, summary=f"Version {n}.")
        assert contact.history.count() == versions
        return contact

    small, large = contact_with(3), contact_with(15)
    counts = []
    for contact in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/contacts/{contact.pk}/history/").status_code == 200
        counts.append(len(captured))
    # Session, user, role check, the contact, its versions with users, their topics, countries,
    # and the navigation's pending-suggestion count.
    assert counts == [8, 8]


def test_recent_changes_runs_a_fixed_number_of_queries(client, kz, editor):
    client.force_login(editor)

    def changes(n: int) -> None:
        for _ in range(n):
            contact = ContactFactory(country=kz)
            edit(contact, editor, summary="Edited.")
            edit(StanceChangeFactory(country=kz), editor, summary="Edited.")
            edit(ActorFactory(), editor, notes="Edited.")
            CitationFactory(contact=contact, article=ArticleFactory())

    counts = []
    for n in (1, 8):
        changes(n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/changes/").status_code == 200
        counts.append(len(captured))
    # Session, user, role check, count, the page of ids; then per kind its versions and, for
    # kinds with edits (contact, stance change, actor), the versions before them; the
    # navigation's pending-suggestion count.
    assert counts == [14, 14]


def test_record_pages_link_to_their_history_for_editors_only(client, kz):
    from django.contrib.auth.models import User

    from tests.factories import ContactFactory, StanceChangeFactory

    contact = ContactFactory(country=kz)
    change = StanceChangeFactory(country=kz)
    history_links = (f"/contacts/{contact.pk}/history/", f"/stances/{change.pk}/history/")
    pages = (contact.get_absolute_url(), change.get_absolute_url())
    for page, link in zip(pages, history_links, strict=True):
        assert link not in client.get(page).content.decode()
    editor = User.objects.create_user("edith")
    editor.groups.add(Group.objects.get(name="editors"))
    client.force_login(editor)
    for page, link in zip(pages, history_links, strict=True):
        assert link in client.get(page).content.decode()
