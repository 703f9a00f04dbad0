"""All-or-nothing under kill -9: an import killed while writing leaves no record, entry or audit row behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings

from foodcredit.collection import services
from foodcredit.collection.models import ImportJob
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.inspections.models import Inspection

from . import frames

ROWS = 150_000


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _write_csv(path: Path, usccs: list[str]) -> None:
    n = len(usccs)
    pl.DataFrame(
        {
            "检查编号": [f"K{i:08d}" for i in range(ROWS)],
            "统一社会信用代码": [usccs[i % n] for i in range(ROWS)],
            "检查日期": ["2025-03-01"] * ROWS,
            "检查类型": ["日常检查"] * ROWS,
            "检查结果": ["符合"] * ROWS,
            "发现问题": [""] * ROWS,
            "检查人员": ["50010520190001、50010520190002"] * ROWS,
        }
    ).write_csv(path)


@pytest.mark.pg_only("kill -9 of a client whose server-side transaction PostgreSQL must roll back")
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_import_killed_mid_write_leaves_nothing_and_reruns_cleanly(tmp_path):
    services.records_write(kind="operators", frame=frames.operators(200), source_name="登记系统")
    usccs = [frames.uscc(i) for i in range(1, 201)]
    csv_path = tmp_path / "inspections.csv"
    _write_csv(csv_path, usccs)
    ledger_before = LedgerEntry.objects.count()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    cmd = [
        sys.executable,
        "manage.py",
        "import_records",
        "--kind",
        "inspections",
        "--source",
        "执法系统",
        str(csv_path),
        "--verbosity",
        "0",
    ]
    proc = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = ImportJob.objects.filter(kind="inspections").first()
        if job is not None and job.stage == "write":
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the write transaction
    assert proc.poll() is None, "the import finished before it could be killed: raise ROWS"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # PostgreSQL notices the dropped connection and rolls back
    assert Inspection.objects.count() == 0
    assert LedgerEntry.objects.count() == ledger_before
    # The job's own creation (source, mapping, job) was committed before the write; no record was audited.
    assert not AuditEvent.objects.filter(object_type__in=["inspection", "inspector"]).exists()
    assert ImportJob.objects.get(kind="inspections").status == ImportJob.Status.RUNNING
    # Re-running the same file runs a new job (a killed job is never "the earlier job") and writes everything.
    done = subprocess.run(cmd, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert Inspection.objects.count() == ROWS
    assert LedgerEntry.objects.filter(ref_kind="inspection").count() == ROWS
    assert AuditEvent.objects.filter(object_type="inspection", action="create").count() == ROWS
