"""History of a record with revert, and the editors' "recent changes" page (issue 4)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import editor_required

from ..history import recent_changes_page, record_history
from ..models import Contact, Record, StanceChange
from ..revert import VersionNotFound, record_revert
from .common import HtmxHttpRequest

KINDS: dict[str, type[Record]] = {"contact": Contact, "stance": StanceChange}


def _history_page(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    record = get_object_or_404(KINDS[kind].objects.select_related("country"), pk=pk)
    context = {
        "record": record,
        "versions": record_history(record),
        "revert_url_name": f"stances:{kind}_revert",
    }
    return render(request, "stances/history.html", context)


def _revert(request: HtmxHttpRequest, kind: str, pk: int, history_id: int) -> HttpResponse:
    record = get_object_or_404(KINDS[kind], pk=pk)
    try:
        record_revert(record=record, history_id=history_id, editor=request.user)
    except VersionNotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Reverted. The revert is recorded as a new version."))
    return HttpResponseRedirect(reverse(f"stances:{kind}_history", kwargs={"pk": pk}))


@require_GET
@editor_required
def contact_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _history_page(request, "contact", pk)


@require_GET
@editor_required
def stance_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _history_page(request, "stance", pk)


@require_POST
@editor_required
def contact_revert(request: HtmxHttpRequest, pk: int, history_id: int) -> HttpResponse:
    return _revert(request, "contact", pk, history_id)


@require_POST
@editor_required
def stance_revert(request: HtmxHttpRequest, pk: int, history_id: int) -> HttpResponse:
    return _revert(request, "stance", pk, history_id)


@require_GET
@editor_required
def recent_changes(request: HtmxHttpRequest) -> HttpResponse:
    page = recent_changes_page(request.GET.get("page"))
    return render(request, "stances/recent_changes.html", {"page": page})
