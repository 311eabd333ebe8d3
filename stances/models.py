"""Countries, actors, contacts and stance changes (domain.md, "Core records").

Invariants that must hold whatever writes the row (admin, forms, loader, pipeline) are database
constraints; `clean()` repeats the ones a form should explain before the database refuses.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dates import display_date, period_start
from .names import normalize_name
from .vocabulary import (
    DIMENSION_VALUES,
    LEVEL_RANK,
    ActorKind,
    ContactType,
    Dimension,
    Direction,
    Level,
    Precision,
    Side,
    Status,
    TopicCode,
    Verification,
    dimension_value_label,
)


def _in(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    tracked = models.BooleanField(
        _("tracked"), default=False, help_text=_("Shown on the home page and in the matrix.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(Exact(Length("code"), 2), code=Upper("code")),
                name="country_code_is_two_upper_case_letters",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    @property
    def slug(self) -> str:
        return self.code.lower()

    def get_absolute_url(self) -> str:
        return reverse("stances:country", kwargs={"cc": self.slug})


class Actor(models.Model):
    Kind = ActorKind

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("canonical name (English)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActorKind, default=ActorKind.PERSON)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country served"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        help_text=_("The state whose side this actor is on; empty for the Taliban side."),
    )
    taliban = models.BooleanField(_("Taliban side"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(taliban=True) & Q(country__isnull=False)),
                name="actor_is_on_one_side",
                violation_error_message=_("An actor is on the Taliban side or a country's side."),
            ),
            models.CheckConstraint(condition=_in("kind", ActorKind), name="actor_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stances:actor", kwargs={"slug": self.slug})

    @property
    def side_label(self) -> str:
        if self.taliban:
            return str(_("Taliban"))
        return self.country.name_en if self.country_id else ""

    def position_on(self, date: dt.date) -> Position | None:
        """The most senior position held on a date (uses prefetched positions when present)."""
        held = [p for p in self.positions.all() if p.held_on(date)]
        return max(held, key=lambda p: (p.rank, p.start or dt.date.min), default=None)


class ActorAlias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("e.g. en, ru, ps, uz")
    )
    # The folded form (see names.normalize_name) serves exact alias look-ups in any script.
    normalized = models.CharField(max_length=200, db_index=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["actor", "normalized"], name="alias_unique_per_actor"),
            models.CheckConstraint(condition=~Q(normalized=""), name="alias_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def set_normalized(self) -> None:
        self.normalized = normalize_name(self.name)

    def clean(self) -> None:
        self.set_normalized()


class Position(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("title"), max_length=300)
    level = models.CharField(_("level"), max_length=30, choices=Level)
    start = models.DateField(_("start"), null=True, blank=True, help_text=_("Empty: unknown."))
    start_precision = models.CharField(
        _("start precision"), max_length=5, choices=Precision, default=Precision.DAY
    )
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty: still held."))
    end_precision = models.CharField(
        _("end precision"), max_length=5, choices=Precision, default=Precision.DAY
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "start"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="position_end_not_before_start",
                violation_error_message=_("A position cannot end before it starts."),
            ),
            models.CheckConstraint(condition=_in("level", Level), name="position_level_valid"),
            models.CheckConstraint(
                condition=_in("start_precision", Precision) & _in("end_precision", Precision),
                name="position_precision_valid",
            ),
            models.UniqueConstraint(
                fields=["actor", "title", "start"], name="position_unique_per_actor"
            ),
        ]

    def __str__(self) -> str:
        start = display_date(self.start, self.start_precision) if self.start else "?"
        end = display_date(self.end, self.end_precision) if self.end else "…"
        return f"{self.title} ({start} – {end})"

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    def held_on(self, date: dt.date) -> bool:
        """Whether the post was held on `date`; an unknown start counts as "held by then"."""
        started = self.start is None or period_start(self.start, self.start_precision) <= date
        return started and (self.end is None or date <= self.end)


class Topic(models.Model):
    """One row per topic code (created by migration) so contacts can be filtered by topic."""

    code = models.CharField(max_length=40, primary_key=True, choices=TopicCode)

    class Meta:
        ordering = ["code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.CheckConstraint(condition=_in("code", TopicCode), name="topic_valid")]

    def __str__(self) -> str:
        return self.get_code_display()


def public_q(prefix: str = "") -> Q:
    """What the public may see: published and not deleted. `prefix` reaches a record through a
    relation (`"contact__"`), so joins filter exactly as the record's own queries do."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}deleted_at__isnull": True})


class PublishedQuerySet(models.QuerySet):
    def published(self) -> PublishedQuerySet:
        return self.filter(public_q())

    def live(self) -> PublishedQuerySet:
        """Not deleted: what editors work on (drafts included)."""
        return self.filter(deleted_at__isnull=True)


class Record(models.Model):
    """What contacts and stance changes share: a dated, sourced, reviewable claim."""

    key = models.SlugField(
        _("external key"),
        max_length=150,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable identifier from an import (e.g. the demo dataset); optional."),
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="%(class)ss"
    )
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision, default=Precision.DAY
    )
    summary = models.TextField(_("summary"))
    verification = models.CharField(
        _("verification"), max_length=10, choices=Verification, default=Verification.REPORTED
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    notes = models.TextField(
        _("editorial notes"), blank=True, help_text=_("Disagreements between sources, caveats.")
    )
    # Optimistic concurrency: every save through the editing services adds one, and a form
    # carries the version it was opened on (stances/editing.py).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Soft delete (admins): hidden from public views, kept with its history, restorable.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def display_date(self) -> str:
        return display_date(self.date, self.date_precision)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_public(self) -> bool:
        return self.is_published and not self.is_deleted

    def clean(self) -> None:
        if self.date and self.date != period_start(self.date, self.date_precision):
            raise ValidationError(
                {"date": _("A date known to the month or year is stored as its first day.")}
            )

    @staticmethod
    def common_constraints(prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=_in("date_precision", Precision), name=f"{prefix}_precision_valid"
            ),
            models.CheckConstraint(
                condition=_in("verification", Verification), name=f"{prefix}_verification_valid"
            ),
            models.CheckConstraint(condition=_in("status", Status), name=f"{prefix}_status_valid"),
        ]


class Contact(Record):
    type = models.CharField(_("type"), max_length=20, choices=ContactType)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction, blank=True, help_text=_("Empty: unknown.")
    )
    location_city = models.CharField(_("city"), max_length=120, blank=True)
    location_country = models.ForeignKey(
        Country,
        verbose_name=_("location country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level_country = models.CharField(
        _("level, tracked country's side"), max_length=30, choices=Level, blank=True
    )
    level_taliban = models.CharField(
        _("level, Taliban side"), max_length=30, choices=Level, blank=True
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)

    history = HistoricalRecords(m2m_fields=[topics])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # Serves the timeline and every "as of" indicator: one country, published, by date.
            models.Index(fields=["country", "status", "date"], name="contact_country_date"),
        ]
        constraints = [
            *Record.common_constraints("contact"),
            models.CheckConstraint(condition=_in("type", ContactType), name="contact_type_valid"),
            models.CheckConstraint(
                condition=Q(direction="") | _in("direction", Direction),
                name="contact_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(level_country="") | _in("level_country", Level),
                name="contact_level_country_valid",
            ),
            models.CheckConstraint(
                condition=Q(level_taliban="") | _in("level_taliban", Level),
                name="contact_level_taliban_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_date} · {self.country_id} · {self.get_type_display()}"

    @property
    def slug(self) -> str:
        parts = [self.date.isoformat(), self.country_id, self.type, self.location_city]
        return slugify("-".join(p for p in parts if p))

    def get_absolute_url(self) -> str:
        return reverse("stances:contact", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def location(self) -> str:
        country = self.location_country.name_en if self.location_country_id else ""
        return ", ".join(part for part in (self.location_city, country) if part)

    @property
    def level_rank(self) -> int:
        return LEVEL_RANK.get(self.level_country, 0)

    def derived_levels(self) -> dict[str, str]:
        """Highest level on each side from the participants' roles at this contact's date."""
        best: dict[str, tuple[int, str]] = {}
        for participant in self.participants.all():
            level = participant.level
            if not level:
                position = participant.actor.position_on(self.date)
                level = position.level if position else ""
            if level and LEVEL_RANK[level] > best.get(participant.side, (0, ""))[0]:
                best[participant.side] = (LEVEL_RANK[level], level)
        return {side: level for side, (_rank, level) in best.items()}


class Participant(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="participants")
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="participations"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side)
    role = models.CharField(
        _("role at the time"), max_length=300, blank=True, help_text=_("As reported then.")
    )
    level = models.CharField(
        _("level"),
        max_length=30,
        choices=Level,
        blank=True,
        help_text=_("Empty: read from the actor's position on the contact's date."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["contact", "side", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["contact", "actor"], name="participant_once"),
            models.CheckConstraint(condition=_in("side", Side), name="participant_side_valid"),
            models.CheckConstraint(
                condition=Q(level="") | _in("level", Level), name="participant_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.role})" if self.role else str(self.actor)


class StanceChange(Record):
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension)
    value = models.CharField(_("value"), max_length=30)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("stance change")
        verbose_name_plural = _("stance changes")
        indexes = [
            # Serves "value of a dimension as of D": latest row per (country, dimension) <= D.
            models.Index(
                fields=["country", "dimension", "status", "date"], name="stance_country_dim_date"
            ),
        ]
        constraints = [
            *Record.common_constraints("stance"),
            models.CheckConstraint(
                condition=_in("dimension", Dimension), name="stance_dimension_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(dimension=dimension, value__in=list(values))
                        for dimension, values in DIMENSION_VALUES.items()
                    ],
                    _connector=Q.OR,
                ),
                name="stance_value_valid_for_dimension",
                violation_error_message=_("This value does not belong to this dimension."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.display_date} · {self.country_id} · {self.get_dimension_display()}: "
            f"{self.value_label}"
        )

    @property
    def value_label(self) -> str:
        return dimension_value_label(self.dimension, self.value)

    @property
    def slug(self) -> str:
        return slugify(f"{self.date.isoformat()}-{self.country_id}-{self.dimension}-{self.value}")

    def get_absolute_url(self) -> str:
        return reverse("stances:stance", kwargs={"pk": self.pk, "slug": self.slug})


class ContentVersion(models.Model):
    """One row counting changes to what the public pages show (see stances.pagecache)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="content_version_single_row")]

    def __str__(self) -> str:
        return str(self.version)
