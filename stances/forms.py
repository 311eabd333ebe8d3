"""Editor forms for contacts and stance changes (issue 4).

Forms do all validation; views only choose how the answer comes back (a whole page, one field's
errors for htmx, or the conflict page). The same form classes serve the full submit and the
per-field check, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.canonical import InvalidURL
from articles.models import Article, Citation
from articles.services import article_register

from .dates import period_start
from .models import Actor, Contact, Country, Participant, StanceChange, Topic
from .vocabulary import DIMENSION_VALUES, Dimension, Side, Status, dimension_value_label

DATE_HELP = gettext_lazy(
    "For a date known only to the month or year, pick any day in it and set the precision: "
    "it is stored as the first day and shown as “Mar 2023”."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class RecordForm(forms.ModelForm):
    """What contact and stance-change forms share: the dated claim, its status and its version."""

    # The version the form was opened on; saving over a newer one is a conflict, not a win.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(tracked=True)
        self.fields["country"].empty_label = _("Choose a country")
        self.fields["date"].help_text = DATE_HELP
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        today = timezone.localdate()
        if date > today:
            raise ValidationError(
                _("The date cannot be in the future (today is %(today)s)."),
                code="future",
                params={"today": formats.date_format(today, "j E Y")},
            )
        return date

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        date, precision = cleaned.get("date"), cleaned.get("date_precision")
        if date and precision:
            # Month- and year-precise dates are stored as the first day of their period.
            cleaned["date"] = period_start(date, precision)
        return cleaned

    @property
    def opened_version(self) -> int | None:
        """The version the editor started from (None on a create form)."""
        if not self.instance.pk:
            return None
        value = self.data.get(self.add_prefix("version")) if self.is_bound else None
        try:
            return int(value) if value not in (None, "") else self.instance.version
        except (TypeError, ValueError):
            return self.instance.version


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = [
            "country",
            "date",
            "date_precision",
            "type",
            "direction",
            "location_city",
            "location_country",
            "level_country",
            "level_taliban",
            "topics",
            "summary",
            "verification",
            "notes",
            "status",
        ]
        widgets = {
            "date": DateInput(),
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "level_country": gettext_lazy("Empty: derived from the participants' positions."),
            "level_taliban": gettext_lazy("Empty: derived from the participants' positions."),
            "status": gettext_lazy(
                "Only published records are public; publishing needs a citation."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.all()
        self.fields["location_country"].empty_label = _("unknown")


class StanceChangeForm(RecordForm):
    class Meta:
        model = StanceChange
        fields = [
            "country",
            "dimension",
            "value",
            "date",
            "date_precision",
            "summary",
            "verification",
            "notes",
            "status",
        ]
        widgets = {
            "date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every dimension's values, grouped: the server checks the pair (and so does the database).
        self.fields["value"] = forms.ChoiceField(
            label=_("value"),
            choices=[("", _("Choose a value"))]
            + [
                (
                    Dimension(dimension).label,
                    [(value, dimension_value_label(dimension, value)) for value in values],
                )
                for dimension, values in DIMENSION_VALUES.items()
            ],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dimension, value = cleaned.get("dimension"), cleaned.get("value")
        if dimension and value and value not in DIMENSION_VALUES[dimension]:
            allowed = ", ".join(
                dimension_value_label(dimension, v) for v in DIMENSION_VALUES[dimension]
            )
            self.add_error(
                "value",
                ValidationError(
                    _("“%(value)s” is not a value of %(dimension)s; choose one of: %(allowed)s."),
                    code="wrong_dimension",
                    params={
                        "value": value,
                        "dimension": Dimension(dimension).label,
                        "allowed": allowed,
                    },
                ),
            )
        return cleaned


def actor_choices(actors: dict[int, Actor]) -> list[Any]:
    """Actors grouped by side for the participant select (the no-JavaScript fallback)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for actor in sorted(actors.values(), key=lambda a: (not a.taliban, a.side_label, a.name)):
        groups.setdefault(actor.side_label or _("No side"), []).append((actor.pk, actor.name))
    return [("", _("Choose an actor")), *groups.items()]


class ParticipantForm(forms.ModelForm):
    new_actor_name = forms.CharField(
        label=gettext_lazy("or a new actor"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Not in the list? Type the name; the actor is created on save."),
    )

    class Meta:
        model = Participant
        fields = ["actor", "side", "role", "level"]

    def __init__(self, *args: Any, actors: dict[int, Actor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actors = actors
        self.fields["actor"] = forms.TypedChoiceField(
            label=_("actor"),
            choices=actor_choices(actors),
            coerce=lambda pk: actors[int(pk)],
            required=False,
            empty_value=None,
        )
        if self.instance.pk and not self.is_bound:
            self.initial["actor"] = self.instance.actor_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        actor, new_name, side = (
            cleaned.get("actor"),
            cleaned.get("new_actor_name", "").strip(),
            cleaned.get("side"),
        )
        if actor and new_name:
            self.add_error(
                "new_actor_name",
                _("Choose an actor from the list or type a new name, not both."),
            )
        elif not actor and not new_name:
            self.add_error("actor", _("Choose an actor, or type the name of a new one."))
        elif actor and side:
            if actor.taliban and side != Side.TALIBAN:
                self.add_error("side", _("%(actor)s is on the Taliban side.") % {"actor": actor})
            elif not actor.taliban and side == Side.TALIBAN:
                self.add_error(
                    "side",
                    _("%(actor)s is on %(side)s's side, not the Taliban's.")
                    % {"actor": actor, "side": actor.side_label or _("a country")},
                )
        return cleaned

    def _post_clean(self) -> None:
        # A new actor does not exist yet: the model check of `actor` waits for the service.
        if self.cleaned_data.get("actor") is None:
            self._validate_unique = False
            return
        super()._post_clean()


class CitationForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("article URL"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy("Paste the report's address, or pick an article already stored."),
    )
    article = forms.ModelChoiceField(
        queryset=Article.objects.all(), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Citation
        fields = ["article", "quote"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        url = cleaned.get("url")
        if url:
            try:
                # Registering is idempotent (canonical URL) and starts the metadata fetch early.
                cleaned["article"] = article_register(url=url)
            except InvalidURL as exc:
                self.add_error("url", str(exc))
        elif not cleaned.get("article") and "url" not in self.errors:
            self.add_error("url", _("Paste the article's URL or pick an article."))
        return cleaned

    def _post_clean(self) -> None:
        if self.cleaned_data.get("article") is not None:
            self.instance.article = self.cleaned_data["article"]
        super()._post_clean()


class RowFormSet(BaseInlineFormSet):
    """Inline rows, with the rows that will be saved. An actor listed twice is caught by the
    formset's own unique check (participant_once is unconditional)."""

    def kept_forms(self) -> list[forms.Form]:
        """Rows that were filled in or already exist, minus those marked for removal."""
        return [
            f
            for f in self.forms
            if f.has_changed() or f.instance.pk
            if not (hasattr(f, "cleaned_data") and f.cleaned_data.get("DELETE"))
        ]


class CitationFormSet(RowFormSet):
    def clean(self) -> None:
        super().clean()
        # The once-per-record constraints are conditional, which the formset's unique check
        # does not see: an article cited twice is caught here.
        seen: set[int] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            article = form.cleaned_data.get("article")
            if article is None:
                continue
            if article.pk in seen:
                form.add_error("url", _("This article is already cited above."))
            seen.add(article.pk)


ContactParticipantFormSet = inlineformset_factory(
    Contact, Participant, form=ParticipantForm, formset=RowFormSet, extra=1, can_delete=True
)
ContactCitationFormSet = inlineformset_factory(
    Contact,
    Citation,
    form=CitationForm,
    formset=CitationFormSet,
    fk_name="contact",
    extra=1,
    can_delete=True,
)
StanceCitationFormSet = inlineformset_factory(
    StanceChange,
    Citation,
    form=CitationForm,
    formset=CitationFormSet,
    fk_name="stance_change",
    extra=1,
    can_delete=True,
)


def check_publishable(form: RecordForm, citations: CitationFormSet) -> None:
    """Refuse publishing a record with no citation (domain.md: every published claim is sourced)."""
    if form.cleaned_data.get("status") == Status.PUBLISHED and not citations.kept_forms():
        form.add_error(
            "status",
            _(
                "A record can only be published with at least one citation: "
                "add the report it rests on."
            ),
        )


def check_sides(form: ContactForm, participants: RowFormSet) -> None:
    """Refuse a contact without a participant on each side."""
    sides = {f.cleaned_data.get("side") for f in participants.kept_forms() if f.is_valid()}
    missing = []
    if Side.COUNTRY not in sides:
        missing.append(_("someone from the tracked country's side"))
    if Side.TALIBAN not in sides:
        missing.append(_("someone from the Taliban side"))
    if missing:
        form.add_error(
            None,
            _("A contact needs participants on both sides: add %(missing)s.")
            % {"missing": _(" and ").join(missing)},
        )
