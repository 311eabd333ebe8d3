from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.canonical import InvalidURL
from articles.services import feed_add


class Command(BaseCommand):
    help = (
        "Add an RSS or Atom feed for celery beat to poll: `add_feed URL --outlet NAME`. Adding "
        "a feed again changes nothing (an inactive one is switched back on)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="The feed's http(s) URL.")
        parser.add_argument(
            "--outlet",
            default="",
            help="The outlet's name (or domain); new outlets are keyed by the feed's domain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            feed = feed_add(url=options["url"], outlet_name=options["outlet"])
        except InvalidURL as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Feed {feed.pk}: {feed.url} (outlet: {feed.outlet.name})")
