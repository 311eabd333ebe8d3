"""One Topic row per code of the vocabulary, so contacts can reference and filter by topic."""

from __future__ import annotations

from django.db import migrations

TOPIC_CODES = [
    "trade",
    "transit",
    "railway",
    "energy",
    "pipeline",
    "water",
    "security",
    "border",
    "narcotics",
    "refugees",
    "humanitarian_aid",
    "diplomatic_representation",
    "recognition",
    "terrorism_listing",
    "education",
    "health",
    "other",
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("stances", "Topic")
    for code in TOPIC_CODES:
        Topic.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("stances", "0001_initial")]

    operations = [migrations.RunPython(create_topics, migrations.RunPython.noop)]
