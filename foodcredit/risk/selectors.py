"""Reads of the risk domain: the model registry, operators' current class and history, the dashboard figures."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from foodcredit.credit import selectors as credit_selectors
from foodcredit.operators.models import Operator

from . import rules
from .frames import read_frame
from .models import ClassificationRun, ClassOverride, ClassResult, RiskClass, RiskModel
from .rules import RULE_OVERRIDE, RULE_SERIOUS_LIST


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
        "operator_id", "risk_class", "reason", "valid_from", "valid_until"
    ):
        newest[row["operator_id"]] = row
    return list(newest.values())


@dataclass(frozen=True)
class CurrentClass:
    """An operator's class as shown on its credit file (never the score outside the back office). An operator the
    latest run did not classify (registered since) but whom a regulator has given a class has only that: no score
    and no model version."""

    risk_class: str
    label: str
    as_of: date
    explanation: list[str]
    model_version: str
    rule: str
    score: float | None


def _override_sentence(override: dict[str, Any]) -> str:
    return (
        f"监管人员调整为{override['risk_class']}类（{override['reason']}），有效期至{override['valid_until']:%Y-%m-%d}"
    )


def _listed_sentence() -> str:
    return gettext("已列入严重违法失信名单，依规则列为D类（总局令第44号）")


def class_current(operator_id: int, *, as_of: date | None = None) -> CurrentClass | None:
    """The operator's class in force on `as_of` (today when omitted), by the one rule of `rules.classes_decide`: on
    the serious list that day → D at once (whatever the last run said); else a regulator's override in force; else
    the model's class in the latest finished run on or before `as_of` — the model's own class, so that an operator
    listed at that run and removed since is re-evaluated, not kept in D. None for an operator with none of these.
    The same rule as `classes_attach` (planning) and `operators_of_class`, for one operator.

    For the credit file: `risk.selectors.class_current(operator.pk)`; show `label` (`risk_class`), `as_of` and
    `explanation` (a list of sentences) to regulators; the public view shows class, meaning and date only.
    """
    run = run_latest(as_of=as_of)
    result = (
        ClassResult.objects.filter(run=run, operator_id=operator_id).select_related("run__model").first()
        if run
        else None
    )
    day = as_of or timezone.localdate()
    listed = operator_id in serious_listed_operator_ids(as_of=day)
    override = overrides_in_force(as_of=max(day, result.as_of) if result else day, operator_ids=[operator_id])
    decided = rules.classes_decide(
        pl.DataFrame(
            {
                "model_class": [result.model_class if result else None],
                "serious_listed": [listed],
                "override_class": [override[0]["risk_class"] if override else None],
            },
            schema={"model_class": pl.String, "serious_listed": pl.Boolean, "override_class": pl.String},
        )
    ).row(0, named=True)
    risk_class, rule = decided["risk_class"], decided["rule"]
    if risk_class is None:
        return None
    if rule == RULE_SERIOUS_LIST:
        explanation = [_listed_sentence()]
    elif rule == RULE_OVERRIDE:
        explanation = [_override_sentence(override[0])]
    else:
        assert result is not None  # a model class comes from a result
        explanation = (
            list(result.explanation)
            if result.rule == ""
            else [gettext("原适用的规则已不再有效，按模型评分分类")]  # listed or overridden at the run, not any more
        )
    if listed:
        since = day
    elif result is None:
        since = override[0]["valid_from"]
    else:
        since = result.as_of
    return CurrentClass(
        risk_class=risk_class,
        label=RiskClass(risk_class).label,
        as_of=since,
        explanation=explanation,
        model_version=result.run.model.version if result else "",
        rule=rule,
        score=result.score if result else None,
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
    return [(r.as_of, {c: int(r.distribution.get(c, 0)) for c in rules.CLASSES}) for r in chosen]


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
    """Add `risk_class` to a frame with `operator_id` by the rule of `class_current` (`rules.classes_decide`), set-based
    for planning's `risk_classes_attach`: on the serious list on `as_of` → D; else an override in force; else the
    model's class in the latest finished run on or before `as_of`; else `default` (an operator not classified yet).
    One query for the run's results, one for the overrides, one for the list.
    """
    run = run_latest(as_of=as_of)
    schema = {"operator_id": pl.Int64(), "model_class": pl.String()}
    results = (
        read_frame(f"SELECT operator_id, model_class FROM {ClassResult._meta.db_table} WHERE run_id = {run.pk}", schema)
        if run
        else pl.DataFrame(schema=schema)
    )
    overrides = pl.DataFrame(
        [(o["operator_id"], o["risk_class"]) for o in overrides_in_force(as_of=as_of)],
        schema={"operator_id": pl.Int64, "override_class": pl.String},
        orient="row",
    )
    listed = sorted(serious_listed_operator_ids(as_of=as_of))
    keys = frame.select("operator_id").unique()
    classes = rules.classes_decide(
        keys.join(results, on="operator_id", how="left")
        .join(overrides, on="operator_id", how="left")
        .with_columns(
            model_class=pl.col("model_class").fill_null(default),
            serious_listed=pl.col("operator_id").is_in(listed),
        )
    ).select("operator_id", pl.col("risk_class").alias("_class"))
    return frame.join(classes, on="operator_id", how="left").rename({"_class": "risk_class"})


def operators_of_class(
    *, operators: QuerySet[Operator], risk_class: str, as_of: date, default: str
) -> QuerySet[Operator]:
    """Narrow `operators` to those of `risk_class` on `as_of`, by the rule of `classes_attach` (on the serious list →
    D; else an override in force; else the model's class in the latest finished run on or before `as_of`; else
    `default`) — in SQL, so that a directory page and its count stay one query each."""
    run = run_latest(as_of=as_of)
    results = ClassResult.objects.filter(run=run, operator_id=OuterRef("pk"))
    none = Value(None, output_field=CharField())  # no run yet: no operator has a result
    overrides = (
        ClassOverride.objects.filter(operator_id=OuterRef("pk"), valid_from__lte=as_of, valid_until__gt=as_of)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of))
        .order_by("-created_at", "-pk")
    )
    listed = sorted(serious_listed_operator_ids(as_of=as_of))
    return (
        operators.annotate(
            class_model=Subquery(results.values("model_class")[:1]) if run else none,
            class_override=Subquery(overrides.values("risk_class")[:1]),
        )
        .annotate(
            class_in_force=Case(
                When(pk__in=listed, then=Value("D")),
                When(class_override__isnull=False, then=F("class_override")),
                When(class_model__isnull=True, then=Value(default)),
                default=F("class_model"),
                output_field=CharField(),
            )
        )
        .filter(class_in_force=risk_class)
    )


def overrides_of(*, operator_id: int) -> QuerySet[ClassOverride]:
    """Every override of an operator's class, newest first (the caller has checked the operator is in scope)."""
    return ClassOverride.objects.filter(operator_id=operator_id).select_related("created_by").order_by("-created_at")


def override_get(*, operator_id: int, pk: int) -> ClassOverride:
    """One override of the operator; Http404 otherwise."""
    found = overrides_of(operator_id=operator_id).filter(pk=pk).first()
    if found is None:
        raise Http404("override not found")
    return found
