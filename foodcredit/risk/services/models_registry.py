"""Writes of the risk domain: registering a fitted model and making one the model in use (audited)."""

import hashlib
import pickle
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.core import audit
from foodcredit.core.errors import ConflictError, DomainError

from .. import registry, selectors
from ..features import FEATURE_NAMES
from ..indicators import indicator_system_load
from ..models import RiskModel
from ..training import FittedModel


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
                "share": f"{figures['share']:.0%}",
                "limit": f"{figures['limit']:.0%}",
            }
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
                    "new": comparison["candidate_auc"],
                    "old": comparison["active_auc"],
                    "as_of": comparison["as_of"],
                    "days": comparison["horizon_days"],
                }
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
