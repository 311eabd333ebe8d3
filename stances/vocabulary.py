"""The controlled vocabularies of domain.md: codes stored in the database, labels shown to people.

Models use these for `choices` and for the check constraints that keep invalid codes out of the
database, so a code exists in exactly one place.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class ContactType(models.TextChoices):
    MEETING = "meeting", _("meeting")
    VISIT = "visit", _("visit")
    CONFERENCE = "conference", _("conference")
    PHONE_CALL = "phone_call", _("phone call")
    AGREEMENT = "agreement", _("agreement")
    AID = "aid", _("aid delivery")
    CORRESPONDENCE = "correspondence", _("correspondence")
    OTHER = "other", _("other")


class Direction(models.TextChoices):
    TO_AFGHANISTAN = "to_afghanistan", _("in Afghanistan")
    FROM_AFGHANISTAN = "from_afghanistan", _("Taliban side visiting")
    THIRD_COUNTRY = "third_country", _("in a third country")
    REMOTE = "remote", _("remote")


class Level(models.TextChoices):
    HEAD_OF_STATE = "head_of_state", _("head of state")
    HEAD_OF_GOVERNMENT = "head_of_government", _("head of government")
    DEPUTY_HEAD_OF_GOVERNMENT = "deputy_head_of_government", _("deputy head of government")
    MINISTER = "minister", _("minister")
    DEPUTY_MINISTER = "deputy_minister", _("deputy minister")
    SPECIAL_ENVOY = "special_envoy", _("special envoy")
    AMBASSADOR = "ambassador", _("ambassador")
    OFFICIAL = "official", _("official")


# Ranks from domain.md: higher is more senior; deputy minister and special envoy tie.
LEVEL_RANK: dict[str, int] = {
    Level.HEAD_OF_STATE: 7,
    Level.HEAD_OF_GOVERNMENT: 6,
    Level.DEPUTY_HEAD_OF_GOVERNMENT: 5,
    Level.MINISTER: 4,
    Level.DEPUTY_MINISTER: 3,
    Level.SPECIAL_ENVOY: 3,
    Level.AMBASSADOR: 2,
    Level.OFFICIAL: 1,
}


class TopicCode(models.TextChoices):
    TRADE = "trade", _("trade")
    TRANSIT = "transit", _("transit")
    RAILWAY = "railway", _("railway")
    ENERGY = "energy", _("energy")
    PIPELINE = "pipeline", _("pipeline")
    WATER = "water", _("water")
    SECURITY = "security", _("security")
    BORDER = "border", _("border")
    NARCOTICS = "narcotics", _("narcotics")
    REFUGEES = "refugees", _("refugees")
    HUMANITARIAN_AID = "humanitarian_aid", _("humanitarian aid")
    DIPLOMATIC_REPRESENTATION = "diplomatic_representation", _("diplomatic representation")
    RECOGNITION = "recognition", _("recognition")
    TERRORISM_LISTING = "terrorism_listing", _("terrorism listing")
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health")
    OTHER = "other", _("other")


class Verification(models.TextChoices):
    REPORTED = "reported", _("reported")
    CONFIRMED = "confirmed", _("confirmed")
    DISPUTED = "disputed", _("disputed")


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class Side(models.TextChoices):
    COUNTRY = "country", _("tracked country")
    TALIBAN = "taliban", _("Taliban")


class Dimension(models.TextChoices):
    RECOGNITION = "recognition", _("recognition")
    LEGAL_STATUS = "legal_status", _("legal status of the Taliban")
    TALIBAN_ENVOY = "taliban_envoy", _("Taliban envoy accepted")
    OWN_MISSION_IN_KABUL = "own_mission_in_kabul", _("own mission in Kabul")
    OVERALL = "overall", _("overall stance")


# The values each dimension may take, in their natural order (lowest engagement first).
DIMENSION_VALUES: dict[str, dict[str, str]] = {
    Dimension.RECOGNITION: {
        "none": _("none"),
        "de_facto": _("de facto"),
        "formal": _("formal"),
    },
    Dimension.LEGAL_STATUS: {
        "banned": _("banned"),
        "not_listed": _("not listed"),
        "delisted": _("delisted"),
    },
    Dimension.TALIBAN_ENVOY: {
        "no": _("no"),
        "staff_accepted": _("staff accepted"),
        "charge_daffaires": _("chargé d'affaires"),
        "ambassador": _("ambassador"),
    },
    Dimension.OWN_MISSION_IN_KABUL: {
        "closed": _("closed"),
        "operating": _("operating"),
        "upgraded": _("upgraded"),
    },
    Dimension.OVERALL: {
        "-2": _("hostile"),
        "-1": _("guarded"),
        "0": _("cautious engagement"),
        "+1": _("pragmatic engagement"),
        "+2": _("de facto normalisation"),
        "+3": _("formal recognition"),
    },
}


def dimension_value_label(dimension: str, value: str) -> str:
    """The human label of a stance value, e.g. ("overall", "+2") → "de facto normalisation"."""
    return str(DIMENSION_VALUES[dimension][value])


def overall_score(value: str) -> int:
    """The overall stance as a number on the -2…+3 scale ("+1" → 1)."""
    return int(value)
