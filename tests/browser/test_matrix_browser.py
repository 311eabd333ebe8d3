"""The matrix date control in a real browser: htmx swap, pushed URL, back, permalink."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import CitationFactory, CountryFactory, StanceChangeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def delisting():
    kz = CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")
    for value, date in (("banned", dt.date(2005, 3, 15)), ("delisted", dt.date(2023, 12, 29))):
        change = StanceChangeFactory(country=kz, dimension="legal_status", value=value, date=date)
        CitationFactory(contact=None, stance_change=change)
    return kz


def test_changing_the_date_updates_the_matrix_and_the_address_bar(page, delisting):
    page.goto("/matrix/?as_of=2023-06-30")
    region = page.locator("#matrix-region")
    assert "banned" in region.inner_text() and "delisted" not in region.inner_text()
    page.evaluate("window.__stayedOnPage = true")

    page.fill("#id_as_of", "2024-06-30")
    page.click("#matrix-submit")
    page.wait_for_url(re.compile(r"/matrix/\?as_of=2024-06-30"))
    page.locator("#matrix-region").get_by_text("delisted").first.wait_for()
    assert page.evaluate("window.__stayedOnPage") is True

    page.fill("#id_compare", "2023-06-30")
    page.click("#matrix-submit")
    page.wait_for_url(re.compile(r"compare=2023-06-30"))
    page.locator("#matrix-region").get_by_text("changed").first.wait_for()

    permalink = page.url
    page.go_back()
    page.wait_for_url(re.compile(r"as_of=2024-06-30(&compare=)?$"))
    page.goto(permalink)
    assert "delisted" in page.locator("#matrix-region").inner_text()
    assert page.locator("#id_compare").input_value() == "2023-06-30"
