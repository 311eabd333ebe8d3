from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StancesConfig(AppConfig):
    name = "stances"
    verbose_name = _("Stances")
