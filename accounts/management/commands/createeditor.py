"""Make an editor (or, with --admin, an admin) without going through the admin site."""

from __future__ import annotations

import getpass
import secrets
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.roles import ADMINS, EDITORS


class Command(BaseCommand):
    help = (
        "Create a user in the editors group (and admins with --admin). Without --password, "
        "asks for one on a terminal, or generates one and prints it once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--admin", action="store_true", help="Also put the user in admins.")
        parser.add_argument("--password", help="The password (otherwise asked or generated).")

    def handle(
        self, *args, username: str, email: str, admin: bool, password: str | None, **options
    ) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists; choose another name.")

        generated = False
        if password is None:
            password = self._ask_password() if self.stdin_is_terminal() else None
            if not password:
                password = secrets.token_urlsafe(15)
                generated = True
        else:
            try:
                password_validation.validate_password(
                    password, User(username=username, email=email)
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None

        names = [EDITORS, ADMINS] if admin else [EDITORS]
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            # The migration makes the groups; get_or_create only guards a hand-pruned database.
            user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in names))

        role = "admin" if admin else "editor"
        self.stdout.write(self.style.SUCCESS(f"Created {role} {username!r}."))
        if generated:
            self.stdout.write(f"Password (shown only now): {password}")

    def stdin_is_terminal(self) -> bool:
        return sys.stdin.isatty()

    def _ask_password(self) -> str:
        """Empty input means: generate one."""
        while True:
            password = getpass.getpass("Password (empty to generate one): ")
            if not password:
                return ""
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ; try again.")
                continue
            try:
                password_validation.validate_password(password)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
