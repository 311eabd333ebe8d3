"""Accounts and roles: signing in and out through the real forms, changing a password, making
editors from the command line, the role decorators, and throttling of password guessing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from accounts.roles import admin_required, editor_required, is_admin, is_editor

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@editor_required
def editor_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("editor page")


@admin_required
def admin_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("admin page")


# Used as ROOT_URLCONF by the decorator tests: the two views plus the sign-in URLs they send to.
urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("editor-page/", editor_page),
    path("admin-page/", admin_page),
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every test here hashes real passwords through the forms; PBKDF2 would make them slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, *groups: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def analyst():
    return make_user("analyst")


@pytest.fixture
def editor():
    return make_user("editor", "editors")


@pytest.fixture
def admin():
    return make_user("admin", "editors", "admins")


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_the_role_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"editors", "admins"}


def test_the_group_migration_can_run_twice():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0001_roles")
    migration.create_role_groups(apps, None)
    assert Group.objects.filter(name__in=["editors", "admins"]).count() == 2


def test_an_editor_signs_in_through_the_form_and_sees_the_header(client, editor):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'name="password"' in page.content

    response = sign_in(client, "editor")

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "editor" in home
    assert "Change password" in home
    assert 'action="/accounts/logout/"' in home


def test_sign_in_goes_back_to_the_page_asked_for(client, editor):
    response = client.post(
        "/accounts/login/", {"username": "editor", "password": PASSWORD, "next": "/matrix/"}
    )
    assert response["Location"] == "/matrix/"


def test_a_wrong_password_shows_the_form_again_with_the_username_kept(client, editor):
    response = sign_in(client, "editor", "wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="editor"' in page
    assert "field-error" in page
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_see_a_sign_in_link(client):
    page = client.get("/").content.decode()
    assert 'href="/accounts/login/?next=/"' in page
    assert "Sign out" not in page


def test_sign_out_is_a_post_that_ends_the_session(client, editor):
    sign_in(client, "editor")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_sign_out_refuses_get(client, editor):
    sign_in(client, "editor")
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_sign_out_checks_csrf(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post("/accounts/logout/").status_code == 403
    assert "_auth_user_id" in client.session


def test_an_editor_changes_their_password(client, editor):
    sign_in(client, "editor")
    assert client.get("/accounts/password_change/").status_code == 200

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a different long passphrase",
            "new_password2": "a different long passphrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    assert client.get(response["Location"]).status_code == 200
    editor.refresh_from_db()
    assert editor.check_password("a different long passphrase")
    assert "_auth_user_id" in client.session


def test_a_wrong_old_password_changes_nothing(client, editor):
    sign_in(client, "editor")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "x1y2z3w4v5u6", "new_password2": "x1y2z3w4v5u6"},
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


def test_password_change_needs_a_signed_in_user(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_createeditor_makes_an_editor_who_can_sign_in(client):
    out = StringIO()
    call_command("createeditor", "olga", email="olga@example.org", password=PASSWORD, stdout=out)

    user = User.objects.get(username="olga")
    assert user.email == "olga@example.org"
    assert is_editor(user)
    assert not is_admin(user)
    assert PASSWORD not in out.getvalue()
    assert sign_in(client, "olga").status_code == 302


def test_createeditor_with_admin_makes_an_admin():
    call_command("createeditor", "aziz", password=PASSWORD, admin=True, stdout=StringIO())
    user = User.objects.get(username="aziz")
    assert set(user.groups.values_list("name", flat=True)) == {"editors", "admins"}
    assert is_admin(user)
    assert is_editor(user)


def test_createeditor_generates_a_password_and_prints_it_once(monkeypatch):
    out = StringIO()
    # Not a terminal (as under pytest): nothing to prompt, so a password is generated.
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    call_command("createeditor", "dina", stdout=out)

    lines = [line for line in out.getvalue().splitlines() if line.startswith("Password")]
    assert len(lines) == 1
    password = lines[0].rsplit(" ", 1)[1]
    assert User.objects.get(username="dina").check_password(password)


def test_createeditor_refuses_an_existing_username(editor):
    with pytest.raises(CommandError, match="already exists"):
        call_command("createeditor", "editor", password=PASSWORD, stdout=StringIO())
    assert User.objects.filter(username="editor").count() == 1


def test_createeditor_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("createeditor", "weak", password="123", stdout=StringIO())
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.urls("tests.accounts.test_accounts")
@pytest.mark.parametrize("url", ["/editor-page/", "/admin-page/"])
def test_role_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.urls("tests.accounts.test_accounts")
@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("analyst", "/editor-page/", 403),
        ("analyst", "/admin-page/", 403),
        ("editor", "/editor-page/", 200),
        ("editor", "/admin-page/", 403),
        ("admin", "/editor-page/", 200),
        ("admin", "/admin-page/", 200),
    ],
)
def test_role_pages_answer_each_persona(client, request, persona, url, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == status


def test_an_inactive_editor_has_no_role(editor):
    editor.is_active = False
    assert not is_editor(editor)


def test_too_many_wrong_passwords_lock_the_account_out(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "editor", "wrong").status_code == 200
    # The failure that reaches the limit already answers with the lockout page.
    assert sign_in(client, "editor", "wrong").status_code == 429

    response = sign_in(client, "editor")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked for a while" in page
    assert "Try again in at most 60 min." in page
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username_and_address(client, editor, analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")

    # Same address, another account: not locked.
    assert sign_in(client, "analyst").status_code == 302
    client.post("/accounts/logout/")
    # Same account, another address: not locked either.
    assert sign_in(client, "editor", REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor").status_code == 302
    client.post("/accounts/logout/")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor").status_code == 302
