"""Alerts API (/api/v1/alerts/…): the caller's alerts and the steps of one (the same services as the office forms).

Thin: fetch with the scoped selector (404 outside scope), check the role (403), call one service.
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from foodcredit.accounts.models import User

from . import selectors, services
from .models import Alert
from .schemas import AlertOut, CloseIn, InterviewIn, MeasureIn, ReplyIn

router = Router(tags=["alerts"])
REGULATORS = (User.Role.DISTRICT_REGULATOR, User.Role.STATION_REGULATOR)


class Page(LimitOffsetPagination):
    """Limit/offset pages of at most 1000 alerts."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)


def _alert(request: HttpRequest, alert_id: int, *roles: str) -> Alert:
    alert = selectors.alert_get(pk=alert_id, for_user=request.user)
    if getattr(request.user, "role", None) not in roles:
        raise HttpError(403, "forbidden")
    return alert


@router.get("", response=list[AlertOut], operation_id="alerts_list", summary="监测预警")
@paginate(Page)
def alert_list(request: HttpRequest) -> list[Alert]:
    return list(selectors.alert_scope(for_user=request.user).order_by("-raised_on", "-pk"))


@router.get("/{alert_id}", response=AlertOut, operation_id="alerts_get", summary="一条预警")
def alert_detail(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.alert_get(pk=alert_id, for_user=request.user)


@router.post("/{alert_id}/measure", response=AlertOut, operation_id="alerts_measure", summary="选择处置措施")
def alert_measure(request: HttpRequest, alert_id: int, payload: MeasureIn) -> Alert:
    alert = _alert(request, alert_id, *REGULATORS)
    return services.alert_measure_choose(
        alert=alert, measure=payload.measure, note=payload.note, on=timezone.localdate(), actor=request.user
    )


@router.post("/{alert_id}/interview", response=AlertOut, operation_id="alerts_interview", summary="记录约谈")
def alert_interview(request: HttpRequest, alert_id: int, payload: InterviewIn) -> Alert:
    alert = _alert(request, alert_id, *REGULATORS)
    return services.alert_interview_hold(
        alert=alert, held_on=payload.held_on, rectification=payload.rectification, actor=request.user
    )


@router.post("/{alert_id}/reply", response=AlertOut, operation_id="alerts_reply", summary="企业答复")
def alert_reply(request: HttpRequest, alert_id: int, payload: ReplyIn) -> Alert:
    alert = _alert(request, alert_id, User.Role.BUSINESS)
    return services.alert_reply(alert=alert, text=payload.text, on=timezone.localdate(), actor=request.user)


@router.post("/{alert_id}/close", response=AlertOut, operation_id="alerts_close", summary="办结预警")
def alert_close(request: HttpRequest, alert_id: int, payload: CloseIn) -> Alert:
    alert = _alert(request, alert_id, *REGULATORS)
    return services.alert_close(
        alert=alert, outcome=payload.outcome, note=payload.note, on=timezone.localdate(), actor=request.user
    )
