"""The Celery application. Workers start with `celery -A config worker`, the scheduler with
`celery -A config beat`; both read their configuration from Django settings (CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("stancewatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
