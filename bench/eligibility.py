"""Eligibility-check benchmark: P50/P95 over HTTP of GET /api/v1/eligibility/{uscc} among 1,000,000 operators.

Starts gunicorn (2 workers, production settings) on loopback against a fresh PostgreSQL database holding the
operators, one registration ledger entry each, a serious or abnormal listing for 1 % of them and a penalty entry for
another 1 %. Times sequential keep-alive requests for random operators (every call also writes its audit row), for a
department with internal rights and one without, and the person check (POST, hashed ID number).

    .venv/bin/python bench/eligibility.py [--operators 1000000] [--requests 1000] [--smoke]
"""

import argparse
import http.client
import json
import os
import random
import time

from common import bench_database, gunicorn_server, median, parse_sizes, percentile, staff_session
from import_inspections import load_operators, valid_usccs

PORT = 8792
SECRET = "bench-" + "e" * 40
os.environ["DJANGO_SECRET_KEY"] = SECRET  # the sessions created here must be readable by the server

LISTINGS_SQL = """
INSERT INTO credit_listentry (created_at, updated_at, operator_id, list_kind, cause, legal_basis, status, department,
    decision_no, decided_on, restriction_until, penalty_ref_id, penalty_decision_no, heavy_penalty,
    listable_violation, serious_reasons, no_intent_proven, notice_served_on, hearing_requested, approval_required,
    approved_on, approved_by, escalated_from_id, escalation_notice_on, removed_on, removal_reason, removal_note)
SELECT now(), now(), id, CASE WHEN id % 2 = 0 THEN 'serious' ELSE 'abnormal' END,
    CASE WHEN id % 2 = 0 THEN 'serious_violation' ELSE 'annual_report' END, '依据', 'listed', '江北区市场监管局',
    'L' || id, DATE '2025-01-01' + (id % 300)::int, NULL, NULL, '', id % 2 = 0, id % 2 = 0, '', false, NULL, false,
    false, NULL, '', NULL, NULL, NULL, '', ''
FROM operators_operator WHERE id % 100 = 0
"""
PENALTIES_SQL = """
INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
SELECT id, 'penalty', DATE '2025-01-01' + (id % 300)::int, 'penalty', id,
    jsonb_build_object('kinds', CASE WHEN id % 3 = 0 THEN '["罚款","吊销许可证件"]'::jsonb ELSE '["罚款"]'::jsonb END,
                       'amount', '50000', 'procedure', 'ordinary'), now()
FROM operators_operator WHERE id % 100 = 1
"""


def timed(conn: http.client.HTTPConnection, requests: list[tuple[str, str, bytes | None]], headers: dict[str, str]):
    times = []
    for method, path, body in requests:
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, (response.status, data[:300])
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=1000)
    args = parse_sizes(parser, smoke={"operators": 2000, "requests": 40})
    with bench_database("fc_bench_elig") as url:
        from django.db import connection

        from foodcredit.accounts.models import Department
        from foodcredit.sharing.models import SharingGrant

        usccs = valid_usccs(args.operators)
        started = time.perf_counter()
        with connection.cursor() as cur:
            load_operators(cur, usccs)
            cur.execute("""INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
                           SELECT id, 'registration', registered_on, 'operator', id, '{}'::jsonb, now()
                           FROM operators_operator""")
            cur.execute(LISTINGS_SQL)
            cur.execute(PENALTIES_SQL)
            cur.execute("ANALYZE")
            cur.execute("SELECT count(*) FROM credit_listentry")
            listings = cur.fetchone()[0]
        print(f"set-up: {args.operators:,} operators, {listings:,} listings in {time.perf_counter() - started:.0f} s")
        granted = Department.objects.create(code="ndrc", name="区发展改革委", kind="development_reform")
        SharingGrant.objects.create(department=granted, internal_records=True, basis="bench")
        health = Department.objects.create(code="health", name="区卫生健康委", kind="health")
        sessions = {
            "department with internal rights": staff_session(
                username="ndrc", role="other_department", department=granted
            ),
            "department without": staff_session(username="health", role="other_department", department=health),
        }
        with gunicorn_server(url=url, port=PORT, secret=SECRET):
            rng = random.Random(5)
            # Half the sample is listed or penalised operators (ids are 1-based in load order), half random.
            marked = [usccs[i - 1] for i in range(100, args.operators + 1, 100)]
            print(f"load average before: {os.getloadavg()[0]:.2f} (shared machine, {os.cpu_count()} CPUs)")
            # Two rounds, alternating callers: the first round also pays for a cold cache on the shared machine.
            for label, key in [(f"{label}, round {r}", key) for r in (1, 2) for label, key in sessions.items()]:
                # A fresh sample per caller, so that no run reads pages another run has just brought into cache.
                sample = [rng.choice(marked) if k % 2 else rng.choice(usccs) for k in range(args.requests + 200)]
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                headers = {"Cookie": f"sessionid={key}"}
                timed(conn, [("GET", f"/api/v1/eligibility/{u}", None) for u in sample[:200]], headers)  # warm-up
                times = timed(conn, [("GET", f"/api/v1/eligibility/{u}", None) for u in sample[200:]], headers)
                print(f"GET eligibility, {label:41s} p50 {median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms")
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            csrf = "b" * 32
            headers = {
                "Cookie": f"sessionid={key}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Content-Type": "application/json",
                "Referer": f"http://127.0.0.1:{PORT}/",
            }
            body = json.dumps({"id_number": "500105198001011234"}).encode()
            times = timed(conn, [("POST", "/api/v1/eligibility/persons", body)] * args.requests, headers)
            print(f"POST eligibility/persons{'':34s} p50 {median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms")
            print(f"load average after: {os.getloadavg()[0]:.2f}")
            print("target: p95 < 20 ms")


if __name__ == "__main__":
    main()
