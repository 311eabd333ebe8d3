"""Browser tests: Playwright driving Debian's Chromium against a live server. Their fixtures
(`browser`, `page`, `axe_violations`) live in tests/conftest.py, shared with tests/security/."""

from __future__ import annotations
