"""Ingestion stages (fetch, extract, dedupe, relevance, events), each a plain module.

The editor citation form and the ingestion tasks share these stages, starting with
`articles.pipeline.fetch.fetch_url`.
"""

from __future__ import annotations
