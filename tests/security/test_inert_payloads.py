"""Hostile text stored everywhere renders inert, checked in Chromium.

The payloads of tests/security/payloads.py go into every text field of every record: a contact
and a stance change saved through the editors' real forms (summary, notes, city, participant
roles, a new actor's name, citation quotes), an article ingested through the real fetch and
extraction pipeline from a hostile page on a local server (title, text), and the
rest through factories (actor names and aliases, outlet names, article titles, an article URL
that is a `javascript:` URL, review suggestions' evidence, participants and place). Then every
page that shows them opens in Chromium, as an anonymous reader and as an editor: no dialog may
open, the `window.__pwned` canary must stay unset, no console or page error, and the payloads
read as text. CSP violation events are recorded and printed: none is expected, because escaped
text never reaches the policy, except where a test clicks a `javascript:` link on purpose.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from articles.models import Article, Suggestion
from articles.services import article_fill_metadata, article_register
from stances.models import Actor, Contact, StanceChange
from tests.factories import (
    ActorFactory,
    AliasFactory,
    ArticleFactory,
    CitationFactory,
    ContactFactory,
    CountryFactory,
    OutletFactory,
    ParticipantFactory,
    SuggestionFactory,
    TalibanActorFactory,
)
from tests.security.payloads import (
    ATTRIBUTE_BREAKER,
    DANGEROUS_MARKERS,
    DJANGO_VARIABLE,
    IMG_ONERROR,
    JAVASCRIPT_URL,
    PAYLOADS,
    SCRIPT_TAG,
    SVG_ONLOAD,
    TEXTAREA_BREAKER,
    all_payloads,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "a-long-test-password-1"
ALL = all_payloads()

# Runs before any page script, through the DevTools protocol (the page's CSP does not apply):
# records what the policy blocked, so a test can show it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' +
                              (e.sample || ''));
});
"""


def hostile_page() -> bytes:
    """An article page with payloads as markup (which extraction drops) and as text."""
    escaped = "".join(
        f"<p>{p.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>"
        for p in PAYLOADS
    )
    title = TITLE_TEXT.replace("<", "&lt;").replace(">", "&gt;")
    return (
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f"<meta property='og:title' content='{title}'>"
        "<meta property='og:site_name' content='&lt;svg onload=alert(1)&gt; News'>"
        "<meta property='article:published_time' content='2024-05-11'>"
        f"</head><body><article><h1>{title}</h1>"
        "<p>Посол Казахстана встретился в Кабуле с Амир Ханом Муттаки и обсудил торговлю.</p>"
        f"{escaped}{SCRIPT_TAG}{IMG_ONERROR}{SVG_ONLOAD}"
        "</article></body></html>"
    ).encode()


TITLE_TEXT = "<script>window.__pwned=1</script> Талибы <img src=x onerror=alert(1)>"


class HostileHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        body = hostile_page()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile_server(settings) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    yield f"http://127.0.0.1:{server.server_address[1]}/news/hostile.html"
    server.shutdown()
    server.server_close()


def management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@dataclass
class Hostile:
    contact: Contact
    change: StanceChange
    ingested: Article
    javascript_contact: Contact
    suggestion: Suggestion
    city_contacts: list[Contact] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)


@pytest.fixture
def hostile(db, hostile_server) -> Hostile:
    kz = CountryFactory(code="KZ", name_en="Kazakhstan", name_ru="Казахстан")
    muttaqi = TalibanActorFactory(name="Amir Khan Muttaqi", slug="amir-khan-muttaqi")
    for payload in PAYLOADS:
        AliasFactory(actor=muttaqi, name=payload)
    editor = User.objects.create_user("edith", password=PASSWORD)
    # A transactional test before this one may have flushed the groups the migration made.
    editor.groups.add(Group.objects.get_or_create(name="editors")[0])

    # Ingested: the real fetch and extraction of a hostile page.
    ingested = article_fill_metadata(article_id=article_register(url=hostile_server).pk)
    assert ingested.state == Article.State.FETCHED, ingested.failure_reason

    # Through the editors' real forms.
    forms = Client()
    forms.force_login(editor)
    response = forms.post(
        "/contacts/new/",
        {
            "country": "KZ",
            "date": "2024-05-10",
            "date_precision": "day",
            "type": "meeting",
            "direction": "to_afghanistan",
            "location_city": SCRIPT_TAG,
            "location_country": "",
            "level_country": "",
            "level_taliban": "",
            # No topics: their rows come from a migration, which a transactional test before
            # this one may have flushed.
            "summary": ALL,
            "verification": "reported",
            "notes": ALL,
            "status": "published",
            **management("participants", 2),
            "participants-0-new_actor_name": IMG_ONERROR,
            "participants-0-side": "country",
            "participants-0-role": ATTRIBUTE_BREAKER,
            "participants-1-actor": str(muttaqi.pk),
            "participants-1-side": "taliban",
            "participants-1-role": TEXTAREA_BREAKER,
            **management("citations", 1),
            "citations-0-url": "",
            "citations-0-article": str(ingested.pk),
            "citations-0-quote": ALL,
        },
    )
    assert response.status_code == 302, re.findall(r"<li>[^<]*</li>", response.content.decode())
    contact = Contact.objects.get(summary=ALL)
    response = forms.post(
        "/stances/new/",
        {
            "country": "KZ",
            "dimension": "overall",
            "value": "+1",
            "date": "2024-05-10",
            "date_precision": "day",
            "summary": ALL,
            "verification": "confirmed",
            "notes": ALL,
            "status": "published",
            **management("citations", 1),
            "citations-0-url": "",
            "citations-0-article": str(ingested.pk),
            "citations-0-quote": ALL,
        },
    )
    assert response.status_code == 302, re.findall(r"<li>[^<]*</li>", response.content.decode())
    change = StanceChange.objects.get(summary=ALL)

    # Through factories: one record per payload for the short fields.
    made = Hostile(
        contact=contact,
        change=change,
        ingested=ingested,
        javascript_contact=ContactFactory(country=kz, summary="Cites a javascript: URL."),
        suggestion=SuggestionFactory(
            country=kz,
            article=ArticleFactory(title=SCRIPT_TAG, text=f"Вступление. {ALL} Конец."),
            evidence=ALL,
            location=SVG_ONLOAD,
            participants=[{"name": p, "role": p, "side": "country"} for p in PAYLOADS],
        ),
    )
    CitationFactory(
        contact=made.javascript_contact,
        article=ArticleFactory(url=JAVASCRIPT_URL, canonical_url=JAVASCRIPT_URL, title=""),
    )
    for index, payload in enumerate(PAYLOADS):
        city = ContactFactory(country=kz, location_city=payload, summary=payload, notes=payload)
        actor = ActorFactory(country=kz, name=payload, slug=f"payload-{index}", notes=payload)
        AliasFactory(actor=actor, name=payload + " (alias)")
        ParticipantFactory(contact=city, actor=actor, role=payload)
        outlet = OutletFactory(name=payload, domain=f"outlet{index}.example")
        article = ArticleFactory(outlet=outlet, title=payload, text=ALL)
        CitationFactory(contact=city, article=article, quote=payload)
        made.city_contacts.append(city)
        made.actors.append(actor)
        made.articles.append(article)
    # The actor the contact form created from a typed-in name.
    made.actors.append(Actor.objects.exclude(slug__startswith="payload-").get(name=IMG_ONERROR))
    return made


@dataclass
class Visit:
    url: str
    dialogs: list[str]
    violations: list[str]
    text: str


class Browser:
    """One browser context (anonymous or signed in) that opens pages and reports on each."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url, locale="en-GB")
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp_console: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", self._response)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _response(self, response) -> None:
        # Names the resource behind a console "Failed to load resource" error.
        if response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if "Content Security Policy" in message.text:
            self.csp_console.append(message.text)
        else:
            self.errors.append(f"{message.text} ({message.location.get('url')}, {self.page.url})")

    def sign_in(self) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", "edith")
        self.page.fill("#id_password", PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(re.compile(r"/$"))

    def open(self, url: str) -> Visit:
        dialogs_before = len(self.dialogs)
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status < 500, url
        assert response.status in (200, 422), (url, response.status)
        # Let deferred scripts, htmx's load triggers and image errors run before looking.
        self.page.wait_for_timeout(50)
        canary = self.page.evaluate("() => window.__pwned")
        violations = self.page.evaluate("() => window.__cspViolations || []")
        text = self.page.evaluate("() => document.body ? document.body.innerText : ''")
        html = self.page.content()
        assert canary is None, f"{url}: a payload ran"
        for marker in DANGEROUS_MARKERS:
            assert marker not in html, f"{url}: {marker!r} reached the page as markup"
        return Visit(url, self.dialogs[dialogs_before:], violations, text)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def anonymous(browser, live_server) -> Iterator[Browser]:
    reader = Browser(browser, live_server.url)
    yield reader
    reader.close()
    assert reader.errors == [], reader.errors


@pytest.fixture
def editor(browser, live_server) -> Iterator[Browser]:
    reader = Browser(browser, live_server.url)
    yield reader
    reader.close()
    assert reader.errors == [], reader.errors


def public_pages(made: Hostile) -> dict[str, list[str]]:
    """URL → payload texts the page must show as text."""
    pages: dict[str, list[str]] = {
        "/": [],
        "/countries/kz/": [SCRIPT_TAG, DJANGO_VARIABLE],
        f"/countries/kz/?q={quote(SCRIPT_TAG)}": [],
        "/countries/kz/?type=meeting&order=oldest": [SCRIPT_TAG],
        "/matrix/": [],
        f"/matrix/?as_of={quote(ATTRIBUTE_BREAKER)}&compare={quote(SCRIPT_TAG)}": [],
        made.contact.get_absolute_url(): [SCRIPT_TAG, IMG_ONERROR, DJANGO_VARIABLE],
        made.change.get_absolute_url(): [SCRIPT_TAG, SVG_ONLOAD],
        made.ingested.get_absolute_url(): ["<script>window.__pwned=1</script>"],
        made.javascript_contact.get_absolute_url(): [],
        "/actors/amir-khan-muttaqi/": [SCRIPT_TAG, TEXTAREA_BREAKER],
    }
    for index, payload in enumerate(PAYLOADS):
        shown = [payload.strip()] if payload.strip() == payload else []
        pages[made.city_contacts[index].get_absolute_url()] = shown
        pages[made.actors[index].get_absolute_url()] = shown
        pages[made.articles[index].get_absolute_url()] = shown
    pages[made.actors[-1].get_absolute_url()] = [IMG_ONERROR, ATTRIBUTE_BREAKER]
    return pages


def editor_pages(made: Hostile) -> dict[str, list[str]]:
    return {
        f"/contacts/{made.contact.pk}/edit/": [],
        f"/stances/{made.change.pk}/edit/": [],
        f"/contacts/{made.contact.pk}/history/": [SCRIPT_TAG],
        f"/stances/{made.change.pk}/history/": [SCRIPT_TAG],
        "/changes/": [],
        "/review/": [SCRIPT_TAG, SVG_ONLOAD],
        "/ingest/": [],
        f"/ingest/{made.ingested.pk}/": [],
        f"/ingest/{made.suggestion.article.pk}/": [],
        f"/contacts/new/?suggestion={made.suggestion.pk}": [],
        made.contact.get_absolute_url(): [SCRIPT_TAG],
        "/countries/kz/": [SCRIPT_TAG],
    }


def check(reader: Browser, pages: dict[str, list[str]]) -> list[str]:
    """Open every page; return the CSP violations seen, for the report."""
    seen: list[str] = []
    for url, shown in pages.items():
        visit = reader.open(url)
        assert visit.dialogs == [], (url, visit.dialogs)
        for text in shown:
            assert text in visit.text, f"{url}: {text!r} is not visible as text"
        seen += [f"{url}: {v}" for v in visit.violations]
    return seen


def test_the_ingested_page_kept_its_hostile_text_as_text(hostile):
    # Extraction drops the hostile page's markup but keeps the text that spells it out.
    assert "<script>window.__pwned=1</script>" in hostile.ingested.title
    assert SCRIPT_TAG in hostile.ingested.text


def test_public_pages_show_the_payloads_as_inert_text_to_an_anonymous_reader(hostile, anonymous):
    violations = check(anonymous, public_pages(hostile))
    print("CSP violations:", violations or "none")
    assert violations == []
    assert anonymous.csp_console == []
    assert anonymous.dialogs == []


def test_editor_pages_and_forms_show_the_payloads_as_inert_text(hostile, editor):
    editor.sign_in()
    pages = {**editor_pages(hostile), **public_pages(hostile)}
    violations = check(editor, pages)
    print("CSP violations:", violations or "none")
    assert violations == []
    # The edit form holds the stored text in its fields, byte for byte, not as markup.
    editor.open(f"/contacts/{hostile.contact.pk}/edit/")
    assert editor.page.input_value("#id_summary") == ALL.replace("\r", "")
    assert editor.page.input_value("#id_location_city") == SCRIPT_TAG
    assert editor.dialogs == []


def test_the_autocomplete_lists_hostile_actor_names_as_text(hostile, editor):
    editor.sign_in()
    editor.open("/contacts/new/?country=kz")
    box = editor.page.get_by_role("combobox", name="Actor").first
    box.fill("Muttaqi")
    editor.page.get_by_role("option", name=re.compile("Amir Khan Muttaqi")).first.wait_for()
    box.fill("window pwned alert")
    editor.page.wait_for_timeout(500)
    # Whatever the list shows, it holds text, never elements made from the names.
    listbox = editor.page.locator("[role=listbox]")
    assert listbox.locator("script, img, svg, iframe, style, a").count() == 0
    assert editor.page.evaluate("() => window.__pwned") is None
    assert editor.dialogs == []


def test_a_javascript_url_stored_on_an_article_is_never_rendered_as_a_link(hostile, anonymous):
    # Stored by a factory (the real forms and the pipeline refuse such a URL): the templates
    # still render only http(s) addresses as links, so there is nothing to click.
    for url in (
        hostile.javascript_contact.get_absolute_url(),
        hostile.javascript_contact.citations.get().article.get_absolute_url(),
    ):
        anonymous.open(url)
        assert (
            anonymous.page.locator('[href^="javascript:" i], [cite^="javascript:" i]').count() == 0
        )
        assert anonymous.page.evaluate("() => window.__pwned") is None
        assert anonymous.dialogs == []


def test_the_editor_fragments_escape_hostile_titles_and_queries(hostile):
    # Fragments (no page of their own: a browser would open them without a <head>).
    client = Client()
    client.force_login(User.objects.get(username="edith"))
    for url in (
        f"/articles/search/?q={quote('window')}",
        f"/articles/search/?q={quote(SCRIPT_TAG)}",
        f"/articles/{hostile.ingested.pk}/status/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for marker in DANGEROUS_MARKERS:
            assert marker not in html, (url, marker)
    assert (
        "&lt;script&gt;window.__pwned=1"
        in client.get(f"/articles/search/?q={quote('window')}").content.decode()
    )


def test_the_real_forms_refuse_a_javascript_url_for_a_citation_or_an_ingest(hostile):
    client = Client()
    client.force_login(User.objects.get(username="edith"))
    response = client.post("/ingest/", {"url": JAVASCRIPT_URL})
    assert response.status_code == 422
    response = client.post(
        "/citations/article/", {"prefix": "citations-0", "citations-0-url": JAVASCRIPT_URL}
    )
    assert response.status_code == 200
    assert (
        not Article.objects.filter(url__startswith="javascript:")
        .exclude(pk=hostile.javascript_contact.citations.get().article_id)
        .exists()
    )
