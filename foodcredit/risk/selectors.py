"""Reads of the risk domain: the model registry, operators' current class and history, the dashboard figures."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext, gettext_noop

from foodcredit.credit import selectors as credit_selectors
from foodcredit.operators.models import Operator

from .frames import read_frame
from .models import ClassificationRun, ClassOverride, ClassResult, RiskClass, RiskModel
from .rules import RULE_SERIOUS_LIST

# The class labels (RiskClass) are plain Chinese strings translated when displayed; marking them here keeps them in
# locale/*/django.po when makemessages runs.
DISPLAYED_LABELS = (
    gettext_noop("信用风险低"), gettext_noop("信用风险一般"), gettext_noop("信用风险较高"), gettext_noop("信用风险高"),
)  # fmt: skip


def model_active() -> RiskModel | None:
    """The model in use, if any."""
    return RiskModel.objects.filter(status=RiskModel.Status.ACTIVE).order_by("-activated_at", "-pk").first()


def run_latest(*, as_of: date | None = None) -> ClassificationRun | None:
    """The latest finished classification (on or before `as_of` when given)."""
    runs = ClassificationRun.objects.filter(status=ClassificationRun.Status.DONE)
    if as_of is not None:
        runs = runs.filter(as_of__lte=as_of)
    return runs.select_related("model").order_by("-as_of", "-pk").first()


def serious_listed_operator_ids(*, as_of: date) -> set[int]:
    """Operators on the 严重违法失信名单 on `as_of` (hard rule → D), in one query over credit's lists."""
    return credit_selectors.serious_listed_operator_ids(as_of=as_of)


def overrides_in_force(*, as_of: date, operator_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Regulators' overrides in force on `as_of` (the newest per operator): operator_id, risk_class, reason, until."""
    overrides = ClassOverride.objects.filter(valid_from__lte=as_of, valid_until__gt=as_of).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of)
    )
    if operator_ids is not None:
        overrides = overrides.filter(operator_id__in=operator_ids)
    newest: dict[int, Any] = {}
    for row in overrides.order_by("operator_id", "created_at", "pk").values(
        "operator_id", "risk_class", "reason", "valid_until"
    ):
        newest[row["operator_id"]] = row
    return list(newest.values())


@dataclass(frozen=True)
class CurrentClass:
    """An operator's class as shown on its credit file (never the score outside the back office)."""

    risk_class: str
    label: str
    as_of: date
    explanation: list[str]
    model_version: str
    rule: str
    score: float


def class_current(operator_id: int, *, as_of: date | None = None) -> CurrentClass | None:
    """The operator's latest class (from the latest finished run on or before `as_of`), overrides in force applied.

    For the credit file: `risk.selectors.class_current(operator.pk)`; show `label` (`risk_class`), `as_of` and
    `explanation` (a list of sentences) to regulators; the public view shows class, meaning and date only.
    """
    result = (
        ClassResult.objects.filter(operator_id=operator_id, run__status=ClassificationRun.Status.DONE)
        .filter(**({"as_of__lte": as_of} if as_of else {}))
        .select_related("run__model")
        .order_by("-as_of", "-run_id")
        .first()
    )
    if result is None:
        return None
    risk_class, rule, explanation = result.risk_class, result.rule, list(result.explanation)
    day = as_of or result.as_of
    override = overrides_in_force(as_of=max(day, result.as_of), operator_ids=[operator_id])
    if override and result.rule != "serious_list" and override[0]["risk_class"] != risk_class:
        o = override[0]
        risk_class, rule = o["risk_class"], "override"
        explanation = [f"监管人员调整为{o['risk_class']}类（{o['reason']}），有效期至{o['valid_until']:%Y-%m-%d}"]
    return CurrentClass(
        risk_class=risk_class,
        label=RiskClass(risk_class).label,
        as_of=result.as_of,
        explanation=explanation,
        model_version=result.run.model.version,
        rule=rule,
        score=result.score,
    )


@dataclass(frozen=True)
class PublicClass:
    """What the public sees of an operator's class (DOMAIN.md Part I §4): class, meaning and date, never the score."""

    risk_class: str
    label: str
    as_of: date


def class_public(operator_id: int, *, as_of: date) -> PublicClass | None:
    """The operator's current class for the public profile; None when DISCLOSE_RISK_CLASS is off or before any run.

    Built from `class_current` but carries only class, translated meaning and date: no score, no explanation, no
    model, so nothing else can leak through a public page or endpoint.
    """
    if not settings.DISCLOSE_RISK_CLASS:
        return None
    current = class_current(operator_id, as_of=as_of)
    if current is None:
        return None
    return PublicClass(risk_class=current.risk_class, label=gettext(current.label), as_of=current.as_of)


def class_history(operator_id: int) -> list[Any]:
    """Every class the operator was given, newest first: date, class, score, model version, rule, explanation."""
    return list(
        ClassResult.objects.filter(operator_id=operator_id, run__status=ClassificationRun.Status.DONE)
        .order_by("-as_of", "-run_id")
        .values("as_of", "risk_class", "score", "run__model__version", "rule", "explanation")
    )


def class_distribution(*, run: ClassificationRun, by: str) -> dict[str, dict[str, int]]:
    """Counts of each class per street or sector label in one run: {group: {class: count}}."""
    field = {"street": "operator__street", "sector": "operator__sector"}[by]
    labels = dict(Operator.Sector.choices) if by == "sector" else {}
    out: dict[str, dict[str, int]] = {}
    rows = (
        ClassResult.objects.filter(run=run)
        .values(field, "risk_class")
        .annotate(n=Count("id"))
        .order_by(field, "risk_class")
    )
    for row in rows:
        group = str(labels.get(row[field], row[field]))
        out.setdefault(group, {})[row["risk_class"]] = row["n"]
    return out


def class_trend(*, limit: int = 24) -> list[tuple[date, dict[str, int]]]:
    """Class counts of the latest finished runs (one per date, the latest of each), oldest first."""
    runs = list(
        ClassificationRun.objects.filter(status=ClassificationRun.Status.DONE).order_by("-as_of", "-pk")[: limit * 3]
    )
    seen: dict[date, ClassificationRun] = {}
    for run in runs:
        seen.setdefault(run.as_of, run)
    chosen = sorted(seen.values(), key=lambda r: r.as_of)[-limit:]
    return [(r.as_of, {c: int(r.distribution.get(c, 0)) for c in "ABCD"}) for r in chosen]


def operator_count() -> int:
    """How many operators are registered (to size partitions)."""
    return Operator.objects.count()


def run_export(*, run: ClassificationRun) -> pl.DataFrame:
    """One row per operator of a run: 统一社会信用代码, class, score (higher = riskier), model version."""
    rows = (
        ClassResult.objects.filter(run=run)
        .order_by("operator__uscc")
        .values_list("operator__uscc", "risk_class", "score")
        .iterator(chunk_size=20_000)
    )
    frame = pl.DataFrame(
        list(rows), schema={"统一社会信用代码": pl.String, "class": pl.String, "score": pl.Float64}, orient="row"
    )
    return frame.with_columns(pl.lit(run.model.version).alias("model_version"))


def classes_attach(*, frame: pl.DataFrame, as_of: date, default: str = "B") -> pl.DataFrame:
    """Add `risk_class` to a frame with `operator_id`: the latest finished run on or before `as_of`, overrides in
    force applied (the serious-list rule is already in the run's results); `default` for operators without one.

    Set-based, for planning's `risk_classes_attach` (one query for the run's results, one for the overrides).
    """
    run = run_latest(as_of=as_of)
    if run is None:
        return frame.with_columns(pl.lit(default).alias("risk_class"))
    results = read_frame(
        f"SELECT operator_id, risk_class, rule FROM {ClassResult._meta.db_table} WHERE run_id = {int(run.pk)}",
        {"operator_id": pl.Int64(), "risk_class": pl.String(), "rule": pl.String()},
    )
    overrides = pl.DataFrame(
        [(o["operator_id"], o["risk_class"]) for o in overrides_in_force(as_of=as_of)],
        schema={"operator_id": pl.Int64, "override_class": pl.String},
        orient="row",
    )
    classes = results.join(overrides, on="operator_id", how="left").select(
        "operator_id",
        pl.when(pl.col("override_class").is_not_null() & (pl.col("rule") != "serious_list"))
        .then(pl.col("override_class"))
        .otherwise(pl.col("risk_class"))
        .alias("_class"),
    )
    return (
        frame.join(classes, on="operator_id", how="left")
        .with_columns(pl.col("_class").fill_null(default).alias("risk_class"))
        .drop("_class")
    )


def operators_of_class(
    *, operators: QuerySet[Operator], risk_class: str, as_of: date, default: str
) -> QuerySet[Operator]:
    """Narrow `operators` to those of `risk_class` on `as_of`, by the rule of `classes_attach` (the latest finished
    run on or before `as_of`, overrides in force applied except over the serious-list rule, `default` for operators
    without a result) — in SQL, so that a directory page and its count stay one query each."""
    run = run_latest(as_of=as_of)
    if run is None:
        return operators if risk_class == default else operators.none()
    results = ClassResult.objects.filter(run=run, operator_id=OuterRef("pk"))
    overrides = (
        ClassOverride.objects.filter(operator_id=OuterRef("pk"), valid_from__lte=as_of, valid_until__gt=as_of)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of))
        .order_by("-created_at", "-pk")
    )
    return (
        operators.annotate(
            class_result=Subquery(results.values("risk_class")[:1]),
            class_rule=Subquery(results.values("rule")[:1]),
            class_override=Subquery(overrides.values("risk_class")[:1]),
        )
        .annotate(
            class_in_force=Case(
                When(class_result__isnull=True, then=Value(default)),
                When(Q(class_override__isnull=False) & ~Q(class_rule=RULE_SERIOUS_LIST), then=F("class_override")),
                default=F("class_result"),
                output_field=CharField(),
            )
        )
        .filter(class_in_force=risk_class)
    )
