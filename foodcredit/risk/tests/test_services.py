"""Registry, classification runs, hard rule, overrides, class changes in the ledger, partitions, commands."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests import imported
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors, services, tasks, training
from foodcredit.risk.models import ClassResult, RiskModel

UNTIL = dt.date(2025, 6, 1)


@pytest.fixture
def model(district):
    fitted = training.model_fit(kind="scorecard", until=UNTIL)
    return services.model_register(fitted=fitted, actor=None)


def _classify(as_of, *, parts=1):
    run = services.classification_start(as_of=as_of, actor=None)
    for lo, hi in services.partitions_for(parts=parts):
        tasks.classify_partition.delay(run.pk, lo, hi)
    return services.classification_finish(run=run, actor=None)


def test_first_model_registered_is_active_with_hash_window_and_features(model):
    assert model.status == RiskModel.Status.ACTIVE and len(model.sha256) == 64
    assert model.trained_until == UNTIL and "nonconform_adj_decayed" in model.features
    assert 0 <= model.metrics["auc"] <= 1
    assert AuditEvent.objects.filter(object_type="risk_model", action="activate", object_id=str(model.pk)).exists()
    assert type(services.model_load(model)).__name__ == "ScorecardClassifier"


def test_a_model_without_a_backtest_is_refused_unless_forced(model):
    fitted = training.model_fit(kind="scorecard", until=UNTIL - dt.timedelta(days=20))
    candidate = services.model_register(fitted=fitted, actor=None)
    assert candidate.status == RiskModel.Status.CANDIDATE
    with pytest.raises(DomainError) as exc:
        services.model_activate(model=candidate, actor=None)
    assert exc.value.code == "risk.model_worse" and "没有回测结果" in str(exc.value.message)
    services.model_activate(model=candidate, actor=None, force_reason="新版指标体系试运行")
    candidate.refresh_from_db()
    assert candidate.status == RiskModel.Status.ACTIVE and candidate.activation_reason == "新版指标体系试运行"
    event = AuditEvent.objects.get(object_type="risk_model", action="activate", object_id=str(candidate.pk))
    assert event.changes["force_reason"] == [None, "新版指标体系试运行"]
    assert event.changes["backtests"][1]["basis"] == "none"


def test_activation_compares_both_backtests_on_the_same_window(model):
    """The active scorecard's specification is backtested on the candidate's window: the figure it is held against
    is the one an independent backtest of that specification on that window gives."""
    fitted = training.model_fit(kind="logistic", until=UNTIL)
    fitted.metrics["backtest"] = training.spec_backtest(kind="logistic", until=UNTIL)
    window = fitted.metrics["backtest"]
    assert window["as_of"] == (UNTIL - dt.timedelta(days=366)).isoformat() and window["horizon_days"] == 365
    scorecard = training.spec_backtest(kind="scorecard", until=UNTIL)
    assert scorecard["as_of"] == window["as_of"] and scorecard["operators"] == window["operators"]
    candidate = services.model_register(fitted=fitted, actor=None)

    RiskModel.objects.filter(pk=candidate.pk).update(
        metrics={**fitted.metrics, "backtest": {**window, "auc": scorecard["auc"] - 0.03}}
    )
    candidate.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.model_activate(model=candidate, actor=None)
    assert exc.value.code == "risk.model_worse"
    assert exc.value.context["active_auc"] == scorecard["auc"] and exc.value.context["basis"] == "same_window"
    assert f"AUC {scorecard['auc'] - 0.03}" in str(exc.value.message)
    assert selectors.model_active().pk == model.pk

    RiskModel.objects.filter(pk=candidate.pk).update(
        metrics={**fitted.metrics, "backtest": {**window, "auc": scorecard["auc"] + 0.01}}
    )
    candidate.refresh_from_db()
    services.model_activate(model=candidate, actor=None)
    assert selectors.model_active().pk == candidate.pk
    event = AuditEvent.objects.get(object_type="risk_model", action="activate", object_id=str(candidate.pk))
    assert event.changes["backtests"][1]["active_auc"] == scorecard["auc"]
    assert event.changes["replaces"] == [None, model.version]


def test_the_same_specification_retrained_later_is_not_held_back(model):
    later = UNTIL + dt.timedelta(days=60)
    fitted = training.model_fit(kind="scorecard", until=later)
    fitted.metrics["backtest"] = training.spec_backtest(kind="scorecard", until=later)
    candidate = services.model_register(fitted=fitted, actor=None)
    services.model_activate(model=candidate, actor=None)  # same procedure, same window: equal, not worse
    assert selectors.model_active().pk == candidate.pk


def test_classification_gives_every_active_operator_a_class_score_and_explanation(model):
    run = _classify(UNTIL)
    assert run.operators == Operator.objects.filter(status="active").count() == ClassResult.objects.count()
    assert sum(run.distribution.values()) == run.operators
    result = ClassResult.objects.order_by("-score").first()
    assert result.risk_class in "CD" and result.explanation and all(isinstance(s, str) for s in result.explanation)
    current = selectors.class_current(result.operator_id)
    assert (current.risk_class, current.as_of, current.model_version) == (result.risk_class, UNTIL, model.version)


def test_serious_list_hard_rule_sets_d(model, monkeypatch):
    operator = Operator.objects.order_by("pk").first()
    monkeypatch.setattr(selectors, "serious_listed_operator_ids", lambda *, as_of: {operator.pk})
    _classify(UNTIL)
    result = ClassResult.objects.get(operator=operator)
    assert (result.risk_class, result.rule) == ("D", "serious_list")
    assert result.explanation[0] == "列入严重违法失信名单，直接确定为D类"


def _serious_list(operator, *, decided_on):
    penalty = imported.penalty_import(
        operator, on=decided_on - dt.timedelta(days=20), kinds=("罚款",), amount=Decimal("300000")
    )
    entry = credit_services.serious_list_propose(
        operator=operator,
        penalty_entry=penalty,
        serious_reasons="情节严重",
        no_intent_proven=False,
        notice_served_on=decided_on - dt.timedelta(days=15),
        hearing_requested=False,
        legal_basis="总局令第44号",
        department="江北区市场监管局",
        restriction_until=None,
        actor=None,
    )
    entry = credit_services.serious_list_approve(
        entry=entry, approved_on=decided_on - dt.timedelta(days=5), approved_by="市局", actor=None
    )
    return credit_services.serious_list_decide(entry=entry, decision_no="列严1号", decided_on=decided_on, actor=None)


def test_an_operator_on_the_serious_list_is_classed_d_by_risk_classify(model):
    """The hard rule reads credit's lists: listed on the run's date → D whatever the model says; a listing removed
    before that date no longer counts."""
    listed, removed = Operator.objects.filter(status="active").order_by("pk")[:2]
    _serious_list(listed, decided_on=UNTIL - dt.timedelta(days=60))
    entry = _serious_list(removed, decided_on=UNTIL - dt.timedelta(days=60))
    credit_services.list_remove(entry=entry, reason="repaired", removed_on=UNTIL - dt.timedelta(days=1), actor=None)
    assert selectors.serious_listed_operator_ids(as_of=UNTIL) == {listed.pk}
    call_command("risk_classify", "--as-of", UNTIL.isoformat(), stdout=io.StringIO(), verbosity=0)
    result = ClassResult.objects.get(operator=listed)
    assert (result.risk_class, result.rule) == ("D", "serious_list")
    assert result.explanation[0] == "列入严重违法失信名单，直接确定为D类"
    assert ClassResult.objects.get(operator=removed).rule == ""


def test_override_applies_is_audited_and_expires(model):
    operator = Operator.objects.order_by("pk").first()
    override = services.class_override(
        operator=operator, risk_class="D", reason="约谈后仍拒不整改", valid_from=UNTIL, days=30, actor=None
    )
    event = AuditEvent.objects.get(object_type="risk_override", object_id=str(override.pk))
    assert event.changes["reason"] == [None, "约谈后仍拒不整改"]
    assert LedgerEntry.objects.filter(kind="class_change", ref_kind="risk_override", facts__risk_class="D").exists()
    _classify(UNTIL + dt.timedelta(days=10))
    inside = ClassResult.objects.get(operator=operator, as_of=UNTIL + dt.timedelta(days=10))
    assert (inside.risk_class, inside.rule) == ("D", "override")
    assert inside.explanation[0].startswith("监管人员调整为D类（约谈后仍拒不整改），有效期至2025-07-01")
    _classify(UNTIL + dt.timedelta(days=30))
    after = ClassResult.objects.get(operator=operator, as_of=UNTIL + dt.timedelta(days=30))
    assert after.rule == "" and after.risk_class == after.model_class


def test_class_override_revoke_ends_it_from_that_day_and_is_audited(model):
    officer = f.UserFactory()
    operator = Operator.objects.order_by("pk").first()
    override = services.class_override(
        operator=operator, risk_class="D", reason="约谈后仍拒不整改", valid_from=UNTIL, days=60, actor=officer
    )
    revoked_on = UNTIL + dt.timedelta(days=5)
    services.class_override_revoke(override=override, on=revoked_on, actor=officer)
    event = AuditEvent.objects.get(object_type="risk_override", action="revoke")
    assert (event.actor, event.object_id, event.changes) == (
        officer,
        str(override.pk),
        {"revoked_on": [None, "2025-06-06"]},
    )
    _classify(UNTIL + dt.timedelta(days=4))
    _classify(revoked_on)
    before = ClassResult.objects.get(operator=operator, as_of=UNTIL + dt.timedelta(days=4))
    after = ClassResult.objects.get(operator=operator, as_of=revoked_on)
    assert (before.risk_class, before.rule) == ("D", "override")
    assert after.rule == "" and after.risk_class == after.model_class
    with pytest.raises(DomainError) as again:
        services.class_override_revoke(override=override, on=revoked_on, actor=officer)
    assert again.value.code == "risk.override_not_in_force"


def test_override_needs_a_reason_and_a_limited_period(model):
    operator = Operator.objects.order_by("pk").first()
    with pytest.raises(DomainError) as no_reason:
        services.class_override(operator=operator, risk_class="A", reason=" ", valid_from=UNTIL, days=30, actor=None)
    assert no_reason.value.code == "risk.override_reason"
    with pytest.raises(DomainError) as too_long:
        services.class_override(
            operator=operator, risk_class="A", reason="复核", valid_from=UNTIL, days=9999, actor=None
        )
    assert too_long.value.code == "risk.override_too_long"


def test_a_class_change_is_filed_in_the_ledger_and_audited(model):
    first = _classify(UNTIL)
    assert first.changed == 0  # a first class is not a change
    later = _classify(dt.date(2025, 12, 1))
    changed = LedgerEntry.objects.filter(kind="class_change", ref_kind="risk_result")
    assert later.changed == changed.count() > 0
    entry = changed.first()
    result = ClassResult.objects.get(pk=entry.ref_id)
    previous = ClassResult.objects.get(run=first, operator_id=entry.operator_id)
    assert entry.facts["risk_class"] == result.risk_class != previous.risk_class == entry.facts["previous_class"]
    assert AuditEvent.objects.filter(object_type="risk_result", action="class_change").count() == later.changed


def test_partitioned_run_gives_identical_results(model):
    single = _classify(UNTIL, parts=1)
    split = _classify(UNTIL, parts=4)
    fields = ("operator_id", "risk_class", "model_class", "score", "rule", "explanation")
    rows = lambda run: list(ClassResult.objects.filter(run=run).order_by("operator_id").values_list(*fields))  # noqa: E731
    assert rows(single) == rows(split) and len(rows(single)) > 0


def test_commands_train_classify_and_export(district, tmp_path):
    out = io.StringIO()
    call_command("risk_train", "--until", "2025-06-01", "--kind", "scorecard", stdout=out)
    assert "registered scorecard-20250601" in out.getvalue()
    backtest = selectors.model_active().metrics["backtest"]
    assert backtest["as_of"] == "2024-05-31" and 0 < backtest["auc"] < 1  # trained before it, judged on the year after
    assert f"backtest AUC {backtest['auc']}" in out.getvalue()
    export = tmp_path / "classes.csv"
    call_command(
        "risk_classify", "--as-of", "2025-06-01", "--export", str(export), "--partitions", "2", stdout=out, verbosity=0
    )
    with export.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["统一社会信用代码", "class", "score", "model_version"]
    assert len(rows) == Operator.objects.filter(status="active").count()
    assert {r["model_version"] for r in rows} == {selectors.model_active().version}


def test_classes_attach_gives_planning_the_classes_with_overrides(model):
    import polars as pl

    run = _classify(UNTIL)
    first, *others = list(Operator.objects.filter(status="active").order_by("pk")[:3])
    services.class_override(operator=first, risk_class="D", reason="复查", valid_from=UNTIL, days=10, actor=None)
    frame = pl.DataFrame({"operator_id": [first.pk, others[0].pk, 999_999]})
    out = selectors.classes_attach(frame=frame, as_of=UNTIL)
    expected_other = ClassResult.objects.get(run=run, operator=others[0]).risk_class
    assert out["risk_class"].to_list() == ["D", expected_other, "B"]


def test_credit_file_and_planning_read_the_same_class_source(model):
    """An operator the latest run left out (deregistered since) has no class in force on either side; an operator
    registered after the run but given a class by a regulator has that class on both (classes_attach and
    operators_of_class are planning's class source)."""
    import polars as pl

    first = _classify(UNTIL)
    gone = Operator.objects.filter(status="active").order_by("pk").first()
    assert (
        selectors.class_current(gone.pk, as_of=UNTIL).risk_class
        == ClassResult.objects.get(run=first, operator=gone).risk_class
    )
    Operator.objects.filter(pk=gone.pk).update(status="deregistered")
    later = UNTIL + dt.timedelta(days=30)
    _classify(later)
    assert not ClassResult.objects.filter(operator=gone, as_of=later).exists()
    assert selectors.class_current(gone.pk, as_of=later) is None  # not its class of a month ago
    newcomer = f.OperatorFactory(uscc=f.make_uscc(901))
    services.class_override(
        operator=newcomer, risk_class="C", reason="新业态观察期", valid_from=later, days=90, actor=None
    )
    current = selectors.class_current(newcomer.pk, as_of=later)
    assert (current.risk_class, current.rule, current.score, current.model_version) == ("C", "override", None, "")
    assert current.explanation[0].startswith("监管人员调整为C类（新业态观察期）")
    default = "B"
    planned = selectors.classes_attach(
        frame=pl.DataFrame({"operator_id": [gone.pk, newcomer.pk]}), as_of=later, default=default
    )
    assert planned["risk_class"].to_list() == [default, "C"]
    of_class = selectors.operators_of_class(
        operators=Operator.objects.filter(pk__in=[gone.pk, newcomer.pk]), risk_class="C", as_of=later, default=default
    )
    assert list(of_class.values_list("pk", flat=True)) == [newcomer.pk]
