from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stances.services import DemoDataError, demo_data_load


class Command(BaseCommand):
    help = "Load the demo dataset (real, sourced events) from data/demo/. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=settings.DEMO_DATA_DIR,
            help="Folder holding countries.yaml, taliban.yaml and one file per tracked state.",
        )

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            report = demo_data_load(directory=directory)
        except DemoDataError as exc:
            raise CommandError(f"Demo data not loaded (nothing was changed): {exc}") from exc
        if not report.changed:
            self.stdout.write("Demo data already up to date: nothing changed.")
            return
        for label, counts in (("created", report.created), ("updated", report.updated)):
            if counts:
                details = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
                self.stdout.write(f"{label}: {details}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
