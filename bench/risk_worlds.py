"""A family of synthetic worlds (issue 13 §6): the demo generator with its dynamics varied, the model chosen and
trained by the system on each, and its AUC against oracle_now — the AUC of the true latent risk at the as-of date.

For each setting × seed: a fresh PostgreSQL database (cloned from a migrated template), the world generated and
written through the import path (demo.services.world_write), `selection.model_select(until=T)` with T one year before
the world's end, the model's scores on the features at T, and on the oracle's population (in business after T) and
labels (a serious finding in the 365 days after T): model AUC, oracle_now AUC (latent risk of T's month), the oracle
over the horizon (the mean latent risk of the months after T, which no one can know at T), model / oracle_now, and
the features' ceiling (cross-validation on the labels after T from the features at T: what the features carry),
and the Bayes oracle (bench/risk_posterior.py: the posterior chance of the label given every record before T, with
the generator's own model and parameters — what the best classifier reading the ledger could know at T).
The target: model ≥ 0.93 × oracle_now on every world. Each world runs in its own process.

    .venv/bin/python bench/risk_worlds.py [--operators 2000] [--seeds 1,2,3] [--smoke]
"""

import argparse
import copy
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

import psycopg
from common import ADMIN_URL, ROOT, parse_sizes
from risk_posterior import bayes_scores

WORLD_END = dt.date(2025, 12, 1)
T = dt.date(2024, 12, 1)

# Each setting changes the demo's dynamics (foodcredit/demo/params.yaml): dotted path → value.
SETTINGS: dict[str, dict[str, Any]] = {
    "fast drift": {"risk.drift_sd": 0.45, "risk.drift_ar": 0.75},
    "shared owners": {"population.shared_owner_share": 0.35, "risk.owner_share": 0.6},
    "strict spread": {"inspectors.strictness_sd": 1.2},
    "overdispersed complaints": {"complaints.dispersion": 2.0, "complaints.risk_slope": 0.6},
    "street shocks": {"risk.street_shock_sd": 0.5},
    "risky newcomers": {"risk.young_effect": 1.5, "risk.young_months": 24, "population.new_share_per_year": 0.18},
}


def _params(overrides: dict[str, Any]) -> dict[str, Any]:
    from foodcredit.demo.world.common import params_load

    params = copy.deepcopy(params_load())
    for path, value in overrides.items():
        node = params
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return params


def features_ceiling_auc(features: Any, labels: Any) -> float:
    """AUC that 5-fold cross-validation reaches on the labels after T themselves from the features at T — the better
    of a regularised logistic model and a small LightGBM. It peeks at the outcomes, so no model can do as well at T: a
    ceiling of what the features carry, telling a weak model from features that hold little of the latent risk."""
    import lightgbm as lgb
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from foodcredit.risk.estimators import signed_log1p

    X = signed_log1p(np.nan_to_num(np.asarray(features, dtype=float)))  # the system's logistic model's transform
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    models = [
        make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000)),
        lgb.LGBMClassifier(n_estimators=200, num_leaves=3, learning_rate=0.03, min_child_samples=40, verbose=-1),
    ]
    return max(
        float(roc_auc_score(labels, cross_val_predict(m, X, labels, cv=folds, method="predict_proba")[:, 1]))
        for m in models
    )


def one_world(setting: str, seed: int, operators: int, years: int = 3) -> dict[str, Any]:
    """Generate, write, select and score one world (in this process's database)."""
    import django

    django.setup()
    import polars as pl
    from sklearn.metrics import roc_auc_score

    from foodcredit.demo.services import world_write
    from foodcredit.demo.world import world_generate
    from foodcredit.risk import selection
    from foodcredit.risk.features import FEATURE_NAMES, features_as_of
    from foodcredit.risk.training import scores_for

    started = time.perf_counter()
    params = _params(SETTINGS[setting])
    world = world_generate(operators=operators, years=years, seed=seed, as_of=WORLD_END, params=params, keep_draws=True)
    world_write(world=world, seed=seed, years=years)
    fitted = selection.model_select(until=T)
    features = features_as_of(as_of=T)
    scored = pl.DataFrame({"uscc": features.get_column("uscc"), "model": scores_for(fitted.estimator, features)})
    assert world.draws is not None
    table = world.oracle_now(T).join(scored, on="uscc", how="inner")
    table = table.join(features.select("uscc", *FEATURE_NAMES), on="uscc", how="inner")
    table = table.join(bayes_scores(world.draws, params, as_of=T), on="uscc", how="inner")
    labels = table.get_column("label").to_numpy()

    def auc(column: str) -> float:
        return round(float(roc_auc_score(labels, table.get_column(column).to_numpy())), 4)

    model, now, bayes = auc("model"), auc("oracle_now"), auc("bayes_horizon")
    return {
        "setting": setting,
        "seed": seed,
        "years": years,
        "operators": table.height,
        "positives": int(labels.sum()),
        "chosen": fitted.metrics["selection"]["chosen"],
        "model_auc": model,
        "oracle_now_auc": now,
        "oracle_horizon_auc": auc("oracle_score"),
        "features_ceiling_auc": round(features_ceiling_auc(table.select(FEATURE_NAMES).to_numpy(), labels), 4),
        "bayes_auc": bayes,
        "ratio": round(model / now, 4),
        "bayes_ratio": round(bayes / now, 4),
        "model_bayes_ratio": round(model / bayes, 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operators", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3, help="the world's history up to its end (T is a year before)")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--settings", default=",".join(SETTINGS))
    parser.add_argument("--one", nargs=2, metavar=("SETTING", "SEED"), help=argparse.SUPPRESS)
    args = parse_sizes(parser, smoke={"operators": 300, "seeds": "1", "settings": "fast drift"})
    if args.one:
        print(json.dumps(one_world(args.one[0], int(args.one[1]), args.operators, args.years), ensure_ascii=False))
        return
    base = ADMIN_URL.rsplit("/", 1)[0]
    template = f"fc_worlds_tpl_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {template}")
    rows = []
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": f"{base}/{template}"},
            check=True,
        )
        for setting in args.settings.split(","):
            for seed in [int(s) for s in args.seeds.split(",")]:
                name = f"fc_world_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
                try:
                    out = subprocess.run(
                        [
                            *(sys.executable, __file__, "--one", setting, str(seed)),
                            *("--operators", str(args.operators), "--years", str(args.years)),
                        ],
                        cwd=ROOT,
                        env={**env, "DATABASE_URL": f"{base}/{name}", "FOODCREDIT_VAR_DIR": f"/tmp/{name}"},
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    row = json.loads(out.stdout.strip().splitlines()[-1])
                finally:
                    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
    print(
        f"\n{'setting':<26}{'seed':>5}{'ops':>6}{'pos':>6}  {'model':>7}{'or_now':>8}{'ratio':>7}{'or_hzn':>8}"
        f"{'ceiling':>9}{'bayes':>8}{'b/now':>7}{'m/bayes':>8}  chosen"
    )
    for r in rows:
        flag = "" if r["ratio"] >= 0.93 else "  < 0.93"
        print(
            f"{r['setting']:<26}{r['seed']:>5}{r['operators']:>6}{r['positives']:>6}  {r['model_auc']:>7.4f}"
            f"{r['oracle_now_auc']:>8.4f}{r['ratio']:>7.3f}{r['oracle_horizon_auc']:>8.4f}"
            f"{r['features_ceiling_auc']:>9.4f}{r['bayes_auc']:>8.4f}{r['bayes_ratio']:>7.3f}{r['model_bayes_ratio']:>8.3f}"
            f"  {r['chosen']}{flag}"
        )
    short = sum(r["ratio"] < 0.93 for r in rows)
    print(f"\nworlds: {len(rows)}; model ≥ 0.93 × oracle_now on {len(rows) - short}, below on {short}")
    bayes_short = sum(r["bayes_ratio"] < 0.93 for r in rows)
    print(
        f"the Bayes oracle (bench/risk_posterior.py) ≥ 0.93 × oracle_now on {len(rows) - bayes_short}, below on "
        f"{bayes_short}; model / Bayes oracle: min {min(r['model_bayes_ratio'] for r in rows):.3f}, "
        f"median {sorted(r['model_bayes_ratio'] for r in rows)[len(rows) // 2]:.3f}"
    )


if __name__ == "__main__":
    main()
