"""Random-inspection planning benchmark (PostgreSQL): 1,000,000 operators, 2,000 inspectors.

Times, in one run: the snapshot (directory read from the database, canonical listing, SHA-256, parsed back), the
draw + assignment (pure numpy on the snapshot), and storing the tasks (snapshot blob, tasks, inspector links and
one audit row per task, in one transaction, committed); then plan_verify. Targets (issue 5): draw + assignment
≤ 5 s, storing ≤ 30 s more.

    .venv/bin/python bench/planning.py [--operators 1000000] [--inspectors 2000] [--strata] [--smoke]

`--strata` stands in for the risk issue's classes (A 40 %, B 40 %, C 15 %, D 5 %, by operator id) instead of
"everyone is class B", so the draw is stratified as it will be once classes exist.
"""

import argparse
import datetime as dt
import time

import numpy as np
import polars as pl
from common import bench_database, parse_sizes
from import_inspections import load_operators, valid_usccs


def load_directory(cursor, *, inspectors: int, conflicts: int, seed: int = 5) -> None:
    """Set-up, not measured: varied streets and sectors, inspectors with profiles, declared conflicts."""
    from foodcredit.operators.models import STREETS  # Django is set up by now (bench_database)

    streets = "ARRAY[" + ",".join(f"'{s}'" for s in STREETS) + "]"
    cursor.execute(
        f"""UPDATE operators_operator SET street = ({streets})[id % {len(STREETS)} + 1],
                   sector = (ARRAY['production','circulation','catering'])[id % 3 + 1],
                   new_business_form = (id % 50 = 0), registered_on = DATE '2024-06-01' + (id % 900)::int"""
    )
    rng = np.random.default_rng(seed)
    quals = [
        '["catering"]',
        '["circulation"]',
        '["production"]',
        '["catering","circulation"]',
        '["catering","circulation","production"]',
    ]
    now = dt.datetime.now(dt.UTC)
    with cursor.cursor.copy(
        "COPY inspections_inspector (cert_no, name, department_code, verified, created_at, updated_at) FROM STDIN"
    ) as copy:
        for i in range(inspectors):
            copy.write_row((f"50010520{i:06d}", f"检查员{i}", "500105", True, now, now))
    cursor.execute("SELECT id FROM inspections_inspector WHERE cert_no LIKE '50010520%%' ORDER BY id")
    ids = [r[0] for r in cursor.fetchall()]
    with cursor.cursor.copy(
        "COPY planning_inspectorprofile (inspector_id, sectors, available, note, created_at, updated_at) FROM STDIN"
    ) as copy:
        for pk in ids:
            copy.write_row((pk, quals[int(rng.integers(0, len(quals)))], bool(rng.random() > 0.02), "", now, now))
    cursor.execute("SELECT min(id), max(id) FROM operators_operator")
    lo, hi = cursor.fetchone()
    pairs = {(int(rng.choice(ids)), int(rng.integers(lo, hi + 1))) for _ in range(conflicts)}
    with cursor.cursor.copy(
        "COPY planning_inspectorconflict (inspector_id, operator_id, kind, note, created_at, updated_at) FROM STDIN"
    ) as copy:
        for inspector_id, operator_id in pairs:
            copy.write_row((inspector_id, operator_id, "relative", "", now, now))
    cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--inspectors", type=int, default=2000)
    parser.add_argument("--conflicts", type=int, default=10_000)
    parser.add_argument("--cap", type=int, default=400)
    parser.add_argument("--strata", action="store_true")
    args = parse_sizes(parser, smoke={"operators": 3000, "inspectors": 60, "conflicts": 50, "cap": 100})
    with bench_database("fc_bench_plan"):
        from django.db import connection, transaction

        from foodcredit.core import crypto
        from foodcredit.planning import rules, selectors, services
        from foodcredit.planning.models import Task

        with connection.cursor() as cur:
            load_operators(cur, valid_usccs(args.operators))
            load_directory(cur, inspectors=args.inspectors, conflicts=args.conflicts)
        if args.strata:

            def strata(*, frame: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
                bucket = frame["operator_id"] % 20
                cls = pl.Series(np.where(bucket < 8, "A", np.where(bucket < 16, "B", np.where(bucket < 19, "C", "D"))))
                return frame.with_columns(cls.alias("risk_class"))

            selectors.risk_classes_attach = strata
        plan = services.plan_commit(
            name="bench",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            scope={},
            as_of=dt.date(2025, 12, 1),
            actor=None,
            inspector_cap=args.cap,
        )
        t0 = time.perf_counter()
        snapshot = services.plan_snapshot_freeze(plan=plan)
        t_snapshot = time.perf_counter() - t0
        t0 = time.perf_counter()
        draw = rules.draw_run(snapshot=snapshot, seed=crypto.decrypt(plan.seed_sealed))  # sealed until the draw
        t_draw = time.perf_counter() - t0
        t0 = time.perf_counter()
        with transaction.atomic():
            services.plan_draw(plan=plan, actor=None, snapshot=snapshot)  # draws again inside: subtracted below
        t_total = time.perf_counter() - t0
        t_store = t_total - t_draw
        t0 = time.perf_counter()
        plan.refresh_from_db()
        verified = selectors.plan_verify(plan=plan)
        t_verify = time.perf_counter() - t0
        loads = np.bincount(draw.inspector_ids.ravel())
        loads = loads[loads > 0]
        print(
            f"directory: {snapshot.objects.height:,} objects (of {args.operators:,} operators), "
            f"{snapshot.inspectors.height:,} inspectors, {snapshot.conflicts.height:,} conflicts; "
            f"listing {len(snapshot.listing) / 1e6:.1f} MB, sha256 {snapshot.sha256[:16]}…"
        )
        print(
            f"tasks: {draw.object_rows.size:,} ({Task.objects.filter(plan=plan).count():,} stored); "
            f"load per inspector min {loads.min()} / max {loads.max()} (cap {args.cap})"
        )
        print(f"snapshot (read + list + hash + parse) {t_snapshot:6.2f} s")
        print(f"draw + assignment                     {t_draw:6.2f} s   target ≤ 5 s")
        print(f"store (blob, tasks, links, audit)     {t_store:6.2f} s   target ≤ 30 s")
        print(f"plan_verify                           {t_verify:6.2f} s   {'ok' if verified.ok else 'FAILED'}")


if __name__ == "__main__":
    main()
