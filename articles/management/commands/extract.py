from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.pipeline.extract import Document, ExtractionResult, extract_document
from articles.pipeline.registry import get_registry

HTML_SUFFIXES = {".html", ".htm"}


class Command(BaseCommand):
    help = (
        "Extract contacts and stance signals from reports. Writes nothing to the database. "
        "`extract FILE --published YYYY-MM-DD` reads one file; `extract --jsonl MANIFEST` reads "
        'one {"path", "url", "published", "language"} object per line and prints one JSON '
        "result per line, in order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="One report (.html/.htm or text).")
        parser.add_argument("--jsonl", type=Path, metavar="MANIFEST", help="A JSON-lines manifest.")
        parser.add_argument("--published", type=_date, help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--url", default="", help="The report's URL (single file mode).")
        parser.add_argument("--language", default=None, help="ru, en, kk, uz, ky or tg.")
        parser.add_argument("--json", action="store_true", help="Print JSON, not a summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["jsonl"]):
            raise CommandError("Give either FILE or --jsonl MANIFEST.")
        get_registry()  # read once, before the first report, whatever the number of reports
        if options["jsonl"]:
            self._manifest(options["jsonl"])
            return
        path: Path = options["file"]
        document = _document(path, options["url"], options["published"], options["language"])
        result = extract_document(document)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_readable(result))

    def _manifest(self, manifest: Path) -> None:
        try:
            lines = manifest.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"Cannot read {manifest}: {exc}") from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            entry: Any = {}
            try:
                entry = json.loads(line)
                published = _date(entry["published"]) if entry.get("published") else None
                path = Path(entry["path"])
                if not path.is_absolute():
                    path = manifest.parent / path
                document = _document(path, entry.get("url") or "", published, entry.get("language"))
                output = extract_document(document).as_json()
            except Exception as exc:
                # One bad line (a missing file, a malformed entry, a report the extractor
                # chokes on) must not shift or lose the rest: it still gets its (empty) line.
                self.stderr.write(f"line {number}: {type(exc).__name__}: {exc}")
                url = entry.get("url") if isinstance(entry, dict) else None
                output = {"url": url, "language": None, "relevant": False, "events": []}
            self.stdout.write(json.dumps(output, ensure_ascii=False))


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}") from exc


def _document(path: Path, url: str, published: dt.date | None, language: str | None) -> Document:
    content = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix.lower() in HTML_SUFFIXES:
        return Document(html=content, url=url, published=published, language=language)
    return Document(text=content, url=url, published=published, language=language)


def _readable(result: ExtractionResult) -> str:
    lines = [
        f"URL: {result.url or '-'}",
        f"Language: {result.language}   Relevant: {'yes' if result.relevant else 'no'}   "
        f"Events: {len(result.events)}",
    ]
    for number, event in enumerate(result.events, start=1):
        data = event.as_json()
        date = f"{data['date']} ({data['date_precision']})" if data["date"] else "date unknown"
        what = data["type"] if event.kind == "contact" else f"{data['dimension']} = {data['value']}"
        lines.append("")
        lines.append(f"{number}. {event.kind} · {data['country']} · {what} · {date}")
        if data["location"]:
            lines.append(f"   location: {data['location']}")
        for person in data["participants"]:
            role = f", {person['role']}" if person["role"] else ""
            lines.append(f"   participant: {person['name']} ({person['side']}{role})")
        if data["topics"]:
            lines.append(f"   topics: {', '.join(data['topics'])}")
        lines.append(f"   confidence: {data['confidence']:.2f}")
        lines.append(f"   evidence: {data['evidence']}")
    return "\n".join(lines)
