"""python manage.py import_mapping --source NAME --kind KIND [--columns JSON] [--values JSON] — a new mapping version."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.collection import services
from foodcredit.collection.models import RecordKind, SourceMapping


class Command(BaseCommand):
    help = "Show or save the column and value mapping of a source system (saved as a new version; old ones are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True)
        parser.add_argument("--kind", required=True, choices=RecordKind.values)
        parser.add_argument("--columns", help='JSON {"source header": "standard header"}')
        parser.add_argument("--values", help='JSON {"standard header": {"source value": "standard value"}}')

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["columns"] is None and opts["values"] is None:
            for m in SourceMapping.objects.filter(source__name=opts["source"], kind=opts["kind"]).order_by("version"):
                self.stdout.write(
                    f"v{m.version}: columns={json.dumps(m.columns, ensure_ascii=False)} "
                    f"values={json.dumps(m.values, ensure_ascii=False)}"
                )
            return
        try:
            columns = json.loads(opts["columns"] or "{}")
            values = json.loads(opts["values"] or "{}")
        except json.JSONDecodeError as exc:
            raise CommandError(f"映射不是合法的 JSON：{exc}") from exc
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise CommandError("映射必须是 JSON 对象")
        # A mapping for a kind is the server's operator registering the source for it (audited, said below).
        source = services.source_register(name=opts["source"], kinds=[opts["kind"]], actor=None)
        mapping = services.mapping_save(source=source, kind=opts["kind"], columns=columns, values=values, actor=None)
        self.stdout.write(
            f"已保存 saved: {source.name} {opts['kind']} v{mapping.version} (已登记该类型 kind registered)"
        )
