"""The record permalinks of domain.md: contact, stance change, actor.

Each page runs a fixed number of queries whatever the number of participants, citations or
contacts (tests/stances/test_records.py pins the counts). A request for a record at a wrong or
old slug is answered with a permanent redirect to its canonical URL, which is also what the
page's Open Graph tags and "copy link" button carry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from ..dates import display_date
from ..models import Actor, Contact, Participant, Position, StanceChange, public_q
from ..pagecache import cache_public_page
from ..text import one_line
from ..vocabulary import Side, Verification
from .common import HtmxHttpRequest, citations_prefetch, get_visible_record_or_404


@dataclass(frozen=True)
class ParticipantRow:
    """A participant as the contact page shows them: the role is the one held on that date."""

    participant: Participant
    role: str
    # True when the role comes from the actor's recorded positions, not from the report.
    role_from_positions: bool


def role_on(participant: Participant, date: dt.date) -> tuple[str, bool]:
    """The participant's role on a date: as reported, else the position the actor then held."""
    if participant.role:
        return participant.role, False
    position = participant.actor.position_on(date)
    return (position.title, True) if position else ("", False)


@require_GET
@cache_public_page
def contact_detail(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:
    # Five queries: the contact with its countries, topics, citations (article and outlet),
    # participants (actor) and the participants' positions.
    queryset = Contact.objects.select_related("country", "location_country").prefetch_related(
        "topics",
        citations_prefetch(),
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("actor")
            .prefetch_related("actor__positions")
            .order_by("side", "id"),
        ),
    )
    contact = get_visible_record_or_404(request, queryset, pk)
    if slug != contact.slug:
        return HttpResponsePermanentRedirect(contact.get_absolute_url())
    derived = contact.derived_levels()
    rows = [ParticipantRow(p, *role_on(p, contact.date)) for p in contact.participants.all()]
    context = {
        "contact": contact,
        "level_country": contact.level_country or derived.get(Side.COUNTRY, ""),
        "level_taliban": contact.level_taliban or derived.get(Side.TALIBAN, ""),
        "sides": [
            (contact.country.name_en, [r for r in rows if r.participant.side == Side.COUNTRY]),
            (_("Taliban"), [r for r in rows if r.participant.side == Side.TALIBAN]),
        ],
        "disputed": contact.verification == Verification.DISPUTED,
        "canonical_url": request.build_absolute_uri(contact.get_absolute_url()),
        "og_description": one_line(contact.summary),
    }
    return render(request, "stances/contact_detail.html", context)


@require_GET
@cache_public_page
def stance_detail(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:
    # Three queries: the change with its country, its citations, and the previous record.
    queryset = StanceChange.objects.select_related("country").prefetch_related(citations_prefetch())
    change = get_visible_record_or_404(request, queryset, pk)
    url = change.get_absolute_url()
    if slug != change.slug:
        return HttpResponsePermanentRedirect(url)
    # What it changed from: the latest published record on this dimension before this one, in
    # the order stances_as_of reads them (date, then the order records were entered).
    previous = (
        StanceChange.objects.published()
        .filter(country=change.country_id, dimension=change.dimension)
        .filter(Q(date__lt=change.date) | Q(date=change.date, pk__lt=change.pk))
        .order_by("-date", "-id")
        .first()
    )
    context = {
        "change": change,
        "previous": previous,
        "previous_url": previous.get_absolute_url() if previous else "",
        "restates": previous is not None and previous.value == change.value,
        "disputed": change.verification == Verification.DISPUTED,
        "canonical_url": request.build_absolute_uri(url),
        "og_description": one_line(change.summary),
    }
    return render(request, "stances/stance_detail.html", context)


@dataclass(frozen=True)
class PositionRow:
    position: Position
    start: str
    end: str


@dataclass(frozen=True)
class ActorContactRow:
    contact: Contact
    role: str


def position_rows(actor: Actor) -> list[PositionRow]:
    """The actor's positions in chronological order (unknown starts first), dates per precision."""
    positions = sorted(
        actor.positions.all(), key=lambda p: (p.start or dt.date.min, p.end or dt.date.max, p.pk)
    )
    return [
        PositionRow(
            position=p,
            start=display_date(p.start, p.start_precision) if p.start else "",
            end=display_date(p.end, p.end_precision) if p.end else "",
        )
        for p in positions
    ]


def get_actor_or_redirect(slug: str) -> Actor | HttpResponsePermanentRedirect:
    """The actor at a slug; an old slug (from the actor's history) redirects to the current one."""
    queryset = Actor.objects.select_related("country").prefetch_related("aliases", "positions")
    actor = queryset.filter(slug=slug).first()
    if actor is not None:
        return actor
    former = Actor.history.filter(slug=slug).order_by("-history_date").values_list("id", flat=True)
    current = Actor.objects.filter(pk__in=former[:1]).first()
    if current is None:
        raise Http404
    return HttpResponsePermanentRedirect(current.get_absolute_url())


ACTOR_CONTACTS_PER_PAGE = 50


@require_GET
@cache_public_page
def actor_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # Five queries: the actor with its country, aliases, positions, the number of its published
    # contacts and one page of them (newest first, 50 a page: some actors have hundreds).
    actor = get_actor_or_redirect(slug)
    if isinstance(actor, HttpResponse):
        return actor
    participations = (
        Participant.objects.filter(public_q("contact__"), actor=actor)
        .select_related("contact__country", "contact__location_country")
        .order_by("-contact__date", "-contact__id")
    )
    page = Paginator(participations, ACTOR_CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    contacts = []
    for participation in page:
        # The actor is the one already loaded, with its positions: no query per contact.
        participation.actor = actor
        role, _from_positions = role_on(participation, participation.contact.date)
        contacts.append(ActorContactRow(contact=participation.contact, role=role))
    positions = position_rows(actor)
    current = actor.position_on(timezone.localdate())
    context = {
        "actor": actor,
        "aliases": [alias for alias in actor.aliases.all() if alias.name != actor.name],
        "positions": positions,
        "contacts": contacts,
        "page": page,
        "canonical_url": request.build_absolute_uri(actor.get_absolute_url()),
        "og_description": actor_summary(actor, current, page.paginator.count),
    }
    return render(request, "stances/actor_detail.html", context)


def actor_summary(actor: Actor, current: Position | None, contacts: int) -> str:
    """One line for link previews: side, current position, number of published contacts."""
    parts = [actor.side_label, current.title if current else ""]
    count = ngettext("%(n)d published contact", "%(n)d published contacts", contacts) % {
        "n": contacts
    }
    return one_line(" · ".join([part for part in parts if part] + [count]))
