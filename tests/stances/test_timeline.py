"""The country timeline: one stream, filters as a GET form, htmx fragments, pages, exports, feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest

from stances.timeline import EXPORT_COLUMNS
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ContactFactory,
    ParticipantFactory,
    PositionFactory,
    StanceChangeFactory,
    TalibanActorFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def stream(kz):
    """A small, varied history for Kazakhstan."""
    muttaqi = TalibanActorFactory(slug="amir-khan-muttaqi", name="Amir Khan Muttaqi")
    ambassador = ActorFactory(country=kz, slug="yesengeldiyev", name="Alimkhan Yesengeldiyev")
    meeting = ContactFactory(
        country=kz,
        date=D(2021, 9, 26),
        type="meeting",
        level_country="ambassador",
        summary="Ambassador met the acting foreign minister in Kabul.",
    )
    meeting.topics.set(["humanitarian_aid", "trade"])
    ParticipantFactory(contact=meeting, actor=ambassador, role="Ambassador")
    ParticipantFactory(contact=meeting, actor=muttaqi, side="taliban", role="")
    PositionFactory(actor=muttaqi, title="acting Minister of Foreign Affairs", start=D(2021, 9, 7))
    CitationFactory(contact=meeting, quote="Посол Казахстана встретился с Муттаки в воскресенье")
    visit = ContactFactory(
        country=kz,
        date=D(2023, 4, 1),
        date_precision="month",
        type="visit",
        level_country="deputy_head_of_government",
        summary="Deputy prime minister in Kabul on railways.",
        verification="disputed",
        notes="One outlet says 15 April, another 16 April.",
    )
    visit.topics.set(["railway"])
    CitationFactory(contact=visit)
    agreement = ContactFactory(
        country=kz,
        date=D(2025, 4, 21),
        type="agreement",
        level_country="minister",
        summary='=HYPERLINK("http://evil.example") protocol on the railway signed.',
        verification="confirmed",
    )
    CitationFactory(contact=agreement)
    delisting = StanceChangeFactory(
        country=kz,
        dimension="legal_status",
        value="delisted",
        date=D(2023, 12, 29),
        summary="Taliban removed from the list of banned organisations.",
    )
    CitationFactory(contact=None, stance_change=delisting)
    ContactFactory(country=kz, date=D(2024, 1, 5), status="draft", summary="Unpublished draft.")
    return {"meeting": meeting, "visit": visit, "agreement": agreement, "delisting": delisting}


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_is_one_stream_newest_first_grouped_by_month(client, stream):
    page = html(client.get("/countries/kz/"))
    headings = ["Apr 2025", "Dec 2023", "Apr 2023", "Sep 2021"]
    positions = [page.index(f'<h3 class="period">{h}</h3>') for h in headings]
    assert positions == sorted(positions)
    assert "Unpublished draft." not in page
    assert "4 records" in page
    assert "acting Minister of Foreign Affairs" in page  # role read from the position on the date
    assert "Посол Казахстана встретился с Муттаки" in page
    assert "Sources disagree:" in page and "15 April, another 16 April" in page


def test_the_oldest_first_toggle_reverses_the_stream(client, stream):
    page = html(client.get("/countries/kz/", {"order": "oldest"}))
    assert page.index('"period">Sep 2021<') < page.index('"period">Apr 2025<')


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"type": "visit"}, ["Deputy prime minister"], ["Ambassador met", "Taliban removed"]),
        ({"topic": "railway"}, ["Deputy prime minister"], ["Ambassador met"]),
        ({"level": "minister"}, ["Deputy prime minister", "protocol"], ["Ambassador met"]),
        ({"level": "minister", "level_match": "exactly"}, ["protocol"], ["Deputy prime minister"]),
        ({"actor": "amir-khan-muttaqi"}, ["Ambassador met"], ["protocol", "Taliban removed"]),
        ({"verification": "disputed"}, ["Deputy prime minister"], ["Ambassador met"]),
        ({"kind": "stances"}, ["Taliban removed"], ["Ambassador met"]),
        ({"kind": "contacts"}, ["Ambassador met"], ["Taliban removed"]),
        (
            {"from": "2023-04-15", "to": "2023-12-31"},
            ["Deputy prime minister", "Taliban removed"],
            ["Ambassador met", "protocol"],
        ),
        ({"q": "railway"}, ["protocol", "Deputy prime minister"], ["Ambassador met"]),
        ({"q": "воскресенье"}, ["Ambassador met"], ["protocol"]),
    ],
)
def test_each_filter_narrows_the_stream(client, stream, query, shown, hidden):
    full = html(client.get("/countries/kz/", query))
    page = html(client.get("/countries/kz/", query, **HTMX))  # the results region alone
    assert page.strip() in full
    for text in shown:
        assert text in page, (query, text)
    for text in hidden:
        assert text not in page, (query, text)


@pytest.mark.parametrize(
    ("query", "records"),
    [
        ({"from": "2024-13-45"}, 4),
        ({"to": "<script>alert(1)</script>"}, 4),
        ({"type": "summit"}, 4),
        ({"level": "emperor"}, 4),
        ({"q": "x" * 5000}, 4),
        ({"actor": "../../etc"}, 4),
        ({"from": "2025-01-01", "to": "2024-01-01"}, 1),  # the end is dropped, the start kept
    ],
)
def test_malformed_filters_are_reported_and_ignored_never_an_error(client, stream, query, records):
    page = html(client.get("/countries/kz/", query))
    assert "field-error" in page
    assert "<script>alert(1)</script>" not in page
    assert f"{records} record" in page


@pytest.mark.parametrize("number", ["-3", "0", "x" * 5000, "99999999999"])
def test_a_malformed_page_number_shows_the_first_page(client, stream, number):
    page = html(client.get("/countries/kz/", {"page": number}))
    assert "4 records" in page and "Ambassador met" in page


def test_a_page_past_the_end_is_empty_but_links_back(client, stream):
    page = html(client.get("/countries/kz/", {"page": "7"}))
    assert "Page 7" in page and 'rel="prev"' in page


def test_an_htmx_request_gets_only_the_results_region(client, stream):
    response = client.get("/countries/kz/", {"type": "visit"}, **HTMX)
    fragment = html(response)
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="results"')
    assert "Deputy prime minister" in fragment
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_request_gets_the_whole_page(client, stream):
    page = html(
        client.get(
            "/countries/kz/", {"type": "visit"}, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
        )
    )
    assert "<html" in page


def test_the_filter_form_is_a_plain_get_form_that_htmx_enhances(client, stream):
    page = html(client.get("/countries/kz/"))
    assert 'method="get" action="/countries/kz/"' in page
    assert 'hx-get="/countries/kz/"' in page and 'hx-push-url="true"' in page


def test_pages_are_real_links_keeping_the_filters(client, kz):
    for i in range(45):
        ContactFactory(country=kz, date=D(2022, 1, 1) + dt.timedelta(days=i), type="visit")
    first = html(client.get("/countries/kz/", {"type": "visit"}))
    assert 'href="/countries/kz/?type=visit&amp;page=2"' in first
    second = html(client.get("/countries/kz/", {"type": "visit", "page": "2"}))
    assert "Page 2" in second and 'href="/countries/kz/?type=visit"' in second
    assert second.count('class="record contact') == 5


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_timeline_runs_a_fixed_number_of_queries(
    client, kz, django_assert_max_num_queries, django_assert_num_queries, headers
):
    def grow(n: int) -> None:
        muttaqi = TalibanActorFactory()
        for i in range(n):
            contact = ContactFactory(country=kz, date=D(2022, 1, 1) + dt.timedelta(days=i))
            contact.topics.set(["trade"])
            ParticipantFactory(contact=contact, actor=ActorFactory(country=kz))
            ParticipantFactory(contact=contact, actor=muttaqi, side="taliban", role="")
            CitationFactory(contact=contact)
            change = StanceChangeFactory(country=kz, date=contact.date)
            CitationFactory(contact=None, stance_change=change)

    expected = 19 if not headers else 11
    grow(2)
    with django_assert_num_queries(expected):
        html(client.get("/countries/kz/", **headers))
    grow(30)
    with django_assert_num_queries(expected):
        html(client.get("/countries/kz/", **headers))
    with django_assert_num_queries(expected):
        query = {"q": "number", "from": "2022-01-03", "page": "2"}
        html(client.get("/countries/kz/", query, **headers))
    # A page with no stance changes (a contacts-only filter) skips loading them: 2 fewer.
    with django_assert_num_queries(expected - 2):
        html(client.get("/countries/kz/", {"topic": "trade"}, **headers))


def test_csv_export_has_the_documented_columns_citations_and_no_live_formulas(client, stream):
    response = client.get("/countries/kz/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == 4
    agreement = next(r for r in rows if r["contact_type"] == "agreement")
    assert agreement["summary"].startswith("'=HYPERLINK")
    meeting = next(r for r in rows if r["contact_type"] == "meeting")
    assert meeting["date_display"] == "26 Sep 2021"
    assert "Посол Казахстана" in meeting["citation_quotes"]
    assert meeting["citation_urls"].startswith("https://")
    assert (
        "Amir Khan Muttaqi (taliban, acting Minister of Foreign Affairs)" in meeting["participants"]
    )
    assert meeting["url"] == f"http://testserver{stream['meeting'].get_absolute_url()}"


def test_json_export_takes_the_same_filters(client, stream):
    response = client.get("/countries/kz/", {"format": "json", "type": "visit"})
    data = json.loads(response.content)
    assert data["country"] == "KZ" and data["query"] == {"type": "visit"}
    [record] = data["records"]
    assert record["record_type"] == "contact"
    assert record["date"] == "2023-04-01" and record["date_display"] == "Apr 2023"
    assert record["citations"][0]["url"].startswith("https://")
    assert record["verification"] == "disputed"


def test_the_atom_feed_lists_published_records_and_takes_the_filters(client, stream):
    response = client.get("/countries/kz/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(response.content).findall("a:entry", ns)
    assert len(entries) == 4
    titles = " ".join(e.find("a:title", ns).text for e in entries)
    assert "Unpublished" not in response.content.decode()
    assert "Legal status of the Taliban" in titles or "legal status of the Taliban" in titles
    filtered = ET.fromstring(client.get("/countries/kz/feed/", {"type": "visit"}).content)
    assert len(filtered.findall("a:entry", ns)) == 1
    assert client.get("/countries/xx/feed/").status_code == 404
