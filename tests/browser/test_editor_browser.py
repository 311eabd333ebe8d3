"""An editor in a real browser: signs in, logs a contact with an autocompleted actor and a
citation whose metadata is fetched in the background, publishes it and finds it on the timeline."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.contrib.auth.models import Group, User

from config.celery import app as celery_app
from stances.models import Contact
from stances.services import topics_ensure

# The articles tests' local HTTP server (fixtures are found by the names imported here).
from tests.articles.conftest import LocalServer, local_server, server  # noqa: F401
from tests.factories import ActorFactory, AliasFactory, CountryFactory, TalibanActorFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password-1"


@pytest.fixture
def eager_tasks():
    """The embedded default: tasks run in-process (CI sets REDIS_URL, which turns that off)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def article_server(server) -> LocalServer:  # noqa: F811 (the imported fixture)
    return server


@pytest.fixture
def registry(db):
    # A transactional test that ran before may have flushed the rows migrations made.
    topics_ensure()
    kz = CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")
    muttaqi = TalibanActorFactory(name="Amir Khan Muttaqi", slug="amir-khan-muttaqi")
    for name in ("Amir Khan Muttaqi", "Muttaqi", "Mottaki", "Муттаки"):
        AliasFactory(actor=muttaqi, name=name)
    ambassador = ActorFactory(country=kz, name="Alimkhan Yesengeldiyev", slug="yesengeldiyev")
    AliasFactory(actor=ambassador, name="Есенгельдиев")
    user = User.objects.create_user("edith", password=PASSWORD)
    # A transactional test before this one may have flushed the groups the migration made.
    user.groups.add(Group.objects.get_or_create(name="editors")[0])
    return kz


def sign_in(page) -> None:
    page.goto("/accounts/login/?next=/contacts/new/%3Fcountry%3Dkz")
    page.fill("#id_username", "edith")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/contacts/new/"))


def settle(page) -> None:
    """Until no htmx request is in flight (htmx marks the requesting element `htmx-request`).

    Each field checks itself on the server as it is left. On the embedded SQLite the live
    server's threads share one in-memory connection, which two requests at once can break, so
    the test lets each check finish before the next action (PostgreSQL, as in CI, has no such
    limit)."""
    deadline = time.monotonic() + 15
    quiet = 0
    while quiet < 3 and time.monotonic() < deadline:
        quiet = quiet + 1 if page.locator(".htmx-request").count() == 0 else 0
        time.sleep(0.05)


def pick_actor(row, query: str, expected: str) -> None:
    box = row.get_by_role("combobox", name="Actor")
    box.fill(query)
    option = row.get_by_role("option", name=re.compile(expected))
    option.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == expected


def test_an_editor_logs_a_contact_with_an_autocompleted_actor_and_a_citation(
    page, registry, article_server, eager_tasks, axe_violations
):
    sign_in(page)
    form = page.locator("form[data-record-form]")
    assert form.locator("#id_country").input_value() == "KZ"
    page.fill("#id_date", "2021-09-26")
    page.locator("#id_date").press("Tab")
    settle(page)
    page.select_option("#id_type", "meeting")
    settle(page)
    page.select_option("#id_direction", "to_afghanistan")
    settle(page)
    page.fill("#id_location_city", "Kabul")
    page.locator("#id_location_city").press("Tab")
    settle(page)
    page.fill("#id_summary", "Kazakhstan's ambassador met the acting foreign minister in Kabul.")
    page.locator("#id_summary").press("Tab")
    settle(page)
    page.get_by_label("trade").check()
    settle(page)

    rows = page.locator("[data-formset=participants] [data-formset-row]")
    pick_actor(rows.nth(0), "Mottaki", "Amir Khan Muttaqi")
    assert rows.nth(0).locator('select[name$="-side"]').input_value() == "taliban"
    page.get_by_role("button", name="Add a participant").click()
    assert rows.count() == 2  # added in place, not by a round trip
    pick_actor(rows.nth(1), "Есенгельд", "Alimkhan Yesengeldiyev")
    rows.nth(1).locator('input[name$="-role"]').fill("Ambassador of Kazakhstan")

    citation = page.locator("[data-citation-row]").first
    citation.locator('input[name$="-url"]').fill(article_server.url("/article/news-ru.html"))
    citation.locator('input[name$="-url"]').press("Tab")
    # The fetch ran in the background task; the row shows the page's title when it is done.
    citation.get_by_text("Узбекистан и талибы подписали дорожную карту").wait_for()
    citation.locator('textarea[name$="-quote"]').fill("встретился в Кабуле")
    page.select_option("#id_status", "published")
    settle(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/contacts/\d+/"))
    assert page.get_by_text("Contact saved").is_visible()
    contact = Contact.objects.get()
    assert contact.status == "published"
    assert contact.date == dt.date(2021, 9, 26)
    assert contact.citations.get().article.title.startswith("Узбекистан и талибы")

    page.goto("/countries/kz/")
    summary = "Kazakhstan's ambassador met the acting foreign minister in Kabul."
    page.locator("#results p.summary", has_text=summary).wait_for()


def test_leaving_a_field_shows_its_error_before_saving(page, registry):
    sign_in(page)
    page.fill("#id_date", (dt.date.today() + dt.timedelta(days=3)).isoformat())
    page.locator("#id_date").press("Tab")
    page.locator("#id_date-errors").get_by_text("cannot be in the future").wait_for()
    page.fill("#id_date", "2023-03-01")
    page.locator("#id_date").press("Tab")
    # (No wait_for_function: it evaluates a string, which the page's CSP rightly refuses.)
    page.locator("#id_date-errors li").wait_for(state="detached")
