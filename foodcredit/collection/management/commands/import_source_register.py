"""python manage.py import_source_register NAME --kinds penalties,inspections [--department CODE]"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.collection import selectors, services
from foodcredit.collection.models import RecordKind
from foodcredit.core.errors import DomainError


class Command(BaseCommand):
    help = "Register a source system for the record kinds it reports, or add kinds to a registered one (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--kinds", required=True, help=f"comma-separated, of: {', '.join(RecordKind.values)}")
        parser.add_argument("--department", default="", help="code of the department the source belongs to")

    def handle(self, *args: Any, **opts: Any) -> None:
        kinds = [k.strip() for k in opts["kinds"].split(",") if k.strip()]
        try:
            source = services.source_register(
                name=opts["name"], kinds=kinds, department_code=opts["department"], actor=None
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        kinds_now = selectors.source_grant(source).kinds
        self.stdout.write(f"已登记 registered: {source.name} → {', '.join(sorted(kinds_now))}")
