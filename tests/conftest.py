from __future__ import annotations

import pytest

from tests.factories import CountryFactory


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages render afresh in tests (their query counts are the point); the page cache has
    its own tests, which turn it back on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def kz(db):
    return CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")


@pytest.fixture
def tj(db):
    return CountryFactory(code="TJ", name_en="Tajikistan", name_ru="Таджикистан")
