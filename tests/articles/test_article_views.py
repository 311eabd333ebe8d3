"""The editors' article fragments: the fetch status a citation row polls, and the article
search behind the citation form's picker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.template import Context, Template
from django.urls import reverse

from articles.models import Article
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

POLLING = 'hx-trigger="every 2s"'


def person(username: str, *groups: str) -> User:
    user = User.objects.create_user(username, password="unused-in-tests")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def editor(db):
    return person("edith", "editors")


@pytest.fixture
def admin(db):
    return person("ada", "admins")


@pytest.fixture
def analyst(db):
    return person("anna")


def article(url: str, **fields) -> Article:
    fields.setdefault("outlet", OutletFactory(name="Asia-Plus", domain="asiaplustj.info"))
    return Article.objects.create(url=url, canonical_url=url, **fields)


def status_url(pk: int) -> str:
    return reverse("articles:article_status", kwargs={"pk": pk})


def search(client, q: str | None = None):
    return client.get(reverse("articles:article_search"), {} if q is None else {"q": q})


# Permissions


def test_the_fragments_send_anonymous_users_to_login_and_refuse_analysts(client, analyst):
    pk = article("https://asiaplustj.info/news/1").pk
    urls = [status_url(pk), reverse("articles:article_search")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    client.force_login(analyst)
    for url in urls:
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["editor", "admin"])
def test_editors_and_admins_get_the_fragments(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    pk = article("https://asiaplustj.info/news/1").pk

    for url in [status_url(pk), reverse("articles:article_search")]:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert b"<html" not in response.content


def test_the_fragments_refuse_a_post(client, editor):
    client.force_login(editor)
    pk = article("https://asiaplustj.info/news/1").pk

    assert client.post(status_url(pk)).status_code == 405
    assert client.post(reverse("articles:article_search")).status_code == 405


def test_the_status_of_a_missing_article_is_404(client, editor):
    client.force_login(editor)

    assert client.get(status_url(999_999)).status_code == 404


# Status


def test_a_registered_article_says_it_is_fetching_and_polls_itself(client, editor):
    client.force_login(editor)
    pk = article("https://asiaplustj.info/news/1").pk

    html = client.get(status_url(pk)).content.decode()

    assert "Fetching title, outlet and date…" in html
    assert f'hx-get="{status_url(pk)}"' in html
    assert POLLING in html
    assert 'hx-swap="outerHTML"' in html
    assert 'aria-live="polite"' in html


def test_a_fetched_article_shows_title_outlet_and_date_and_stops_polling(client, editor):
    client.force_login(editor)
    fetched = article(
        "https://asiaplustj.info/news/2",
        state="fetched",
        title="Душанбе и Кабул договорились о сотрудничестве",
        published_date=dt.date(2024, 3, 14),
        language="ru",
    )

    html = client.get(status_url(fetched.pk)).content.decode()

    assert f'href="{fetched.get_absolute_url()}"' in html
    assert "Душанбе и Кабул договорились о сотрудничестве" in html
    assert "Asia-Plus" in html
    assert "14 Mar 2024" in html
    assert POLLING not in html
    assert "hx-get" not in html
    assert 'aria-live="polite"' in html


def test_a_failed_article_gives_the_reason_and_says_the_citation_still_counts(client, editor):
    client.force_login(editor)
    failed = article(
        "https://asiaplustj.info/news/3",
        state="failed",
        failure_reason="The server answered 404 Not Found",
    )

    html = client.get(status_url(failed.pk)).content.decode()

    assert "The server answered 404 Not Found" in html
    assert "The citation still counts" in html
    assert "type the title" in html
    assert POLLING not in html


def test_the_status_escapes_what_came_from_the_page(client, editor):
    client.force_login(editor)
    hostile = article(
        "https://asiaplustj.info/news/4",
        state="fetched",
        title='<script>alert("title")</script>',
        outlet=OutletFactory(name="<b>Outlet</b>", domain="evil.example"),
    )
    failed = article(
        "https://asiaplustj.info/news/5", state="failed", failure_reason="<img src=x onerror=1>"
    )

    html = client.get(status_url(hostile.pk)).content.decode()
    html += client.get(status_url(failed.pk)).content.decode()

    assert "<script>" not in html and "<b>Outlet" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;img src=x onerror=1&gt;" in html


def test_other_templates_can_include_the_status(editor):
    registered = article("https://asiaplustj.info/news/6")
    template = Template('{% include "articles/_article_status.html" with article=article %}')

    html = template.render(Context({"article": registered}))

    assert f'id="article-status-{registered.pk}"' in html
    assert POLLING in html


@pytest.mark.parametrize("state", ["registered", "fetched", "failed"])
def test_the_status_costs_a_fixed_number_of_queries(
    client, editor, django_assert_num_queries, state
):
    client.force_login(editor)
    pk = article("https://asiaplustj.info/news/7", state=state, title="Title").pk

    # Session, user, group check, then the article with its outlet.
    with django_assert_num_queries(4):
        assert client.get(status_url(pk)).status_code == 200


# Search


@pytest.fixture
def archive(db) -> dict[str, Article]:
    kabar = OutletFactory(name="Кабар", domain="kabar.kg")
    kun = OutletFactory(name="Kun.uz", domain="kun.uz")
    return {
        "railway": article(
            "https://kun.uz/news/2024/07/17/railway",
            outlet=kun,
            title="Uzbekistan and the Taliban sign a railway roadmap",
            published_date=dt.date(2024, 7, 17),
        ),
        "aid": article(
            "https://kabar.kg/news/gumanitarnaya-pomoshch",
            outlet=kabar,
            title="Кыргызстан направил гуманитарную помощь в Афганистан",
            published_date=dt.date(2023, 11, 2),
        ),
        "border": article(
            "https://asiaplustj.info/ru/news/tajikistan/security/20240314/granitsa",
            title="Душанбе и КАБУЛ обсудили охрану границы",
            published_date=dt.date(2024, 3, 14),
        ),
    }


def picked_ids(response) -> list[int]:
    html = response.content.decode()
    return [int(part.split('"', 1)[0]) for part in html.split('data-article-id="')[1:]]


def test_search_finds_by_title_ignoring_case(client, editor, archive):
    client.force_login(editor)

    assert picked_ids(search(client, "RAILWAY roadmap")) == [archive["railway"].pk]


def test_search_finds_cyrillic_titles_ignoring_case(client, editor, archive):
    client.force_login(editor)

    assert picked_ids(search(client, "ГУМАНИТАРНУЮ")) == [archive["aid"].pk]
    assert picked_ids(search(client, "кабул")) == [archive["border"].pk]


def test_search_finds_by_canonical_url(client, editor, archive):
    client.force_login(editor)

    assert picked_ids(search(client, "security/20240314")) == [archive["border"].pk]


def test_search_finds_by_outlet_name_in_cyrillic_too(client, editor, archive):
    client.force_login(editor)

    assert picked_ids(search(client, "кабар")) == [archive["aid"].pk]
    assert picked_ids(search(client, "kun.UZ")) == [archive["railway"].pk]


def test_search_treats_the_query_as_text_not_a_pattern(client, editor, archive):
    client.force_login(editor)

    assert picked_ids(search(client, ".*")) == []
    assert picked_ids(search(client, "%")) == []


def test_an_empty_query_lists_the_newest_first(client, editor, archive):
    client.force_login(editor)

    assert picked_ids(search(client, "")) == [
        archive["railway"].pk,
        archive["border"].pk,
        archive["aid"].pk,
    ]
    assert picked_ids(search(client)) == picked_ids(search(client, "   "))


def test_search_lists_at_most_twenty(client, editor):
    client.force_login(editor)
    for number in range(25):
        article(f"https://asiaplustj.info/news/{number}", title=f"Report {number}")

    assert len(picked_ids(search(client, "report"))) == 20


def test_each_result_is_a_pick_button_labelled_title_outlet_date(client, editor, archive):
    client.force_login(editor)

    html = search(client, "railway").content.decode()

    label = "Uzbekistan and the Taliban sign a railway roadmap · Kun.uz · 17 Jul 2024"
    assert '<ul class="article-results">' in html
    assert (
        f'<button type="button" class="article-pick" data-article-id="{archive["railway"].pk}" '
        f'data-article-label="{label}">{label}</button>'
    ) in html


def test_an_untitled_article_is_labelled_by_its_url(client, editor):
    client.force_login(editor)
    article("https://asiaplustj.info/news/untitled")

    html = search(client, "untitled").content.decode()

    assert 'data-article-label="https://asiaplustj.info/news/untitled · Asia-Plus"' in html


def test_no_match_says_so(client, editor, archive):
    client.force_login(editor)

    html = search(client, "Ашхабад").content.decode()

    assert "No article matches" in html
    assert "article-pick" not in html


def test_search_escapes_titles_outlets_and_the_query(client, editor):
    client.force_login(editor)
    article(
        "https://asiaplustj.info/news/x",
        title='"><script>alert(1)</script>',
        outlet=OutletFactory(name="<i>Evil</i>", domain="evil.example"),
    )

    found = search(client, "script").content.decode()
    missing = search(client, "<svg onload=1>").content.decode()

    assert "<script>" not in found and "<i>Evil" not in found
    assert 'data-article-label="&quot;&gt;&lt;script&gt;' in found
    assert "<svg" not in missing and "&lt;svg onload=1&gt;" in missing


@pytest.mark.parametrize("size", [1, 30])
def test_search_costs_a_fixed_number_of_queries(client, editor, django_assert_num_queries, size):
    client.force_login(editor)
    for number in range(size):
        article(
            f"https://site{number}.example/news",
            title=f"Report {number}",
            outlet=OutletFactory(name=f"Outlet {number}", domain=f"site{number}.example"),
        )

    # Session, user, group check, then the articles with their outlets.
    with django_assert_num_queries(4):
        search(client, "report")
    with django_assert_num_queries(4):
        search(client)
