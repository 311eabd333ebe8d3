"""Security headers, production cookies, what anonymous visitors may reach, CSV formulas and
login throttling.

Already covered elsewhere (not repeated here): `check --deploy` clean and the refusal of unsafe
production settings (tests/test_settings.py); 5 wrong passwords → 429 and the right password
refused while locked, lockout per username and address (tests/accounts/test_accounts.py);
draft record permalinks 404 (tests/stances/test_records.py, test_pages.py); history pages and
/changes/ send anonymous users to sign in (tests/stances/test_history.py); every mutating POST
sends anonymous users to sign in (tests/stances/test_editing.py); a "=HYPERLINK" summary is
neutralised in both CSV exports (tests/stances/test_timeline.py, test_matrix.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    OutletFactory,
    ParticipantFactory,
    StanceChangeFactory,
    SuggestionFactory,
    person,
)
from tests.security.payloads import FORMULAS

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SECRET = "draft-only-words-Zq7"
PASSWORD = "correct horse battery staple"

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x7Qp9LmZ2vR8sT4w" * 4,
    "ALLOWED_HOSTS": "stancewatch.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://stancewatch.example.org",
    # A throwaway in-memory database: the probe migrates it and signs a user in.
    "DATABASE_URL": "sqlite://:memory:",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "LOG_LEVEL": "ERROR",
}

# Runs under production settings: migrates an in-memory database, then reports what a browser
# on https would receive from a page, the sign-in form, a sign-in and a plain-http request.
PROBE = """
import json, django
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import User
from django.test import Client
from django.test.utils import override_settings
# The manifest storage needs collectstatic's output, which has nothing to do with the headers.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
call_command("migrate", verbosity=0)
User.objects.create_user("edith", password="correct horse battery staple")
client = Client(HTTP_HOST="stancewatch.example.org")
out = {}
def describe(response):
    cookies = {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                      "samesite": m["samesite"]} for name, m in response.cookies.items()}
    return {"status": response.status_code, "headers": dict(response.headers),
            "cookies": cookies, "body": response.content.decode(errors="replace")}
out["login_page"] = describe(client.get("/accounts/login/", secure=True))
out["sign_in"] = describe(client.post("/accounts/login/",
    {"username": "edith", "password": "correct horse battery staple"}, secure=True))
out["plain_http"] = describe(client.get("/matrix/?as_of=2024-06-30"))
out["not_found"] = describe(client.get("/no-such-page/", secure=True))
print("PROBE" + json.dumps(out))
"""


def production_probe() -> dict:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (if they ran first) is not a deployment's.
    inherited = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in inherited} | PRODUCTION
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


@pytest.fixture(scope="module")
def production() -> dict:
    return production_probe()


def nonce_of(policy: str) -> str:
    found = re.search(r"'nonce-([^']+)'", policy)
    assert found, f"no nonce in {policy!r}"
    return found.group(1)


# Production: TLS-only cookies, HSTS, the headers ---------------------------------------------


def test_production_sign_in_sets_a_secure_http_only_session_cookie(production):
    sign_in = production["sign_in"]
    assert sign_in["status"] == 302
    session = sign_in["cookies"]["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_production_csrf_cookie_is_secure(production):
    assert production["login_page"]["status"] == 200
    assert production["login_page"]["cookies"]["csrftoken"]["secure"]


def test_production_answers_with_hsts_for_a_year_including_subdomains(production):
    for name in ("login_page", "sign_in", "not_found"):
        hsts = production[name]["headers"]["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains; preload", name


def test_production_redirects_plain_http_to_https(production):
    plain = production["plain_http"]
    assert plain["status"] == 301
    assert plain["headers"]["Location"] == (
        "https://stancewatch.example.org/matrix/?as_of=2024-06-30"
    )


def test_production_pages_carry_csp_with_the_nonce_of_their_scripts_and_the_other_headers(
    production,
):
    page = production["login_page"]
    headers = page["headers"]
    nonce = nonce_of(headers["Content-Security-Policy"])
    assert f'nonce="{nonce}"' in page["body"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_production_error_pages_do_not_leak_debug_information(production):
    page = production["not_found"]
    assert page["status"] == 404
    assert "Traceback" not in page["body"]
    assert "URLconf" not in page["body"]
    assert "SECRET_KEY" not in page["body"]


# Development settings: every kind of response carries the headers --------------------------


@pytest.fixture
def records(kz):
    contact = ContactFactory(country=kz)
    CitationFactory(contact=contact)
    change = StanceChangeFactory(country=kz)
    actor = ActorFactory(country=kz, slug="nurtleu", name="Murat Nurtleu")
    return contact, change, actor


HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def test_every_kind_of_response_carries_the_security_headers(client, records):
    contact, change, _actor = records
    urls = [
        "/",
        "/countries/kz/",
        "/countries/kz/?format=csv",
        "/countries/kz/?format=json",
        "/countries/kz/feed/",
        "/matrix/",
        "/matrix/?format=csv",
        contact.get_absolute_url(),
        change.get_absolute_url(),
        "/actors/nurtleu/",
        "/contacts/999999/",
        "/accounts/login/",
        "/review/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (url, name)
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy, url
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy, url
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url


def test_an_htmx_fragment_carries_the_policy_and_no_script_of_its_own(client, records):
    response = client.get("/countries/kz/?type=meeting", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "<script" not in html and "<style" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_page_served_from_the_cache_carries_the_nonce_its_html_uses(client, records, settings):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    seen: list[set[str]] = []
    try:
        for _ in range(2):
            response = client.get("/")
            nonces = set(re.findall(r'nonce="([^"]+)"', response.content.decode()))
            assert nonces == {nonce_of(response.headers["Content-Security-Policy"])}
            seen.append(nonces)
        # Each reader its own nonce, though the second was served from the cache.
        assert seen[0] != seen[1]
    finally:
        caches["pages"].clear()


# Anonymous visitors by direct URL ------------------------------------------------------------


@pytest.fixture
def hidden(kz):
    """A draft and a deleted record of each kind, each naming SECRET, with the ways to reach
    them: their own pages, their history, the edit forms, the article that only they cite."""
    actor = ActorFactory(country=kz, slug="hidden-actor", name="Hidden Actor")
    # Articles are public whoever cites them; what must stay hidden is that drafts cite it.
    article = ArticleFactory(title="Cited only by drafts")
    made = {}
    for state in ("draft", "deleted"):
        contact = ContactFactory(
            country=kz,
            status="draft" if state == "draft" else "published",
            summary=f"{state} contact {SECRET}",
            notes=SECRET,
        )
        ParticipantFactory(contact=contact, actor=actor, role=SECRET)
        CitationFactory(contact=contact, article=article, quote=SECRET)
        change = StanceChangeFactory(
            country=kz,
            status="draft" if state == "draft" else "published",
            summary=f"{state} stance {SECRET}",
        )
        CitationFactory(contact=None, stance_change=change, article=article, quote=SECRET)
        if state == "deleted":
            for record in (contact, change):
                record.deleted_at = timezone.now()
                record.save()
        made[state] = (contact, change)
    suggestion = SuggestionFactory(country=kz, evidence=SECRET, location=SECRET)
    return made, article, suggestion


def hidden_urls(made, article, suggestion) -> tuple[list[str], list[str]]:
    """(URLs that must 404 or send to sign-in, public URLs that must not show SECRET)."""
    private = []
    for contact, change in made.values():
        first_contact = contact.history.earliest().history_id
        first_change = change.history.earliest().history_id
        private += [
            f"/contacts/{contact.pk}/",
            f"/contacts/{contact.pk}/{contact.slug}/",
            f"/contacts/{contact.pk}/edit/",
            f"/contacts/{contact.pk}/history/",
            f"/contacts/{contact.pk}/history/{first_contact}/revert/",
            f"/stances/{change.pk}/",
            f"/stances/{change.pk}/{change.slug}/",
            f"/stances/{change.pk}/edit/",
            f"/stances/{change.pk}/history/",
            f"/stances/{change.pk}/history/{first_change}/revert/",
        ]
    private += [
        "/changes/",
        "/review/",
        f"/review/{suggestion.pk}/accept/",
        "/ingest/",
        f"/ingest/{suggestion.article.pk}/",
        f"/articles/{article.pk}/status/",
        "/articles/search/?q=drafts",
        "/actors/suggest/?q=Hidden",
        "/contacts/new/",
        f"/contacts/new/?suggestion={suggestion.pk}",
        "/stances/new/",
        "/contacts/check-field/?field=summary",
        "/admin/",
        "/admin/stances/contact/",
    ]
    public = [
        "/",
        "/countries/kz/",
        "/countries/kz/?q=draft-only",
        "/countries/kz/?format=csv",
        "/countries/kz/?format=json",
        "/countries/kz/feed/",
        "/matrix/",
        "/matrix/?format=csv",
        "/matrix/?format=json",
        "/actors/hidden-actor/",
        f"/articles/{article.pk}/",
    ]
    return private, public


def test_anonymous_visitors_never_reach_drafts_deleted_records_history_or_editor_pages(
    client, hidden
):
    private, public = hidden_urls(*hidden)
    for url in private:
        response = client.get(url)
        if response.status_code == 302:
            assert re.match(r"^/(accounts|admin)/login/\?next=", response["Location"]), url
        else:
            assert response.status_code in (404, 405), (url, response.status_code)
        assert SECRET not in response.content.decode(), url
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


def test_a_signed_in_analyst_is_refused_the_same_pages(client, hidden):
    client.force_login(person("anna"))
    private, public = hidden_urls(*hidden)
    for url in private:
        response = client.get(url)
        assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
        assert SECRET not in response.content.decode(), url
    for url in public:
        assert SECRET not in client.get(url).content.decode(), url


def test_an_editor_viewing_a_draft_never_puts_it_in_the_anonymous_page_cache(
    client, hidden, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    caches["pages"].clear()
    made, _article, _suggestion = hidden
    contact = made["draft"][0]
    editor = Client()
    editor.force_login(person("edith", "editors"))
    try:
        for url in (contact.get_absolute_url(), "/countries/kz/", "/actors/hidden-actor/"):
            assert editor.get(url).status_code == 200
            response = client.get(url)
            assert SECRET not in response.content.decode(), url
        assert client.get(contact.get_absolute_url()).status_code == 404
    finally:
        caches["pages"].clear()


# CSV exports neutralise spreadsheet formulas --------------------------------------------------


def csv_cells(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_every_formula_start_is_neutralised_in_every_text_column_of_the_timeline_csv(client, kz):
    outlet = OutletFactory(name=FORMULAS[0], domain="evil.example")
    for index, formula in enumerate(FORMULAS):
        contact = ContactFactory(
            country=kz, summary=formula, notes=formula, location_city=formula[:120]
        )
        actor = ActorFactory(country=kz, name=formula, slug=f"formula-{index}")
        ParticipantFactory(contact=contact, actor=actor, role=formula)
        article = ArticleFactory(outlet=outlet, url=f"https://evil.example/{index}")
        CitationFactory(contact=contact, article=article, quote=formula)
        StanceChangeFactory(country=kz, summary=formula, notes=formula)

    rows = csv_cells(client.get("/countries/kz/?format=csv"))

    header = rows[0]
    assert len(rows) == 1 + 2 * len(FORMULAS)
    assert_no_formula(rows)
    summaries = {row[header.index("summary")] for row in rows[1:]}
    assert summaries == {"'" + formula for formula in FORMULAS}
    quotes = {row[header.index("citation_quotes")] for row in rows[1:]}
    assert {"'" + formula for formula in FORMULAS} <= quotes
    participants = [row[header.index("participants")] for row in rows[1:]]
    assert sum(p.startswith("'") for p in participants) == len(FORMULAS)
    outlets = {row[header.index("citation_outlets")] for row in rows[1:]} - {""}
    assert outlets == {"'" + FORMULAS[0]}


def test_the_matrix_csv_neutralises_formulas_in_summaries_and_values(client, kz):
    for dimension, value in (("overall", "-1"), ("recognition", "de_facto")):
        change = StanceChangeFactory(
            country=kz, dimension=dimension, value=value, summary="@SUM(1+1)*cmd|' /C calc'!A0"
        )
        CitationFactory(contact=None, stance_change=change)

    rows = csv_cells(client.get("/matrix/?format=csv"))

    assert_no_formula(rows)
    assert any("'@SUM(1+1)*cmd|' /C calc'!A0" in row for row in rows[1:])


def test_the_json_export_keeps_the_text_exactly_as_entered(client, kz):
    ContactFactory(country=kz, summary=FORMULAS[0])
    records = client.get("/countries/kz/?format=json").json()["records"]
    assert [r["summary"] for r in records] == [FORMULAS[0]]


# Login throttling: what test_accounts.py does not already cover ------------------------------


@pytest.fixture
def editor_account(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("edith", password=PASSWORD)


def sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_lockout_survives_a_fresh_session_from_the_same_address(editor_account, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "edith", "wrong")
    # Dropping cookies does not reset the count: a new browser is still locked out.
    response = sign_in(Client(), "edith", PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked for a while" in response.content.decode()


def test_guessing_an_unknown_username_is_throttled_the_same_way(db, settings):
    client = Client()
    answers = [
        sign_in(client, "nobody-here", "wrong").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The same answers as for a real account: the lockout does not reveal who exists.
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def test_the_lockout_page_carries_the_security_headers(editor_account, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "edith", "wrong")
    assert response.status_code == 429
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value
    nonce_of(response.headers["Content-Security-Policy"])
    assert Article.objects.count() == 0
