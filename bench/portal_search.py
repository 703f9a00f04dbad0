"""Public search benchmark: P50/P95 over HTTP of the portal's search (results page with its count) among 1,000,000
operators with a licence each, on PostgreSQL and on SQLite, with the issue's fixed query mix.

Query mix (issue 15): 30 % two-character Chinese, 30 % three to six characters (pieces of real names), 20 % code
fragments (4 to 10 characters from the middle of a USCC or a licence number), 20 % with filters (street, sector,
both, with or without text). Names come from the demo district's lexicon (brands, owners, places, shop words), so
common bigrams such as 火锅 or 小面 match tens of thousands of operators, as in a real district.

Set-up (not measured): operators and licences are loaded in bulk, the search index filled by its triggers as any
import fills it, then the server (gunicorn, 2 workers, production settings without the throttle) is started on
loopback and one client asks the queries in order on a keep-alive connection.

    .venv/bin/python bench/portal_search.py [--operators 1000000] [--requests 500] [--db postgres,sqlite] [--smoke]
"""

import argparse
import datetime as dt
import http.client
import importlib.util
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np
from common import ROOT, bench_database, gunicorn_server, median, parse_sizes, percentile
from import_inspections import valid_usccs


def _lexicon():
    """The demo's word lists, read without importing foodcredit.demo.world (whose package needs Django set up, and
    the database URL is only known later)."""
    spec = importlib.util.spec_from_file_location("lexicon", ROOT / "foodcredit" / "demo" / "world" / "lexicon.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lexicon = _lexicon()

PORT = int(os.environ.get("BENCH_PORT", "8793"))
SECRET = "bench-" + "s" * 40
STREETS = list(lexicon.ROADS)  # the district's streets and towns, in operators.models.STREETS order
SECTORS = ["catering", "circulation", "production"]
SHOP = sorted({w for words in lexicon.SHOP_WORDS.values() for w in words})
SUFFIXES = ["", "", "", "（个体工商户）", "有限公司", "分店", "二店"]


def names(n: int, rng: np.random.Generator) -> list[str]:
    """Names like the demo district's: an owner's or a brand's word, sometimes a place, a shop word, a suffix."""
    surnames = np.array(lexicon.SURNAMES)[rng.integers(0, len(lexicon.SURNAMES), n)]
    given = np.array(lexicon.GIVEN_CHARS)[rng.integers(0, len(lexicon.GIVEN_CHARS), (n, 2))]
    brand = np.char.add(
        np.array(lexicon.BRAND_FIRST)[rng.integers(0, len(lexicon.BRAND_FIRST), n)],
        np.array(lexicon.BRAND_SECOND)[rng.integers(0, len(lexicon.BRAND_SECOND), n)],
    )
    owner = np.char.add(np.char.add(surnames, given[:, 0]), given[:, 1])
    head = np.where(rng.random(n) < 0.5, brand, owner)
    place = np.where(rng.random(n) < 0.3, np.array(lexicon.PLACES)[rng.integers(0, len(lexicon.PLACES), n)], "")
    prefix = np.where(rng.random(n) < 0.2, "重庆市江北区", "")
    shop = np.array(SHOP)[rng.integers(0, len(SHOP), n)]
    suffix = np.array(SUFFIXES)[rng.integers(0, len(SUFFIXES), n)]
    out = np.char.add(np.char.add(np.char.add(prefix, place), head), np.char.add(shop, suffix))
    return out.tolist()


def rows(n: int) -> tuple[list[tuple], list[tuple]]:
    """Operator rows and one licence row per operator (ids 1..n)."""
    rng = np.random.default_rng(15)
    usccs = valid_usccs(n)
    now = dt.datetime.now(dt.UTC)
    streets = rng.integers(0, len(STREETS), n)
    sectors = rng.choice(len(SECTORS), n, p=[0.6, 0.3, 0.1])
    operators = [
        (
            i + 1,
            uscc,
            "",
            name,
            "张三",
            "",
            "",
            "重庆市江北区",
            STREETS[s],
            SECTORS[k],
            "小型餐馆",
            dt.date(2010, 1, 1) + dt.timedelta(days=i % 5000),
            "active",
            False,
            1,
            now,
            now,
        )
        for i, (uscc, name, s, k) in enumerate(zip(usccs, names(n, rng), streets, sectors, strict=True))
    ]
    licences = [
        (i + 1, f"{'SC' if SECTORS[k] == 'production' else 'JY'}1500105{i + 1:07d}", i + 1, now, now)
        for i, k in enumerate(sectors)
    ]
    return operators, licences


OP_COLS = (
    "id, uscc, legacy_reg_no, name, legal_rep, phone_encrypted, phone_index, address, street, sector, business_type, "
    "registered_on, status, new_business_form, source_id, created_at, updated_at"
)
LIC_COLS = "id, number, operator_id, created_at, updated_at"


def licence_columns(cursor_columns: list[str]) -> tuple[str, list[str]]:
    """licences_licence's other NOT NULL columns get plain values (kind, scope, dates, status, source)."""
    extra = [c for c in cursor_columns if c not in {"id", "number", "operator_id", "created_at", "updated_at"}]
    return LIC_COLS + "".join(f", {c}" for c in extra), extra


LICENCE_VALUES = {
    "kind": "business",
    "scope": "",
    "issued_on": dt.date(2020, 1, 1),
    "valid_until": dt.date(2030, 1, 1),
    "status": "valid",
    "source_id": 1,
    "legacy_format": False,
}


def queries(operators: list[tuple], licences: list[tuple], count: int) -> list[dict[str, str]]:
    """The fixed mix, from a fixed seed: pieces of real names and codes, so most queries find something."""
    rnd = random.Random(42)
    out: list[dict[str, str]] = []
    chinese = [o[3] for o in rnd.sample(operators, min(len(operators), 5000))]

    def piece(text: str, lo: int, hi: int) -> str:
        size = rnd.randint(lo, min(hi, len(text)))
        start = rnd.randint(0, len(text) - size)
        return text[start : start + size]

    for i in range(count):
        kind = i % 10
        if kind < 3:
            out.append({"q": piece(rnd.choice(chinese), 2, 2)})
        elif kind < 6:
            out.append({"q": piece(rnd.choice(chinese), 3, 6)})
        elif kind < 8:
            code = rnd.choice(operators)[1] if rnd.random() < 0.5 else rnd.choice(licences)[1]
            out.append({"q": piece(code, 4, 10)})
        else:
            query = {"street": rnd.choice(STREETS)} if rnd.random() < 0.7 else {}
            if rnd.random() < 0.5 or not query:
                query["sector"] = rnd.choice(SECTORS)
            if rnd.random() < 0.6:
                query["q"] = piece(rnd.choice(chinese), 2, 4)
            out.append(query)
    return out


def measure(asked: list[dict[str, str]]) -> dict[str, list[float]]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    times: dict[str, list[float]] = {"2 字": [], "3-6 字": [], "代码片段": [], "带筛选": []}
    labels = ["2 字"] * 3 + ["3-6 字"] * 3 + ["代码片段"] * 2 + ["带筛选"] * 2
    for _ in range(2):  # warm-up: the server's first requests import templates and open connections
        conn.request("GET", "/?q=" + urllib.parse.quote("火锅"))
        conn.getresponse().read()
    for i, query in enumerate(asked):
        path = "/?" + urllib.parse.urlencode(query)
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200 and b"data-count" in body
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            ok = False
        times[labels[i % 10]].append(time.perf_counter() - start)
        if not ok:  # counted at the time it took (a worker killed at gunicorn's 30 s), and named
            print(f"  failed: {urllib.parse.unquote(path)} after {time.perf_counter() - start:.1f} s", flush=True)
    return times


def report(db: str, times: dict[str, list[float]], setup: float) -> None:
    every = [t for ts in times.values() for t in ts]
    print(f"[{db}] set-up (load + search index by triggers): {setup:.0f} s")
    for label, ts in times.items():
        print(
            f"[{db}]   {label:6s} n={len(ts):4d}  P50 {median(ts) * 1000:6.1f} ms  P95 {percentile(ts, 95) * 1000:6.1f} ms"
        )
    print(
        f"[{db}] all    n={len(every):4d}  P50 {median(every) * 1000:6.1f} ms  P95 {percentile(every, 95) * 1000:6.1f} ms"
        f"  (target P95 ≤ 100 ms)"
    )


def run_postgres(n: int, requests: int) -> None:
    with bench_database("fc_bench_search") as url:
        from django.db import connection

        operators, licences = rows(n)
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO core_source (id, name, department_code, precedence, registered_automatically, created_at,"
                " updated_at) VALUES (1, 'bench-registry', '', 50, false, now(), now())"
            )
            with cur.cursor.copy(f"COPY operators_operator ({OP_COLS}) FROM STDIN") as copy:
                for row in operators:
                    copy.write_row(row)
            cur.execute("SELECT * FROM licences_licence LIMIT 0")
            cols, extra = licence_columns([d[0] for d in cur.description])
            with cur.cursor.copy(f"COPY licences_licence ({cols}) FROM STDIN") as copy:
                for row in licences:
                    copy.write_row(row + tuple(LICENCE_VALUES[c] for c in extra))
        setup = time.perf_counter() - start
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        grams = count_grams_pg(url)
        print(f"[postgresql] {n:,} operators, {n:,} licences, {grams:,} search postings")
        with gunicorn_server(url=url, port=PORT, secret=SECRET):
            report("postgresql", measure(queries(operators, licences, requests)), setup)


def count_grams_pg(url: str) -> int:
    out = subprocess.run(
        ["psql", url, "-Atc", "SELECT count(*) FROM portal_searchgram"], check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip())


def run_sqlite(n: int, requests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="fc_bench_search_") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        url = f"sqlite:///{path}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "FOODCREDIT_VAR_DIR": tmp,
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        operators, licences = rows(n)
        start = time.perf_counter()
        db = sqlite3.connect(path)
        db.execute("PRAGMA cache_size = -1000000")
        db.execute(
            "INSERT INTO core_source (id, name, department_code, precedence, registered_automatically, created_at,"
            " updated_at) VALUES (1, 'bench-registry', '', 50, 0, datetime('now'), datetime('now'))"
        )
        db.executemany(f"INSERT INTO operators_operator ({OP_COLS}) VALUES ({', '.join(['?'] * 17)})", operators)
        cols, extra = licence_columns([d[0] for d in db.execute("SELECT * FROM licences_licence LIMIT 0").description])
        db.executemany(
            f"INSERT INTO licences_licence ({cols}) VALUES ({', '.join(['?'] * (5 + len(extra)))})",
            [row + tuple(LICENCE_VALUES[c] for c in extra) for row in licences],
        )
        db.commit()
        db.execute("ANALYZE")
        grams = db.execute("SELECT count(*) FROM portal_searchgram").fetchone()[0]
        db.close()
        setup = time.perf_counter() - start
        print(f"[sqlite] {n:,} operators, {n:,} licences, {grams:,} search postings")
        with gunicorn_server(url=url, port=PORT, secret=SECRET):
            report("sqlite", measure(queries(operators, licences, requests)), setup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--db", default="postgres,sqlite")
    args = parse_sizes(parser, smoke={"operators": 3000, "requests": 40})
    os.environ["DJANGO_SECRET_KEY"] = SECRET
    for db in args.db.split(","):
        {"postgres": run_postgres, "sqlite": run_sqlite}[db](args.operators, args.requests)


if __name__ == "__main__":
    main()
