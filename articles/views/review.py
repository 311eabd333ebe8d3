"""The review queue and the ingest page (issue 6), for editors.

The queue lists pending suggestions newest first, each with its article, an excerpt around the
supporting sentence (highlighted) and the three decisions: accept (the contact or stance form,
pre-filled), merge into the matching contact, reject with a reason. The ingest page takes a URL
or pasted text into the pipeline and shows it move through the stages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import editor_required
from stances.models import Country
from stances.vocabulary import ContactType, Dimension, dimension_value_label

from ..canonical import InvalidURL
from ..models import Article, Suggestion, SuggestionSource
from ..queueing import QUEUE_DOWN, take_failures
from ..review import AlreadyDecided, suggestion_merge, suggestion_reject
from ..services import article_ingest_text, article_ingest_url

PER_PAGE = 20
EXCERPT_CHARS = 280
FINAL_STATES = {
    Article.State.DUPLICATE,
    Article.State.IRRELEVANT,
    Article.State.ANALYSED,
    Article.State.FAILED,
}


@dataclass(frozen=True)
class Excerpt:
    """The article text around the supporting sentence, split so the template can mark it."""

    before: str
    evidence: str
    after: str
    found: bool


def excerpt(text: str, evidence: str, width: int = EXCERPT_CHARS) -> Excerpt:
    """The passage of `text` around `evidence` (whole words, ellipses where cut)."""
    at = text.find(evidence) if evidence else -1
    if at < 0:
        return Excerpt("", evidence, "", False)
    start = max(0, at - width)
    end = min(len(text), at + len(evidence) + width)
    before = text[start:at]
    after = text[at + len(evidence) : end]
    if start > 0:
        before = "…" + before[before.find(" ") + 1 :] if " " in before else "…" + before
    if end < len(text):
        after = (after[: after.rfind(" ")] if " " in after else after) + "…"
    return Excerpt(before, evidence, after, True)


@dataclass(frozen=True)
class QueueItem:
    suggestion: Suggestion
    what: str
    excerpt: Excerpt
    sources: list[SuggestionSource]


def _what(suggestion: Suggestion) -> str:
    if suggestion.kind == Suggestion.Kind.CONTACT:
        try:
            return str(ContactType(suggestion.contact_type).label)
        except ValueError:
            return suggestion.contact_type or _("contact")
    try:
        dimension = str(Dimension(suggestion.dimension).label)
    except ValueError:
        dimension = suggestion.dimension
    return f"{dimension}: {dimension_value_label(suggestion.dimension, suggestion.value)}"


class QueueFilterForm(forms.Form):
    country = forms.ModelChoiceField(
        queryset=Country.objects.filter(tracked=True),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("all countries"),
    )
    kind = forms.ChoiceField(
        choices=[("", gettext_lazy("contacts and stance changes")), *Suggestion.Kind.choices],
        required=False,
    )


@require_GET
@editor_required
def review_queue(request: HttpRequest) -> HttpResponse:
    # Fixed queries: session, user, groups, count, the page of suggestions with article, outlet,
    # country and matching contact, their sources with articles, the filter's countries.
    filters = QueueFilterForm(request.GET or None)
    pending = Suggestion.objects.filter(state=Suggestion.State.PENDING)
    if filters.is_valid():
        if filters.cleaned_data["country"]:
            pending = pending.filter(country=filters.cleaned_data["country"])
        if filters.cleaned_data["kind"]:
            pending = pending.filter(kind=filters.cleaned_data["kind"])
    pending = pending.select_related(
        "article__outlet", "country", "merge_into__country"
    ).prefetch_related(
        Prefetch("sources", queryset=SuggestionSource.objects.select_related("article__outlet"))
    )
    page = Paginator(pending.order_by("-created_at", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    items = [
        QueueItem(
            suggestion=s,
            what=_what(s),
            excerpt=excerpt(s.article.text, s.evidence),
            sources=list(s.sources.all()),
        )
        for s in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "items": items, "filters": filters, "query": query.urlencode()}
    return render(request, "articles/review_queue.html", context)


def _back_to_queue(request: HttpRequest) -> HttpResponseRedirect:
    # Back to the page the editor was on (only our own queue URL, never an outside address).
    target = request.POST.get("next", "")
    queue = reverse("articles:review_queue")
    return HttpResponseRedirect(target if target.startswith(queue) else queue)


@require_POST
@editor_required
def suggestion_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion, pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say why you reject it: the reason is kept with the suggestion."))
        return _back_to_queue(request)
    try:
        suggestion_reject(suggestion=suggestion, editor=request.user, reason=reason[:2000])
    except AlreadyDecided:
        messages.warning(request, _("Someone else decided this suggestion first."))
    else:
        messages.success(request, _("Rejected. This article will not suggest it again."))
    return _back_to_queue(request)


@require_POST
@editor_required
def suggestion_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion.objects.select_related("merge_into"), pk=pk)
    try:
        contact = suggestion_merge(suggestion=suggestion, editor=request.user)
    except AlreadyDecided:
        messages.warning(request, _("Someone else decided this suggestion first."))
        return _back_to_queue(request)
    except ValueError as exc:
        messages.error(request, str(exc))
        return _back_to_queue(request)
    messages.success(
        request, _("Merged: the article is now a citation of this contact, with its quote.")
    )
    return HttpResponseRedirect(contact.get_absolute_url())


@require_GET
@editor_required
def suggestion_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Accepting opens the pre-filled form; saving it accepts the suggestion."""
    suggestion = get_object_or_404(Suggestion, pk=pk)
    if suggestion.state != Suggestion.State.PENDING:
        messages.warning(request, _("This suggestion was already decided."))
        return HttpResponseRedirect(reverse("articles:review_queue"))
    name = (
        "stances:contact_new"
        if suggestion.kind == Suggestion.Kind.CONTACT
        else "stances:stance_new"
    )
    return HttpResponseRedirect(f"{reverse(name)}?suggestion={suggestion.pk}")


# Ingest ---------------------------------------------------------------------------------------


class IngestForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Article URL"), required=False, max_length=2000, assume_scheme="https"
    )
    text = forms.CharField(
        label=gettext_lazy("or the report's text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=200_000,
    )
    title = forms.CharField(label=gettext_lazy("title (for pasted text)"), required=False)
    published = forms.DateField(
        label=gettext_lazy("publication date (for pasted text)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        url, text = cleaned.get("url"), (cleaned.get("text") or "").strip()
        if not url and not text and not self.errors:
            raise forms.ValidationError(_("Paste an article's URL or its text."))
        if url and text:
            raise forms.ValidationError(_("Paste a URL or a text, not both."))
        published = cleaned.get("published")
        if published and published > timezone.localdate():
            self.add_error("published", _("The publication date cannot be in the future."))
        return cleaned


@require_http_methods(["GET", "POST"])
@editor_required
def ingest(request: HttpRequest) -> HttpResponse:
    form = IngestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["url"]:
                article = article_ingest_url(url=form.cleaned_data["url"])
            else:
                article = article_ingest_text(
                    text=form.cleaned_data["text"].strip(),
                    title=form.cleaned_data["title"],
                    published=form.cleaned_data["published"],
                )
        except InvalidURL as exc:
            form.add_error("url", str(exc))
        else:
            if take_failures():
                messages.warning(request, QUEUE_DOWN)
            return HttpResponseRedirect(
                reverse("articles:ingest_status", kwargs={"pk": article.pk})
            )
    recent = (
        Article.objects.exclude(origin=Article.Origin.CITATION)
        .select_related("outlet", "feed")
        .order_by("-found_at", "-id")[:25]
    )
    status = 422 if request.method == "POST" else 200
    return render(request, "articles/ingest.html", {"form": form, "recent": recent}, status=status)


@require_GET
@editor_required
def ingest_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One article's way through the stages; the status region polls until a final state."""
    article = get_object_or_404(Article.objects.select_related("outlet", "duplicate_of"), pk=pk)
    suggestions = list(
        Suggestion.objects.filter(article=article).select_related("country").order_by("id")
    )
    context = {
        "article": article,
        "suggestions": [(s, _what(s)) for s in suggestions],
        "final": article.state in FINAL_STATES,
        "stuck": article.state not in FINAL_STATES
        and timezone.now() - article.found_at > dt.timedelta(minutes=15),
    }
    template = "articles/ingest_status.html"
    if getattr(request, "htmx", False) and not request.htmx.history_restore_request:
        template += "#status"
    return render(request, template, context)
