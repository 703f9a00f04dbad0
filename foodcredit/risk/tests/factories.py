"""Classification results without a fitted model, for the tests of the apps that read classes (planning, sharing,
portal, office): a registered model row, a finished run and one result per operator."""

from datetime import date

from foodcredit.risk.models import ClassificationRun, ClassResult, RiskModel

EXPLANATION = ["近一年监督检查不符合2次，高于同业态平均水平", "近一年抽检不合格1批次", "近三年无行政处罚"]


def run_make(as_of: date, classes, *, score: float = 87.6543, explanation=None, rule: str = "") -> ClassificationRun:
    """A finished run on `as_of` giving each (operator, class) of `classes` that class and `score`."""
    model = RiskModel.objects.get_or_create(
        version="scorecard-test",
        defaults={
            "kind": "scorecard",
            "trained_from": date(2022, 1, 1),
            "trained_until": date(2025, 1, 1),
            "indicators": "v1",
            "artifact": b"",
            "sha256": "0" * 64,
            "status": RiskModel.Status.ACTIVE,
        },
    )[0]
    run = ClassificationRun.objects.create(as_of=as_of, model=model, status="done", operators=len(classes))
    for operator, risk_class in classes:
        ClassResult.objects.create(
            run=run,
            operator=operator,
            as_of=as_of,
            risk_class=risk_class,
            model_class=risk_class,
            score=score,
            rule=rule,
            explanation=list(EXPLANATION if explanation is None else explanation),
        )
    run.distribution = {c: sum(1 for _, k in classes if k == c) for c in "ABCD"}
    run.save()
    return run
