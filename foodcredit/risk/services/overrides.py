"""Writes of the risk domain: a regulator's override of an operator's class, and its early end (audited)."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import DomainError
from foodcredit.credit import services as credit_services
from foodcredit.credit.models import LedgerEntry
from foodcredit.operators.models import Operator

from .. import rules, selectors
from ..models import ClassOverride, RiskClass


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
