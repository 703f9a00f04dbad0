"""`manage.py enrolment_code_issue USERNAME`: a one-time code for a staff user's first authenticator, printed for
the server's operator to hand over in person — how the first security administrator gets one; after that the
security administrator issues codes in the back office. Audited."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.accounts import services
from foodcredit.accounts.models import User
from foodcredit.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue a one-time enrolment code for a staff user's first authenticator (hand it over out of band)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        try:
            code = services.enrolment_code_issue(user=user, actor=None)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"enrolment_code_issue: {user.username}: {code} (one use; hand it over in person)")
