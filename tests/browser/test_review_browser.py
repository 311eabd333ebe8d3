"""The review queue from the keyboard, in a real browser: j/k move between suggestions, r puts
the cursor in the reason box, and Enter rejects."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Suggestion
from tests.factories import CountryFactory, SuggestionFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password-2"


@pytest.fixture
def queue(db):
    kz = CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")
    older = SuggestionFactory(country=kz, location="Kabul")
    newer = SuggestionFactory(country=kz, location="Termez", contact_type="visit")
    user = User.objects.create_user("edith", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="editors")[0])
    return newer, older


def test_an_editor_works_the_queue_from_the_keyboard(page, queue, axe_violations):
    newer, older = queue
    page.goto("/accounts/login/?next=/review/")
    page.fill("#id_username", "edith")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator(".site-header .count").inner_text() == "2"
    assert axe_violations(page) == []

    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"suggestion-{newer.pk}"
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"suggestion-{older.pk}"
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == f"suggestion-{newer.pk}"

    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "reason"
    page.keyboard.type("Already recorded.")
    page.keyboard.press("Enter")
    page.get_by_text("Rejected. This article will not suggest it again.").wait_for()
    newer.refresh_from_db()
    assert (newer.state, newer.reject_reason) == ("rejected", "Already recorded.")
    assert Suggestion.objects.get(pk=older.pk).state == "pending"
    assert page.locator(".site-header .count").inner_text() == "1"
