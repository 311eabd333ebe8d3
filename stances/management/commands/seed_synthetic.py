from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from stances.synthetic import SyntheticDataError, synthetic_purge, synthetic_seed


class Command(BaseCommand):
    help = (
        "Write synthetic contacts and stance changes for benchmarks, marked so they never pass "
        "for real data (keys and slugs start with 'synthetic-', summaries with '[synthetic]', "
        "articles live on synthetic.invalid). --purge removes exactly those rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--contacts", type=int, help="How many contacts to write (spread over the countries)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )
        parser.add_argument(
            "--purge",
            action="store_true",
            help="Remove all synthetic rows first (alone: only remove them).",
        )

    def handle(
        self, *args: Any, contacts: int | None, seed: int, purge: bool, **options: Any
    ) -> None:
        if contacts is None and not purge:
            raise CommandError("Give --contacts N to write synthetic data, or --purge.")
        try:
            # With both --purge and --contacts the data is replaced all at once or not at all.
            with transaction.atomic():
                if purge:
                    self._counts("deleted", synthetic_purge().deleted)
                if contacts is not None:
                    started = time.perf_counter()
                    report = synthetic_seed(contacts=contacts, seed=seed)
                    seconds = time.perf_counter() - started
        except SyntheticDataError as exc:
            raise CommandError(str(exc)) from exc
        if contacts is not None:
            self._counts("created", report.created)
            self.stdout.write(
                self.style.SUCCESS(f"Synthetic data written in {seconds:.1f} s (seed {seed}).")
            )

    def _counts(self, label: str, counts: dict[str, int]) -> None:
        details = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        self.stdout.write(f"{label}: {details or 'nothing'}")
