"""Writes of the risk domain: classifying operators.

Classification is set-based: features for a partition of operators (an id range) in one pass, the model on the
whole matrix, results written with COPY (PostgreSQL) or bulk_create, class changes appended to the credit ledger
and audited with INSERT … SELECT, all in the partition's transaction.
"""

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.bulk import EntriesSQL
from foodcredit.core.errors import DomainError
from foodcredit.core.sql import dialect_for
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.services.ledger_bulk import ledger_bulk_writer
from foodcredit.operators.models import Operator

from .. import explain, rules, selectors
from ..features import FEATURE_NAMES, Scope, features_as_of
from ..indicators import indicator_system_load
from ..models import ClassificationRun, ClassResult, RiskModel
from .models_registry import model_load

RESULT_TABLE = ClassResult._meta.db_table
BATCH = 5000


def partitions_for(*, parts: int) -> list[tuple[int, int]]:
    """Operator id ranges [lo, hi] splitting the operators into `parts` partitions of similar id width."""
    ids = Operator.objects.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    if first is None or last is None:
        return []
    edges = np.linspace(first, last + 1, max(1, parts) + 1).astype(np.int64)
    return [(int(edges[i]), int(edges[i + 1] - 1)) for i in range(len(edges) - 1) if edges[i + 1] > edges[i]]


@transaction.atomic
def classification_start(*, as_of: date, actor: Any, model: RiskModel | None = None) -> ClassificationRun:
    """Open a classification run with the active model (or `model`)."""
    model = model or selectors.model_active()
    if model is None:
        raise DomainError("risk.no_model", _("尚无启用的风险分类模型"))
    run = ClassificationRun.objects.create(as_of=as_of, model=model)
    audit.record(
        actor=actor,
        action="classify_start",
        object_type="classification_run",
        object_id=run.pk,
        changes={"as_of": [None, as_of.isoformat()], "model": [None, model.version]},
    )
    return run


@dataclass(frozen=True)
class Scored:
    """A partition scored in memory: one row per operator with class, score, rule and explanation."""

    frame: pl.DataFrame  # operator_id, uscc, model_class, risk_class, score, rule, explanation


def classify_frame(*, features: pl.DataFrame, estimator: Any, as_of: date) -> Scored:
    """Score a features frame: model class and score, hard rules, overrides, explanations (no writes)."""
    X = features.select(FEATURE_NAMES).to_numpy()
    scores = np.asarray(estimator.risk_score(X), dtype=np.float64)
    model_class = rules.classes_from_scores(scores, estimator.cutoffs_)
    contributions = estimator.contributions(X)
    sentences = explain.explanations(features, contributions, indicator_system_load())
    ids = features.get_column("operator_id").to_list()
    listed = selectors.serious_listed_operator_ids(as_of=as_of)
    overrides = selectors.overrides_in_force(as_of=as_of, operator_ids=None if len(ids) > 10_000 else ids)
    override_frame = pl.DataFrame(
        overrides,
        schema={"operator_id": pl.Int64, "risk_class": pl.String, "reason": pl.String, "valid_until": pl.Date},
    ).rename({"risk_class": "override_class"})
    frame = (
        features.select("operator_id", "uscc")
        .with_columns(
            model_class=pl.Series(model_class, dtype=pl.String),
            score=pl.Series(np.round(scores, 4)),
            explanation=sentences,
            serious_listed=pl.col("operator_id").is_in(sorted(listed)),
        )
        .join(override_frame, on="operator_id", how="left")
    )
    frame = rules.classes_decide(frame)
    note = (
        pl.when(pl.col("rule") == rules.RULE_SERIOUS_LIST)
        .then(pl.lit("列入严重违法失信名单，直接确定为D类"))
        .when(pl.col("rule") == rules.RULE_OVERRIDE)
        .then(
            pl.format(
                "监管人员调整为{}类（{}），有效期至{}",
                pl.col("override_class"),
                pl.col("reason"),
                pl.col("valid_until").dt.strftime("%Y-%m-%d"),
            )
        )
    )
    frame = frame.with_columns(
        explanation=pl.when(note.is_not_null())
        .then(pl.concat_list(note, pl.col("explanation")))
        .otherwise(pl.col("explanation"))
    )
    return Scored(frame.select("operator_id", "uscc", "model_class", "risk_class", "score", "rule", "explanation"))


def _results_write(run: ClassificationRun, frame: pl.DataFrame) -> None:
    if connection.vendor != "postgresql":
        for batch in frame.iter_slices(BATCH):
            ClassResult.objects.bulk_create(
                ClassResult(
                    run=run,
                    operator_id=r["operator_id"],
                    as_of=run.as_of,
                    risk_class=r["risk_class"],
                    model_class=r["model_class"],
                    score=r["score"],
                    rule=r["rule"],
                    explanation=r["explanation"],
                )
                for r in batch.iter_rows(named=True)
            )
        return
    # JSON-encode the sentence lists column-wise: {"e": [...]} from polars, minus the wrapper.
    encoded = pl.struct(pl.col("explanation").alias("e")).struct.json_encode().str.slice(5).str.strip_suffix("}")
    out = frame.select(
        pl.lit(run.pk).alias("run_id"),
        "operator_id",
        pl.lit(run.as_of).alias("as_of"),
        "risk_class",
        "model_class",
        "score",
        "rule",
        encoded.alias("explanation"),
    )
    buf = io.BytesIO()
    out.write_csv(buf, include_header=False)
    buf.seek(0)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {RESULT_TABLE} ({', '.join(out.columns)}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        while chunk := buf.read(1 << 20):
            copy.write(chunk)


def _changes_record(run: ClassificationRun, scope: Scope, actor: Any) -> list[int]:
    """Append a class_change ledger entry (and an audit row) for every operator of the partition whose class differs
    from the previous finished run's; an operator's first class is not a change. Returns the operators changed."""
    previous = (
        ClassificationRun.objects.filter(status=ClassificationRun.Status.DONE, as_of__lte=run.as_of)
        .exclude(pk=run.pk)
        .order_by("-as_of", "-pk")
        .first()
    )
    if previous is None:
        return []
    d = dialect_for(connection)
    now = timezone.now()
    params = {"run": run.pk, "prev": previous.pk, "now": now, "actor": getattr(actor, "pk", None)}
    facts = d.json_object(
        [
            ("risk_class", "r.risk_class", "text"),
            ("previous_class", "p.risk_class", "text"),
            ("model_version", "%(version)s", "text"),
            ("rule", "r.rule", "text"),
        ]
    )
    params["version"] = run.model.version
    params["label"] = audit.actor_label(actor)
    params["rid"] = audit.current_request_id.get()
    params["job"] = None
    changed = f"""FROM {RESULT_TABLE} r JOIN {RESULT_TABLE} p ON p.operator_id = r.operator_id AND p.run_id = %(prev)s
                  WHERE r.run_id = %(run)s AND r.risk_class <> p.risk_class AND {scope.sql("r.operator_id")}"""
    with connection.cursor() as cursor:
        cursor.execute(
            ledger_bulk_writer.append_sql(
                EntriesSQL(
                    operator_id="r.operator_id",
                    kind=f"'{LedgerEntry.Kind.CLASS_CHANGE}'",
                    occurred_on="r.as_of",
                    ref_kind="'risk_result'",
                    ref_id="r.id",
                    facts=facts,
                    recorded_at="%(now)s",
                    source=changed,
                )
            ),
            params,
        )
        changes = d.json_object([("risk_class", d.json_array_pair("p.risk_class", "r.risk_class", "text"), "json")])
        cursor.execute(
            audit.bulk_insert_sql(
                d=d,
                action="'class_change'",
                object_type="'risk_result'",
                object_id=d.to_text("r.id"),
                changes=changes,
                source=changed,
            ),
            params,
        )
        cursor.execute(f"SELECT r.operator_id {changed}", params)
        return [row[0] for row in cursor.fetchall()]


def classification_partition(
    *, run: ClassificationRun, lo: int | None = None, hi: int | None = None, actor: Any = None
) -> int:
    """Classify the active operators with ids in [lo, hi] (all when both are None) for `run`; returns how many."""
    scope = Scope(lo=lo, hi=hi)
    estimator = model_load(run.model)
    features = features_as_of(as_of=run.as_of, scope=scope).filter(pl.col("status") == Operator.Status.ACTIVE)
    if features.height == 0:
        return 0
    scored = classify_frame(features=features, estimator=estimator, as_of=run.as_of)
    with transaction.atomic():
        _results_write(run, scored.frame)
        changed = _changes_record(run, scope, actor)
        if changed:
            credit_services.entries_announce(operator_ids=changed, kinds=[LedgerEntry.Kind.CLASS_CHANGE])
    return features.height


@transaction.atomic
def classification_finish(*, run: ClassificationRun, actor: Any) -> ClassificationRun:
    """Close a run: its class distribution and number of changes, audited."""
    counts = dict(ClassResult.objects.filter(run=run).values_list("risk_class").annotate(n=Count("id")).order_by())
    run.distribution = {c: int(counts.get(c, 0)) for c in rules.CLASSES}
    run.operators = sum(run.distribution.values())
    run.changed = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.CLASS_CHANGE,
        ref_kind="risk_result",
        occurred_on=run.as_of,
        ref_id__in=ClassResult.objects.filter(run=run).values("pk"),
    ).count()
    run.status = ClassificationRun.Status.DONE
    run.save(update_fields=["distribution", "operators", "changed", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="classify",
        object_type="classification_run",
        object_id=run.pk,
        changes={"distribution": [None, run.distribution], "changed": [None, run.changed]},
    )
    return run
