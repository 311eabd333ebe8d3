"""The comparison matrix: values as of a date, a second date to compare, the date control with
and without htmx, refused dates, exports, and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import timezone

from stances.matrix import EXPORT_COLUMNS
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    CountryFactory,
    StanceChangeFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
HTMX = {"HTTP_HX_REQUEST": "true"}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "matrix.md"


class MatrixCells(HTMLParser):
    """Reads the matrix table: (country name, column code) → the cell's text and links."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], dict] = {}
        self.country = ""
        self.in_row_header = False
        self.cell: dict | None = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "th" and attrs.get("scope") == "row":
            self.in_row_header, self.country = True, ""
        elif tag == "td" and "mx-cell" in classes:
            column = next(c[len("mx-col-") :] for c in classes if c.startswith("mx-col-"))
            self.cell = {"text": "", "links": [], "classes": classes}
            self.cells[(self.country, column)] = self.cell
            self.depth = 0
        elif self.cell is not None:
            if tag == "td":
                self.depth += 1
            if tag == "a":
                self.cell["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "th":
            self.in_row_header = False
        elif tag == "td" and self.cell is not None:
            if self.depth == 0:
                self.cell["text"] = " ".join(self.cell["text"].split())
                self.cell = None
            else:
                self.depth -= 1

    def handle_data(self, data):
        if self.in_row_header:
            self.country += data.strip()
        elif self.cell is not None:
            self.cell["text"] += data


def cells(response) -> dict[tuple[str, str], dict]:
    assert response.status_code == 200
    parser = MatrixCells()
    parser.feed(response.content.decode())
    return parser.cells


def region(html: str) -> str:
    """The swapped region: from its opening tag to the end of the table's wrapper."""
    start = html.index('<div id="matrix-region"')
    end = html.index("</table>", start)
    return html[start:end]


@pytest.fixture
def history(kz, tj):
    """Kazakhstan's legal status: banned (known to the month) until delisted on 29 Dec 2023."""
    banned = StanceChangeFactory(
        country=kz,
        dimension="legal_status",
        value="banned",
        date=D(2005, 3, 1),
        date_precision="month",
        summary="Taliban listed as a terrorist organisation.",
    )
    delisted = StanceChangeFactory(
        country=kz,
        dimension="legal_status",
        value="delisted",
        date=D(2023, 12, 29),
        summary="Taliban removed from the list of banned organisations.",
    )
    restated = StanceChangeFactory(
        country=kz,
        dimension="legal_status",
        value="delisted",
        date=D(2024, 6, 3),
        summary="The delisting confirmed in a new list.",
    )
    CitationFactory(
        contact=None,
        stance_change=delisted,
        article=ArticleFactory(url="https://kt.kz/eng/delisting"),
    )
    CitationFactory(
        contact=None,
        stance_change=delisted,
        article=ArticleFactory(url="https://mgorod.kz/news/delisting"),
    )
    overall = StanceChangeFactory(country=kz, value="+2", date=D(2023, 12, 29))
    visit = ContactFactory(
        country=kz,
        date=D(2023, 4, 1),
        date_precision="month",
        type="visit",
        level_country="deputy_head_of_government",
    )
    visit.topics.set(["railway", "trade"])
    CitationFactory(contact=visit, article=ArticleFactory(url="https://kabulnow.com/visit"))
    agreement = ContactFactory(
        country=kz, date=D(2024, 2, 20), type="agreement", level_country="minister"
    )
    agreement.topics.set(["railway"])
    return {
        "banned": banned,
        "delisted": delisted,
        "restated": restated,
        "overall": overall,
        "visit": visit,
        "agreement": agreement,
    }


def populate(country, n: int) -> None:
    """n published contacts and stance changes for a country, each with topics and a citation."""
    values = ["0", "+1", "+2"]
    for i in range(n):
        date = D(2021, 9, 1) + dt.timedelta(days=20 * i)
        contact = ContactFactory(
            country=country, date=date, type="agreement" if i % 3 == 0 else "meeting"
        )
        contact.topics.set(["trade", "security"] if i % 2 else ["water"])
        CitationFactory(contact=contact)
        change = StanceChangeFactory(country=country, value=values[i % 3], date=date)
        CitationFactory(contact=None, stance_change=change)


# Values on a date


def test_a_value_is_the_one_in_force_on_each_side_of_its_change_date(client, history):
    before = cells(client.get("/matrix/?as_of=2023-12-28"))[("Kazakhstan", "legal_status")]
    assert "banned" in before["text"] and "since Mar 2005" in before["text"]
    assert "1 Mar 2005" not in before["text"]
    assert history["banned"].get_absolute_url() in before["links"]
    assert history["delisted"].get_absolute_url() not in before["links"]

    on_the_day = cells(client.get("/matrix/?as_of=2023-12-29"))[("Kazakhstan", "legal_status")]
    assert "delisted" in on_the_day["text"] and "since 29 Dec 2023" in on_the_day["text"]
    assert on_the_day["links"] == [history["delisted"].get_absolute_url()]


def test_a_restated_value_keeps_its_date_and_links_the_restatement_too(client, history):
    cell = cells(client.get("/matrix/?as_of=2024-06-30"))[("Kazakhstan", "legal_status")]
    assert "since 29 Dec 2023" in cell["text"] and "restated 3 Jun 2024" in cell["text"]
    assert cell["links"] == [
        history["delisted"].get_absolute_url(),
        history["restated"].get_absolute_url(),
    ]


def test_a_dimension_with_no_record_yet_reads_unknown(client, history):
    page = cells(client.get("/matrix/?as_of=2024-06-30"))
    recognition = page[("Kazakhstan", "recognition")]
    assert "unknown" in recognition["text"] and recognition["links"] == []
    tajikistan = page[("Tajikistan", "legal_status")]
    assert "unknown" in tajikistan["text"]
    assert "none recorded" in page[("Tajikistan", "highest_level")]["text"]


def test_every_tracked_country_is_a_row_and_no_untracked_one(client, kz, tj):
    for code, name in [("KG", "Kyrgyzstan"), ("TM", "Turkmenistan"), ("UZ", "Uzbekistan")]:
        CountryFactory(code=code, name_en=name, name_ru=name)
    CountryFactory(code="RU", name_en="Russia", name_ru="Россия", tracked=True)
    CountryFactory(code="CN", name_en="China", name_ru="Китай", tracked=False)
    page = cells(client.get("/matrix/"))
    assert {country for country, _column in page} == {
        "Kazakhstan",
        "Kyrgyzstan",
        "Russia",
        "Tajikistan",
        "Turkmenistan",
        "Uzbekistan",
    }
    assert len(page) == 6 * 9  # five dimensions, four indicators


def test_indicators_link_to_the_contacts_behind_them(client, history):
    page = cells(client.get("/matrix/?as_of=2024-06-30"))
    highest = page[("Kazakhstan", "highest_level")]
    assert "deputy head of government" in highest["text"] and "since Apr 2023" in highest["text"]
    assert highest["links"] == [history["visit"].get_absolute_url()]

    recent = page[("Kazakhstan", "contacts_last_12_months")]
    assert recent["text"].startswith("1 ")  # the agreement; the visit is older than 12 months
    assert "2 Jul 2023 – 30 Jun 2024" in recent["text"]
    assert recent["links"] == ["/countries/kz/?kind=contacts&from=2023-07-02&to=2024-06-30"]

    agreements = page[("Kazakhstan", "agreements_to_date")]
    assert agreements["text"].startswith("1 ") and "latest 20 Feb 2024" in agreements["text"]
    assert agreements["links"] == [
        "/countries/kz/?kind=contacts&type=agreement&to=2024-06-30",
        history["agreement"].get_absolute_url(),
    ]

    topics = page[("Kazakhstan", "top_topics")]
    assert "railway (2)" in topics["text"] and "trade (1)" in topics["text"]
    assert topics["links"][0] == "/countries/kz/?kind=contacts&topic=railway&to=2024-06-30"


def test_without_a_date_the_matrix_is_as_of_today(client, history):
    response = client.get("/matrix/")
    today = timezone.localdate()
    html = response.content.decode()
    assert f'name="as_of" value="{today.isoformat()}"' in html
    assert f"/matrix/?as_of={today.isoformat()}" in html  # the permalink names the date
    assert "delisted" in cells(response)[("Kazakhstan", "legal_status")]["text"]


# Comparing two dates


def test_compare_marks_what_changed_and_says_no_change_otherwise(client, history):
    page = cells(client.get("/matrix/?as_of=2024-06-30&compare=2023-01-01"))
    legal = page[("Kazakhstan", "legal_status")]
    assert "mx-changed" in legal["classes"]
    assert "changed" in legal["text"]
    # Both values, the earlier first, each with its date for screen readers.
    assert re.search(r"On 1 Jan 2023: banned .* On 30 Jun 2024: delisted", legal["text"])
    assert history["banned"].get_absolute_url() in legal["links"]
    assert history["delisted"].get_absolute_url() in legal["links"]

    overall = page[("Kazakhstan", "overall")]
    assert "unknown" in overall["text"] and "de facto normalisation" in overall["text"]
    assert "changed" in overall["text"]

    recognition = page[("Kazakhstan", "recognition")]
    assert "no change" in recognition["text"] and "mx-changed" not in recognition["classes"]
    assert "no change" in page[("Tajikistan", "legal_status")]["text"]


def test_compare_may_be_later_than_as_of_and_still_reads_earlier_to_later(client, history):
    page = cells(client.get("/matrix/?as_of=2023-01-01&compare=2024-06-30"))
    legal = page[("Kazakhstan", "legal_status")]
    assert re.search(r"On 1 Jan 2023: banned .* On 30 Jun 2024: delisted", legal["text"])
    assert "changed" in legal["text"]


def test_a_value_that_changed_and_changed_back_is_not_reported_as_unchanged(client, kz):
    StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, 1))
    StanceChangeFactory(country=kz, value="0", date=D(2023, 1, 1))
    back = StanceChangeFactory(country=kz, value="+1", date=D(2024, 1, 1))
    overall = cells(client.get("/matrix/?as_of=2024-06-30&compare=2022-06-30"))[
        ("Kazakhstan", "overall")
    ]
    assert "same value, set again" in overall["text"]
    assert "since 1 Jan 2022" in overall["text"] and "since 1 Jan 2024" in overall["text"]
    assert back.get_absolute_url() in overall["links"]


def test_the_summary_counts_the_changed_values(client, history):
    html = client.get("/matrix/?as_of=2024-06-30&compare=2023-01-01").content.decode()
    # legal status, overall, highest level, 12-month count, agreements, topics
    assert "From 1 January 2023 to 30 June 2024: 6 values changed." in html


# The date control, with and without htmx


def test_the_date_control_is_a_plain_get_form_enhanced_by_htmx(client, history):
    html = client.get("/matrix/?as_of=2024-06-30&compare=2023-01-01").content.decode()
    form = re.search(r'<form class="mx-dates"[^>]*>', html).group(0)
    assert 'method="get"' in form and 'action="/matrix/"' in form
    assert 'hx-get="/matrix/"' in form and 'hx-target="#matrix-region"' in form
    assert 'hx-push-url="true"' in form
    assert '<input type="date" id="id_as_of" name="as_of" value="2024-06-30"' in html
    assert '<input type="date" id="id_compare" name="compare" value="2023-01-01"' in html
    assert '<button type="submit"' in html
    # The shortcut links are real links as well.
    assert 'href="/matrix/?as_of=2024-06-30" hx-get="/matrix/?as_of=2024-06-30"' in html


def test_an_htmx_request_gets_only_the_matrix_region_the_full_page_renders_the_same(
    client, history
):
    url = "/matrix/?as_of=2024-06-30&compare=2023-01-01"
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    fragment_html = fragment.content.decode()
    assert "<html" not in fragment_html and "<h1" not in fragment_html
    assert 'id="matrix-status"' in fragment_html and 'hx-swap-oob="innerHTML"' in fragment_html
    assert "HX-Request" in fragment["Vary"]
    page_html = client.get(url).content.decode()
    assert "<html" in page_html
    assert region(fragment_html) == region(page_html)


def test_boosted_and_history_restore_requests_get_the_whole_page(client, history):
    boosted = client.get("/matrix/", HTTP_HX_BOOSTED="true", **HTMX)
    assert "<html" in boosted.content.decode()
    restore = client.get("/matrix/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in restore.content.decode()


@pytest.mark.parametrize(
    "as_of",
    [
        "2024-13-45",
        "2024-02-30",
        "<script>alert(1)</script>",
        "30/06/2024",
        "2024-06-30" + "9" * 5000,
        "0001-01-01",
        "9999-12-31",
        "%00",
        "\x002024-06-3x",  # NUL is stripped before the view (ops/middleware.py); the rest fails
    ],
)
def test_a_refused_date_is_explained_and_the_matrix_falls_back_to_today(client, history, as_of):
    response = client.get("/matrix/", {"as_of": as_of, "compare": "2023-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="matrix-date-errors"' in html and "As of:" in html
    assert "Showing today" in html
    assert "<script>alert" not in html
    today = timezone.localdate().isoformat()
    assert f'name="as_of" value="{today}"' in html
    assert 'name="compare" value="2023-01-01"' in html  # the valid date is kept


def test_a_refused_compare_date_drops_the_comparison_and_says_so(client, history):
    response = client.get("/matrix/", {"as_of": "2024-06-30", "compare": "yesterday"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Compare with:" in html and "Showing no comparison." in html
    assert "no change" not in html and 'name="compare" value=""' in html
    assert "delisted" in cells(response)[("Kazakhstan", "legal_status")]["text"]


def test_exports_survive_refused_dates_too(client, history):
    response = client.get("/matrix/", {"as_of": "<script>", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_the_matrix_refuses_methods_that_would_change_something(client, kz):
    assert client.post("/matrix/").status_code == 405


# Exports


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == EXPORT_COLUMNS
    return list(reader)


def test_the_export_columns_are_the_documented_ones():
    assert EXPORT_COLUMNS == [
        "country_code",
        "country_name",
        "kind",
        "code",
        "label",
        "as_of",
        "value",
        "value_label",
        "since",
        "since_precision",
        "record_url",
        "restatement_url",
        "timeline_url",
        "summary",
        "article_urls",
        "compare_date",
        "compare_value",
        "compare_value_label",
        "compare_since",
        "compare_since_precision",
        "compare_record_url",
        "compare_restatement_url",
        "compare_timeline_url",
        "compare_summary",
        "compare_article_urls",
        "comparison",
    ]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    assert documented == set(EXPORT_COLUMNS)


def test_the_csv_has_a_row_per_country_and_column_with_records_and_citations(client, history):
    rows = read_csv(client.get("/matrix/?as_of=2024-06-30&compare=2023-01-01&format=csv"))
    assert len(rows) == 2 * 9
    legal = next(r for r in rows if (r["country_code"], r["code"]) == ("KZ", "legal_status"))
    assert legal["kind"] == "dimension"
    assert (legal["value"], legal["value_label"]) == ("delisted", "delisted")
    assert (legal["since"], legal["since_precision"]) == ("2023-12-29", "day")
    assert legal["record_url"] == f"http://testserver{history['delisted'].get_absolute_url()}"
    assert legal["restatement_url"].endswith(history["restated"].get_absolute_url())
    assert legal["summary"] == "Taliban removed from the list of banned organisations."
    assert legal["article_urls"].split() == [
        "https://kt.kz/eng/delisting",
        "https://mgorod.kz/news/delisting",
    ]
    assert legal["compare_date"] == "2023-01-01"
    assert (legal["compare_value"], legal["compare_since"]) == ("banned", "2005-03-01")
    assert legal["compare_since_precision"] == "month"
    assert legal["compare_record_url"].endswith(history["banned"].get_absolute_url())
    assert legal["comparison"] == "changed"
    highest = next(r for r in rows if (r["country_code"], r["code"]) == ("KZ", "highest_level"))
    assert highest["kind"] == "indicator"
    assert highest["value"] == "deputy_head_of_government"
    assert highest["article_urls"] == "https://kabulnow.com/visit"
    unknown = next(r for r in rows if (r["country_code"], r["code"]) == ("TJ", "recognition"))
    assert (unknown["value"], unknown["value_label"], unknown["since"]) == ("", "unknown", "")
    assert unknown["comparison"] == "unchanged"


def test_the_csv_neutralises_cells_a_spreadsheet_would_run(client, kz):
    StanceChangeFactory(
        country=kz,
        dimension="recognition",
        value="none",
        date=D(2022, 1, 1),
        summary='=HYPERLINK("http://evil.example","click")',
    )
    StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, 1))
    rows = read_csv(client.get("/matrix/?as_of=2024-06-30&format=csv"))
    recognition = next(r for r in rows if r["code"] == "recognition")
    assert recognition["summary"] == '\'=HYPERLINK("http://evil.example","click")'
    overall = next(r for r in rows if r["code"] == "overall")
    assert overall["value"] == "'+1"  # a signed value must not become a formula either
    assert overall["compare_date"] == "" and overall["comparison"] == ""


def test_the_json_export_has_the_same_columns_and_lists_article_urls(client, history):
    response = client.get("/matrix/?as_of=2024-06-30&format=json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    payload = json.loads(response.content)
    assert payload["as_of"] == "2024-06-30" and payload["compare"] is None
    assert payload["columns"] == EXPORT_COLUMNS
    assert all(list(row) == EXPORT_COLUMNS for row in payload["rows"])
    overall = next(
        r for r in payload["rows"] if (r["country_code"], r["code"]) == ("KZ", "overall")
    )
    assert overall["value"] == "+2"  # JSON is not a spreadsheet: no apostrophe
    legal = next(
        r for r in payload["rows"] if (r["country_code"], r["code"]) == ("KZ", "legal_status")
    )
    assert legal["article_urls"] == [
        "https://kt.kz/eng/delisting",
        "https://mgorod.kz/news/delisting",
    ]
    assert legal["compare_article_urls"] == []


def test_the_page_links_its_exports_with_the_same_dates(client, history):
    html = client.get("/matrix/?as_of=2024-06-30&compare=2023-01-01").content.decode()
    assert 'href="/matrix/?as_of=2024-06-30&amp;compare=2023-01-01&amp;format=csv"' in html
    assert 'href="/matrix/?as_of=2024-06-30&amp;compare=2023-01-01&amp;format=json"' in html


# Query counts: fixed, whatever the data size


PAGE_QUERIES = 7  # tracked countries 1 + per date: stances 1, indicators 4, latest agreement 1
COMPARE_QUERIES = 13


@pytest.mark.parametrize(
    ("query", "headers", "expected"),
    [
        ("?as_of=2024-06-30", {}, PAGE_QUERIES),
        ("?as_of=2024-06-30&compare=2022-06-30", {}, COMPARE_QUERIES),
        ("?as_of=2024-06-30", HTMX, PAGE_QUERIES),
        ("?as_of=2024-06-30&compare=2022-06-30", HTMX, COMPARE_QUERIES),
        ("?as_of=2024-06-30&compare=2022-06-30&format=csv", {}, COMPARE_QUERIES + 1),
        ("?as_of=2024-06-30&compare=2022-06-30&format=json", {}, COMPARE_QUERIES + 1),
    ],
)
def test_the_matrix_runs_a_fixed_number_of_queries(
    client, kz, tj, django_assert_num_queries, query, headers, expected
):
    populate(kz, 3)
    populate(tj, 2)
    with django_assert_num_queries(expected):
        assert client.get(f"/matrix/{query}", **headers).status_code == 200
    populate(tj, 30)
    CountryFactory(code="UZ", name_en="Uzbekistan", name_ru="Узбекистан")
    populate(CountryFactory(code="KG", name_en="Kyrgyzstan", name_ru="Кыргызстан"), 15)
    with django_assert_num_queries(expected):
        assert client.get(f"/matrix/{query}", **headers).status_code == 200
