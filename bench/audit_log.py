"""Audit log benchmark: the audit administrator's list (office 审计日志) over ~1,000,000 audit rows, filtered by time,
actor and action, before and after the list's indexes (core migration 0005), on PostgreSQL.

Each page asks what the list page asks: its filter form (AuditFilter, whose action and object-type choices are the
log's distinct values), the 25 newest rows matching the filter (over accounts.selectors.audit_events) and their
count; the form's choices are also timed alone. The rows are loaded with COPY (not measured): about 70 % written by the system during
imports, 30 % by 300 staff members across 30 actions, spread over three years. "Before" is the database migrated to
core 0004 (without the indexes) and the choices read with SELECT DISTINCT as the list did; "after" the same rows with
core 0005 applied and the choices read by accounts.selectors.audit_field_values (an index skip scan). The index
build is timed, and so is the cost the indexes add to writing: 100,000 audit rows inserted in one statement (rolled
back) in each state.

    .venv/bin/python bench/audit_log.py [--rows 1000000] [--repeat 7] [--smoke]
"""

import argparse
import datetime as dt
import time
from typing import Any

import numpy as np
from common import bench_database, median, parse_sizes, timed

STAFF = 300
STAFF_ACTIONS = [
    "login",
    "logout",
    "login_failed",
    "update",
    "create",
    "decide",
    "accept",
    "approve",
    "reject",
    "export",
    "list_propose",
    "list_approve",
    "list_remove",
    "repair_submit",
    "repair_decide",
    "commitment_verify",
    "ban_record",
    "case_publish",
    "plan_draw",
    "plan_publish",
    "task_assign",
    "result_record",
    "alert_close",
    "alert_reply",
    "eligibility_check",
    "password_change",
    "role_change",
    "session_revoke",
    "objection_decide",
    "report_issue",
]
SYSTEM_ACTIONS = ["create", "update", "supersede"]
OBJECT_TYPES = [
    "operator",
    "licence",
    "inspection",
    "sampling_test",
    "penalty",
    "complaint",
    "ledger_entry",
    "list_entry",
    "repair_application",
    "commitment",
    "plan",
    "task",
    "alert",
    "user",
    "session",
    "import_job",
    "person",
]
START = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS = 3 * 365 * 86400
# One filter per line: what the audit administrator types into the list's form (GET parameters of AuditFilter).
PAGES = {
    "newest, no filter": {},
    "one staff member": {"actor": "staff0042"},
    "one action (decide)": {"action": "decide"},
    "one action (update)": {"action": "update"},
    "one week": {"occurred_after": "2025-06-02", "occurred_before": "2025-06-08"},
    "staff member + month": {"actor": "staff0042", "occurred_after": "2025-06-01", "occurred_before": "2025-06-30"},
    "system + one day": {"actor": "system", "occurred_after": "2025-06-03", "occurred_before": "2025-06-03"},
}


def audit_rows(n: int, rng: np.random.Generator) -> list[tuple[Any, ...]]:
    """Audit rows: (occurred_at, actor_label, actor_role, action, object_type, object_id, changes, job_id)."""
    system = rng.random(n) < 0.7
    seconds = np.sort(rng.integers(0, SPAN_SECONDS, n))
    staff = rng.integers(1, STAFF + 1, n)
    staff_action = rng.integers(0, len(STAFF_ACTIONS), n)
    system_action = rng.choice(len(SYSTEM_ACTIONS), n, p=[0.8, 0.15, 0.05])
    object_type = rng.integers(0, len(OBJECT_TYPES), n)
    object_id = rng.integers(1, 2_000_000, n)
    job = rng.integers(1, 5_000, n)
    return [
        (
            START + dt.timedelta(seconds=int(seconds[i])),
            "system" if system[i] else f"staff{staff[i]:04d}",
            "" if system[i] else "street_officer",
            SYSTEM_ACTIONS[system_action[i]] if system[i] else STAFF_ACTIONS[staff_action[i]],
            OBJECT_TYPES[object_type[i]],
            str(object_id[i]),
            '{"status": [null, "active"]}',
            int(job[i]) if system[i] else None,
        )
        for i in range(n)
    ]


def load(rows: list[tuple[Any, ...]]) -> None:
    """COPY the rows into the log (request id empty, success true), then VACUUM ANALYZE it."""
    from django.db import connection

    columns = (
        "occurred_at, actor_label, actor_role, action, object_type, object_id, changes, job_id, request_id, success"
    )
    with connection.cursor() as cur, cur.copy(f"COPY core_auditevent ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, "", True))
    analyze()


def analyze() -> None:
    """Fresh statistics and visibility map, as autovacuum would leave a log this size."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE core_auditevent")


def distinct_values_before(*, field: str) -> list[str]:
    """The filter choices as the list read them before core 0005: SELECT DISTINCT over the whole log."""
    from foodcredit.core.models import AuditEvent

    return list(AuditEvent.objects.order_by(field).values_list(field, flat=True).distinct())


def page_times(admin: Any, repeat: int) -> dict[str, float]:
    """Median seconds per page (its 25 rows and its count), and of the form's distinct choices."""
    from foodcredit.accounts.selectors import audit_events
    from foodcredit.office.views_admin_audit import AuditFilter

    found: dict[str, float] = {}
    for name, params in PAGES.items():

        def page(params: dict[str, str] = params) -> None:
            rows = AuditFilter(params, queryset=audit_events(for_user=admin)).qs
            list(rows[:25])
            rows.count()

        page()  # warm: the first read of a plan
        found[name] = median([timed(page) for _ in range(repeat)])

    def choices() -> None:
        form = AuditFilter({}, queryset=audit_events(for_user=admin)).form
        list(form.fields["action"].choices)
        list(form.fields["object_type"].choices)

    choices()
    found["form choices (distinct)"] = median([timed(choices) for _ in range(repeat)])
    return found


def insert_time(n: int) -> float:
    """Seconds to insert `n` audit rows in one statement, rolled back (the append-only log keeps nothing)."""
    from django.db import connection, transaction

    sql = """INSERT INTO core_auditevent (occurred_at, actor_label, action, object_type, object_id, changes, job_id,
                 request_id, success)
             SELECT now(), 'system', 'create', 'inspection', g::text, '{"status": [null, "active"]}', 1, '', true
             FROM generate_series(1, %s) g"""
    with transaction.atomic():
        with connection.cursor() as cur:
            start = time.perf_counter()
            cur.execute(sql, [n])
            took = time.perf_counter() - start
        transaction.set_rollback(True)
    return took


def add_indexes() -> None:
    """Build the indexes core 0005 adds, as its AddIndex operations do (timed without the migration graph's loading)."""
    from django.db import connection

    from foodcredit.core.models import AuditEvent

    with connection.schema_editor() as editor:
        for index in AuditEvent._meta.indexes:
            if index.name != "audit_object_idx":  # 0001's
                editor.add_index(AuditEvent, index)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parse_sizes(parser, smoke={"rows": 5_000, "repeat": 2})
    with bench_database("fc_bench_audit"):
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        call_command("migrate", "core", "0004", verbosity=0)
        admin = get_user_model().objects.create_user(username="auditor", password="x" * 16, role="audit_admin")
        start = time.perf_counter()
        load(audit_rows(args.rows, np.random.default_rng(12)))
        print(f"{args.rows:,} audit rows loaded with COPY in {time.perf_counter() - start:.1f} s (not measured)")
        inserts = min(100_000, args.rows)
        from foodcredit.accounts import selectors

        skip_scan, selectors.audit_field_values = selectors.audit_field_values, distinct_values_before
        before, insert_before = page_times(admin, args.repeat), median([insert_time(inserts) for _ in range(3)])
        selectors.audit_field_values = skip_scan
        build = timed(add_indexes)
        call_command("migrate", "core", "0005", fake=True, verbosity=0)  # the indexes 0005 adds, just built
        analyze()
        after, insert_after = page_times(admin, args.repeat), median([insert_time(inserts) for _ in range(3)])
        print(f"index build (the three indexes of core 0005): {build:.1f} s")
        print(
            f"{'page (form + 25 rows + count), median of ' + str(args.repeat):<44}{'before':>10}{'after':>10}{'ratio':>9}"
        )
        for name in before:
            b, a = before[name] * 1000, after[name] * 1000
            print(f"{name:<44}{b:>8.1f} ms{a:>8.1f} ms{b / a:>8.1f}x")
        ratio = insert_after / insert_before
        print(
            f"insert {inserts:,} audit rows (one statement): before {insert_before:.2f} s, after {insert_after:.2f} s,"
            f" {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
