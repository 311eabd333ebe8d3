from __future__ import annotations

import pytest

from tests.factories import CountryFactory


@pytest.fixture
def kz(db):
    return CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")


@pytest.fixture
def tj(db):
    return CountryFactory(code="TJ", name_en="Tajikistan", name_ru="Таджикистан")
