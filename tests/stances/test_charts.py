"""The stance charts: one country's step line and contact marks, and the home page's small
multiples, checked as geometry and as the SVG a browser gets."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from stances import charts
from tests.factories import (
    ContactFactory,
    CountryFactory,
    StanceChangeFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2025, 1, 1)
SVG = "{http://www.w3.org/2000/svg}"


def svg_elements(html: str, css_class: str) -> list[ET.Element]:
    """Every <svg class="css_class"> of a page, parsed as XML: fails unless well-formed."""
    found = re.findall(rf'<svg class="{css_class}".*?</svg>', html, flags=re.DOTALL)
    return [ET.fromstring(svg) for svg in found]


def render_chart(chart: charts.CountryChart) -> str:
    return render_to_string("stances/_stance_chart.html", {"chart": chart})


def links(svg: ET.Element) -> dict[str, str]:
    """Each mark's href and the text of its <title>."""
    return {a.get("href"): a.find(f"{SVG}title").text for a in svg.iter(f"{SVG}a")}


def step_values(chart) -> list[tuple[str, float, float]]:
    return [(step.value, step.x1, step.x2) for step in chart.steps]


# --- One country's chart --------------------------------------------------------------------


def test_the_step_line_changes_value_exactly_at_each_change_date(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2022, 1, 10))
    StanceChangeFactory(country=kz, value="+1", date=D(2023, 3, 1), date_precision="month")
    StanceChangeFactory(country=kz, value="+2", date=D(2024, 6, 15))
    chart = charts.country_chart(kz, TODAY)
    x = chart.axis.x
    assert step_values(chart) == [
        ("0", x(D(2022, 1, 10)), x(D(2023, 3, 1))),
        ("+1", x(D(2023, 3, 1)), x(D(2024, 6, 15))),
        ("+2", x(D(2024, 6, 15)), x(TODAY)),
    ]
    assert [(r.x, r.y1, r.y2) for r in chart.risers] == [
        (x(D(2023, 3, 1)), chart.steps[0].y, chart.steps[1].y),
        (x(D(2024, 6, 15)), chart.steps[1].y, chart.steps[2].y),
    ]
    # Higher on the scale is higher on the page (smaller y).
    assert chart.steps[0].y > chart.steps[1].y > chart.steps[2].y
    assert [p.label for p in chart.points] == ["10 Jan 2022", "Mar 2023", "15 Jun 2024"]


def test_there_is_no_line_before_the_first_change(kz):
    ContactFactory(country=kz, date=D(2021, 9, 26))
    StanceChangeFactory(country=kz, value="0", date=D(2022, 1, 10))
    chart = charts.country_chart(kz, TODAY)
    assert chart.axis.start == D(2021, 9, 26)  # the first record, a contact
    assert min(step.x1 for step in chart.steps) == chart.axis.x(D(2022, 1, 10))
    assert chart.axis.x(D(2022, 1, 10)) > chart.axis.left


def test_a_restatement_is_a_point_but_does_not_move_the_line(kz):
    StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, 10))
    restated = StanceChangeFactory(country=kz, value="+1", date=D(2023, 5, 5))
    StanceChangeFactory(country=kz, value="+2", date=D(2024, 2, 2))
    chart = charts.country_chart(kz, TODAY)
    assert [step.value for step in chart.steps] == ["+1", "+2"]
    assert chart.steps[0].x2 == chart.axis.x(D(2024, 2, 2))
    assert [(p.change, p.moved) for p in chart.points][1] == (restated, False)
    assert chart.points[1].label == ""  # only moves are labelled
    assert "restated" in chart.points[1].title


def test_two_changes_on_one_date_end_on_the_later_entered_value(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2022, 1, 10))
    StanceChangeFactory(country=kz, value="+1", date=D(2023, 1, 1))
    StanceChangeFactory(country=kz, value="+2", date=D(2023, 1, 1))
    chart = charts.country_chart(kz, TODAY)
    assert [step.value for step in chart.steps] == ["0", "+2"]
    assert chart.steps[1].x1 == chart.axis.x(D(2023, 1, 1))


def test_a_month_precision_contact_is_placed_within_its_month(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2022, 1, 10))
    contact = ContactFactory(country=kz, date=D(2023, 3, 1), date_precision="month")
    chart = charts.country_chart(kz, TODAY)
    (mark,) = chart.contacts
    assert mark.contact == contact
    march, april = chart.axis.x(D(2023, 3, 1)), chart.axis.x(D(2023, 4, 1))
    assert mark.span == (march, april)
    assert march < mark.x < april
    assert mark.title.startswith("Mar 2023 · meeting, minister.")


def test_contacts_are_sized_and_shaded_by_the_level_of_the_country_side(kz):
    ContactFactory(country=kz, date=D(2023, 3, 1), level_country="head_of_state")
    ContactFactory(country=kz, date=D(2024, 3, 1), level_country="official")
    chart = charts.country_chart(kz, TODAY)
    top, low = chart.contacts
    assert (top.rank, low.rank) == (7, 1)
    assert top.r > low.r
    html = render_chart(chart)
    assert 'class="contact level-7"' in html and 'class="contact level-1"' in html


def test_contacts_close_in_time_are_stacked_apart(kz):
    first = ContactFactory(country=kz, date=D(2023, 3, 1))
    second = ContactFactory(country=kz, date=D(2023, 3, 2))
    chart = charts.country_chart(kz, TODAY)
    marks = {mark.contact: mark for mark in chart.contacts}
    assert marks[first].y != marks[second].y
    assert chart.lane_bottom - chart.lane_top == 2 * charts.LANE_ROW


def test_every_mark_links_to_its_record_with_a_title(kz):
    change = StanceChangeFactory(country=kz, value="+1", date=D(2022, 1, 10), summary="Talks.")
    contact = ContactFactory(
        country=kz, date=D(2023, 5, 10), type="visit", location_city="Kabul", summary="Went."
    )
    (svg,) = svg_elements(render_chart(charts.country_chart(kz, TODAY)), "chart-svg")
    assert change.get_absolute_url().startswith(f"/stances/{change.pk}/")
    assert contact.get_absolute_url().startswith(f"/contacts/{contact.pk}/")
    assert links(svg) == {
        change.get_absolute_url(): "10 Jan 2022 · overall stance: pragmatic engagement. Talks.",
        contact.get_absolute_url(): ("10 May 2023 · visit, minister. Went."),
    }


def test_the_svg_is_well_formed_and_labelled_with_a_title_and_a_description(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    StanceChangeFactory(country=kz, value="+2", date=D(2023, 12, 29), summary='"Quotes" & <tags>')
    ContactFactory(country=kz, date=D(2022, 6, 1), summary="Fish & chips <b>")
    html = render_chart(charts.country_chart(kz, TODAY))
    (svg,) = svg_elements(html, "chart-svg")
    assert svg.get("role") == "group"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby") == title.get("id") == "chart-kz-title"
    assert svg.get("aria-describedby") == desc.get("id") == "chart-kz-desc"
    assert desc.text == (
        "Overall stance of Kazakhstan: cautious engagement from 20 Aug 2021; de facto "
        "normalisation from 29 Dec 2023. 1 contact with the Taliban from Aug 2021 to 1 Jan 2025."
    )
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "hostile" in labels and "formal recognition" in labels  # the y axis
    assert {"2021", "2022", "2023", "2024"} <= set(labels)  # the years
    assert "style=" not in html and "<script" not in html


def test_the_same_data_is_a_table_with_dates_per_precision(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    ContactFactory(country=kz, date=D(2023, 3, 1), date_precision="month", summary="A visit.")
    ContactFactory(country=kz, date=D(2022, 1, 1), date_precision="year", summary="Letters.")
    chart = charts.country_chart(kz, TODAY)
    assert [(row.date_label, row.kind) for row in chart.table] == [
        ("20 Aug 2021", "Stance change"),
        ("2022", "Contact"),
        ("Mar 2023", "Contact"),
    ]
    html = render_chart(chart)
    table = html[html.index("<details") :]
    assert "Mar 2023" in table and "1 Mar 2023" not in table
    assert "<td>meeting, minister</td>" in table
    for row in chart.table:
        assert f'href="{row.url}"' in table


def test_drafts_and_other_dimensions_do_not_appear(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    draft_change = StanceChangeFactory(country=kz, value="+3", date=D(2022, 2, 2), status="draft")
    other = StanceChangeFactory(
        country=kz, dimension="legal_status", value="delisted", date=D(2022, 3, 3)
    )
    draft_contact = ContactFactory(country=kz, date=D(2023, 3, 3), status="draft", summary="Secret")
    chart = charts.country_chart(kz, TODAY)
    assert [step.value for step in chart.steps] == ["0"]
    assert chart.contacts == []
    html = render_chart(chart)
    for hidden in (draft_change, other, draft_contact):
        assert hidden.get_absolute_url() not in html
    assert "Secret" not in html


def test_records_after_today_are_left_out(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    StanceChangeFactory(country=kz, value="+1", date=TODAY + dt.timedelta(days=1))
    ContactFactory(country=kz, date=TODAY + dt.timedelta(days=1))
    chart = charts.country_chart(kz, TODAY)
    assert [step.value for step in chart.steps] == ["0"]
    assert chart.steps[0].x2 == chart.axis.x(TODAY) == chart.axis.right
    assert chart.contacts == []


def test_a_country_with_no_records_gets_a_note_instead_of_a_chart(kz):
    chart = charts.country_chart(kz, TODAY)
    assert chart.empty
    html = render_chart(chart)
    assert "<svg" not in html and "nothing to chart" in html


def test_past_the_mark_limit_contacts_become_monthly_bars_linking_to_the_timeline(kz):
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    for day in (3, 4, 5):
        ContactFactory(country=kz, date=D(2023, 3, day), level_country="ambassador")
    ContactFactory(country=kz, date=D(2023, 3, 1), date_precision="month", level_country="")
    ContactFactory(country=kz, date=D(2023, 5, 9), level_country="head_of_state")
    ContactFactory(country=kz, date=D(2023, 1, 1), date_precision="year", level_country="")
    changes = charts.load_overall_changes(["KZ"], TODAY)["KZ"]
    contacts = charts.load_contacts(kz, TODAY, limit=2)
    bins = charts.load_contact_bins(["KZ"], TODAY)["KZ"]
    assert len(contacts) == 3  # one past the limit says "too many"
    chart = charts.build_country_chart(kz, changes, contacts, bins, TODAY, max_marks=2)
    assert chart.contacts == [] and chart.contact_count == 6
    # The year-precision bar spans 2023 and is drawn first, under the months.
    year, march, may = chart.bins
    assert (year.bin.period, year.bin.count, year.bin.rank) == ("year", 1, 0)
    assert (year.x, year.x + year.width) == pytest.approx(
        (chart.axis.x(D(2023, 1, 1)), chart.axis.x(D(2024, 1, 1))), abs=1
    )
    # Day- and month-precision contacts of March share one bar.
    assert (march.bin.count, march.bin.rank, may.bin.count, may.bin.rank) == (4, 2, 1, 7)
    assert march.height > may.height
    assert march.href == "/countries/kz/?from=2023-03-01&to=2023-03-31"
    assert march.title == "Mar 2023: 4 contacts, highest level ambassador"
    (svg,) = svg_elements(render_chart(chart), "chart-svg")
    assert "/countries/kz/?from=2023-05-01&to=2023-05-31" in links(svg)
    assert "/countries/kz/?from=2023-01-01&to=2023-12-31" in links(svg)


def test_the_country_chart_runs_a_fixed_number_of_queries(kz, django_assert_num_queries):
    def populate(n: int) -> None:
        for i in range(n):
            date = D(2022, 1, 1) + dt.timedelta(days=7 * i)
            ContactFactory(country=kz, date=date)
            StanceChangeFactory(country=kz, value="+1" if i % 2 else "0", date=date)

    populate(2)
    with django_assert_num_queries(3):
        render_chart(charts.country_chart(kz, TODAY))
    populate(30)
    with django_assert_num_queries(3):
        render_chart(charts.country_chart(kz, TODAY))


# --- The home page's small multiples --------------------------------------------------------


@pytest.fixture
def three_states(kz, tj):
    uz = CountryFactory(code="UZ", name_en="Uzbekistan", name_ru="Узбекистан")
    CountryFactory(code="RU", name_en="Russia", name_ru="Россия", tracked=False)
    StanceChangeFactory(country=kz, value="0", date=D(2021, 8, 20))
    StanceChangeFactory(country=kz, value="+2", date=D(2023, 12, 29))
    StanceChangeFactory(country=tj, value="-2", date=D(2021, 8, 25))
    StanceChangeFactory(country=tj, value="-1", date=D(2021, 12, 1), date_precision="month")
    ContactFactory(country=uz, date=D(2020, 2, 1), date_precision="month")
    StanceChangeFactory(country=uz, value="+1", date=D(2021, 8, 27))
    StanceChangeFactory(country=uz, value="+2", date=D(2023, 12, 29))
    return kz, tj, uz


def test_home_shows_one_small_chart_per_tracked_state_on_one_time_axis(client, three_states):
    kz, tj, uz = three_states
    html = client.get("/").content.decode()
    svgs = svg_elements(html, "sm-svg")
    assert len(svgs) == 3  # the tracked states, never a hard-wired five; Russia is not tracked
    assert "Russia" not in html
    assert len({svg.get("viewBox") for svg in svgs}) == 1
    for svg, country in zip(svgs, (kz, tj, uz), strict=True):
        assert svg.find(f"{SVG}title").text.startswith(country.name_en)
        assert f'<a class="sm-link" href="{country.get_absolute_url()}">' in html

    # One axis for all: the same date sits at the same x in every chart. It starts at the first
    # record of any state (Uzbekistan's contact of Feb 2020) and ends today.
    def step_x1(svg: ET.Element) -> list[float]:
        return [
            float(line.get("x1")) for line in svg.iter(f"{SVG}line") if "step" in line.get("class")
        ]

    kz_x, tj_x, uz_x = (step_x1(svg) for svg in svgs)
    assert kz_x[1] == uz_x[1]  # both moved to +2 on 29 Dec 2023
    assert (
        min(kz_x + tj_x + uz_x) > charts.SMALL_LEFT
    )  # nobody's line starts before their first change


def test_the_small_multiples_share_the_axis_and_place_months_within_their_month(three_states):
    multiples = charts.small_multiples(list(three_states), D(2025, 1, 1))
    axis = multiples.axis
    assert (axis.start, axis.end) == (D(2020, 2, 1), D(2025, 1, 1))
    uz = multiples.charts[2]
    (bar,) = uz.bins
    assert bar.x >= axis.x(D(2020, 2, 1)) and bar.x + bar.width <= axis.x(D(2020, 3, 1))
    tj = multiples.charts[1]
    assert tj.steps[1].x1 == axis.x(D(2021, 12, 1))
    assert [chart.current.value for chart in multiples.charts] == ["+2", "-1", "+2"]
    assert [chart.contacts_per_year for chart in multiples.charts] == [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0],
    ]


def test_home_charts_are_well_formed_and_the_same_data_is_a_table(client, three_states):
    kz = three_states[0]
    ContactFactory(country=kz, date=D(2022, 5, 5), summary="Trade & <transit>")
    ContactFactory(country=kz, date=D(2022, 6, 1), status="draft")
    html = client.get("/").content.decode()
    svgs = svg_elements(html, "sm-svg") + svg_elements(html, "sm-axis-svg")
    assert len(svgs) == 4
    for svg in svgs[:3]:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    table = html[html.index('<details class="chart-data">') :]
    assert '<span class="chart-sr-only">Contacts in </span>2022</th>' in table
    kz_row = table[table.index("Kazakhstan") : table.index("Tajikistan")]
    # 2020…2026 (today): one published contact in 2022; the draft is not counted.
    assert re.findall(r'<td class="num">(\d+)</td>', kz_row)[:4] == ["0", "0", "1", "0"]
    assert "Dec 2021</time></a>: guarded" in table  # Tajikistan's month-precision move
    assert "style=" not in html


def test_home_writes_coordinates_with_dots_in_russian_too(client, three_states):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    for svg in svg_elements(html, "sm-svg"):
        for line in svg.iter(f"{SVG}line"):
            float(line.get("x1"))
            float(line.get("y1"))


def test_home_has_no_charts_without_tracked_states_or_records(client, db):
    assert "sm-svg" not in client.get("/").content.decode()
    kz = CountryFactory()
    ContactFactory(country=kz, status="draft")
    assert "sm-svg" not in client.get("/").content.decode()
    ContactFactory(country=kz)
    assert "sm-svg" in client.get("/").content.decode()


def test_home_runs_a_fixed_number_of_queries_with_its_charts(
    client, kz, tj, django_assert_num_queries
):
    def populate(country, n: int) -> None:
        for i in range(n):
            date = D(2022, 1, 1) + dt.timedelta(days=11 * i)
            ContactFactory(country=country, date=date, level_country="ambassador")
            StanceChangeFactory(country=country, value="+1" if i % 2 else "0", date=date)

    populate(kz, 2)
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200
    populate(tj, 25)
    with django_assert_num_queries(8):
        assert client.get("/").status_code == 200
