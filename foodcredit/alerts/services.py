"""Writes of the alert lifecycle: raise (routed, repeats absorbed) → measure → answer → close with an outcome.

Every step writes its audit row in the same transaction. A 约谈 (interview) and the rectification it orders are filed
in the credit ledger (食品安全法 Art. 114); a 检查 creates an inspection task through planning's trigger.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts.models import Department
from foodcredit.core import audit
from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.services import ledger as credit_ledger
from foodcredit.planning.models import Trigger
from foodcredit.planning.services import triggers as planning_triggers

from . import rules
from .detectors import detect_all, history_days, params_load
from .detectors.frames import frames_read
from .models import Alert

BATCH = 500


def _units() -> list[rules.Unit]:
    return [
        rules.Unit(pk=d.pk, streets=tuple(d.streets or ()))
        for d in Department.objects.filter(kind=Department.Kind.MARKET_REGULATION).exclude(streets=[])
    ]


def _copy_units() -> dict[str, int]:
    """Departments other than market regulation, by code: the issuers an alert is copied to."""
    return dict(
        Department.objects.exclude(kind=Department.Kind.MARKET_REGULATION).values_list("code", "pk").order_by("code")
    )


def _copy_unit(evidence: dict[str, Any], departments: dict[str, int]) -> int | None:
    """The first issuing department of the alert's records that is another department (none for the bureau's own)."""
    return next((departments[c] for c in evidence.get("issuers") or [] if c in departments), None)


def _days() -> dict[str, int]:
    return {
        "measure": int(settings.ALERTS_MEASURE_WORKDAYS),
        "reply": int(settings.ALERTS_REPLY_WORKDAYS),
        "interview": int(settings.ALERTS_INTERVIEW_WORKDAYS),
        "inspection": int(settings.ALERTS_INSPECTION_WORKDAYS),
    }


def _bulk_audit(*, actor: Any, action: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    now = timezone.now()
    request_id = audit.current_request_id.get()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                occurred_at=now,
                actor=None,
                actor_label=audit.actor_label(actor),
                actor_role="",
                actor_department="",
                action=action,
                object_type="alert",
                object_id=str(pk),
                changes=audit.jsonable(changes),
                request_id=request_id,
                success=True,
            )
            for pk, changes in rows
        ],
        batch_size=BATCH,
    )


@transaction.atomic
def alerts_raise(*, findings: pl.DataFrame, as_of: date, params_version: str, actor: Any = None) -> dict[str, int]:
    """Raise the detectors' findings as alerts, each routed to its responsible unit; a finding whose subject already
    has an open alert is absorbed by it (last seen, repeats) instead. Idempotent for a day: a finding already seen
    on `as_of` changes nothing."""
    if findings.is_empty():
        return {"raised": 0, "absorbed": 0}
    rows = findings.unique(subset=["detector", "subject"], keep="first").to_dicts()
    open_alerts = {
        (a.detector, a.subject): a
        for a in Alert.objects.exclude(status=Alert.Status.CLOSED).filter(
            detector__in={r["detector"] for r in rows}, subject__in={r["subject"] for r in rows}
        )
    }
    absorbed = [
        open_alerts[(r["detector"], r["subject"])] for r in rows if (r["detector"], r["subject"]) in open_alerts
    ]
    absorbed = [a for a in absorbed if a.last_seen_on < as_of and a.raised_on <= as_of]
    for alert in absorbed:
        alert.last_seen_on = as_of
        alert.repeats += 1
    Alert.objects.bulk_update(absorbed, ["last_seen_on", "repeats", "updated_at"], batch_size=BATCH)
    _bulk_audit(actor=actor, action="update", rows=[(a.pk, {"repeats": [a.repeats - 1, a.repeats]}) for a in absorbed])
    units, departments = _units(), _copy_units()
    deadline = rules.measure_deadline(raised_on=as_of, days=_days()["measure"])
    new = [
        Alert(
            detector=r["detector"],
            is_notice=r["is_notice"],
            subject=r["subject"],
            operator_id=r["operator_id"],
            street=r["street"],
            sector=r["sector"] or "",
            level=r["level"],
            unit_id=rules.route(street=r["street"], street_level=r["operator_id"] is None, units=units),
            raised_on=as_of,
            last_seen_on=as_of,
            evidence=(evidence := json.loads(r["evidence"])),
            copy_unit_id=_copy_unit(evidence, departments),
            params_version=params_version,
            measure_due=deadline.due,
            deadline_estimated=deadline.estimated,
        )
        for r in rows
        if (r["detector"], r["subject"]) not in open_alerts
    ]
    created = Alert.objects.bulk_create(new, batch_size=BATCH)
    if created and created[0].pk is None:  # backends that do not return ids (none in use): read them back
        created = list(Alert.objects.filter(raised_on=as_of, subject__in=[a.subject for a in new]))
    _bulk_audit(
        actor=actor,
        action="create",
        rows=[
            (
                a.pk,
                {
                    "detector": [None, a.detector],
                    "subject": [None, a.subject],
                    "level": [None, a.level],
                    "unit": [None, a.unit_id],
                    "copy_unit": [None, a.copy_unit_id],
                    "status": [None, a.status],
                },
            )
            for a in created
        ],
    )
    return {"raised": len(created), "absorbed": len(absorbed)}


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _require(alert: Alert, statuses: tuple[str, ...], code: str) -> None:
    if alert.status not in statuses:
        raise DomainError(
            code,
            _("该预警当前状态为「%(status)s」，不能办理此步骤。") % {"status": alert.get_status_display()},
            alert=alert.pk,
        )


def _audit_step(*, actor: Any, alert: Alert, before: dict[str, Any]) -> None:
    after = {k: getattr(alert, k) for k in before}
    audit.record(
        actor=actor, action="update", object_type="alert", object_id=alert.pk, changes=audit.diff(before, after)
    )


def _file_interview(alert: Alert) -> None:
    """The interview and the rectification it ordered (and, once closed, the outcome) in the credit ledger; a later
    filing supersedes the earlier one (same reference)."""
    if alert.operator is None:
        return
    credit_ledger.entry_append(
        operator=alert.operator,
        kind=LedgerEntry.Kind.INTERVIEW,
        occurred_on=alert.interview_held_on or alert.measured_on or alert.raised_on,
        ref_kind="alert",
        ref_id=alert.pk,
        facts={
            "measure": alert.measure,
            "detector": alert.detector,
            "rectification": alert.rectification,
            "outcome": alert.outcome or None,
            # What the credit file's timeline shows after the kind (责任约谈：…): the rectification ordered, in the
            # regulator's own words; internal only (the disclosure rules publish no interview).
            "summary": alert.rectification,
        },
    )


@transaction.atomic
def alert_measure_choose(*, alert: Alert, measure: str, on: date, note: str = "", actor: Any) -> Alert:
    """The responsible unit chooses the measure: 提醒, 警示, 约谈 or 检查 (which creates an inspection task at once
    through planning's trigger). Sets the deadline of what the measure asks."""
    alert = _locked(alert)
    _require(alert, (Alert.Status.ROUTED,), "alerts.measure_not_open")
    if alert.is_notice:
        raise DomainError(
            "alerts.notice_no_measure", _("许可证到期提示是对企业的通知，无须选择处置措施。"), alert=alert.pk
        )
    if measure not in Alert.Measure.values:
        raise DomainError("alerts.unknown_measure", _("处置措施须为提醒、警示、约谈或检查之一。"), measure=measure)
    operator = alert.operator
    if measure in (Alert.Measure.INTERVIEW, Alert.Measure.INSPECTION) and operator is None:
        raise DomainError(
            "alerts.measure_needs_operator",
            _("约谈和检查须针对一个经营主体，街道级预警请选择提醒或警示。"),
            alert=alert.pk,
        )
    before = {"status": alert.status, "measure": alert.measure, "action_due": alert.action_due, "trigger_id": None}
    alert.measure, alert.measured_on, alert.measure_note = measure, on, note
    due = rules.action_deadline(measure=measure, measured_on=on, days=_days())
    alert.action_due = due.due if due else None
    alert.deadline_estimated = alert.deadline_estimated or bool(due and due.estimated)
    alert.status = Alert.Status.MEASURED
    if measure == Alert.Measure.INSPECTION and operator is not None:
        trigger = planning_triggers.trigger_create(
            operator=operator,
            kind=Trigger.Kind.ALERT,
            occurred_on=on,
            ref_kind="alert",
            ref_id=alert.pk,
            actor=actor,
            as_of=on,
        )
        alert.trigger_id = trigger.pk
    alert.full_clean()
    alert.save()
    _audit_step(actor=actor, alert=alert, before=before)
    return alert


@transaction.atomic
def alert_interview_hold(*, alert: Alert, held_on: date, rectification: str, actor: Any) -> Alert:
    """The 约谈 is held and the rectification ordered; both are filed in the operator's credit ledger."""
    alert = _locked(alert)
    _require(alert, (Alert.Status.MEASURED,), "alerts.interview_not_due")
    if alert.measure != Alert.Measure.INTERVIEW:
        raise DomainError("alerts.not_interview", _("该预警的处置措施不是约谈。"), alert=alert.pk)
    if not rectification.strip():
        raise DomainError("alerts.rectification_required", _("请填写约谈责令整改的事项。"), alert=alert.pk)
    before = {"interview_held_on": alert.interview_held_on, "rectification": alert.rectification}
    alert.interview_held_on, alert.rectification = held_on, rectification.strip()
    alert.save()
    _audit_step(actor=actor, alert=alert, before=before)
    _file_interview(alert)
    return alert


@transaction.atomic
def alert_reply(*, alert: Alert, text: str, on: date, actor: Any) -> Alert:
    """The business answers a measure that asks it (警示, 约谈)."""
    alert = _locked(alert)
    _require(alert, (Alert.Status.MEASURED,), "alerts.reply_not_asked")
    if alert.measure not in rules.MEASURES_ASKING_REPLY:
        raise DomainError("alerts.reply_not_asked", _("该处置措施无须企业答复。"), alert=alert.pk)
    if not text.strip():
        raise DomainError("alerts.reply_empty", _("答复内容不能为空。"), alert=alert.pk)
    before = {"status": alert.status, "reply": alert.reply, "replied_on": alert.replied_on}
    alert.reply, alert.replied_on, alert.status = text.strip(), on, Alert.Status.ANSWERED
    alert.save()
    _audit_step(actor=actor, alert=alert, before=before)
    return alert


@transaction.atomic
def alert_close(*, alert: Alert, outcome: str, note: str = "", on: date, actor: Any) -> Alert:
    """Close the alert with its outcome; a notice closes as 已告知 without a measure. An interview must have been held,
    and its ledger entry is superseded by one carrying the outcome."""
    alert = _locked(alert)
    _require(alert, (Alert.Status.ROUTED, Alert.Status.MEASURED, Alert.Status.ANSWERED), "alerts.already_closed")
    if outcome not in Alert.Outcome.values:
        raise DomainError("alerts.unknown_outcome", _("请选择办结结果。"), outcome=outcome)
    if alert.status == Alert.Status.ROUTED and not alert.is_notice:
        raise DomainError("alerts.no_measure", _("请先选择处置措施，再办结预警。"), alert=alert.pk)
    if alert.measure == Alert.Measure.INTERVIEW and alert.interview_held_on is None:
        raise DomainError("alerts.interview_not_held", _("约谈尚未举行，不能办结。"), alert=alert.pk)
    before = {"status": alert.status, "outcome": alert.outcome, "closed_on": alert.closed_on}
    alert.outcome, alert.outcome_note, alert.closed_on, alert.status = outcome, note, on, Alert.Status.CLOSED
    alert.save()
    _audit_step(actor=actor, alert=alert, before=before)
    if alert.measure in rules.MEASURES_FILED:
        _file_interview(alert)
    return alert


def alerts_sweep(*, as_of: date, actor: Any = None, only: list[str] | None = None) -> dict[str, int]:
    """The daily sweep: every detector on the frames as of `as_of`, its findings raised (idempotent when re-run)."""
    version, params = params_load()
    frames = frames_read(as_of=as_of, history_days=history_days(params), surge=params["complaint_surge_operator"])
    found = detect_all(frames, params, only=only)
    counts = alerts_raise(findings=found, as_of=as_of, params_version=version, actor=actor)
    return {"findings": found.height, **counts}


# The detectors that speak of one operator: re-checked for the operators whose new records could change their answer.
OPERATOR_DETECTORS = ["complaint_surge_operator", "sampling_repeated", "class_jump"]


def alerts_check_operators(*, operator_ids: list[int], as_of: date) -> dict[str, int]:
    """The operator-level detectors for these operators only (on new records, between daily sweeps)."""
    version, params = params_load()
    days = max(params["complaint_surge_operator"]["baseline_days"] + 60, params["sampling_repeated"]["window_days"])
    frames = frames_read(
        as_of=as_of, history_days=days, operator_ids=operator_ids, surge=params["complaint_surge_operator"]
    )
    found = detect_all(frames, params, only=OPERATOR_DETECTORS)
    counts = alerts_raise(findings=found, as_of=as_of, params_version=version)
    return {"findings": found.height, **counts}
