"""python manage.py import_records --kind KIND --source NAME FILE [--skip-bad-rows] [--report FILE.json]"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from foodcredit.collection import selectors, services
from foodcredit.collection.models import ImportJob, RecordKind
from foodcredit.core.errors import DomainError


class Command(BaseCommand):
    help = "Import one file of one record kind from a named source system (all-or-nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, choices=RecordKind.values)
        parser.add_argument(
            "--source",
            required=True,
            help="source system name (an unknown one is registered on first use for this kind; a registered one "
            "must be registered for the kind: manage.py import_source_register)",
        )
        parser.add_argument("--skip-bad-rows", action="store_true", help="write all good rows, report the bad ones")
        parser.add_argument("--report", type=Path, help="write a JSON report of the job and every rejected row")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        bar = tqdm(total=100, desc="导入 import", unit="%", disable=opts["verbosity"] == 0)

        def progress(stage: str, percent: int) -> None:
            bar.set_postfix_str(stage)
            bar.update(max(percent - bar.n, 0))

        try:
            job, ran = services.import_file(
                kind=opts["kind"],
                source_name=opts["source"],
                path=path,
                file_name=path.name,
                skip_bad_rows=opts["skip_bad_rows"],
                actor=None,
                progress=progress,
                register_source=True,
            )
        except DomainError as exc:
            bar.close()
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        bar.close()
        errors = services.report_errors(job)
        if not ran:
            self.stdout.write(f"此文件已导入过，返回原任务 #{job.pk}")
        self.stdout.write(
            f"任务 job #{job.pk} {job.get_status_display()} ({job.status}): 总行数 rows {job.total_rows}, "
            f"新增 new {job.new_count}, 更新 updated {job.updated_count}, 未变 unchanged {job.unchanged_count}, "
            f"拒绝 rejected {job.rejected_count}, 待关联 queued {job.queued_count}"
        )
        for notice in job.notices[:20]:
            self.stdout.write(f"提示 notice: {notice}")
        for e in errors[:50]:
            self.stderr.write(
                f"{e.get('file')} 第{e.get('row')}行 row {e.get('row')} [{e.get('column')}] "
                f"值 value={e.get('value')!r}: {e.get('reason')}"
            )
        if len(errors) > 50:
            self.stderr.write(f"… 共 {len(errors)} 条错误 / {len(errors)} errors in all (see --report)")
        if opts["report"]:
            Path(opts["report"]).write_text(json.dumps(_report(job, errors), ensure_ascii=False, indent=2, default=str))
        if job.status == ImportJob.Status.FAILED or job.rejected_count:
            raise CommandError(f"导入有被拒绝的行或文件被拒绝（{job.error_code}）")


def _report(job: ImportJob, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "job": job.pk,
        "file": job.file_name,
        **selectors.job_counts(job),
        "notices": job.notices,
        "errors": errors,
    }
