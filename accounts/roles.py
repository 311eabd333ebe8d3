"""Who may do what: anonymous readers and logged-in analysts read published records, members of
the `editors` group create and edit, members of `admins` also delete. An admin is an editor too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

EDITORS = "editors"
ADMINS = "admins"

type User = AbstractBaseUser | AnonymousUser
type View = Callable[..., HttpResponse]


def _in_any_group(user: User, *names: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # One query per request however often a view and its templates ask (the user object lives
    # as long as the request); a change of groups shows from the next request on.
    groups = getattr(user, "_stancewatch_groups", None)
    if groups is None:
        groups = frozenset(
            user.groups.filter(name__in=(EDITORS, ADMINS)).values_list("name", flat=True)
        )
        user._stancewatch_groups = groups
    return not groups.isdisjoint(names)


def is_admin(user: User) -> bool:
    return _in_any_group(user, ADMINS)


def is_editor(user: User) -> bool:
    return _in_any_group(user, EDITORS, ADMINS)


def _role_required(check: Callable[[User], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # Signed in but without the role: asking them to sign in again would loop.
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = _role_required(is_editor)
editor_required.__doc__ = "Editors and admins pass; others get 403, anonymous users the login."
admin_required = _role_required(is_admin)
admin_required.__doc__ = "Admins pass; others get 403, anonymous users the login."
