"""The first pages: home, country, and the record permalinks."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import (
    ActorFactory,
    CitationFactory,
    ContactFactory,
    CountryFactory,
    ParticipantFactory,
    StanceChangeFactory,
    TalibanActorFactory,
    person,
)

pytestmark = pytest.mark.django_db


def populate(country, n: int) -> None:
    """n published contacts, each with two participants, topics and a citation."""
    muttaqi = TalibanActorFactory()
    for i in range(n):
        contact = ContactFactory(country=country, date=dt.date(2022, 1, 1) + dt.timedelta(days=i))
        contact.topics.set(["trade", "security"])
        ParticipantFactory(contact=contact, actor=ActorFactory(country=country))
        ParticipantFactory(contact=contact, actor=muttaqi, side="taliban")
        CitationFactory(contact=contact)
        StanceChangeFactory(country=country, value="+1", date=contact.date)


def test_home_lists_every_tracked_state_with_its_overall_stance(client, kz, tj):
    CountryFactory(code="RU", name_en="Russia", name_ru="Россия", tracked=False)
    StanceChangeFactory(country=kz, value="+2", date=dt.date(2024, 8, 1))
    ContactFactory(country=kz, date=dt.date(2025, 3, 4))
    ContactFactory(country=tj, date=dt.date(2025, 6, 1), date_precision="month")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kazakhstan" in html and "Tajikistan" in html
    assert "Russia" not in html
    assert "de facto normalisation" in html
    assert "since 1 Aug 2024" in html
    assert "4 Mar 2025" in html
    assert "Jun 2025" in html and "1 Jun 2025" not in html  # last contact, per its precision
    assert "no stance recorded" in html  # Tajikistan has none
    assert 'href="/countries/kz/"' in html


def test_home_runs_a_fixed_number_of_queries(client, kz, tj, django_assert_num_queries):
    populate(kz, 2)
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200
    populate(tj, 25)
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200


def test_pages_carry_a_content_security_policy_with_a_nonce(client, kz):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()  # the htmx script tag carries it


def test_the_country_page_shows_stances_indicators_and_published_contacts(client, kz):
    StanceChangeFactory(
        country=kz, dimension="legal_status", value="delisted", date=dt.date(2023, 12, 29)
    )
    ContactFactory(
        country=kz,
        summary="Published meeting in Kabul.",
        date=dt.date(2023, 3, 1),
        date_precision="month",
    )
    ContactFactory(country=kz, summary="A draft nobody may see.", status="draft")
    response = client.get("/countries/kz/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "delisted" in html and "29 Dec 2023" in html
    assert "Published meeting in Kabul." in html
    assert "Mar 2023" in html and "1 Mar 2023" not in html
    assert "A draft nobody may see." not in html


def test_unknown_and_untracked_countries_404_and_upper_case_redirects(client, kz):
    CountryFactory(code="RU", name_en="Russia", name_ru="Россия", tracked=False)
    assert client.get("/countries/xx/").status_code == 404
    assert client.get("/countries/ru/").status_code == 404
    response = client.get("/countries/KZ/?type=visit")
    assert response.status_code == 301
    assert response["Location"] == "/countries/kz/?type=visit"


def test_a_contact_permalink_redirects_a_wrong_slug_to_the_right_one(client, kz):
    contact = ContactFactory(country=kz, date=dt.date(2021, 9, 26), location_city="Kabul")
    CitationFactory(contact=contact, quote="Посол Казахстана встретился с Муттаки")
    right = f"/contacts/{contact.pk}/2021-09-26-kz-meeting-kabul/"
    assert contact.get_absolute_url() == right
    for wrong in (f"/contacts/{contact.pk}/", f"/contacts/{contact.pk}/old-title/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == right
    page = client.get(right)
    assert page.status_code == 200
    assert "Посол Казахстана встретился с Муттаки" in page.content.decode()


def test_unknown_ids_404_with_a_helpful_page(client, kz):
    response = client.get("/contacts/999999/")
    assert response.status_code == 404
    assert client.get("/stances/999999/").status_code == 404
    assert client.get("/actors/nobody/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404


def test_drafts_404_for_the_public_and_show_for_editors(client, kz):
    contact = ContactFactory(country=kz, status="draft")
    change = StanceChangeFactory(country=kz, status="draft")
    assert client.get(contact.get_absolute_url()).status_code == 404
    assert client.get(change.get_absolute_url()).status_code == 404
    client.force_login(person("editor", "editors"))
    assert client.get(contact.get_absolute_url()).status_code == 200
    assert client.get(change.get_absolute_url()).status_code == 200


def test_actor_and_article_pages_show_what_links_to_them(client, kz):
    contact = ContactFactory(country=kz, summary="Talks on rail transit.")
    actor = ActorFactory(country=kz, name="Murat Nurtleu", slug="murat-nurtleu")
    ParticipantFactory(contact=contact, actor=actor, role="Foreign Minister")
    citation = CitationFactory(contact=contact)
    actor_page = client.get("/actors/murat-nurtleu/").content.decode()
    assert "Murat Nurtleu" in actor_page and "Foreign Minister" in actor_page
    article_page = client.get(citation.article.get_absolute_url()).content.decode()
    assert contact.get_absolute_url() in article_page


def test_a_draft_citing_an_article_is_not_revealed_on_the_article_page(client, kz):
    citation = CitationFactory(contact=ContactFactory(country=kz, status="draft"))
    page = client.get(citation.article.get_absolute_url()).content.decode()
    assert citation.contact.get_absolute_url() not in page
    assert "No published record cites this article." in page


def test_pages_refuse_methods_that_would_change_something(client, kz):
    assert client.post("/").status_code == 405
    assert client.post("/countries/kz/").status_code == 405
