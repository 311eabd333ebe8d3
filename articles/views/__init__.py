"""Views of the articles app: article pages and fragments (pages), review queue and ingest
(review)."""

from __future__ import annotations
