"""Import benchmark: 1,000,000 inspection rows into a database that already holds 1,000,000 operators.

Prints the full import (read + validate + records + ledger + audit + indexes, one transaction) against a bare
COPY of the same CSV file into an unindexed table, the two alternated in the same run (a busy moment of the shared
machine hits both alike), and the XLSX read rate.

    .venv/bin/python bench/import_inspections.py [--operators 1000000] [--rows 1000000] [--repeat 3] [--smoke]
"""

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from common import bench_database, median, parse_sizes, timed

HEADERS = ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "检查结果", "发现问题", "检查人员"]


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def valid_usccs(n: int) -> list[str]:
    """n valid USCCs, vectorised: 91 + 500105 + an 8-digit organisation code with its GB 11714 check + the
    GB 32100-2015 check character (as real codes mostly are, so no inner-check warnings)."""
    org = np.array([f"{i:08d}" for i in range(1, n + 1)])
    org_digits = np.frombuffer("".join(org).encode(), dtype=np.uint8).reshape(n, 8) - ord("0")
    c9 = 11 - (org_digits * np.array([3, 7, 9, 10, 5, 8, 4, 2])).sum(axis=1) % 11
    org_check = np.where(c9 == 10, "X", np.where(c9 == 11, "0", c9.astype(str)))
    body = np.char.add(np.char.add("91500105", org), org_check)
    values = np.array([ALPHABET.index(c) for c in "".join(body)]).reshape(n, 17)
    weights = np.array([pow(3, i, 31) for i in range(17)])
    checks = (31 - (values * weights).sum(axis=1) % 31) % 31
    return [b + ALPHABET[c] for b, c in zip(body.tolist(), checks, strict=True)]


def load_operators(cursor, usccs: list[str]) -> None:
    """Set-up, not measured: operators straight into their table with COPY."""
    cursor.execute(
        "INSERT INTO core_source (name, department_code, precedence, registered_automatically, created_at, updated_at)"
        " VALUES ('bench-registry', '', 50, false, now(), now()) RETURNING id"
    )
    source_id = cursor.fetchone()[0]
    cols = "uscc, legacy_reg_no, name, legal_rep, phone_encrypted, phone_index, address, street, sector, business_type, registered_on, status, new_business_form, source_id, created_at, updated_at"
    with cursor.cursor.copy(f"COPY operators_operator ({cols}) FROM STDIN") as copy:
        for i, code in enumerate(usccs):
            copy.write_row(
                (
                    code,
                    "",
                    f"经营主体{i}",
                    "张三",
                    "",
                    "",
                    "重庆市江北区",
                    "观音桥街道",
                    "catering",
                    "小型餐馆",
                    dt.date(2015, 1, 1) + dt.timedelta(days=i % 3000),
                    "active",
                    False,
                    source_id,
                    dt.datetime.now(dt.UTC),
                    dt.datetime.now(dt.UTC),
                )
            )
    cursor.execute("ANALYZE operators_operator")


def make_csv(path: Path, rows: int, usccs: list[str], seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    op = rng.integers(0, len(usccs), rows)
    days = rng.integers(0, 1000, rows)
    results = rng.choice(["符合", "基本符合", "不符合"], rows, p=[0.7, 0.22, 0.08])
    inspectors = rng.integers(1, 400, (rows, 2))
    uscc = np.array(usccs)[op]
    frame = pl.DataFrame(
        {
            "检查编号": [f"JC{i:09d}" for i in range(rows)],
            "统一社会信用代码": uscc,
            "检查日期": (pl.Series(days).cast(pl.Int32) + 19000).cast(pl.Date).dt.strftime("%Y-%m-%d"),
            "检查类型": rng.choice(["日常检查", "双随机抽查", "专项检查"], rows),
            "检查结果": results,
            "发现问题": np.where(results == "符合", "", "后厨卫生不达标"),
            "检查人员": [f"5001052019{a:04d}、5001052019{b:04d}" for a, b in inspectors],
        }
    )
    frame.write_csv(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    args = parse_sizes(parser, smoke={"operators": 2000, "rows": 5000, "repeat": 2, "xlsx_rows": 1000})
    with bench_database() as _url, tempfile.TemporaryDirectory() as tmp:
        from django.db import connection

        from foodcredit.collection import readers, services

        t0 = time.perf_counter()
        usccs = valid_usccs(args.operators)
        with connection.cursor() as cur:
            load_operators(cur, usccs)
        print(f"set-up: {args.operators:,} operators in {time.perf_counter() - t0:.1f} s")
        csv_path = Path(tmp) / "inspections.csv"
        make_csv(csv_path, args.rows, usccs)
        size_mb = csv_path.stat().st_size / 1e6
        print(f"file: {args.rows:,} rows, {size_mb:.0f} MB")

        def bare_copy() -> None:
            with connection.cursor() as cur:
                cur.execute("DROP TABLE IF EXISTS bench_bare")
                cur.execute("CREATE TABLE bench_bare (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")")
                with (
                    cur.cursor.copy("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
                    csv_path.open("rb") as fh,
                ):
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
                cur.execute("DROP TABLE bench_bare")

        def reset() -> None:
            # The audit log refuses TRUNCATE (append-only): its rows of earlier runs stay.
            with connection.cursor() as cur:
                cur.execute(
                    "TRUNCATE inspections_inspection_inspectors, inspections_inspection, collection_importjob, "
                    "collection_pendingrecord, credit_ledgerentry, inspections_inspector CASCADE"
                )

        def full_import(i: int, marks: dict[str, float]) -> None:
            start = time.perf_counter()

            def progress(stage: str, percent: int) -> None:
                marks[stage] = time.perf_counter() - start

            job, _ = services.import_file(
                kind="inspections",
                source_name=f"bench-{i}",
                path=csv_path,
                file_name="inspections.csv",
                skip_bad_rows=False,
                actor=None,
                progress=progress,
            )
            assert job.status == "committed", (job.status, job.error_code, job.errors[:3])
            assert job.new_count == args.rows, job.new_count

        for i in range(args.repeat):  # a source per run, so that no run finds the previous one's records
            services.source_register(name=f"bench-{i}", kinds=["inspections"], actor=None)
        copies, imports, stages = [], [], []
        for i in range(args.repeat):  # alternated, as the risk benchmark does
            copies.append(timed(bare_copy))
            reset()
            marks: dict[str, float] = {}
            imports.append(timed(lambda i=i, marks=marks: full_import(i, marks)))
            stages.append(marks)
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM credit_ledgerentry WHERE ref_kind = 'inspection'")
            ledger = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM core_auditevent WHERE object_type = 'inspection'")
            audits = cur.fetchone()[0]
        print(
            f"bare COPY of the file: median {median(copies):.2f} s over {args.repeat} ({', '.join(f'{c:.2f}' for c in copies)})"
        )
        print(
            f"full import:           median {median(imports):.2f} s over {args.repeat} ({', '.join(f'{c:.2f}' for c in imports)})"
        )
        last = stages[-1]
        print("  stages (s from start, last run): " + ", ".join(f"{k} {v:.1f}" for k, v in last.items()))
        print(f"  ledger entries {ledger:,}, audit rows {audits:,} (all {args.repeat} runs)")
        print(f"ratio import / bare COPY: {median(imports) / median(copies):.1f}x (target ≤ 5x; import target ≤ 60 s)")

        # XLSX read rate with python-calamine.
        from openpyxl import Workbook

        xlsx = Path(tmp) / "inspections.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(HEADERS)
        small = pl.read_csv(csv_path, n_rows=args.xlsx_rows, infer_schema=False).fill_null("")
        for row in small.iter_rows():
            ws.append(list(row))
        wb.save(xlsx)
        reads = [timed(lambda: readers.read_table(xlsx, file_name="inspections.xlsx")) for _ in range(args.repeat)]
        print(
            f"XLSX read (python-calamine): {args.xlsx_rows / median(reads):,.0f} rows/s "
            f"(median {median(reads):.2f} s for {args.xlsx_rows:,} rows; target ≥ 20,000 rows/s)"
        )


if __name__ == "__main__":
    main()
