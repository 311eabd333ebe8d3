"""The pending-suggestion count in the navigation (editors only)."""

from __future__ import annotations

from django import template

from articles.models import Suggestion

register = template.Library()


@register.simple_tag
def pending_suggestions() -> int:
    """One count query; the template asks only for editors."""
    return Suggestion.objects.filter(state=Suggestion.State.PENDING).count()
