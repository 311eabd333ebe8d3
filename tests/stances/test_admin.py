"""The Django admin: every list loads, actors are found by any spelling, history is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import User

from stances.models import Contact
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    ContactFactory,
    ParticipantFactory,
    PositionFactory,
    StanceChangeFactory,
    TalibanActorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    return client


@pytest.fixture
def muttaqi():
    actor = TalibanActorFactory(slug="amir-khan-muttaqi", name="Amir Khan Muttaqi")
    for name in ("Муттаки", "Mottaki", "Амир Хан Муттаки"):
        AliasFactory(actor=actor, name=name, language="ru" if name[0] > "z" else "en")
    return actor


def test_every_admin_list_and_form_loads(admin_client, kz):
    contact = ContactFactory(country=kz)
    ParticipantFactory(contact=contact)
    citation = CitationFactory(contact=contact)
    change = StanceChangeFactory(country=kz)
    for path in (
        "stances/country",
        "stances/actor",
        "stances/contact",
        "stances/stancechange",
        "articles/outlet",
        "articles/article",
        "articles/citation",
    ):
        assert admin_client.get(f"/admin/{path}/").status_code == 200, path
        assert admin_client.get(f"/admin/{path}/add/").status_code == 200, path
    for url in (
        f"/admin/stances/contact/{contact.pk}/change/",
        f"/admin/stances/contact/{contact.pk}/history/",
        f"/admin/stances/stancechange/{change.pk}/change/",
        f"/admin/articles/article/{citation.article.pk}/change/",
    ):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("typed", ["Муттаки", "муттаки", "Mottaki", "amir khan", "МУТТАКИ"])
def test_actors_are_found_by_any_alias_in_any_case(admin_client, muttaqi, typed):
    ActorFactory(name="Someone Else")
    page = admin_client.get("/admin/stances/actor/", {"q": typed}).content.decode()
    assert "Amir Khan Muttaqi" in page
    assert "Someone Else" not in page


def test_contacts_are_found_by_a_participant_alias_and_filtered_by_country(
    admin_client, kz, tj, muttaqi
):
    with_muttaqi = ContactFactory(country=kz, summary="Talks with the acting foreign minister.")
    ParticipantFactory(contact=with_muttaqi, actor=muttaqi, side="taliban")
    ContactFactory(country=tj, summary="Border talks in Khorog.")
    found = admin_client.get("/admin/stances/contact/", {"q": "Муттаки"}).content.decode()
    assert f"/admin/stances/contact/{with_muttaqi.pk}/change/" in found
    assert "Khorog" not in found
    by_country = admin_client.get("/admin/stances/contact/", {"country__code__exact": "TJ"})
    assert "1 contact" in by_country.content.decode()


def test_changes_to_a_contact_and_its_topics_are_kept_in_history(kz):
    contact = ContactFactory(country=kz, summary="First wording.")
    contact.summary = "Second wording."
    contact.save()
    contact.topics.set(["trade"])
    assert contact.history.count() >= 3
    oldest = contact.history.earliest()
    assert oldest.summary == "First wording."
    assert [t.topic_id for t in contact.history.latest().topics.all()] == ["trade"]


def test_levels_are_derived_from_the_participants_roles_at_the_date(kz):
    contact = ContactFactory(country=kz, date=dt.date(2023, 4, 15))
    minister = ActorFactory(country=kz)
    PositionFactory(actor=minister, level="deputy_head_of_government", start=dt.date(2022, 8, 1))
    baradar = TalibanActorFactory()
    PositionFactory(actor=baradar, level="deputy_head_of_government", start=dt.date(2021, 9, 7))
    ParticipantFactory(contact=contact, actor=minister, side="country")
    ParticipantFactory(contact=contact, actor=baradar, side="taliban")
    ParticipantFactory(
        contact=contact, actor=TalibanActorFactory(), side="taliban", level="minister"
    )
    contact = Contact.objects.prefetch_related("participants__actor__positions").get(pk=contact.pk)
    assert contact.derived_levels() == {
        "country": "deputy_head_of_government",
        "taliban": "deputy_head_of_government",
    }


def test_an_admin_save_is_a_new_version_so_open_forms_see_a_conflict(kz, rf, admin_user):
    contact = ContactFactory(country=kz)
    model_admin = site._registry[Contact]
    request = rf.post("/")
    request.user = admin_user
    contact.summary = "Changed in the admin."
    model_admin.save_model(request, contact, form=None, change=True)
    contact.refresh_from_db()
    assert contact.version == 2
