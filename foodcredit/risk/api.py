"""Risk-class API: an operator's current class and history, a regulator's override, and the public class (class,
meaning and date only, when the deployment discloses classes). Thin: scope via selectors."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router

from foodcredit.accounts import permissions, roles
from foodcredit.accounts.models import User
from foodcredit.operators import selectors as operator_selectors

from . import selectors, services
from .schemas import ClassHistoryItem, ClassOut, OverrideIn, PublicClassOut

router = Router(tags=["信用风险分类"])


def _out(uscc: str, operator_id: int) -> ClassOut:
    current = selectors.class_current(operator_id, as_of=timezone.localdate())
    if current is None:
        raise Http404("no class yet")
    return ClassOut(uscc=uscc, **current.__dict__)


@router.get("/operators/{uscc}", response=ClassOut)
def class_get(request: HttpRequest, uscc: str) -> ClassOut:
    """The operator's current class, with its explanation (404 outside the caller's scope or before any run)."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    if not roles.sees_risk_class(request.user):
        raise PermissionDenied
    return _out(operator.uscc, operator.pk)


@router.get("/operators/{uscc}/history", response=list[ClassHistoryItem])
def class_history(request: HttpRequest, uscc: str) -> list[ClassHistoryItem]:
    """Every class the operator was given, newest first."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    if not roles.sees_risk_class(request.user):
        raise PermissionDenied
    return [
        ClassHistoryItem(
            as_of=r["as_of"],
            risk_class=r["risk_class"],
            score=r["score"],
            model_version=r["run__model__version"],
            rule=r["rule"],
        )
        for r in selectors.class_history(operator.pk)
    ]


def _overrider(request: HttpRequest) -> None:
    """403 unless the caller's role overrides classes (the rules table of accounts.permissions); the service checks
    the operator's scope too."""
    user = request.user
    if not isinstance(user, User) or not permissions.can_write_kind(user, permissions.CLASS_OVERRIDES):
        raise PermissionDenied


@router.post("/operators/{uscc}/override", response=ClassOut)
def class_override(request: HttpRequest, uscc: str, payload: OverrideIn) -> ClassOut:
    """A district regulator sets the class for a limited time, with a reason (audited)."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    _overrider(request)
    services.class_override(
        operator=operator,
        risk_class=payload.risk_class,
        reason=payload.reason,
        valid_from=timezone.localdate(),
        days=payload.days,
        actor=request.user,
    )
    return _out(operator.uscc, operator.pk)


@router.post(
    "/operators/{uscc}/overrides/{override_id}/revoke", response=ClassOut, operation_id="class_override_revoke"
)
def class_override_revoke(request: HttpRequest, uscc: str, override_id: int) -> ClassOut:
    """A district regulator ends an override today (audited); the class the run gave applies again."""
    operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    override = selectors.override_get(operator_id=operator.pk, pk=override_id)
    _overrider(request)
    services.class_override_revoke(override=override, on=timezone.localdate(), actor=request.user)
    return _out(operator.uscc, operator.pk)


@router.get(
    "/public/operators/{uscc}",
    auth=None,
    response=PublicClassOut,
    operation_id="risk_class_public",
    summary="信用风险分类（公示）",
)
def class_public(request: HttpRequest, uscc: str) -> PublicClassOut:
    """Anyone: the class, its meaning and its date (DOMAIN.md Part I §4), never the score or the explanation; 404 when
    the deployment keeps classes internal (DISCLOSE_RISK_CLASS) or before the operator is classified."""
    operator = operator_selectors.operator_get_public(uscc=uscc)
    shown = selectors.class_public(operator.pk, as_of=timezone.localdate())
    if shown is None:
        raise Http404("no public class")
    return PublicClassOut(uscc=operator.uscc, risk_class=shown.risk_class, label=shown.label, as_of=shown.as_of)
