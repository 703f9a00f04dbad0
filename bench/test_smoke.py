"""Every benchmark runs at its --smoke size and prints its figures, so a change that breaks a benchmark shows in CI.

The figures at smoke size mean nothing (a few thousand rows on a shared machine): only that the script works end to
end — its own database, data through the production paths, the server, the measurements — is checked here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parent
FIGURES = {
    "import_inspections.py": [r"full import: +median [\d.]+ s", r"ratio import / bare COPY: [\d.]+x", r"XLSX read"],
    "credit_file.py": [
        r"public page \(portal\) +p50 +[\d.]+ ms +p95 +[\d.]+ ms",
        r"office page +p50 +[\d.]+ ms",
        r"API internal, next page +p50",
        r"throughput [\d,]+ requests/s",
    ],
    "eligibility.py": [r"GET eligibility, department without, round 2 +p50 +[\d.]+ ms", r"POST eligibility/persons"],
    "risk_classify.py": [r"= [\d.]+x the baseline", r"classification end to end: [\d.]+ s"],
    "planning.py": [r"draw \+ assignment +[\d.]+ s", r"plan_verify +[\d.]+ s +ok"],
    "alerts_sweep.py": [r"sweep end to end: median [\d.]+ s", r"second sweep of the same day: [\d.]+ s"],
    "portal_search.py": [
        r"\[postgresql\] all +n= *\d+ +P50 +[\d.]+ ms +P95",
        r"\[sqlite\] all +n= *\d+ +P50 +[\d.]+ ms",
    ],
    "audit_log.py": [
        r"one staff member +[\d.]+ ms +[\d.]+ ms +[\d.]+x",
        r"form choices \(distinct\) +[\d.]+ ms",
        r"insert [\d,]+ audit rows \(one statement\): before [\d.]+ s, after [\d.]+ s",
    ],
    "credit_report.py": [r"100 +public +\d+ +\d+ +\d+ .* +[\d.]+x", r"100 +internal", r"issued reports recorded: \d+"],
    "risk_worlds.py": [r"worlds: 1; model ≥ 0\.93 × oracle_now on \d, below on \d", r"fast drift +1 +\d+"],
}


def _admin_url() -> str:
    """The server the tests run on, its maintenance database: each benchmark creates and drops its own there."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/postgres"


@pytest.mark.slow
@pytest.mark.pg_only("the benchmarks create their own PostgreSQL database (COPY, gunicorn against it)")
@pytest.mark.parametrize("script", sorted(FIGURES))
def test_benchmark_runs_at_smoke_size_and_prints_its_figures(script):
    env = {**os.environ, "BENCH_ADMIN_URL": _admin_url()}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the script chooses its own
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    missing = [figure for figure in FIGURES[script] if not re.search(figure, done.stdout)]
    assert missing == [], done.stdout


def test_every_benchmark_has_a_smoke_run():
    """A new script in bench/ takes --smoke (common.parse_sizes) and is listed in FIGURES with what it prints."""
    scripts = {p.name for p in BENCH.glob("*.py") if "\ndef main(" in p.read_text()}
    assert scripts - set(FIGURES) == set()
