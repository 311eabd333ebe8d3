from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: health checks, the worker heartbeat, structured logs."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from . import logs

        logs.connect_task_signals()
