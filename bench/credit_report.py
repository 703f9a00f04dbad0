"""Credit-report benchmark: what one PDF costs, by the size of the credit file, against the HTML page it prints.

In a fresh PostgreSQL database, operators with about 20, 100 and 500 records each (a quarter each inspections,
sampling tests, penalties and complaints, written by the import writers; records_write) among --operators others.
For each, in process: the content (selectors), the PDF drawn by WeasyPrint, and the whole download view (content,
issue record with its audit row, PDF) for the public and the internal variant, against the public HTML page's view —
medians of --repeat runs, and the ratio of the public download to the page. The public view shows only what is
disclosed today, so it holds fewer entries than the internal one; CREDIT_REPORT_MAX_ENTRIES caps both.

    .venv/bin/python bench/credit_report.py [--operators 10000] [--sizes 20,100,500] [--repeat 5] [--smoke]
"""

import argparse
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl
from common import bench_database, median, parse_sizes
from credit_file import target_records
from import_inspections import load_operators, valid_usccs


def _ms(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall-clock and median CPU milliseconds of `repeat` calls after a warm-up call (the CPU time of this
    process: on a shared machine the wall clock mostly measures the neighbours), and the last result."""
    wall, cpu, result = [], [], fn()  # a first call outside the figures: templates compiled, fonts loaded
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return median(wall), median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=10_000)
    parser.add_argument("--sizes", default="20,100,500", help="records per target operator")
    parser.add_argument("--repeat", type=int, default=5)
    args = parse_sizes(parser, smoke={"operators": 500, "sizes": "20,100", "repeat": 2})
    sizes = [int(s) for s in args.sizes.split(",")]
    with bench_database("fc_bench_report") as _url:
        import io

        import pypdf
        from django.contrib.auth.models import AnonymousUser
        from django.db import connection
        from django.test import RequestFactory
        from django.utils import timezone

        from foodcredit.accounts.models import User
        from foodcredit.collection import services
        from foodcredit.creditreport import pdf, selectors
        from foodcredit.creditreport import views as report_views
        from foodcredit.creditreport.models import CreditReport
        from foodcredit.portal import views as portal_views

        usccs = valid_usccs(args.operators)
        with connection.cursor() as cur:
            load_operators(cur, usccs)
        targets = {size: usccs[i] for i, size in enumerate(sizes)}
        for size, uscc in targets.items():
            for kind, frame in target_records([uscc], size).items():
                key = "decision_no" if kind == "penalties" else "source_id"  # each target's own record keys
                frame = frame.with_columns((pl.lit(f"{size}-") + pl.col(key)).alias(key))
                services.records_write(kind=kind, frame=frame, source_name="bench", job_label=f"bench {kind}")
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        regulator = User.objects.create_user(username="bench", password="x" * 16, role=User.Role.DISTRICT_REGULATOR)
        factory = RequestFactory(HTTP_HOST="localhost")

        def request(path: str, user: Any, method: str = "post") -> Any:
            made = getattr(factory, method)(path)
            made.user = user
            return made

        print(f"{len(sizes)} target operators among {args.operators:,}; medians of {args.repeat} runs (in process)")
        print("times: median wall-clock ms / median CPU ms of this process; ratio: CPU of the public download / page")
        print(
            f"{'records':>8} {'variant':>8} {'entries':>7} {'pages':>5} {'KB':>5} {'content':>13} {'PDF':>13} "
            f"{'download':>13} {'HTML page':>13} {'ratio':>6}"
        )
        today = timezone.localdate()
        for size, uscc in targets.items():
            page = partial(portal_views.operator_detail, request(f"/operators/{uscc}/", AnonymousUser(), "get"), uscc)
            page_ms, page_cpu, _ = _ms(page, args.repeat)
            for variant in ("public", "internal"):
                build: Callable[[], Any]
                view: Callable[[], Any]
                if variant == "public":
                    build = partial(selectors.report_content_public, uscc=uscc, as_of=today)
                    view = partial(report_views.report_public, request("/", AnonymousUser()), uscc)
                else:
                    build = partial(selectors.report_content_internal, uscc=uscc, for_user=regulator, as_of=today)
                    view = partial(report_views.report_internal, request("/", regulator), uscc)
                content_ms, content_cpu, (_operator, content) = _ms(build, args.repeat)
                report = CreditReport.objects.filter(variant=variant).first() or CreditReport(
                    code="BENCH", operator_uscc=uscc, content_hash="0" * 64, variant=variant, issued_at=timezone.now()
                )
                draw = partial(pdf.report_pdf, report=report, content=content, verify_url="http://x/verify/")
                pdf_ms, pdf_cpu, body = _ms(draw, args.repeat)
                download_ms, download_cpu, response = _ms(view, args.repeat)
                assert response.status_code == 200, response.status_code
                pages = len(pypdf.PdfReader(io.BytesIO(body)).pages)
                ratio = f"{download_cpu / page_cpu:5.1f}x" if variant == "public" else ""
                figures = [
                    (content_ms, content_cpu),
                    (pdf_ms, pdf_cpu),
                    (download_ms, download_cpu),
                    (page_ms, page_cpu),
                ]
                print(
                    f"{size:>8} {variant:>8} {len(content['entries']):>7} {pages:>5} {len(body) // 1024:>5} "
                    + " ".join(f"{w:>6.0f} / {c:>6.0f}" for w, c in figures)
                    + f" {ratio:>6}"
                )
        print(f"issued reports recorded: {CreditReport.objects.count()}")


if __name__ == "__main__":
    main()
