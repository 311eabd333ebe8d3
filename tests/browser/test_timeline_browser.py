"""The timeline in a real browser: htmx filters push permalinks, back restores, no errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import CitationFactory, ContactFactory, CountryFactory, StanceChangeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def kz_history():
    kz = CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")
    for i, kind in enumerate(["meeting", "visit", "agreement", "visit", "phone_call"]):
        contact = ContactFactory(
            country=kz,
            type=kind,
            date=dt.date(2022, 3, 1) + dt.timedelta(days=90 * i),
            summary=f"A {kind} number {i}.",
        )
        CitationFactory(contact=contact)
    change = StanceChangeFactory(country=kz, value="+1", date=dt.date(2022, 6, 1))
    CitationFactory(contact=None, stance_change=change)
    return kz


def test_a_filter_change_swaps_the_results_pushes_the_url_and_back_restores(page, kz_history):
    page.goto("/countries/kz/")
    page.evaluate("window.__stayedOnPage = true")
    page.select_option("#id_type", "visit")
    page.wait_for_url(re.compile(r"/countries/kz/\?.*type=visit"))
    results = page.locator("#results")
    results.get_by_text("2 records").wait_for()
    assert "A meeting number 0." not in results.inner_text()
    assert page.evaluate("window.__stayedOnPage") is True  # swapped, not reloaded

    permalink = page.url
    page.go_back()
    page.wait_for_url(re.compile(r"/countries/kz/$"))
    page.locator("#results").get_by_text("6 records").wait_for()

    page.goto(permalink)  # the pushed URL renders the same view on a full load
    assert page.locator("#results").get_by_text("2 records").is_visible()
    assert page.locator("#id_type").input_value() == "visit"


def test_the_filters_work_without_javascript(browser, live_server, kz_history):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/countries/kz/")
    page.select_option("#id_type", "agreement")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"type=agreement"))
    assert "1 record" in page.locator("#results").inner_text()
    context.close()
