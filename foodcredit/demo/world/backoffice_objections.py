"""Objections and a 不予公示 mark on the demo district, written through their services as the system: objections to
recent nonconforming inspections in every state (one past its acceptance deadline, so the overdue tile has work),
and one penalty kept from publication. Deterministic: the records' order decides, never a random draw."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from foodcredit.credit import services as credit_services
from foodcredit.credit.models import DisclosureHold, LedgerEntry
from foodcredit.objections import services as objection_services
from foodcredit.objections.models import Objection

K = LedgerEntry.Kind
REASONS = (
    "检查当日冷藏柜正在除霜，温度读数不能代表运行状态，附当日温度记录。",
    "检查记录中的从业人员健康证已在检查前办理，附健康证复印件。",
    "检查发现的问题已当场整改，检查结论与现场情况不符。",
    "检查日期记载有误，实际检查日期为次日。",
    "该记录所涉门店已于检查前转让，非本主体经营。",
)


@dataclass
class ObjectionsSummary:
    """What was written, for seed_demo's report."""

    objections: dict[str, int] = field(default_factory=dict)
    holds: int = 0


def seed_objections(*, as_of: date, actor: Any) -> ObjectionsSummary:
    """Five objections (submitted, overdue, under review, corrected, rejected) and one 不予公示 mark as of `as_of`."""
    recent = list(
        LedgerEntry.objects.filter(
            kind=K.INSPECTION,
            superseded_by__isnull=True,
            facts__result="nonconform",
            occurred_on__gt=as_of - timedelta(days=365),
            occurred_on__lte=as_of - timedelta(days=20),
        ).order_by("-occurred_on", "pk")[: len(REASONS)]
    )
    days_ago = (1, 10, 8, 15, 15)  # the second is past its 3 working days and not accepted
    for n, (entry, reason, ago) in enumerate(zip(recent, REASONS, days_ago, strict=False)):
        submitted_on = as_of - timedelta(days=ago)
        objection = objection_services.objection_submit(
            entry=entry, reason=reason, submitted_on=submitted_on, actor=actor
        )
        if n < 2:
            continue
        objection_services.objection_accept(
            objection=objection, accepted_on=submitted_on + timedelta(days=1), actor=actor
        )
        if n == 3:
            objection_services.objection_decide(
                objection=objection,
                outcome="correct",
                decided_on=submitted_on + timedelta(days=5),
                actor=actor,
                note="经核实，整改前的检查记录已由复查结论取代，检查结论更正为基本符合。",
            )
        elif n == 4:
            objection_services.objection_decide(
                objection=objection,
                outcome="reject",
                decided_on=submitted_on + timedelta(days=5),
                actor=actor,
                note="经调取门店转让登记，转让发生在检查之后，异议不成立。",
            )
    penalty = (
        LedgerEntry.objects.filter(kind=K.PENALTY, superseded_by__isnull=True, facts__procedure="ordinary")
        .order_by("-occurred_on", "pk")
        .first()
    )
    summary = ObjectionsSummary()
    if penalty is not None:
        credit_services.disclosure_hold_set(
            entry=penalty,
            ground=DisclosureHold.Ground.TRADE_SECRET,
            set_on=as_of,
            actor=actor,
            ground_note="处罚决定书载有当事人的配方与工艺参数，属商业秘密，依法不予公示。",
        )
        summary.holds = 1
    for (status,) in Objection.objects.values_list("status"):
        summary.objections[status] = summary.objections.get(status, 0) + 1
    return summary
