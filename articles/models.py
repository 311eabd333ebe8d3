"""Outlets, articles and citations: the evidence every claim rests on."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from stances.models import Contact, Country, StanceChange

from .canonical import InvalidURL, canonicalize_url

# How long after registration a citation row keeps polling for the fetched title.
FETCH_WINDOW = dt.timedelta(minutes=15)


class Outlet(models.Model):
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(
        _("home domain"), max_length=200, unique=True, help_text=_("e.g. asiaplustj.info")
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True
    )
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("Codes, comma-separated: ru, en")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        constraints = [
            models.CheckConstraint(condition=~Q(domain=""), name="outlet_domain_not_blank")
        ]

    def __str__(self) -> str:
        return self.name


class ArticleState(models.TextChoices):
    """Pipeline states (domain.md, "Ingestion"). `fetched` waits for analysis; `duplicate`,
    `irrelevant`, `analysed` and `failed` are final: an article in them is never fetched again."""

    REGISTERED = "registered", _("registered (not fetched)")
    FETCHED = "fetched", _("fetched")
    DUPLICATE = "duplicate", _("near-duplicate of another article")
    IRRELEVANT = "irrelevant", _("not relevant")
    ANALYSED = "analysed", _("analysed")
    FAILED = "failed", _("failed")


class ArticleOrigin(models.TextChoices):
    """How an article entered. Cited articles only get their metadata; the others go through
    every stage of the pipeline up to suggestions."""

    CITATION = "citation", _("cited by an editor")
    FEED = "feed", _("feed")
    PASTED_URL = "pasted_url", _("pasted URL")
    PASTED_TEXT = "pasted_text", _("pasted text")


class Feed(models.Model):
    """An RSS or Atom feed of an outlet, polled by celery beat (articles/pipeline/feeds.py)."""

    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="feeds"
    )
    url = models.URLField(_("feed URL"), max_length=2000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Conditional GET: what the server said last time.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["etag", "last_modified", "last_polled_at"])

    class Meta:
        ordering = ["outlet__name", "url"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return self.title or self.url


class Article(models.Model):
    State = ArticleState
    Origin = ArticleOrigin

    url = models.URLField(_("URL as given"), max_length=2000)
    # The identity of a report (see articles.canonical): unique, so a report is stored once.
    canonical_url = models.URLField(_("canonical URL"), max_length=2000, unique=True)
    outlet = models.ForeignKey(
        Outlet,
        verbose_name=_("outlet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    published_date = models.DateField(
        _("publication date"), null=True, blank=True, help_text=_("Empty when unknown.")
    )
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True, editable=False)
    state = models.CharField(
        _("pipeline state"), max_length=20, choices=ArticleState, default=ArticleState.REGISTERED
    )
    failure_reason = models.TextField(_("failure reason"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=ArticleOrigin, default=ArticleOrigin.CITATION
    )
    feed = models.ForeignKey(
        Feed,
        verbose_name=_("feed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    # 64-bit SimHash of the text (signed, to fit a bigint) for near-duplicate detection.
    simhash = models.BigIntegerField(null=True, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    analysed_at = models.DateTimeField(_("analysed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["text", "simhash"])

    class Meta:
        ordering = ["-published_date", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ArticleState.values), name="article_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=ArticleOrigin.values), name="article_origin_valid"
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("pk")), name="article_not_its_own_duplicate"
            ),
            models.CheckConstraint(
                condition=Q(content_hash="") | Q(Exact(Length("content_hash"), 64)),
                name="article_content_hash_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"pk": self.pk})

    def clean(self) -> None:
        # Pasted text has no web address: its identity is the hash of its text (urn:sha256:…).
        if not self.url or self.origin == ArticleOrigin.PASTED_TEXT:
            return
        try:
            self.canonical_url = canonicalize_url(self.url)
        except InvalidURL as exc:
            raise ValidationError({"url": str(exc)}) from exc
        duplicate = Article.objects.filter(canonical_url=self.canonical_url).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError(
                {
                    "url": _("This report is already stored as article %(id)s.")
                    % {"id": duplicate.values_list("pk", flat=True)[0]}
                }
            )

    @property
    def awaiting_fetch(self) -> bool:
        """Whether a metadata fetch may still be under way: registered, untitled and recent.
        The window is longer than the fetch task's retries take, so the status fragment stops
        polling by itself when no worker ever picks the job up."""
        return (
            self.state == ArticleState.REGISTERED
            and not self.title
            and self.found_at is not None
            and timezone.now() - self.found_at < FETCH_WINDOW
        )

    def set_text(self, text: str) -> None:
        self.text = text
        self.content_hash = hashlib.sha256(text.encode()).hexdigest() if text else ""


class Citation(models.Model):
    """An article supporting exactly one contact or one stance change, with an optional quote."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="citations"
    )
    quote = models.TextField(
        _("quote"), blank=True, help_text=_("The supporting passage, in the article's language.")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    stance_change = models.ForeignKey(
        StanceChange, on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(contact__isnull=False) & Q(stance_change__isnull=True))
                | (Q(contact__isnull=True) & Q(stance_change__isnull=False)),
                name="citation_supports_exactly_one_record",
                violation_error_message=_(
                    "A citation supports exactly one record: a contact or a stance change."
                ),
            ),
            models.UniqueConstraint(
                fields=["article", "contact"],
                condition=Q(contact__isnull=False),
                name="citation_article_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["article", "stance_change"],
                condition=Q(stance_change__isnull=False),
                name="citation_article_once_per_stance_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} → {self.contact or self.stance_change}"

    @property
    def record(self) -> Contact | StanceChange:
        return self.contact or self.stance_change


class SuggestionState(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class SuggestionAction(models.TextChoices):
    NEW = "new", _("new record")
    MERGE = "merge", _("merge into an existing contact")


class SuggestionKind(models.TextChoices):
    CONTACT = "contact", _("contact")
    STANCE_CHANGE = "stance_change", _("stance change")


class Suggestion(models.Model):
    """A candidate contact or stance change extracted from an article, waiting for an editor.

    One per extracted event: `fingerprint` identifies the event within its article, and the
    unique (article, fingerprint) pair makes extraction safe to run twice; a rejected suggestion
    stays, so the same article never suggests it again.
    """

    State = SuggestionState
    Action = SuggestionAction
    Kind = SuggestionKind

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="suggestions"
    )
    fingerprint = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=SuggestionKind)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    contact_type = models.CharField(_("contact type"), max_length=20, blank=True)
    dimension = models.CharField(_("dimension"), max_length=30, blank=True)
    value = models.CharField(_("value"), max_length=30, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(_("date precision"), max_length=5, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # [{"name", "side", "role", "actor_id" (null for a proposed new actor)}]
    participants = models.JSONField(_("participants"), default=list, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    evidence = models.TextField(_("supporting sentence"))
    confidence = models.FloatField(_("confidence"))
    action = models.CharField(
        _("action"), max_length=10, choices=SuggestionAction, default=SuggestionAction.NEW
    )
    merge_into = models.ForeignKey(
        Contact,
        verbose_name=_("existing contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=SuggestionState, default=SuggestionState.PENDING
    )
    reject_reason = models.TextField(_("reason for rejecting"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    stance_change = models.ForeignKey(
        StanceChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggestions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [models.Index(fields=["state", "-created_at"], name="suggestion_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "fingerprint"], name="suggestion_once_per_article_event"
            ),
            models.CheckConstraint(
                condition=Q(state__in=SuggestionState.values), name="suggestion_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SuggestionKind.values), name="suggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(action__in=SuggestionAction.values), name="suggestion_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="suggestion_confidence_is_a_probability",
            ),
            models.CheckConstraint(
                condition=~Q(state=SuggestionState.REJECTED) | ~Q(reject_reason=""),
                name="suggestion_rejected_with_a_reason",
                violation_error_message=_("A rejection needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        what = self.contact_type if self.kind == SuggestionKind.CONTACT else self.dimension
        return f"{self.country_id} {what} {self.date or '?'} ({self.get_state_display()})"


class SuggestionSource(models.Model):
    """Another article reporting the same event (a near-duplicate), with its own sentence."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "article"], name="source_once")
        ]

    def __str__(self) -> str:
        return f"{self.article} → {self.suggestion}"
