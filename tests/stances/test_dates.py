from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from stances.dates import display_date, period_end, period_start
from tests.factories import ContactFactory


def test_a_contact_date_reads_no_more_precisely_than_it_is_known():
    assert display_date(dt.date(2023, 3, 14), "day") == "14 Mar 2023"
    assert display_date(dt.date(2023, 3, 1), "month") == "Mar 2023"
    assert display_date(dt.date(2023, 1, 1), "year") == "2023"


def test_display_dates_follow_the_interface_language():
    with translation.override("ru"):
        assert display_date(dt.date(2023, 3, 1), "month") != "Mar 2023"


def test_periods_start_and_end_where_their_precision_says():
    assert period_start(dt.date(2024, 2, 17), "month") == dt.date(2024, 2, 1)
    assert period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)
    assert period_end(dt.date(2023, 12, 1), "month") == dt.date(2023, 12, 31)
    assert period_end(dt.date(2023, 1, 1), "year") == dt.date(2023, 12, 31)
    assert period_start(dt.date(2023, 7, 9), "day") == dt.date(2023, 7, 9)


@pytest.mark.django_db
def test_a_month_precise_contact_must_be_stored_on_the_first_of_the_month(kz):
    contact = ContactFactory.build(country=kz, date=dt.date(2023, 3, 13), date_precision="month")
    with pytest.raises(ValidationError) as excinfo:
        contact.full_clean()
    assert "date" in excinfo.value.message_dict
    contact.date = dt.date(2023, 3, 1)
    contact.full_clean()
    assert contact.display_date == "Mar 2023"
