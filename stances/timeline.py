"""A country's timeline: one stream of contacts and stance changes, filtered and paged.

The filters arrive as a GET query string (`?type=visit&topic=railway&from=2023-01-01&to=…`),
parsed by `TimelineFilterForm`; whatever is malformed is reported on the form and ignored, never
an error page. `timeline_page` returns one page of the merged stream in a fixed number of
queries: a UNION of the two filtered tables picks the page's ids, then each table is loaded with
what an item shows prefetched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django import forms
from django.db.models import CharField, Prefetch, Q, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Citation

from .dates import display_date, period_start
from .models import Actor, Contact, Country, Participant, Position, StanceChange, public_q
from .vocabulary import LEVEL_RANK, ContactType, Level, Precision, TopicCode, Verification

PER_PAGE = 40
MAX_PAGE = 10_000
MAX_QUERY_LENGTH = 200


class LevelMatch:
    AT_LEAST = "at_least"
    EXACTLY = "exactly"
    CHOICES = [(AT_LEAST, _("at least")), (EXACTLY, _("exactly"))]


class Order:
    NEWEST = "newest"
    OLDEST = "oldest"
    CHOICES = [(NEWEST, _("newest first")), (OLDEST, _("oldest first"))]


class Kind:
    ALL = ""
    CONTACTS = "contacts"
    STANCES = "stances"
    CHOICES = [
        (ALL, _("contacts and stance changes")),
        (CONTACTS, _("contacts only")),
        (STANCES, _("stance changes only")),
    ]


FIELD_ORDER = [
    "kind",
    "type",
    "topic",
    "level",
    "level_match",
    "actor",
    "verification",
    "from",
    "to",
    "q",
    "order",
    "page",
]


def _with_any(choices: Any, label: str) -> list[tuple[str, str]]:
    return [("", label), *list(choices)]


class TimelineFilterForm(forms.Form):
    """The timeline's query string. Field names are the public URL parameters (domain.md)."""

    kind = forms.ChoiceField(label=_("Show"), choices=Kind.CHOICES, required=False)
    type = forms.ChoiceField(
        label=_("Type"), choices=_with_any(ContactType.choices, _("any type")), required=False
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=_with_any(TopicCode.choices, _("any topic")), required=False
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=_with_any(Level.choices, _("any level")), required=False
    )
    level_match = forms.ChoiceField(
        label=_("Level match"), choices=LevelMatch.CHOICES, required=False
    )
    actor = forms.SlugField(label=_("Actor"), required=False, max_length=120)
    verification = forms.ChoiceField(
        label=_("Verification"),
        choices=_with_any(Verification.choices, _("any")),
        required=False,
    )
    from_ = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    order = forms.ChoiceField(label=_("Order"), choices=Order.CHOICES, required=False)
    page = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, actors: list[Actor] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword: the field is from_ and its parameter `from`.
        self.fields["from"] = self.fields.pop("from_")
        self.order_fields(FIELD_ORDER)
        self.fields["actor"].widget = forms.Select(
            choices=[("", _("any actor"))] + [(a.slug, a.name) for a in (actors or [])]
        )
        for name in ("kind", "type", "topic", "level", "level_match", "verification", "order"):
            self.fields[name].widget.attrs["class"] = "filter-select"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end of the range is before its start."))
            cleaned["to"] = None
        return cleaned

    def filters(self) -> TimelineFilters:
        """The valid part of the query: invalid fields are dropped (and shown as errors)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return TimelineFilters(
            kind=data.get("kind") or Kind.ALL,
            type=data.get("type") or "",
            topic=data.get("topic") or "",
            level=data.get("level") or "",
            level_match=data.get("level_match") or LevelMatch.AT_LEAST,
            actor=data.get("actor") or "",
            verification=data.get("verification") or "",
            start=data.get("from"),
            end=data.get("to"),
            q=data.get("q") or "",
            order=data.get("order") or Order.NEWEST,
            page=data.get("page") or 1,
        )


@dataclass(frozen=True)
class TimelineFilters:
    kind: str = Kind.ALL
    type: str = ""
    topic: str = ""
    level: str = ""
    level_match: str = LevelMatch.AT_LEAST
    actor: str = ""
    verification: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    q: str = ""
    order: str = Order.NEWEST
    page: int = 1

    @property
    def filters_contacts_only(self) -> bool:
        """Filters that only contacts can match: with any of them, stance changes drop out."""
        return bool(self.type or self.topic or self.level or self.actor)

    @property
    def active(self) -> bool:
        return self != TimelineFilters(order=self.order, page=self.page)


def _date_range(filters: TimelineFilters) -> Q:
    """Records whose period overlaps [start, end]: "Mar 2023" overlaps a range from 15 Mar."""
    condition = Q()
    if filters.start:
        condition &= (
            Q(date__gte=filters.start)
            | Q(date_precision=Precision.MONTH, date__gte=period_start(filters.start, "month"))
            | Q(date_precision=Precision.YEAR, date__gte=period_start(filters.start, "year"))
        )
    if filters.end:
        condition &= Q(date__lte=filters.end)
    return condition


def _text(filters: TimelineFilters) -> Q:
    if not filters.q:
        return Q()
    return (
        Q(summary__icontains=filters.q)
        | Q(notes__icontains=filters.q)
        | Q(citations__quote__icontains=filters.q)
    )


def filtered_contacts(country: Country, filters: TimelineFilters) -> QuerySet[Contact]:
    contacts = Contact.objects.published().filter(country=country)
    if filters.kind == Kind.STANCES:
        return contacts.none()
    if filters.type:
        contacts = contacts.filter(type=filters.type)
    if filters.topic:
        contacts = contacts.filter(topics=filters.topic)
    if filters.level:
        if filters.level_match == LevelMatch.EXACTLY:
            contacts = contacts.filter(level_country=filters.level)
        else:
            rank = LEVEL_RANK[filters.level]
            contacts = contacts.filter(
                level_country__in=[code for code, r in LEVEL_RANK.items() if r >= rank]
            )
    if filters.actor:
        contacts = contacts.filter(participants__actor__slug=filters.actor)
    if filters.verification:
        contacts = contacts.filter(verification=filters.verification)
    return contacts.filter(_date_range(filters) & _text(filters))


def filtered_stance_changes(country: Country, filters: TimelineFilters) -> QuerySet[StanceChange]:
    changes = StanceChange.objects.published().filter(country=country)
    if filters.kind == Kind.CONTACTS or filters.filters_contacts_only:
        return changes.none()
    if filters.verification:
        changes = changes.filter(verification=filters.verification)
    return changes.filter(_date_range(filters) & _text(filters))


def contact_prefetches(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """What a timeline item, a record page or an export shows of a contact, in 5 queries."""
    return queryset.select_related("location_country").prefetch_related(
        "topics",
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("actor")
            .prefetch_related("actor__positions")
            .order_by("side", "id"),
        ),
        Prefetch("citations", queryset=Citation.objects.select_related("article__outlet")),
    )


def stance_prefetches(queryset: QuerySet[StanceChange]) -> QuerySet[StanceChange]:
    return queryset.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("article__outlet"))
    )


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # "contact" or "stance_change"
    record: Contact | StanceChange

    @property
    def group(self) -> tuple[int, int | None]:
        """Year and month an item is listed under; a year-precise record only under its year."""
        date, precision = self.record.date, self.record.date_precision
        return (date.year, None if precision == Precision.YEAR else date.month)


@dataclass
class TimelinePage:
    items: list[TimelineItem]
    number: int
    has_next: bool
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def groups(self) -> list[tuple[str, list[TimelineItem]]]:
        """Items under year-and-month headings ("Mar 2023"; "2023" for year-precise records)."""
        grouped = []
        for (year, month), items in groupby(self.items, key=lambda i: i.group):
            label = display_date(dt.date(year, month, 1), Precision.MONTH) if month else str(year)
            grouped.append((label, list(items)))
        return grouped


def timeline_page(
    country: Country, filters: TimelineFilters, *, per_page: int = PER_PAGE
) -> TimelinePage:
    """One page of the merged stream: 1 query for the count, 1 for the page's ids, then the
    page's contacts (5 queries with what they show) and stance changes (2)."""
    contacts = filtered_contacts(country, filters)
    changes = filtered_stance_changes(country, filters)
    kind = Value("contact", output_field=CharField())
    stance_kind = Value("stance_change", output_field=CharField())
    # Model orderings are cleared: a compound statement's parts may not be ordered.
    stream = (
        contacts.order_by()
        .annotate(kind=kind)
        .values("kind", "id", "date")
        .union(changes.order_by().annotate(kind=stance_kind).values("kind", "id", "date"))
    )
    newest = filters.order != Order.OLDEST
    ordering = ("-date", "-id") if newest else ("date", "id")
    total = stream.count()
    offset = (filters.page - 1) * per_page
    rows = list(stream.order_by(*ordering)[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]

    contact_ids = [row["id"] for row in rows if row["kind"] == "contact"]
    change_ids = [row["id"] for row in rows if row["kind"] == "stance_change"]
    loaded_contacts = contact_prefetches(Contact.objects.filter(pk__in=contact_ids)).in_bulk()
    loaded_changes = stance_prefetches(StanceChange.objects.filter(pk__in=change_ids)).in_bulk()
    items = [
        TimelineItem(row["kind"], loaded_contacts[row["id"]])
        if row["kind"] == "contact"
        else TimelineItem(row["kind"], loaded_changes[row["id"]])
        for row in rows
    ]
    return TimelinePage(items=items, number=filters.page, has_next=has_next, total=total)


def timeline_actors(country: Country) -> list[Actor]:
    """Actors who took part in the country's published contacts (the actor filter's options)."""
    return list(
        Actor.objects.filter(
            public_q("participations__contact__"), participations__contact__country=country
        )
        .distinct()
        .order_by("taliban", "name")
    )


def participant_role(participant: Participant, date: dt.date) -> str:
    """The role as reported for the event, else the post the actor held on that date."""
    if participant.role:
        return participant.role
    position = participant.actor.position_on(date)
    return position.title if position else ""


# Export columns: a public interface (docs/data-out.md). Add columns at the end; never rename.
EXPORT_COLUMNS = [
    "record_type",
    "id",
    "url",
    "country",
    "date",
    "date_precision",
    "date_display",
    "contact_type",
    "direction",
    "location_city",
    "location_country",
    "level_country",
    "level_taliban",
    "dimension",
    "value",
    "value_label",
    "topics",
    "participants",
    "summary",
    "verification",
    "notes",
    "citation_count",
    "citation_urls",
    "citation_outlets",
    "citation_dates",
    "citation_quotes",
]
MULTI_SEPARATOR = " | "


def _citations_by_record(link: str, ids: QuerySet) -> dict[int, list[dict[str, Any]]]:
    """Citations of every exported record of one kind, in the order they were added."""
    article_url = reverse("articles:article", kwargs={"pk": 0})[:-2]  # "/articles/"
    rows = (
        Citation.objects.filter(**{f"{link}__in": ids})
        .order_by("id")
        .values_list(
            f"{link}_id",
            "quote",
            "article_id",
            "article__url",
            "article__outlet__name",
            "article__published_date",
            "article__language",
            "article__title",
        )
    )
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for record_id, quote, article_id, url, outlet, published, language, title in rows:
        out[record_id].append(
            {
                "url": url,
                "article": f"{article_url}{article_id}/",
                "outlet": outlet or "",
                "published": published,
                "language": language,
                "title": title,
                "quote": quote,
            }
        )
    return out


def _participants_by_contact(ids: QuerySet, dates: dict[int, dt.date]) -> dict[int, list]:
    """Participants of every exported contact (as the contact page orders them), each with the
    role as reported or else the position the actor held on the contact's date."""
    rows = list(
        Participant.objects.filter(contact__in=ids)
        .order_by("side", "id")
        .values_list("contact_id", "actor_id", "side", "role", "actor__name", "actor__slug")
    )
    positions: dict[int, list[Position]] = defaultdict(list)
    if any(not role for _c, _a, _s, role, _n, _sl in rows):
        actors = Participant.objects.filter(contact__in=ids, role="").values("actor_id")
        for position in Position.objects.filter(actor__in=actors):
            positions[position.actor_id].append(position)
    out: dict[int, list[dict[str, str]]] = defaultdict(list)
    for contact_id, actor_id, side, role, name, slug in rows:
        if not role:
            date = dates[contact_id]
            held = [p for p in positions.get(actor_id, []) if p.held_on(date)]
            best = max(held, key=lambda p: (p.rank, p.start or dt.date.min), default=None)
            role = best.title if best else ""
        out[contact_id].append({"actor": name, "actor_slug": slug, "side": side, "role": role})
    return out


def export_records(
    country: Country, filters: TimelineFilters, *, base_url: str
) -> list[dict[str, Any]]:
    """Every record the filters match (not only one page), as JSON-ready dicts, in the
    timeline's order. A fixed number of flat queries whatever the number of records: related
    rows are selected by subquery and read as tuples, not as model instances (an export of a
    few thousand records would otherwise spend most of its time building objects)."""
    contact_ids = filtered_contacts(country, filters).values("pk")
    change_ids = filtered_stance_changes(country, filters).values("pk")
    contacts = list(
        Contact.objects.filter(pk__in=contact_ids).only(
            "id",
            "country_id",
            "date",
            "date_precision",
            "summary",
            "verification",
            "notes",
            "type",
            "direction",
            "location_city",
            "location_country_id",
            "level_country",
            "level_taliban",
        )
    )
    changes = list(
        StanceChange.objects.filter(pk__in=change_ids).only(
            "id",
            "country_id",
            "date",
            "date_precision",
            "summary",
            "verification",
            "notes",
            "dimension",
            "value",
        )
    )
    topics: dict[int, list[str]] = defaultdict(list)
    for contact_id, code in (
        Contact.topics.through.objects.filter(contact__in=contact_ids)
        .order_by("topic_id")
        .values_list("contact_id", "topic_id")
    ):
        topics[contact_id].append(code)
    participants = _participants_by_contact(contact_ids, {c.pk: c.date for c in contacts})
    contact_citations = _citations_by_record("contact", contact_ids)
    change_citations = _citations_by_record("stance_change", change_ids)

    records: list[Contact | StanceChange] = [*contacts, *changes]
    newest = filters.order != Order.OLDEST
    records.sort(key=lambda r: (r.date, r.pk), reverse=newest)
    out = []
    for record in records:
        is_contact = isinstance(record, Contact)
        common = {
            "id": record.pk,
            "url": base_url + record.get_absolute_url(),
            "country": record.country_id,
            "date": record.date,
            "date_precision": record.date_precision,
            "date_display": record.display_date,
            "summary": record.summary,
            "verification": record.verification,
            "notes": record.notes,
            "citations": (contact_citations if is_contact else change_citations).get(record.pk, []),
        }
        if is_contact:
            out.append(
                {
                    "record_type": "contact",
                    **common,
                    "contact_type": record.type,
                    "direction": record.direction,
                    "location_city": record.location_city,
                    "location_country": record.location_country_id or "",
                    "level_country": record.level_country,
                    "level_taliban": record.level_taliban,
                    "topics": topics.get(record.pk, []),
                    "participants": participants.get(record.pk, []),
                }
            )
        else:
            out.append(
                {
                    "record_type": "stance_change",
                    **common,
                    "dimension": record.dimension,
                    "value": record.value,
                    "value_label": record.value_label,
                }
            )
    return out


def export_csv_row(record: dict[str, Any]) -> dict[str, Any]:
    """A JSON export record flattened to the CSV columns (lists joined with " | ")."""
    citations = record["citations"]
    row = {column: record.get(column, "") for column in EXPORT_COLUMNS}
    row["topics"] = MULTI_SEPARATOR.join(record.get("topics", []))
    row["participants"] = MULTI_SEPARATOR.join(
        f"{p['actor']} ({p['side']}{', ' + p['role'] if p['role'] else ''})"
        for p in record.get("participants", [])
    )
    row["citation_count"] = len(citations)
    for column, key in (
        ("citation_urls", "url"),
        ("citation_outlets", "outlet"),
        ("citation_dates", "published"),
        ("citation_quotes", "quote"),
    ):
        row[column] = MULTI_SEPARATOR.join(
            (value.isoformat() if isinstance(value, dt.date) else str(value or ""))
            for value in (c[key] for c in citations)
        )
    return row
