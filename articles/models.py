"""Outlets, articles and citations: the evidence every claim rests on."""

from __future__ import annotations

import datetime as dt
import hashlib

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
    REGISTERED = "registered", _("registered (not fetched)")
    FETCHED = "fetched", _("fetched")
    FAILED = "failed", _("failed")


class Article(models.Model):
    State = ArticleState

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

    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["-published_date", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ArticleState.values), name="article_state_valid"
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
        if not self.url:
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
