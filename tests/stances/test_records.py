"""The record permalinks: contact, stance change, actor and article pages, their slugs and
404s, link previews (Open Graph) and the "copy link" control every view carries."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders

from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    OutletFactory,
    ParticipantFactory,
    PositionFactory,
    StanceChangeFactory,
    TalibanActorFactory,
    person,
)

pytestmark = pytest.mark.django_db


def meta(html: str, key: str) -> str:
    """The content of <meta property|name="key">, unescaped."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, f"no <meta> {key}"
    return unescape(match.group(1))


def main(html: str) -> str:
    """The page's <main> region (the head repeats the title and summary in its meta tags)."""
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def muttaqi(db):
    actor = TalibanActorFactory(name="Amir Khan Muttaqi", slug="amir-khan-muttaqi")
    PositionFactory(
        actor=actor,
        title="acting Minister of Foreign Affairs",
        level="minister",
        start=dt.date(2021, 9, 7),
    )
    return actor


# Contact


def test_the_contact_page_shows_every_fact_of_the_contact(client, kz, muttaqi):
    contact = ContactFactory(
        country=kz,
        date=dt.date(2023, 3, 1),
        date_precision="month",
        type="visit",
        direction="to_afghanistan",
        location_city="Kabul",
        level_country="deputy_head_of_government",
        level_taliban="minister",
        summary="Kazakh delegation in Kabul to talk rail transit.",
        verification="confirmed",
    )
    contact.topics.set(["railway", "transit"])
    envoy = ActorFactory(country=kz, name="Yerkin Tokumov", slug="yerkin-tokumov")
    ParticipantFactory(contact=contact, actor=envoy, role="Special envoy for Afghanistan")
    ParticipantFactory(contact=contact, actor=muttaqi, side="taliban", role="")
    article = ArticleFactory(
        outlet=OutletFactory(name="Kazinform", domain="inform.kz"),
        published_date=dt.date(2023, 3, 2),
        language="ru",
        url="https://inform.kz/ru/1",
    )
    CitationFactory(contact=contact, article=article, quote="Делегация Казахстана прибыла в Кабул")

    html = client.get(contact.get_absolute_url()).content.decode()

    assert "Mar 2023" in html and "1 Mar 2023" not in html
    assert "Visit" in html and "in Afghanistan" in html and "Kabul" in html
    assert "Kazakhstan: deputy head of government" in html
    assert "Taliban: minister" in html
    assert "rail transit" in html and "railway" in html
    assert "verification-confirmed" in html
    assert 'href="/actors/yerkin-tokumov/"' in html and "Special envoy for Afghanistan" in html
    # No role was reported for Muttaqi: the position he held on that date is shown, marked so.
    assert "acting Minister of Foreign Affairs" in html
    assert "position held on that date" in html
    assert "Kazinform" in html and "2 Mar 2023" in html
    assert 'href="https://inform.kz/ru/1"' in html
    assert 'lang="ru">Делегация Казахстана прибыла в Кабул</blockquote>' in html


def test_a_role_is_read_at_the_contact_date_not_today(client, kz):
    actor = ActorFactory(country=kz, name="Murat Nurtleu")
    PositionFactory(
        actor=actor,
        title="First Deputy Prime Minister",
        level="deputy_head_of_government",
        start=dt.date(2024, 2, 6),
    )
    PositionFactory(
        actor=actor,
        title="Minister of Foreign Affairs",
        level="minister",
        start=dt.date(2023, 9, 1),
        end=dt.date(2024, 2, 5),
    )
    contact = ContactFactory(country=kz, date=dt.date(2023, 11, 1), level_country="")
    ParticipantFactory(contact=contact, actor=actor, role="")

    html = client.get(contact.get_absolute_url()).content.decode()

    assert "Minister of Foreign Affairs" in html
    assert "First Deputy Prime Minister" not in html
    # The level left empty on the contact is derived from the participants' positions.
    assert "Kazakhstan: minister" in html


def test_a_disputed_contact_shows_both_accounts_before_the_summary(client, kz):
    contact = ContactFactory(
        country=kz,
        verification="disputed",
        summary="The summary.",
        notes="Kazinform says 12 May; Tolo News says 14 May.",
    )
    CitationFactory(contact=contact)

    html = main(client.get(contact.get_absolute_url()).content.decode())

    assert "Sources disagree" in html
    assert "Kazinform says 12 May; Tolo News says 14 May." in html
    assert html.index("Sources disagree") < html.index("The summary.")


def test_a_contact_at_a_wrong_or_missing_slug_redirects_permanently(client, kz):
    contact = ContactFactory(country=kz, date=dt.date(2021, 9, 26), type="meeting")
    right = f"/contacts/{contact.pk}/2021-09-26-kz-meeting-kabul/"
    for wrong in (f"/contacts/{contact.pk}/", f"/contacts/{contact.pk}/old-title/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == right
    assert client.get(right).status_code == 200


def test_the_contact_page_runs_a_fixed_number_of_queries(client, kz, django_assert_num_queries):
    def contact_with(n: int):
        contact = ContactFactory(country=kz)
        contact.topics.set(["trade", "security"])
        for i in range(n):
            actor = ActorFactory(country=kz) if i % 2 else TalibanActorFactory()
            PositionFactory(actor=actor)
            ParticipantFactory(
                contact=contact, actor=actor, side="country" if i % 2 else "taliban", role=""
            )
            CitationFactory(contact=contact, quote=f"Quote {i}")
        return contact

    small, large = contact_with(2), contact_with(10)
    # The contact, topics, citations (article, outlet), participants (actor), positions.
    with django_assert_num_queries(5):
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(large.get_absolute_url()).status_code == 200


# Stance change


def test_the_stance_change_page_shows_what_the_value_changed_from(client, kz):
    first = StanceChangeFactory(
        country=kz, dimension="recognition", value="none", date=dt.date(2021, 8, 16)
    )
    StanceChangeFactory(
        country=kz, dimension="overall", value="+1", date=dt.date(2022, 1, 1)
    )  # another dimension: not what it changed from
    StanceChangeFactory(
        country=kz,
        dimension="recognition",
        value="formal",
        date=dt.date(2023, 1, 1),
        status="draft",
    )  # a draft in between is not a value anyone held
    change = StanceChangeFactory(
        country=kz,
        dimension="recognition",
        value="de_facto",
        date=dt.date(2024, 6, 1),
        date_precision="month",
        summary="Kazakhstan dealt with the Taliban as the government in fact.",
    )
    CitationFactory(
        contact=None,
        stance_change=change,
        quote="Taliban removed from the list",
        article=ArticleFactory(language="en"),
    )

    html = client.get(f"/stances/{change.pk}/{change.slug}/").content.decode()

    assert "Recognition: de facto" in html
    assert "Jun 2024" in html and "1 Jun 2024" not in html
    assert "dealt with the Taliban as the government in fact" in html
    changed_from = html[html.index("Changed from") :]
    assert "none, recorded 16 Aug 2021" in unescape(changed_from)
    assert f'href="/stances/{first.pk}/{first.slug}/"' in changed_from
    assert "formal" not in changed_from.split("</dd>")[0]
    assert 'lang="en">Taliban removed from the list</blockquote>' in html


def test_the_first_stance_change_and_a_restatement_say_so(client, kz):
    first = StanceChangeFactory(country=kz, value="0", date=dt.date(2021, 8, 16))
    again = StanceChangeFactory(country=kz, value="0", date=dt.date(2022, 8, 16))

    first_page = client.get(f"/stances/{first.pk}/{first.slug}/").content.decode()
    again_page = unescape(client.get(f"/stances/{again.pk}/{again.slug}/").content.decode())

    assert "no earlier value recorded" in first_page
    assert "unchanged: restates “cautious engagement”" in again_page


def test_a_stance_change_without_or_with_a_wrong_slug_redirects_permanently(client, kz):
    change = StanceChangeFactory(
        country=kz, dimension="legal_status", value="delisted", date=dt.date(2023, 12, 29)
    )
    right = f"/stances/{change.pk}/2023-12-29-kz-legal_status-delisted/"
    for wrong in (f"/stances/{change.pk}/", f"/stances/{change.pk}/old-slug/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == right
    assert client.get(right).status_code == 200


def test_the_stance_change_page_runs_a_fixed_number_of_queries(
    client, kz, django_assert_num_queries
):
    def change_with(n: int, year: int):
        for i in range(n):
            StanceChangeFactory(country=kz, value="-1", date=dt.date(year - 1, 1, 1 + i))
        change = StanceChangeFactory(country=kz, value="+1", date=dt.date(year, 1, 1))
        for _ in range(n):
            CitationFactory(contact=None, stance_change=change)
        return change

    small, large = change_with(2, 2022), change_with(10, 2024)
    # The change with its country, its citations (article, outlet), the previous record.
    for change in (small, large):
        with django_assert_num_queries(3):
            assert client.get(f"/stances/{change.pk}/{change.slug}/").status_code == 200


# Actor


def test_the_actor_page_shows_names_positions_over_time_and_contacts_newest_first(
    client, kz, muttaqi
):
    AliasFactory(actor=muttaqi, name="Муттаки", language="ru")
    AliasFactory(actor=muttaqi, name="Mottaki", language="en")
    PositionFactory(
        actor=muttaqi,
        title="Deputy head of the political office",
        level="official",
        start=dt.date(2019, 1, 1),
        start_precision="year",
        end=dt.date(2021, 9, 1),
        end_precision="month",
    )
    old = ContactFactory(country=kz, date=dt.date(2022, 5, 1), summary="The older talks.")
    new = ContactFactory(country=kz, date=dt.date(2024, 5, 1), summary="The newer talks.")
    draft = ContactFactory(country=kz, date=dt.date(2025, 1, 1), status="draft")
    for contact in (old, new, draft):
        ParticipantFactory(contact=contact, actor=muttaqi, side="taliban", role="")

    html = main(client.get("/actors/amir-khan-muttaqi/").content.decode())

    assert "Amir Khan Muttaqi" in html
    assert 'lang="ru">Муттаки</span>' in html and "Mottaki" in html
    # Chronological, each end of the range shown with its own precision.
    assert html.index("Deputy head of the political office") < html.index(
        "acting Minister of Foreign Affairs"
    )
    assert "2019</time> – <time" in html and "Sep 2021</time>" in html
    assert "7 Sep 2021</time> – present" in html
    assert html.index("The newer talks.") < html.index("The older talks.")
    assert draft.get_absolute_url() not in html
    assert "2 published contacts" in html


def test_an_actor_at_an_old_slug_redirects_to_the_current_one(client, kz):
    actor = ActorFactory(country=kz, slug="nurtleu", name="Murat Nurtleu")
    actor.slug = "murat-nurtleu"
    actor.save()

    response = client.get("/actors/nurtleu/")

    assert response.status_code == 301
    assert response["Location"] == "/actors/murat-nurtleu/"
    assert client.get("/actors/never-was/").status_code == 404


def test_the_actor_page_runs_a_fixed_number_of_queries(
    client, kz, muttaqi, django_assert_num_queries
):
    def contacts(n: int, year: int) -> None:
        for i in range(n):
            contact = ContactFactory(country=kz, date=dt.date(year, 1, 1) + dt.timedelta(days=i))
            ParticipantFactory(contact=contact, actor=muttaqi, side="taliban", role="")
            CitationFactory(contact=contact)

    AliasFactory(actor=muttaqi, name="Муттаки", language="ru")
    contacts(2, 2022)
    # The actor with its country, aliases, positions, the count and a page of its contacts.
    with django_assert_num_queries(5):
        assert client.get("/actors/amir-khan-muttaqi/").status_code == 200
    contacts(60, 2023)
    with django_assert_num_queries(5):
        page = client.get("/actors/amir-khan-muttaqi/").content.decode()
    assert "62 published contacts" in page and "Page 1 of 2" in page
    second = client.get("/actors/amir-khan-muttaqi/?page=2").content.decode()
    assert second.count('class="contact-summary"') == 12
    assert client.get("/actors/amir-khan-muttaqi/?page=x").status_code == 200


# Article


def test_the_article_page_shows_the_published_records_it_supports(client, kz):
    article = ArticleFactory(
        title="Казахстан исключил талибов из списка",
        outlet=OutletFactory(name="Kazinform", domain="inform.kz"),
        published_date=dt.date(2023, 12, 29),
        language="ru",
    )
    contact = ContactFactory(country=kz, summary="Talks in Astana.")
    change = StanceChangeFactory(
        country=kz, dimension="legal_status", value="delisted", date=dt.date(2023, 12, 29)
    )
    draft = ContactFactory(country=kz, status="draft", summary="A draft nobody may see.")
    CitationFactory(article=article, contact=contact, quote="Переговоры в Астане")
    CitationFactory(article=article, contact=None, stance_change=change)
    CitationFactory(article=article, contact=draft)

    html = client.get(article.get_absolute_url()).content.decode()

    assert 'lang="ru">Казахстан исключил талибов из списка</h1>' in html
    assert "Kazinform" in html and "29 Dec 2023" in html
    assert contact.get_absolute_url() in html and "Talks in Astana." in html
    assert f'href="/stances/{change.pk}/{change.slug}/"' in html
    assert 'lang="ru">Переговоры в Астане</blockquote>' in html
    assert "A draft nobody may see." not in html and draft.get_absolute_url() not in html
    assert "cited by 2 published records" in meta(html, "og:description")


def test_the_article_page_runs_a_fixed_number_of_queries(client, kz, django_assert_num_queries):
    def article_with(n: int):
        article = ArticleFactory()
        for i in range(n):
            if i % 2:
                CitationFactory(article=article, contact=ContactFactory(country=kz))
            else:
                CitationFactory(
                    article=article,
                    contact=None,
                    stance_change=StanceChangeFactory(country=kz, date=dt.date(2020, 1, 1 + i)),
                )
        return article

    small, large = article_with(2), article_with(20)
    # The article with its outlet, and the citations with their records and countries.
    for article in (small, large):
        with django_assert_num_queries(2):
            assert client.get(article.get_absolute_url()).status_code == 200


# Not found and drafts


@pytest.mark.parametrize(
    "url",
    [
        "/contacts/999999/",
        "/contacts/999999/some-slug/",
        "/stances/999999/",
        "/stances/999999/some-slug/",
        "/actors/nobody/",
        "/articles/999999/",
    ],
)
def test_unknown_records_404_with_a_page_that_says_where_to_go(client, kz, url):
    response = client.get(url)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Nothing here" in html
    assert url in html
    assert 'href="/"' in html and 'href="/matrix/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_drafts_404_for_the_anonymous_analyst_and_show_to_editors(client, kz):
    contact = ContactFactory(country=kz, status="draft", summary="Not yet public.")
    change = StanceChangeFactory(country=kz, status="draft", summary="Not yet public either.")
    urls = [contact.get_absolute_url(), f"/stances/{change.pk}/{change.slug}/"]
    # Even the bare id does not reveal a draft's slug through a redirect.
    for url in [*urls, f"/contacts/{contact.pk}/", f"/stances/{change.pk}/"]:
        assert client.get(url).status_code == 404

    client.force_login(person("editor", "editors"))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert "Draft: not public." in response.content.decode()


# Link previews


def test_record_pages_carry_open_graph_tags_with_their_title_summary_and_absolute_url(
    client, kz, muttaqi
):
    contact = ContactFactory(
        country=kz,
        date=dt.date(2024, 5, 10),
        type="visit",
        summary="Deputy Prime Minister Zhumangarin led a delegation to Kabul.\n\nA second line.",
    )
    ParticipantFactory(contact=contact, actor=muttaqi, side="taliban")
    change = StanceChangeFactory(
        country=kz,
        dimension="legal_status",
        value="delisted",
        date=dt.date(2023, 12, 29),
        summary="Kazakhstan took the Taliban off its list of banned organisations.",
    )
    article = ArticleFactory(title="Taliban delisted")
    CitationFactory(article=article, contact=contact)
    cases = [
        (
            contact.get_absolute_url(),
            "Kazakhstan – Taliban: visit, 10 May 2024",
            "Deputy Prime Minister Zhumangarin led a delegation to Kabul. A second line.",
            "article",
        ),
        (
            f"/stances/{change.pk}/{change.slug}/",
            "Kazakhstan, 29 Dec 2023: legal status of the Taliban → delisted",
            "Kazakhstan took the Taliban off its list of banned organisations.",
            "article",
        ),
        (
            "/actors/amir-khan-muttaqi/",
            "Amir Khan Muttaqi",
            "Taliban · acting Minister of Foreign Affairs · 1 published contact",
            "profile",
        ),
        (article.get_absolute_url(), "Taliban delisted", "Asia-Plus · 11 May 2023", "article"),
    ]
    for url, title, description, og_type in cases:
        html = client.get(url).content.decode()
        assert meta(html, "og:title") == title
        assert meta(html, "og:description").startswith(description)
        assert "\n" not in meta(html, "og:description")
        assert meta(html, "og:url") == f"http://testserver{url}"
        assert meta(html, "og:type") == og_type
        assert meta(html, "og:site_name") == "Stancewatch"
        assert meta(html, "twitter:card") == "summary"
        assert f'<link rel="canonical" href="http://testserver{url}">' in html


def test_a_record_reached_by_its_bare_id_still_previews_its_canonical_url(client, kz):
    change = StanceChangeFactory(country=kz)
    html = client.get(f"/stances/{change.pk}/", follow=True).content.decode()
    assert meta(html, "og:url") == f"http://testserver/stances/{change.pk}/{change.slug}/"


def test_a_long_summary_previews_as_one_line_cut_at_a_word(client, kz):
    contact = ContactFactory(country=kz, summary="word " * 100)
    html = client.get(contact.get_absolute_url()).content.decode()
    description = meta(html, "og:description")
    assert len(description) <= 200
    assert description.endswith("word…")


def test_other_pages_get_sensible_preview_defaults_with_their_own_address(client, kz):
    html = client.get("/countries/kz/?type=visit").content.decode()
    assert meta(html, "og:url") == "http://testserver/countries/kz/?type=visit"
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:title")
    assert "Taliban" in meta(html, "og:description")
    assert meta(html, "twitter:card") == "summary"


# Copy link


@pytest.mark.parametrize("url", ["/", "/countries/kz/", "/matrix/", "/actors/amir-khan-muttaqi/"])
def test_every_view_has_a_copy_link_button_its_script_and_a_plain_permalink(
    client, kz, muttaqi, url
):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    button = re.search(r"<button [^>]*data-copy-link[^>]*>", html)
    assert button, "no copy-link button"
    assert 'type="button"' in button.group(0)
    # Hidden until the script runs, so without JavaScript only the plain link shows.
    assert " hidden " in button.group(0)
    assert 'data-copied="Link copied"' in button.group(0)
    assert re.search(r'role="status" aria-live="polite"[^>]*data-copy-link-status', html)
    assert re.search(r'<a class="permalink" href="http://testserver[^"]*" data-permalink>', html)
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script src="/static/js/copy-link.js" defer nonce="{nonce}"></script>' in html


def test_the_copy_button_names_the_canonical_url_on_records_and_the_address_elsewhere(client, kz):
    contact = ContactFactory(country=kz)
    html = client.get(f"/contacts/{contact.pk}/old-slug/", follow=True).content.decode()
    assert f'data-url="http://testserver{contact.get_absolute_url()}"' in html
    # A view whose address is its state copies the address bar (htmx keeps it current).
    assert "data-url=" not in client.get("/countries/kz/?type=visit").content.decode()


def test_the_copy_link_script_exists_and_uses_the_clipboard_and_the_live_region():
    path = finders.find("js/copy-link.js")
    assert path, "static/js/copy-link.js is missing"
    with open(path, encoding="utf-8") as script:
        source = script.read()
    assert "navigator.clipboard" in source
    assert "data-copy-link-status" in source
    assert "window.location.href" in source


def test_record_pages_keep_a_strict_content_security_policy_with_no_inline_script(client, kz):
    contact = ContactFactory(country=kz)
    CitationFactory(contact=contact, quote="<script>alert(1)</script>")
    for url in (contact.get_absolute_url(), "/", "/contacts/999999/"):
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy
        assert "'unsafe-eval'" not in policy
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
        assert " style=" not in html and "<style" not in html
