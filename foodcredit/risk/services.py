"""Writes of the risk domain: registering and activating models, classifying operators, overriding a class.

Classification is set-based: features for a partition of operators (an id range) in one pass, the model on the
whole matrix, results written with COPY (PostgreSQL) or bulk_create, class changes appended to the credit ledger
and audited with INSERT … SELECT, all in the partition's transaction.
"""

import hashlib
import io
import pickle
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.bulk import EntriesSQL
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.sql import dialect_for
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.services.ledger_bulk import ledger_bulk_writer
from foodcredit.operators.models import Operator

from . import explain, registry, rules, selectors
from .features import FEATURE_NAMES, Scope, features_as_of
from .indicators import indicator_system_load
from .models import ClassificationRun, ClassOverride, ClassResult, RiskClass, RiskModel
from .training import FittedModel

RESULT_TABLE = ClassResult._meta.db_table
BATCH = 5000


def model_load(model: RiskModel) -> Any:
    """The estimator of a registered model, after checking its hash."""
    blob = bytes(model.artifact)
    if hashlib.sha256(blob).hexdigest() != model.sha256:
        raise DomainError("risk.model_tampered", _("模型文件摘要不符"))
    return pickle.loads(blob)


@transaction.atomic
def model_register(*, fitted: FittedModel, actor: Any, note: str = "") -> RiskModel:
    """Register a fitted model as a candidate: artifact, window, metrics, features, hash; activate it if none is."""
    blob = pickle.dumps(fitted.estimator, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(blob).hexdigest()
    version = f"{fitted.kind}-{fitted.trained_until:%Y%m%d}-{digest[:8]}"
    if RiskModel.objects.filter(version=version).exists():
        raise ConflictError("risk.model_registered", _("该模型已登记"), version=version)
    model = RiskModel(
        version=version,
        kind=fitted.kind,
        trained_from=fitted.trained_from,
        trained_until=fitted.trained_until,
        indicators=indicator_system_load().version,
        features=list(FEATURE_NAMES),
        metrics={**fitted.metrics, **({"note": note} if note else {})},
        cutoffs=dict(fitted.estimator.cutoffs_),
        artifact=blob,
        sha256=digest,
    )
    model.full_clean(exclude=["artifact"])
    model.save()
    audit.record(
        actor=actor,
        action="register",
        object_type="risk_model",
        object_id=model.pk,
        changes={"version": [None, version], "sha256": [None, digest], "metrics": [None, model.metrics]},
    )
    if selectors.model_active() is None and registry.quality_refusal(model) is None:
        model_activate(model=model, actor=actor)
    return model


def model_activate(*, model: RiskModel, actor: Any, force_reason: str = "") -> RiskModel:
    """Make `model` the one in use. A model whose backtest is worse than the active one's — both specifications on
    the same window (registry.backtests_compare) — or that has no backtest is refused unless forced with a reason
    (recorded on the model); the comparison goes into the audit log either way."""
    active = selectors.model_active()
    if active is not None and active.pk == model.pk:
        return model
    refusal = registry.quality_refusal(model)
    if refusal is not None:  # no reason makes a chance-level or one-class model classify anyone
        code, figures = refusal
        if code == "risk.model_constant":
            message: Any = _("该模型将%(share)s的经营主体归入同一类别（上限%(limit)s），不能启用") % {
                "share": f"{figures['share']:.0%}", "limit": f"{figures['limit']:.0%}",
            }  # fmt: skip
        else:
            message = _("该模型的回测AUC为%(auc)s，低于%(limit)s，不能启用") % figures
        raise DomainError(code, message, version=model.version, **figures)
    comparison = None
    if active is not None:
        comparison = registry.backtests_compare(
            candidate=model, candidate_estimator=model_load(model), active=active, active_estimator=model_load(active)
        )
        if comparison["worse"] and not force_reason.strip():
            if comparison["basis"] == registry.BASIS_NONE:
                message = _("该模型没有回测结果，须说明理由方可强制启用")
            else:
                message = _(
                    "该模型的回测结果不如当前模型（AUC %(new)s < %(old)s，%(as_of)s起%(days)s天），须说明理由方可强制启用"
                ) % {
                    "new": comparison["candidate_auc"], "old": comparison["active_auc"],
                    "as_of": comparison["as_of"], "days": comparison["horizon_days"],
                }  # fmt: skip
            raise DomainError("risk.model_worse", message, version=model.version, **comparison)
    return _activate(model=model, active=active, comparison=comparison, actor=actor, force_reason=force_reason)


@transaction.atomic
def _activate(
    *, model: RiskModel, active: RiskModel | None, comparison: dict[str, Any] | None, actor: Any, force_reason: str
) -> RiskModel:
    if active is not None:
        RiskModel.objects.filter(pk=active.pk).update(status=RiskModel.Status.RETIRED)
    model.status = RiskModel.Status.ACTIVE
    model.activated_at = timezone.now()
    model.activation_reason = force_reason.strip()
    model.save(update_fields=["status", "activated_at", "activation_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="activate",
        object_type="risk_model",
        object_id=model.pk,
        changes={
            "status": [RiskModel.Status.CANDIDATE, RiskModel.Status.ACTIVE],
            "replaces": [None, active.version if active else None],
            "force_reason": [None, force_reason.strip() or None],
            "backtests": [None, comparison],
        },
    )
    return model


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
                    run=run, operator_id=r["operator_id"], as_of=run.as_of, risk_class=r["risk_class"],
                    model_class=r["model_class"], score=r["score"], rule=r["rule"], explanation=r["explanation"],
                )
                for r in batch.iter_rows(named=True)
            )  # fmt: skip
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
                d=d, action="'class_change'", object_type="'risk_result'", object_id=d.to_text("r.id"),
                changes=changes, source=changed,
            ),
            params,
        )  # fmt: skip
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
        kind=LedgerEntry.Kind.CLASS_CHANGE, ref_kind="risk_result", occurred_on=run.as_of,
        ref_id__in=ClassResult.objects.filter(run=run).values("pk"),
    ).count()  # fmt: skip
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


def class_override(
    *, operator: Operator, risk_class: str, reason: str, valid_from: date, days: int | None, actor: Any
) -> ClassOverride:
    """A regulator sets an operator's class, with a reason, for a limited time (audited; expires by itself)."""
    permissions.operator_write_check(user=actor, kind=permissions.CLASS_OVERRIDES, operator=operator)
    with transaction.atomic():
        if risk_class not in RiskClass.values:
            raise DomainError("risk.bad_class", _("风险类别须为A、B、C或D"))
        if not reason.strip():
            raise DomainError("risk.override_reason", _("人工调整须说明理由"))
        limit = int(settings.RISK_OVERRIDE_MAX_DAYS)
        days = days or limit
        if not 0 < days <= limit:
            raise DomainError(
                "risk.override_too_long",
                _("人工调整有效期不得超过%(days)s天") % {"days": limit},
            )
        override = ClassOverride(
            operator=operator,
            risk_class=risk_class,
            reason=reason.strip(),
            valid_from=valid_from,
            valid_until=valid_from + timedelta(days=days),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        override.full_clean()
        override.save()
        audit.record(
            actor=actor,
            action="override",
            object_type="risk_override",
            object_id=override.pk,
            changes={
                "operator": [None, operator.pk],
                "risk_class": [None, risk_class],
                "reason": [None, override.reason],
                "valid_until": [None, override.valid_until.isoformat()],
            },
        )
        current = selectors.class_current(operator.pk, as_of=valid_from)
        previous = current.risk_class if current and current.rule != rules.RULE_OVERRIDE else None
        credit_services.entry_append(
            operator=operator,
            kind=LedgerEntry.Kind.CLASS_CHANGE,
            occurred_on=valid_from,
            ref_kind="risk_override",
            ref_id=override.pk,
            facts={"risk_class": risk_class, "previous_class": previous, "rule": rules.RULE_OVERRIDE},
        )
        return override


def class_override_revoke(*, override: ClassOverride, on: date, actor: Any) -> ClassOverride:
    """End an override early: from `on` the model's class applies again (audited)."""
    permissions.operator_write_check(user=actor, kind=permissions.CLASS_OVERRIDES, operator=override.operator)
    with transaction.atomic():
        in_force = rules.override_in_force(
            valid_from=override.valid_from, valid_until=override.valid_until, revoked_on=override.revoked_on, as_of=on
        )
        if not in_force:
            raise DomainError(
                "risk.override_not_in_force", _("该人工调整在撤销日期不在有效期内或已被撤销"), override=override.pk
            )
        override.revoked_on = on
        override.save(update_fields=["revoked_on", "updated_at"])
        audit.record(
            actor=actor,
            action="revoke",
            object_type="risk_override",
            object_id=override.pk,
            changes={"revoked_on": [None, on.isoformat()]},
        )
        return override
