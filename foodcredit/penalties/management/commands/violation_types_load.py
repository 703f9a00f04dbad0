"""Load a violation-type code table (and optionally source-text mappings) from CSV files.

    manage.py violation_types_load [TABLE.csv] [--mappings MAPPINGS.csv]

TABLE columns: 编码, 违法行为类型, 违法条款, 可列入严重违法失信名单 (是/否), 列入依据, 待核对 (是/否); without a file,
the seed table of common 食品安全法 violations (penalties/data/violation_types.csv, every row 待核对: the article
numbers of 总局令第44号 are from secondary sources, DOMAIN.md II §1.2). MAPPINGS columns: 来源系统, 原文, 编码 — every
penalty of that source with that text is classified at once. Run by the server's operator: audited as "system".
"""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from foodcredit.core.errors import DomainError
from foodcredit.penalties import services

SEED = Path(__file__).resolve().parents[2] / "data" / "violation_types.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


class Command(BaseCommand):
    help = "Load a violation-type code table (default: the seed table) and source-text mappings from CSV."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("table", nargs="?", default=str(SEED), help="code table CSV (default: the seed table)")
        parser.add_argument("--mappings", help="CSV of 来源系统, 原文, 编码")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            types = services.violation_types_load(rows=_rows(Path(options["table"])), actor=None)
            listable = sum(vt.listable_serious for vt in types)
            self.stdout.write(f"{len(types)} violation types ({listable} listable on the serious list)")
            if options.get("mappings"):
                changed = services.violation_mappings_load(rows=_rows(Path(options["mappings"])), actor=None)
                self.stdout.write(f"mappings loaded; {changed} penalties classified")
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.context}") from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
