"""Near-duplicate detection: SimHash fingerprints and the Hamming distance threshold."""

from __future__ import annotations

from pathlib import Path

import pytest

from articles.canonical import canonicalize_url
from articles.models import Article
from articles.pipeline.dedupe import (
    MIN_WORDS,
    NEAR_DUPLICATE_BITS,
    body,
    hamming,
    is_near_duplicate,
    simhash,
)
from articles.pipeline.html import parse_page
from articles.services import article_register

PIPELINE = Path(__file__).parent / "fixtures" / "pipeline"


def page_text(name: str) -> str:
    return parse_page((PIPELINE / name).read_text(encoding="utf-8")).text


def test_a_fingerprint_fits_a_signed_bigint_and_is_stable():
    text = page_text("uz-saidov-kabul.html")

    fingerprint = simhash(text)

    assert fingerprint is not None
    assert -(2**63) <= fingerprint < 2**63
    assert simhash(text) == fingerprint


def test_punctuation_case_and_spacing_do_not_count():
    text = page_text("kz-nurtleu-astana.html")
    shouted = text.upper().replace(",", " ,").replace(".", " !")

    assert hamming(simhash(text), simhash(shouted)) == 0


def test_a_rewrite_with_a_new_headline_and_ending_is_a_near_duplicate():
    original = simhash(page_text("uz-saidov-kabul.html"))
    rewrite = simhash(page_text("uz-saidov-kabul-rewrite.html"))

    assert hamming(original, rewrite) <= NEAR_DUPLICATE_BITS
    assert is_near_duplicate(original, rewrite)


def test_different_reports_are_far_apart():
    texts = ["uz-saidov-kabul.html", "kz-nurtleu-astana.html", "kz-wheat-harvest.html"]
    fingerprints = [simhash(page_text(name)) for name in texts]

    distances = [hamming(a, b) for i, a in enumerate(fingerprints) for b in fingerprints[i + 1 :]]

    assert min(distances) > NEAR_DUPLICATE_BITS + 5


def test_a_short_text_has_no_fingerprint():
    words = " ".join(f"слово{n}" for n in range(MIN_WORDS - 1))

    assert simhash(words) is None
    assert simhash(words + " ещё") is not None
    assert not is_near_duplicate(simhash(words), simhash(words))


def test_hamming_counts_differing_bits_of_signed_values():
    assert hamming(0, 0) == 0
    assert hamming(-1, 0) == 64
    assert hamming(-(2**63), 0) == 1
    assert hamming(0b1011, 0b0001) == 2


def test_the_headline_is_left_out_but_a_first_sentence_is_not():
    assert body("Заголовок без точки\nПервый абзац.") == "Первый абзац."
    assert body("Это предложение.\nВторое.") == "Это предложение.\nВторое."
    assert body("Только заголовок") == "Только заголовок"


@pytest.mark.parametrize(
    ("mobile", "desktop"),
    [
        ("https://m.kun.uz/news/2024/03/12/x", "https://kun.uz/news/2024/03/12/x"),
        ("https://mobile.inform.kz/ru/x/amp?utm_source=tg", "https://inform.kz/ru/x"),
        ("https://M.Tengrinews.kz./news/1", "https://tengrinews.kz/news/1"),
    ],
)
def test_a_mobile_link_has_the_desktop_pages_canonical_url(mobile, desktop):
    assert canonicalize_url(mobile) == canonicalize_url(desktop) == desktop


def test_a_two_label_domain_starting_with_m_is_not_a_mobile_copy():
    assert canonicalize_url("https://m.uz/news") == "https://m.uz/news"


@pytest.mark.django_db
def test_a_report_linked_from_mobile_and_desktop_is_one_article():
    first = article_register(url="https://m.kun.uz/news/7", origin=Article.Origin.FEED)
    second = article_register(url="https://kun.uz/news/7?fbclid=x")

    assert first.pk == second.pk
    assert second.origin == Article.Origin.FEED
