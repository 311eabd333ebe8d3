"""The real demo data in a real browser: accessibility (axe-core), chart marks, no errors."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from stances.models import Contact

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_the_main_pages_have_no_serious_accessibility_violations(page, demo, axe_violations):
    contact = Contact.objects.published().order_by("date").first()
    for path in (
        "/",
        "/countries/kz/",
        "/countries/tj/?type=phone_call",
        "/matrix/?as_of=2024-06-30&compare=2023-01-01",
        contact.get_absolute_url(),
    ):
        page.goto(path)
        assert page.title(), path
        assert axe_violations(page) == [], path


def test_chart_marks_are_links_to_their_records(page, demo):
    page.goto("/countries/kz/")
    mark = page.locator("svg a[href^='/contacts/']").first
    href = mark.get_attribute("href")
    mark.focus()  # marks are reachable from the keyboard
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(href.rstrip("/")) + "/?$"))
    assert page.locator("h1").inner_text()

    page.goto("/")
    page.locator("a.sm-link[href='/countries/tj/']").click()  # a small-multiples row
    page.wait_for_url(re.compile(r"/countries/tj/$"))


def test_the_copy_link_button_copies_the_permalink(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto("/countries/kz/")
    page.select_option("#id_type", "visit")
    page.wait_for_url(re.compile(r"type=visit"))
    page.get_by_role("button", name=re.compile("Copy link")).click()
    page.get_by_text("Link copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    context.close()
