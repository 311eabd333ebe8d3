"""Event extraction, the public entry point: one report in, its relevance and events out.

```python
result = extract_document(Document(text=..., url=..., published=date, language=None))
result.relevant, result.language, result.events
result.as_json()  # the object `manage.py extract` prints
```

Pure: reads the actor registry (once per process, see `registry`) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from .document import CleanText, Document, clean_page_text, clean_plain_text
from .events import Event, find_events
from .language import detect_language
from .nlp import Sentence, analyse
from .people import find_known, find_unknown, side_around, title_before
from .registry import Registry, get_registry
from .relevance import SentenceFacts, is_relevant, sentence_facts, weak_allowed

__all__ = ["Document", "Event", "ExtractionResult", "extract_document"]


@dataclass
class ExtractionResult:
    url: str
    language: str
    relevant: bool
    events: list[Event] = field(default_factory=list)
    title: str = ""
    published: dt.date | None = None

    def as_json(self) -> dict:
        return {
            "url": self.url,
            "language": self.language,
            "relevant": self.relevant,
            "events": [event.as_json() for event in self.events],
        }


def extract_document(document: Document, registry: Registry | None = None) -> ExtractionResult:
    registry = registry or get_registry()
    clean, language = _read(document)
    sentences = analyse(clean.paragraphs, language)
    facts = [_facts(sentence, registry, language) for sentence in sentences]
    title = None
    if clean.title:
        title_sentences = analyse([clean.title], language)
        title = _facts(title_sentences[0], registry, language) if title_sentences else None
    relevant = is_relevant(facts, registry, title)
    result = ExtractionResult(
        url=document.url,
        language=language,
        relevant=relevant,
        title=clean.title,
        published=clean.published,
    )
    if not relevant:
        return result
    title_strong = title is not None and title.has_taliban(False)
    weak = weak_allowed(clean.published, facts, title_strong)
    main = _main_country(facts, title, registry)
    result.events = find_events(facts, registry, clean.published, weak, main, title)
    return result


def _read(document: Document) -> tuple[CleanText, str]:
    if document.html:
        from .html import parse_page

        page = parse_page(document.html, document.url)
        published = document.published or page.published_date
        clean = clean_page_text(page.text, page.title, published)
        hint = document.language or page.language
    else:
        clean = clean_plain_text(document.text, document.published)
        hint = document.language
    sample = " ".join([clean.title, *clean.paragraphs])
    return clean, detect_language(sample, hint)


def _facts(sentence: Sentence, registry: Registry, language: str) -> SentenceFacts:
    known = find_known(sentence, registry, language)
    people = []
    for person in known:
        if not person.side:
            title = title_before(sentence.text, person.start)
            side = side_around(
                sentence.text, person.start, person.end, registry, title[1] if title else None
            )
            person = replace(person, side=side)
        people.append(person)
    people += find_unknown(sentence, registry, language, known)
    return sentence_facts(sentence, registry, people)


def _main_country(
    facts: list[SentenceFacts], title: SentenceFacts | None, registry: Registry
) -> str | None:
    """The tracked country the report is about: the title's, else the most named in the lead
    paragraph, else in the whole report (None on a tie)."""
    if title is not None and len(title.tracked(registry)) == 1:
        return title.tracked(registry)[0]
    for scope in (
        [f for f in facts if f.sentence.paragraph == 0],
        facts,
    ):
        counts = Counter(code for f in scope for code in f.tracked(registry))
        ranked = counts.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
    return None
