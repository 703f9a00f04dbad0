"""`manage.py accounts_dormant_disable [--days N]`: disable accounts unused for more than ACCOUNT_DORMANT_DAYS (SECURITY.md
B4: no stale accounts). Idempotent; meant to run daily."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from foodcredit.accounts import services


class Command(BaseCommand):
    help = "Disable accounts unused for more than ACCOUNT_DORMANT_DAYS days (audited; their sessions end)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] or int(settings.ACCOUNT_DORMANT_DAYS)
        disabled = services.users_dormant_disable(as_of=timezone.now(), idle_days=days)
        names = ", ".join(u.username for u in disabled) or "none"
        self.stdout.write(f"accounts_dormant_disable: {len(disabled)} account(s) unused for {days} days: {names}")
