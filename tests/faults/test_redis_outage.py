"""Redis unavailable for 30 s: published pages keep answering with the right data, an editor's
action that needs the queue is told plainly that the work waits, and the work is done once Redis
is back; nothing is lost."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.contrib.auth.models import Group, User

from articles.models import Article, Suggestion
from tests.factories import CitationFactory, ContactFactory
from tests.faults.conftest import csrf_token, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = float(os.environ.get("FAULT_OUTAGE_SECONDS", "30"))
REPORT = (
    "Посол Казахстана в Афганистане Алимхан Есенгельдиев 12 ноября встретился в Кабуле с "
    "исполняющим обязанности министра иностранных дел Амир Ханом Муттаки. Стороны обсудили "
    "развитие торговли и транзит грузов через территорию Афганистана."
)


def test_pages_answer_and_queued_work_completes_across_a_redis_outage(
    pipeline_registry, spare_redis, stack
):
    contact = ContactFactory(
        country_id="KZ", summary="A published meeting that must stay visible.", status="published"
    )
    CitationFactory(contact=contact)
    editor = User.objects.create_user("edith", password="a-long-password-for-tests")
    editor.groups.add(Group.objects.get_or_create(name="editors")[0])

    app = stack(
        REDIS_URL=spare_redis.url,
        PIPELINE_RESUME_AFTER_SECONDS="1",
        PIPELINE_RESUME_EVERY_SECONDS="2",
    )
    base = app.web()
    app.worker(spare_redis.url)
    app.beat()
    client = signed_in(base, "edith", "a-long-password-for-tests")

    spare_redis.stop()
    outage_began = time.monotonic()
    app.wait_until(lambda: client.get("/readyz").status_code == 503, "readyz reporting Redis")
    ready = client.get("/readyz").json()
    assert ready["checks"]["redis"]["ok"] is False and ready["checks"]["database"]["ok"] is True

    # Published pages answer from PostgreSQL, with the data, throughout the outage.
    pages = ["/", "/countries/kz/", "/matrix/", contact.get_absolute_url()]
    anonymous = type(client)(base_url=base, timeout=30)
    for path in pages:
        response = anonymous.get(path)
        assert response.status_code == 200, path
    assert "A published meeting that must stay visible." in anonymous.get("/countries/kz/").text

    # An editor pastes a report: saved at once, and told the processing waits for the queue.
    token = csrf_token(client, "/ingest/")
    started = time.monotonic()
    answer = client.post(
        "/ingest/",
        data={"text": REPORT, "published": "2024-11-13", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/ingest/"},
    )
    assert time.monotonic() - started < 15, "the request waited on the broker"
    assert answer.status_code == 302
    status_page = client.get(answer.headers["Location"]).text
    assert "The task queue is unreachable right now" in status_page
    article = Article.objects.get(origin="pasted_text")
    assert article.state == "fetched"  # stored, waiting for analysis

    while time.monotonic() - outage_began < OUTAGE_SECONDS:
        for path in pages:
            assert anonymous.get(path).status_code == 200, path
        time.sleep(1)
    spare_redis.start()

    # Beat's resume finds the waiting article and the worker analyses it: nothing was lost.
    app.wait_until(
        lambda: Article.objects.get(pk=article.pk).state == "analysed",
        "the report pasted during the outage analysed after Redis came back",
        timeout=120,
    )
    suggestion = Suggestion.objects.get(article=article)
    assert (suggestion.country_id, suggestion.contact_type) == ("KZ", "meeting")
    assert suggestion.date == dt.date(2024, 11, 12)
    assert Article.history.filter(id=article.pk, state="analysed").count() == 1
    app.wait_until(lambda: client.get("/readyz").status_code == 200, "readyz ok again")
