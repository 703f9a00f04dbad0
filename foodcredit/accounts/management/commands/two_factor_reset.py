"""`manage.py two_factor_reset USERNAME --reason TEXT`: remove a user's authenticator (lost phone); the next login
sets up a new one. Audited with the reason (SECURITY.md A3)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.accounts import services
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError


class Command(BaseCommand):
    help = "Reset a user's second factor (a lost authenticator), with a reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        try:
            removed = services.two_factor_reset(user=user, reason=options["reason"], actor=None)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"two_factor_reset: {user.username}: {removed} device(s) removed; the next login sets one up")
