"""Editor forms for contacts and stance changes (issue 4): create, edit with optimistic
concurrency and a merge page, per-field checks for htmx, publish/unpublish, delete/restore.

Every page works as a plain form post; htmx only adds the per-field check and the citation
progress. A POST whose forms are invalid answers 422 with the whole form re-rendered and
everything typed kept; a save over a newer version answers 409 with the conflict page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import admin_required, editor_required
from articles.canonical import InvalidURL
from articles.models import Article, Citation
from articles.queueing import QUEUE_DOWN, take_failures
from articles.review import (
    AlreadyDecided,
    pending_suggestion,
    suggestion_accept,
    suggestion_initial,
)
from articles.services import article_fetch_enqueue, article_register

from ..editing import (
    CitationInput,
    ParticipantInput,
    VersionConflict,
    contact_save,
    record_delete,
    record_restore,
    record_set_status,
    stance_change_save,
)
from ..forms import (
    ContactCitationFormSet,
    ContactForm,
    ContactParticipantFormSet,
    StanceChangeForm,
    StanceCitationFormSet,
    check_publishable,
    check_sides,
)
from ..merge import SETS, conflict_rows, merged_post
from ..models import Actor, Contact, Participant, Record, StanceChange
from ..selectors import actor_suggestions
from ..vocabulary import Status
from .common import HtmxHttpRequest

KINDS: dict[str, type[Record]] = {"contact": Contact, "stance": StanceChange}


def actors_by_id() -> dict[int, Actor]:
    return {a.pk: a for a in Actor.objects.select_related("country").order_by("name")}


def citations_queryset() -> Any:
    return Citation.objects.select_related("article__outlet").order_by("id")


def attach_articles(citations: Any) -> None:
    """Give each citation row the article it shows (one query for all rows)."""
    ids: dict[Any, int] = {}
    for form in citations.forms:
        value = form["article"].value()
        if value not in (None, ""):
            try:
                ids[form] = int(value)
            except (TypeError, ValueError):
                continue
    found = Article.objects.select_related("outlet").in_bulk(set(ids.values()))
    for form in citations.forms:
        form.article_obj = found.get(ids.get(form, 0))


def _initial_from_query(request: HtmxHttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    """Prefill from links such as the country page's "log a contact" (?country=kz)."""
    initial = {name: request.GET[name] for name in names if request.GET.get(name)}
    if "country" in initial:
        initial["country"] = initial["country"].upper()
    return initial


def _citation_inputs(citations: Any) -> list[CitationInput]:
    return [
        CitationInput(article=f.cleaned_data["article"], quote=f.cleaned_data.get("quote", ""))
        for f in citations.kept_forms()
    ]


def _enqueue_fetches(request: HtmxHttpRequest, inputs: list[CitationInput]) -> None:
    for item in inputs:
        article_fetch_enqueue(article=item.article)
    if take_failures():
        messages.warning(request, QUEUE_DOWN)


def _suggestion_param(request: HtmxHttpRequest) -> str:
    value = request.POST.get("suggestion") or request.GET.get("suggestion") or ""
    return value if value.isdigit() else ""


def _accept_suggestion(request: HtmxHttpRequest, before: Record | None, saved: Record) -> None:
    """A new record saved from a suggestion's pre-filled form accepts that suggestion."""
    if before is not None:
        return
    suggestion = pending_suggestion(request.POST.get("suggestion"))
    if suggestion is None:
        if request.POST.get("suggestion"):
            messages.warning(request, _("The suggestion had already been decided by someone else."))
        return
    try:
        suggestion_accept(suggestion=suggestion, editor=request.user, record=saved)
    except AlreadyDecided:
        messages.warning(request, _("The suggestion had already been decided by someone else."))
    else:
        messages.info(request, _("Suggestion accepted."))


def _record_fields(form: Any) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name in form.Meta.fields
        if name != "topics" and name in form.cleaned_data
    }


# Contacts ---------------------------------------------------------------------------------------


def _suggested(request: HtmxHttpRequest, record: Record | None) -> dict[str, Any] | None:
    """The initial values of a new record accepted from a review-queue suggestion."""
    if record is not None or request.method != "GET" or "suggestion" not in request.GET:
        return None
    suggestion = pending_suggestion(request.GET["suggestion"])
    return suggestion_initial(suggestion) if suggestion else None


def _with_rows(formset: Any, rows: list[dict[str, Any]]) -> Any:
    """An unbound formset starting with `rows` (its extra forms sized to hold them)."""
    if rows:
        formset.initial_extra = rows
        formset.extra = len(rows)
    return formset


def _contact_forms(request: HtmxHttpRequest, contact: Contact | None, data: QueryDict | None):
    actors = actors_by_id()
    instance = contact or Contact()
    suggested = _suggested(request, contact) if data is None else None
    initial = None if contact else _initial_from_query(request, ("country",))
    if suggested:
        initial = suggested["form"]
    form = ContactForm(data, instance=contact, initial=initial)
    participants = ContactParticipantFormSet(
        data,
        instance=instance,
        prefix="participants",
        form_kwargs={"actors": actors},
        queryset=Participant.objects.order_by("side", "id"),
    )
    citations = ContactCitationFormSet(
        data, instance=instance, prefix="citations", queryset=citations_queryset()
    )
    if suggested:
        _with_rows(participants, suggested["participants"])
        _with_rows(citations, suggested["citations"])
    return form, participants, citations


def _contact_valid(form: ContactForm, participants: Any, citations: Any) -> bool:
    valid = form.is_valid() & participants.is_valid() & citations.is_valid()
    if form.is_valid() and participants.is_valid():
        check_sides(form, participants)
    if form.is_valid() and citations.is_valid():
        check_publishable(form, citations)
    return valid and form.is_valid()


def _render_contact_form(
    request: HtmxHttpRequest,
    contact: Contact | None,
    forms: tuple,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    form, participants, citations = forms
    attach_articles(citations)
    context = {
        "contact": contact,
        "form": form,
        "participants": participants,
        "citations": citations,
        "conflict": conflict,
        "suggestion_id": _suggestion_param(request),
    }
    return render(request, "stances/contact_form.html", context, status=status)


def with_added_row(request: HtmxHttpRequest) -> QueryDict | None:
    """The posted data with one more row in the formset whose "Add" button was pressed (the
    no-JavaScript way to add a row), or None when the form was submitted to be saved."""
    name = request.POST.get("add")
    if name not in SETS:
        return None
    data = request.POST.copy()
    key = f"{name}-TOTAL_FORMS"
    try:
        data[key] = str(min(int(data.get(key) or 0), 50) + 1)
    except ValueError:
        data[key] = "1"
    return data


def _contact_submit(request: HtmxHttpRequest, contact: Contact | None) -> HttpResponse:
    if (added := with_added_row(request)) is not None:
        return _render_contact_form(request, contact, _contact_forms(request, contact, added))
    data = merged_post(request, contact, _contact_forms) if contact else request.POST
    forms = _contact_forms(request, contact, data)
    form, participants, citations = forms
    if not _contact_valid(*forms):
        return _render_contact_form(request, contact, forms, status=422)
    inputs = _citation_inputs(citations)
    try:
        saved = contact_save(
            contact=contact,
            fields=_record_fields(form),
            topics=form.cleaned_data["topics"],
            participants=[
                ParticipantInput(
                    side=f.cleaned_data["side"],
                    actor=f.cleaned_data.get("actor"),
                    new_actor_name=f.cleaned_data.get("new_actor_name", "").strip(),
                    role=f.cleaned_data.get("role", ""),
                    level=f.cleaned_data.get("level", ""),
                )
                for f in participants.kept_forms()
            ],
            citations=inputs,
            editor=request.user,
            expected_version=form.opened_version,
        )
    except VersionConflict as exc:
        return _contact_conflict(request, contact, forms, exc.current)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_contact_form(request, contact, forms, status=422)
    _enqueue_fetches(request, inputs)
    messages.success(
        request,
        _("Contact saved (version %(version)s).") % {"version": saved.version},
    )
    _accept_suggestion(request, contact, saved)
    return HttpResponseRedirect(saved.get_absolute_url())


def _contact_conflict(
    request: HtmxHttpRequest, contact: Contact, forms: tuple, current: Contact
) -> HttpResponse:
    form, participants, citations = forms
    conflict = conflict_rows(form, participants, citations, current)
    # The editor's input, now based on the current version, so the next save can go through.
    data = request.POST.copy()
    data["version"] = str(current.version)
    rebound = _contact_forms(request, current, data)
    for f in rebound:
        f.is_valid()
    return _render_contact_form(request, current, rebound, status=409, conflict=conflict)


@require_http_methods(["GET", "POST"])
@editor_required
def contact_new(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _contact_submit(request, None)
    return _render_contact_form(request, None, _contact_forms(request, None, None))


@require_http_methods(["GET", "POST"])
@editor_required
def contact_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        Contact.objects.select_related("country").prefetch_related(
            Prefetch("topics"), Prefetch("citations", queryset=citations_queryset())
        ),
        pk=pk,
    )
    if request.method == "POST":
        return _contact_submit(request, contact)
    return _render_contact_form(request, contact, _contact_forms(request, contact, None))


# Stance changes ---------------------------------------------------------------------------------


def _stance_forms(request: HtmxHttpRequest, change: StanceChange | None, data: QueryDict | None):
    suggested = _suggested(request, change) if data is None else None
    initial = None if change else _initial_from_query(request, ("country", "dimension"))
    if suggested:
        initial = suggested["form"]
    form = StanceChangeForm(data, instance=change, initial=initial)
    citations = StanceCitationFormSet(
        data, instance=change or StanceChange(), prefix="citations", queryset=citations_queryset()
    )
    if suggested:
        _with_rows(citations, suggested["citations"])
    return form, citations


def _render_stance_form(
    request: HtmxHttpRequest,
    change: StanceChange | None,
    forms: tuple,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
) -> HttpResponse:
    form, citations = forms
    attach_articles(citations)
    context = {
        "change": change,
        "form": form,
        "citations": citations,
        "conflict": conflict,
        "suggestion_id": _suggestion_param(request),
    }
    return render(request, "stances/stance_form.html", context, status=status)


def _stance_submit(request: HtmxHttpRequest, change: StanceChange | None) -> HttpResponse:
    if (added := with_added_row(request)) is not None:
        return _render_stance_form(request, change, _stance_forms(request, change, added))
    data = merged_post(request, change, _stance_forms) if change else request.POST
    forms = _stance_forms(request, change, data)
    form, citations = forms
    valid = form.is_valid() & citations.is_valid()
    if valid:
        check_publishable(form, citations)
    if not (valid and form.is_valid()):
        return _render_stance_form(request, change, forms, status=422)
    inputs = _citation_inputs(citations)
    try:
        saved = stance_change_save(
            change=change,
            fields=_record_fields(form),
            citations=inputs,
            editor=request.user,
            expected_version=form.opened_version,
        )
    except VersionConflict as exc:
        conflict = conflict_rows(form, None, citations, exc.current)
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        rebound = _stance_forms(request, exc.current, data)
        for f in rebound:
            f.is_valid()
        return _render_stance_form(request, exc.current, rebound, status=409, conflict=conflict)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_stance_form(request, change, forms, status=422)
    _enqueue_fetches(request, inputs)
    messages.success(
        request, _("Stance change saved (version %(version)s).") % {"version": saved.version}
    )
    _accept_suggestion(request, change, saved)
    return HttpResponseRedirect(saved.get_absolute_url())


@require_http_methods(["GET", "POST"])
@editor_required
def stance_new(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _stance_submit(request, None)
    return _render_stance_form(request, None, _stance_forms(request, None, None))


@require_http_methods(["GET", "POST"])
@editor_required
def stance_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(StanceChange.objects.select_related("country"), pk=pk)
    if request.method == "POST":
        return _stance_submit(request, change)
    return _render_stance_form(request, change, _stance_forms(request, change, None))


# Per-field check (htmx) -------------------------------------------------------------------------


def _field_errors(request: HtmxHttpRequest, form_class: type) -> HttpResponse:
    """One field's errors from the same form class the full submit uses."""
    form = form_class(request.POST)
    name = request.GET.get("field", "")
    if name not in form.fields:
        raise Http404
    form.is_valid()
    return render(request, "stances/_field_errors.html", {"field": form[name]})


@require_POST
@editor_required
def contact_field_check(request: HtmxHttpRequest) -> HttpResponse:
    return _field_errors(request, ContactForm)


@require_POST
@editor_required
def stance_field_check(request: HtmxHttpRequest) -> HttpResponse:
    return _field_errors(request, StanceChangeForm)


# Publish, unpublish, delete, restore ------------------------------------------------------------


def _status_action(request: HtmxHttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    record = get_object_or_404(KINDS[kind], pk=pk)
    try:
        if action == "publish":
            record = record_set_status(record=record, status=Status.PUBLISHED, editor=request.user)
            messages.success(request, _("Published."))
        elif action == "unpublish":
            record = record_set_status(record=record, status=Status.DRAFT, editor=request.user)
            messages.success(request, _("Unpublished: now a draft, hidden from the public."))
        elif action == "delete":
            record = record_delete(record=record, editor=request.user)
            messages.success(
                request, _("Deleted: hidden from every public page. An admin can restore it.")
            )
        else:
            record = record_restore(record=record, editor=request.user)
            messages.success(request, _("Restored."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(record.get_absolute_url())


def _make_action(kind: str, action: str, role: Any):
    @require_POST
    @role
    def view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
        return _status_action(request, kind, pk, action)

    view.__name__ = f"{kind}_{action}"
    view.__doc__ = f"POST: {action} the {kind} (role: {role.__doc__})"
    return view


contact_publish = _make_action("contact", "publish", editor_required)
contact_unpublish = _make_action("contact", "unpublish", editor_required)
contact_delete = _make_action("contact", "delete", admin_required)
contact_restore = _make_action("contact", "restore", admin_required)
stance_publish = _make_action("stance", "publish", editor_required)
stance_unpublish = _make_action("stance", "unpublish", editor_required)
stance_delete = _make_action("stance", "delete", admin_required)
stance_restore = _make_action("stance", "restore", admin_required)


# Autocomplete and the citation row --------------------------------------------------------------


@require_GET
@editor_required
def actor_suggest(request: HtmxHttpRequest) -> HttpResponse:
    """Actors whose name or any alias matches `q` (any script, inflection-tolerant), as JSON."""
    return JsonResponse({"results": actor_suggestions(request.GET.get("q", ""))})


@require_POST
@editor_required
def citation_article(request: HtmxHttpRequest) -> HttpResponse:
    """A pasted URL becomes an article (created or reused) whose metadata is fetched in the
    background; the answer is the citation row's article slot, polling until the fetch ends."""
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith("citations-") or not prefix[len("citations-") :].isdigit():
        raise Http404
    url = request.POST.get(f"{prefix}-url", "").strip()
    context: dict[str, Any] = {"prefix": prefix, "article": None, "error": ""}
    if url:
        try:
            article = article_register(url=url)
        except InvalidURL as exc:
            context["error"] = str(exc)
        else:
            article_fetch_enqueue(article=article)
            context["article"] = article
            context["queue_down"] = take_failures() > 0
    return render(request, "stances/_citation_article.html", context)
