from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.models import Feed
from articles.pipeline.fetch import FetchError
from articles.services import feed_poll, fetch_failure_reason


class Command(BaseCommand):
    help = (
        "Poll every active feed now (conditional GET), or one with --feed ID, and print what "
        "each gave: new articles, not modified, or the error. New articles are queued for "
        "fetching and analysis (run in-process when no REDIS_URL is set). Exits 1 when a feed "
        "failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed", type=int, metavar="ID", help="Poll only this feed.")

    def handle(self, *args: Any, **options: Any) -> None:
        feeds = Feed.objects.select_related("outlet")
        if options["feed"] is not None:
            feeds = feeds.filter(pk=options["feed"])
            if not feeds:
                raise CommandError(f"No feed with id {options['feed']}.")
        else:
            feeds = feeds.filter(active=True)
        failed = 0
        for feed in feeds:
            try:
                poll = feed_poll(feed=feed)
            except FetchError as exc:
                failed += 1
                self.stdout.write(
                    f"{feed.pk} {feed.url}: error (temporary): {fetch_failure_reason(exc)}"
                )
                continue
            if poll.error:
                failed += 1
                self.stdout.write(f"{feed.pk} {feed.url}: error: {poll.error}")
            elif poll.not_modified:
                self.stdout.write(f"{feed.pk} {feed.url}: not modified")
            else:
                self.stdout.write(f"{feed.pk} {feed.url}: {poll.new} new of {poll.entries} entries")
        if failed:
            raise CommandError(f"{failed} feed(s) failed; the reasons are on the feeds too.")
