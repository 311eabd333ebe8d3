"""Small presentation helpers for stance values and levels."""

from __future__ import annotations

import datetime as dt

from django import template

from accounts.roles import is_admin, is_editor
from stances.models import Participant
from stances.timeline import participant_role
from stances.vocabulary import Level, TopicCode

register = template.Library()

_OVERALL_CLASSES = {
    "-2": "hostile",
    "-1": "guarded",
    "0": "cautious",
    "+1": "pragmatic",
    "+2": "normalising",
    "+3": "recognising",
}


@register.filter
def overall_class(value: str | None) -> str:
    """A CSS class for an overall stance value ("+2" → "stance-normalising")."""
    return f"stance-{_OVERALL_CLASSES.get(value or '', 'unknown')}"


@register.filter
def level_label(code: str) -> str:
    """The label of a level code ("deputy_minister" → "deputy minister"); "" stays empty."""
    return str(Level(code).label) if code else ""


@register.filter
def topic_label(code: str) -> str:
    return str(TopicCode(code).label)


@register.filter
def role_at(participant: Participant, date: dt.date) -> str:
    """A participant's role as reported, else the post the actor held on `date`."""
    return participant_role(participant, date)


@register.filter
def can_edit(user: object) -> bool:
    """Whether the user may edit records (the editors or admins group)."""
    return is_editor(user)


@register.filter
def can_delete(user: object) -> bool:
    """Whether the user may delete and restore records (the admins group)."""
    return is_admin(user)


@register.filter
def http_url(value: str) -> str:
    """The URL if it is http(s), else "": a stored address is never rendered as a link to
    another scheme (javascript:, data:), whatever path it came in by."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else ""
