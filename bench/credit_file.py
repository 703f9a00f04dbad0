"""Credit-file benchmark: P95 over HTTP for an operator with 1,000 entries among 1,000,000 operators (PostgreSQL).

Starts gunicorn (2 workers, production settings) on loopback against a fresh database, then times sequential
keep-alive requests for the public and the internal view, first page and the next page (cursor).

    .venv/bin/python bench/credit_file.py [--operators 1000000] [--entries 1000] [--requests 300]
"""

import argparse
import datetime as dt
import http.client
import json
import os
import time

import numpy as np
import polars as pl
from common import bench_database, gunicorn_server, median, percentile
from import_inspections import load_operators, valid_usccs

PORT = 8791
SECRET = "bench-" + "k" * 40
os.environ["DJANGO_SECRET_KEY"] = SECRET  # the session created here must be readable by the server


def target_records(uscc: str, entries: int) -> dict[str, pl.DataFrame]:
    """About `entries` records of every kind for one operator."""
    rng = np.random.default_rng(3)
    n = entries // 4
    days = [dt.date(2026, 11, 1) - dt.timedelta(days=int(d)) for d in rng.integers(0, 1500, n)]
    return {
        "inspections": pl.DataFrame({
            "source_id": [f"I{i}" for i in range(n)], "uscc": [uscc] * n, "inspected_on": days,
            "kind": ["routine"] * n, "result": rng.choice(["conform", "nonconform"], n).tolist(),
            "findings": ["后厨地面有积水"] * n, "inspectors": ["50010520190001、50010520190002"] * n,
            "_row": list(range(n))}),
        "sampling": pl.DataFrame({
            "source_id": [f"S{i}" for i in range(n)], "uscc": [uscc] * n, "sampled_on": days, "product": ["小面"] * n,
            "food_category": ["餐饮食品"] * n, "conclusion": ["fail"] * n, "failed_items": ["菌落总数"] * n,
            "failure_kind": ["microbial"] * n, "_row": list(range(n))}),
        "penalties": pl.DataFrame({
            "decision_no": [f"渝江北市监罚〔2025〕{i}号" for i in range(n)], "uscc": [uscc] * n, "decided_on": days,
            "violation": ["经营超过保质期的食品"] * n, "legal_basis": [""] * n, "kinds": [["罚款"]] * n,
            "amount": ["5000.00"] * n, "procedure": ["ordinary"] * n, "circumstance": ["general"] * n,
            "_row": list(range(n))}),
        "complaints": pl.DataFrame({
            "source_id": [f"C{i}" for i in range(n)], "uscc": [uscc] * n, "received_on": days,
            "channel": ["12315"] * n, "kind": ["complaint"] * n, "category": ["食品安全"] * n,
            "verification": ["true"] * n, "_row": list(range(n))}),
    }  # fmt: skip


def timed_gets(
    conn: http.client.HTTPConnection, path: str, n: int, headers: dict[str, str]
) -> tuple[list[float], dict]:
    times, body = [], {}
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        data = response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, (response.status, data[:300])
        body = json.loads(data)
    return times, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with bench_database() as url:
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.backends.db import SessionStore
        from django.db import connection

        from foodcredit.collection import services

        usccs = valid_usccs(args.operators)
        with connection.cursor() as cur:
            load_operators(cur, usccs)
            # One registration entry per operator, so the ledger is not just the target's.
            cur.execute("""INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
                           SELECT id, 'registration', registered_on, 'operator', id, '{}'::jsonb, now()
                           FROM operators_operator""")
        target = usccs[len(usccs) // 2]
        for kind, frame in target_records(target, args.entries).items():
            services.records_write(kind=kind, frame=frame, source_name="bench", job_label=f"bench {kind}")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            cur.execute(
                "SELECT count(*) FROM credit_ledgerentry l JOIN operators_operator o ON o.id = l.operator_id "
                "WHERE o.uscc = %s",
                [target],
            )
            entries = cur.fetchone()[0]
        user = get_user_model().objects.create_user(username="bench", password="x" * 16, role="district_regulator")
        session = SessionStore()
        session["_auth_user_id"], session["_auth_user_backend"] = (
            str(user.pk),
            "django.contrib.auth.backends.ModelBackend",
        )
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        with gunicorn_server(url=url, port=PORT, secret=SECRET):
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            cookie = {"Cookie": f"sessionid={session.session_key}"}
            base = f"/api/v1/operators/{target}/credit-file"
            print(f"operator {target}: {entries:,} ledger entries; ledger holds {args.operators + entries:,} rows")
            for label, path, headers in [("public, first page", f"{base}?view=public", {}),
                                         ("internal, first page", f"{base}?view=internal", cookie)]:  # fmt: skip
                conn.request("GET", path, headers=headers)
                first = conn.getresponse()
                if first.status != 200:
                    raise SystemExit(f"{path}: {first.status} {first.read()[:300]!r}")
                first.read()
                timed_gets(conn, path, 20, headers)  # warm-up
                times, body = timed_gets(conn, path, args.requests, headers)
                print(
                    f"{label:22s} p50 {median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms  "
                    f"({len(body['entries'])} entries/page, {args.requests} requests)"
                )
                cursor = body["next_cursor"]
                times, _ = timed_gets(conn, f"{path}&cursor={cursor}", args.requests, headers)
                print(
                    f"{label.split(',')[0] + ', next page':22s} p50 {median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms"
                )
            print("target: p95 < 50 ms")


if __name__ == "__main__":
    main()
