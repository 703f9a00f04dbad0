"""Credit-file benchmark: P50/P95 over HTTP of the credit files of many operators with ~1,000 entries each, among
1,000,000 operators (PostgreSQL).

Starts gunicorn (2 workers, production settings) on loopback against a fresh database, then several concurrent
clients (threads, one keep-alive connection each) ask for random target operators' credit files: the public page
(portal), the office page (a district regulator), and the API's public first page and internal next page (cursor).
Every request names an operator the client has not asked for before, so no answer is a warm repeat.

    .venv/bin/python bench/credit_file.py [--operators 1000000] [--targets 100] [--entries 1000] [--clients 4]
        [--requests 300] [--smoke]
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import threading
import time

import numpy as np
import polars as pl
from common import bench_database, gunicorn_server, median, parse_sizes, percentile, staff_session
from import_inspections import load_operators, valid_usccs

PORT = 8791
SECRET = "bench-" + "k" * 40
os.environ["DJANGO_SECRET_KEY"] = SECRET  # the session created here must be readable by the server


def target_records(usccs: list[str], entries: int) -> dict[str, pl.DataFrame]:
    """About `entries` records for each operator of `usccs`, a quarter of each kind."""
    rng = np.random.default_rng(3)
    n = entries // 4 * len(usccs)
    uscc = [u for u in usccs for _ in range(entries // 4)]
    days = [dt.date(2026, 11, 1) - dt.timedelta(days=int(d)) for d in rng.integers(0, 1500, n)]
    return {
        "inspections": pl.DataFrame(
            {
                "source_id": [f"I{i}" for i in range(n)],
                "uscc": uscc,
                "inspected_on": days,
                "kind": ["routine"] * n,
                "result": rng.choice(["conform", "nonconform"], n).tolist(),
                "findings": ["后厨地面有积水"] * n,
                "inspectors": ["50010520190001、50010520190002"] * n,
                "_row": list(range(n)),
            }
        ),
        "sampling": pl.DataFrame(
            {
                "source_id": [f"S{i}" for i in range(n)],
                "uscc": uscc,
                "sampled_on": days,
                "product": ["小面"] * n,
                "food_category": ["餐饮食品"] * n,
                "conclusion": ["fail"] * n,
                "failed_items": ["菌落总数"] * n,
                "failure_kind": ["microbial"] * n,
                "_row": list(range(n)),
            }
        ),
        "penalties": pl.DataFrame(
            {
                "decision_no": [f"渝江北市监罚〔2025〕{i}号" for i in range(n)],
                "uscc": uscc,
                "decided_on": days,
                "violation": ["经营超过保质期的食品"] * n,
                "legal_basis": [""] * n,
                "kinds": [["罚款"]] * n,
                "amount": ["5000.00"] * n,
                "procedure": ["ordinary"] * n,
                "circumstance": ["general"] * n,
                "_row": list(range(n)),
            }
        ),
        "complaints": pl.DataFrame(
            {
                "source_id": [f"C{i}" for i in range(n)],
                "uscc": uscc,
                "received_on": days,
                "channel": ["12315"] * n,
                "kind": ["complaint"] * n,
                "category": ["食品安全"] * n,
                "verification": ["true"] * n,
                "_row": list(range(n)),
            }
        ),
    }


ENDPOINTS = {
    "public page (portal)": ("/operators/{uscc}/", False),
    "office page": ("/office/operators/{uscc}/", True),
    "API public, first page": ("/api/v1/operators/{uscc}/credit-file?view=public", False),
    "API internal, next page": ("/api/v1/operators/{uscc}/credit-file?view=internal&cursor={cursor}", True),
}


def get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> tuple[float, bytes]:
    """One GET: milliseconds and body (any status but 200 stops the benchmark)."""
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {data[:300]!r}")
    return elapsed, data


def client_run(
    *,
    targets: list[str],
    cursors: dict[str, str],
    cookie: dict[str, str],
    requests: int,
    seed: int,
    times: dict[str, list[float]],
    lock: threading.Lock,
) -> None:
    """One client: `requests` requests over its own connection, endpoints in turn, operators in a shuffled order."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    order = random.Random(seed).sample(targets, len(targets))
    mine: dict[str, list[float]] = {label: [] for label in ENDPOINTS}
    for k in range(requests):
        label = list(ENDPOINTS)[k % len(ENDPOINTS)]
        template, internal = ENDPOINTS[label]
        uscc = order[(k // len(ENDPOINTS)) % len(order)]
        elapsed, _ = get(conn, template.format(uscc=uscc, cursor=cursors[uscc]), cookie if internal else {})
        mine[label].append(elapsed)
    with lock:
        for label, values in mine.items():
            times[label].extend(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--targets", type=int, default=100, help="operators with ~--entries entries each")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=300, help="requests per client")
    args = parse_sizes(parser, smoke={"operators": 2000, "targets": 4, "entries": 200, "clients": 2, "requests": 24})
    with bench_database() as url:
        from django.db import connection

        from foodcredit.collection import services

        usccs = valid_usccs(args.operators)
        with connection.cursor() as cur:
            load_operators(cur, usccs)
            # One registration entry per operator, so the ledger is not just the targets'.
            cur.execute("""INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
                           SELECT id, 'registration', registered_on, 'operator', id, '{}'::jsonb, now()
                           FROM operators_operator""")
        targets = random.Random(11).sample(usccs, args.targets)
        for kind, frame in target_records(targets, args.entries).items():
            services.records_write(kind=kind, frame=frame, source_name="bench", job_label=f"bench {kind}")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
            cur.execute("SELECT count(*) FROM credit_ledgerentry")
            ledger = cur.fetchone()[0]
        cookie = {"Cookie": f"sessionid={staff_session(username='bench', role='district_regulator')}"}
        with gunicorn_server(url=url, port=PORT, secret=SECRET):
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            cursors = {}  # the internal view's second page of every target, found before the clock starts
            for uscc in targets:
                _, data = get(conn, f"/api/v1/operators/{uscc}/credit-file?view=internal", cookie)
                cursors[uscc] = json.loads(data)["next_cursor"]
            conn.close()
            print(
                f"{args.targets:,} target operators with ~{args.entries:,} entries each among {args.operators:,}; "
                f"ledger {ledger:,} rows; {args.clients} concurrent clients × {args.requests} requests"
            )
            times: dict[str, list[float]] = {label: [] for label in ENDPOINTS}
            lock = threading.Lock()
            clients = [
                threading.Thread(
                    target=client_run,
                    kwargs={
                        "targets": targets,
                        "cursors": cursors,
                        "cookie": cookie,
                        "requests": args.requests,
                        "seed": n,
                        "times": times,
                        "lock": lock,
                    },
                )
                for n in range(args.clients)
            ]
            started = time.perf_counter()
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            wall = time.perf_counter() - started
            if sum(len(v) for v in times.values()) != args.clients * args.requests:
                raise SystemExit("a client failed (see above)")
            for label, values in times.items():
                print(
                    f"{label:24s} p50 {median(values):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  ({len(values)})"
                )
            total = sum(len(v) for v in times.values())
            print(f"throughput {total / wall:,.0f} requests/s; target: p95 < 50 ms")


if __name__ == "__main__":
    main()
