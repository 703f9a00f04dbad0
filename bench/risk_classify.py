"""Risk classification benchmark: 1,000,000 operators with ~20,000,000 ledger entries, classified end to end.

Prints, in one run over the same ledger: the baseline `SELECT operator_id, count(*), max(occurred_on) … GROUP BY
operator_id`, the feature stage (`risk.features.features_as_of`), and the whole classification (features → model →
stored results, explanations and the run's audit) with the active model. Set-up (operators and ledger rows made
with generate_series, a model fitted on a sample) is not measured.

    .venv/bin/python bench/risk_classify.py [--operators 1000000] [--entries 20000000] [--smoke]
"""

import argparse
import datetime as dt
import time

from common import bench_database, median, parse_sizes, timed

AS_OF = dt.date(2026, 11, 25)
START = AS_OF - dt.timedelta(days=3 * 365)
TYPES = [
    "小型餐馆",
    "小吃店",
    "中型餐馆",
    "学校食堂",
    "食杂店",
    "便利店",
    "超市",
    "农贸市场摊位",
    "糕点生产",
    "肉制品生产",
]
SECTORS = [
    "catering",
    "catering",
    "catering",
    "catering",
    "circulation",
    "circulation",
    "circulation",
    "circulation",
    "production",
    "production",
]
STREETS = ["观音桥街道", "华新街街道", "五里店街道", "江北城街道", "石马河街道", "大石坝街道"]


def _ops(cursor, n: int) -> None:
    """Operators and a few shared legal representatives, straight into their tables (not measured)."""
    cursor.execute(
        "INSERT INTO core_source (name, department_code, precedence, registered_automatically, created_at, updated_at)"
        " VALUES ('bench', '', 50, false, now(), now())"
    )
    cursor.execute(
        """INSERT INTO operators_person (id_hash, id_encrypted, name, created_at, updated_at)
           SELECT md5(g::text), '', '张' || g, now(), now() FROM generate_series(1, %s) g""",
        [n // 20],
    )
    types = "ARRAY[" + ",".join(f"'{t}'" for t in TYPES) + "]"
    sectors = "ARRAY[" + ",".join(f"'{s}'" for s in SECTORS) + "]"
    streets = "ARRAY[" + ",".join(f"'{s}'" for s in STREETS) + "]"
    cursor.execute(
        f"""INSERT INTO operators_operator (uscc, legacy_reg_no, name, legal_rep, legal_rep_person_id, phone_encrypted,
                  phone_index, address,
                  street, sector, business_type, registered_on, status, new_business_form, source_id, created_at,
                  updated_at)
            SELECT '91' || lpad(g::text, 16, '0'), '', '经营主体' || g, '张三',
                   CASE WHEN g %% 10 = 0 THEN 1 + (g / 10) %% %(persons)s END, '', '',
                   '重庆市江北区某路' || (g %% (%(n)s * 8 / 10)) || '号',
                   ({streets})[1 + g %% 6], ({sectors})[1 + g %% 10], ({types})[1 + g %% 10],
                   DATE '2000-01-01' + (g %% 9500), CASE WHEN g %% 25 = 0 THEN 'deregistered' ELSE 'active' END,
                   g %% 40 = 0, (SELECT id FROM core_source WHERE name = 'bench'), now(), now()
            FROM generate_series(1, %(n)s) g""",
        {"n": n, "persons": n // 20},
    )


def _ledger(cursor, n: int, entries: int) -> dict[str, int]:
    """~entries ledger rows: registration and licence per operator, then inspections, samples, complaints, penalties."""
    rest = max(entries - 2 * n, 0)
    counts = {
        "inspection": int(rest * 0.5),
        "sampling_test": int(rest * 0.25),
        "complaint": int(rest * 0.22),
        "penalty": int(rest * 0.03),
    }
    day = f"DATE '{START.isoformat()}' + (random() * 1094)::int"
    op = f"1 + (random() * ({n} - 1))::int"
    facts = {
        "inspection": """jsonb_build_object('kind', 'routine', 'result',
                CASE WHEN r < 0.07 THEN 'nonconform' WHEN r < 0.3 THEN 'basically_conform' ELSE 'conform' END,
                'inspector_ids', jsonb_build_array(1 + (random() * 399)::int, 1 + (random() * 399)::int))""",
        "sampling_test": """jsonb_build_object('conclusion', CASE WHEN r < 0.06 THEN 'fail' ELSE 'pass' END,
                'failure_kind', CASE WHEN r < 0.03 THEN 'microbial' WHEN r < 0.06 THEN 'pesticide' ELSE '' END,
                'food_category', '餐饮食品')""",
        "complaint": """jsonb_build_object('kind', 'complaint', 'channel', '12315', 'category', '食品变质',
                'verification', CASE WHEN r < 0.3 THEN 'true' WHEN r < 0.4 THEN 'partly_true' ELSE 'untrue' END)""",
        "penalty": """jsonb_build_object('kinds', CASE WHEN r < 0.3 THEN '["警告"]'::jsonb
                      WHEN r < 0.95 THEN '["罚款", "没收违法所得"]'::jsonb ELSE '["罚款", "责令停产停业"]'::jsonb END,
                'amount', CASE WHEN r < 0.3 THEN 0 ELSE 5000 END, 'procedure', 'ordinary', 'circumstance', 'general',
                'natural_person', false, 'violation_code', 'UNCLASSIFIED', 'listable_serious', false)""",
    }
    cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading the bench's own rows
    # The ledger's own indexes (as its migrations made them) are dropped while loading and made again after.
    cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname IN ('ledger_timeline_idx', 'ledger_ref_idx')")
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute("DROP INDEX IF EXISTS ledger_timeline_idx")
    cursor.execute("DROP INDEX IF EXISTS ledger_ref_idx")
    cursor.execute(
        """INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
           SELECT id, 'registration', registered_on, 'operator', id,
                  jsonb_build_object('status', status, 'sector', sector, 'street', street,
                                     'business_type', business_type, 'new_business_form', new_business_form), now()
           FROM operators_operator"""
    )
    cursor.execute(
        f"""INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
            SELECT g, 'licence', DATE '2022-01-01' + (g % 1500), 'licence', g,
                   jsonb_build_object('kind', 'business', 'status', 'valid',
                                      'issued_on', (DATE '2022-01-01' + (g % 1500))::text,
                                      'valid_until', (DATE '2022-01-01' + (g % 1500) + 1825)::text), now()
            FROM generate_series(1, {n}) g"""
    )
    for kind, count in counts.items():
        cursor.execute(
            f"""INSERT INTO credit_ledgerentry (operator_id, kind, occurred_on, ref_kind, ref_id, facts, recorded_at)
                SELECT {op}, '{kind}', {day}, '{kind}', g, {facts[kind]}, now()
                FROM (SELECT g, random() AS r FROM generate_series(1, {count}) g) s"""
        )
    cursor.execute("SET session_replication_role = DEFAULT")
    for indexdef in indexes:
        cursor.execute(indexdef)
    return {"registration": n, "licence": n, **counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=20_000_000)
    parser.add_argument("--sample", type=int, default=100_000, help="operators the bench model is fitted on")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the baseline and the feature stage (medians)")
    args = parse_sizes(parser, smoke={"operators": 2000, "entries": 40_000, "sample": 2000, "repeat": 2})
    with bench_database("fc_bench_risk"):
        from django.db import connection

        from foodcredit.risk import services, training
        from foodcredit.risk.estimators import LightGBMRiskClassifier
        from foodcredit.risk.features import FEATURE_NAMES, features_as_of
        from foodcredit.risk.frames import Scope, read_frame
        from foodcredit.risk.outcomes import outcomes_after

        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            _ops(cursor, args.operators)
            counts = _ledger(cursor, args.operators, args.entries)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE credit_ledgerentry")
            cursor.execute("VACUUM ANALYZE operators_operator")
            cursor.execute("SELECT count(*) FROM credit_ledgerentry")
            total = cursor.fetchone()[0]
        print(
            f"set-up: {args.operators:,} operators, {total:,} ledger entries {counts} in {time.perf_counter() - t0:.0f} s"
        )

        # A LightGBM model fitted on a sample (features a year earlier, labels in the year after): not measured.
        t0 = time.perf_counter()
        past = AS_OF - dt.timedelta(days=366)
        sample = features_as_of(as_of=past, scope=Scope(lo=1, hi=args.sample))
        labels = outcomes_after(as_of=past, horizon_days=365)
        sample = sample.join(labels.select("operator_id", "serious"), on="operator_id", how="left")
        estimator = LightGBMRiskClassifier().fit(
            sample.select(FEATURE_NAMES).to_numpy(),
            sample.get_column("serious").fill_null(0).to_numpy(),
            groups=sample.get_column("operator_id").to_numpy(),
        )
        estimator.cutoffs_refit(
            features_as_of(as_of=AS_OF, scope=Scope(lo=1, hi=args.sample)).select(FEATURE_NAMES).to_numpy()
        )
        model = services.model_register(
            fitted=training.FittedModel(estimator, "lightgbm", past - dt.timedelta(days=1095), AS_OF, {"auc": None}),
            actor=None,
        )
        print(f"model: {model.version} fitted on {sample.height:,} operators in {time.perf_counter() - t0:.0f} s")

        baseline_sql = (
            "SELECT operator_id, count(*) AS n, max(occurred_on) AS last FROM credit_ledgerentry "
            f"WHERE occurred_on < DATE '{AS_OF.isoformat()}' GROUP BY operator_id"
        )
        import polars as pl

        schema = {"operator_id": pl.Int64(), "n": pl.Int64(), "last": pl.Date()}
        read_frame(baseline_sql, schema)  # warm the cache for both
        baselines, stages = [], []
        for _ in range(args.repeat):  # alternated, so that a busy moment of the shared machine hits both alike
            baselines.append(timed(lambda: read_frame(baseline_sql, schema)))
            stages.append(timed(lambda: features_as_of(as_of=AS_OF)))
        baseline, features = median(baselines), median(stages)
        print(f"baseline GROUP BY (into polars): median {baseline:.1f} s of {', '.join(f'{t:.1f}' for t in baselines)}")
        print(
            f"feature stage features_as_of:    median {features:.1f} s of {', '.join(f'{t:.1f}' for t in stages)}"
            f" = {features / baseline:.2f}x the baseline (target ≤ 3x)"
        )

        def classify() -> None:
            run = services.classification_start(as_of=AS_OF, actor=None)
            services.classification_partition(run=run)
            services.classification_finish(run=run, actor=None)

        end_to_end = timed(classify)
        from foodcredit.risk.models import ClassificationRun

        run = ClassificationRun.objects.latest("pk")
        print(
            f"classification end to end: {end_to_end:.1f} s for {run.operators:,} active operators "
            f"(target ≤ 120 s); classes {run.distribution}"
        )


if __name__ == "__main__":
    main()
