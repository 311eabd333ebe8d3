"""Sentences, tokens, lemmas and person names: the linguistic layer under event extraction.

Russian goes through natasha (razdel segmentation, morphology with pymorphy lemmas, NER); the
models load once per process, lazily, on the first Russian text. Other languages get razdel
segmentation and surface tokens only: their names match aliases by prefix (agglutinative case
suffixes), see `people`.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

from stances.names import normalize_name

_lock = threading.Lock()
_models: dict[str, Any] = {}

WORD = re.compile(r"\w+(?:[-’'ʻ‘`]\w+)*")


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offsets within the sentence
    end: int
    forms: frozenset[str]  # normalised surface form and lemmas: what alias matching compares
    capitalised: bool


@dataclass(frozen=True)
class PersonSpan:
    text: str
    normal: str  # nominative ("Амир Ханом Моттаки" → "Амир Хан Моттаки")
    start: int
    end: int


@dataclass
class Sentence:
    text: str
    paragraph: int
    index: int  # position in the document, from 0
    tokens: list[Token] = field(default_factory=list)
    persons: list[PersonSpan] = field(default_factory=list)


def _natasha() -> dict[str, Any]:
    with _lock:
        if not _models:
            with warnings.catch_warnings():
                # natasha's dependencies import pkg_resources, which warns on import.
                warnings.simplefilter("ignore")
                from natasha import (
                    MorphVocab,
                    NewsEmbedding,
                    NewsMorphTagger,
                    NewsNERTagger,
                    Segmenter,
                )
            embedding = NewsEmbedding()
            _models.update(
                segmenter=Segmenter(),
                morph_vocab=MorphVocab(),
                morph_tagger=NewsMorphTagger(embedding),
                ner_tagger=NewsNERTagger(embedding),
            )
        return _models


def analyse(paragraphs: list[str], language: str) -> list[Sentence]:
    """Split paragraphs into sentences with tokens (and, for Russian, lemmas and persons)."""
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(paragraphs):
        found = _analyse_russian(paragraph) if language == "ru" else _analyse_plain(paragraph)
        for sentence in found:
            sentence.paragraph = number
            sentence.index = len(sentences)
            sentences.append(sentence)
    return sentences


def _analyse_plain(paragraph: str) -> list[Sentence]:
    from razdel import sentenize

    result = []
    for chunk in sentenize(paragraph):
        sentence = Sentence(text=chunk.text, paragraph=0, index=0)
        for match in WORD.finditer(chunk.text):
            word = match.group()
            forms = {normalize_name(word)}
            if word.endswith(("'s", "’s")):
                forms.add(normalize_name(word[:-2]))
            sentence.tokens.append(
                Token(word, match.start(), match.end(), frozenset(forms), word[:1].isupper())
            )
        result.append(sentence)
    return result


def _analyse_russian(paragraph: str) -> list[Sentence]:
    from natasha import Doc

    models = _natasha()
    morph_vocab = models["morph_vocab"]
    doc = Doc(paragraph)
    doc.segment(models["segmenter"])
    doc.tag_morph(models["morph_tagger"])
    doc.tag_ner(models["ner_tagger"])
    result = []
    for sent in doc.sents:
        sentence = Sentence(text=sent.text, paragraph=0, index=0)
        for token in sent.tokens:
            if not WORD.fullmatch(token.text):
                continue
            token.lemmatize(morph_vocab)
            forms = {normalize_name(token.text), normalize_name(token.lemma or token.text)}
            if token.text[:1].isupper():
                # Rare names get several guesses from pymorphy; any of them may be the alias.
                forms.update(normalize_name(p.normal) for p in morph_vocab.parse(token.text)[:3])
            sentence.tokens.append(
                Token(
                    token.text,
                    token.start - sent.start,
                    token.stop - sent.start,
                    frozenset(forms),
                    token.text[:1].isupper(),
                )
            )
        for span in sent.spans:
            if span.type != "PER":
                continue
            span.normalize(morph_vocab)
            sentence.persons.append(
                PersonSpan(span.text, span.normal or span.text, span.start - sent.start,
                           span.stop - sent.start)
            )  # fmt: skip
        result.append(sentence)
    return result
