"""The database connection dropped under the app (`pg_terminate_backend`): the next request
succeeds, because persistent connections are checked before reuse, and a write is whole."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from stances.models import StanceChange
from tests.factories import CitationFactory, ContactFactory
from tests.faults.conftest import csrf_token, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_other_connections() -> int:
    """Kill every other session on the test database (the app's), as a failover would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_requests_after_the_connections_are_killed_succeed_and_writes_are_whole(
    pipeline_registry, stack
):
    contact = ContactFactory(country_id="KZ", summary="Visible before and after.")
    CitationFactory(contact=contact)
    editor = User.objects.create_user("edith", password="a-long-password-for-tests")
    editor.groups.add(Group.objects.get_or_create(name="editors")[0])
    app = stack(REDIS_URL="", DB_CONN_MAX_AGE="600")
    base = app.web(workers=1)
    client = signed_in(base, "edith", "a-long-password-for-tests")
    assert "Visible before and after." in client.get("/countries/kz/").text

    assert terminate_other_connections() >= 1  # the app's persistent connection
    for path in ("/countries/kz/", "/matrix/", contact.get_absolute_url(), "/readyz"):
        assert client.get(path).status_code == 200, path

    token = csrf_token(client, "/stances/new/")
    terminate_other_connections()
    answer = client.post(
        "/stances/new/",
        data={
            "csrfmiddlewaretoken": token,
            "country": "KZ",
            "dimension": "recognition",
            "value": "none",
            "date": "2024-01-15",
            "date_precision": "day",
            "summary": "Saved on a fresh connection.",
            "verification": "reported",
            "status": "draft",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
        headers={"Referer": f"{base}/stances/new/"},
    )
    assert answer.status_code == 302, answer.text[:3000]
    change = StanceChange.objects.get(summary="Saved on a fresh connection.")
    assert change.history.count() == 1 and change.version == 1
