"""The one class source for planning (risk's latest classification) and facilitation flags."""

from __future__ import annotations

from datetime import date

import polars as pl
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from foodcredit.accounts.models import User
from foodcredit.operators.models import Operator
from foodcredit.risk import selectors as risk_selectors

from .. import rules

Reader = User | AnonymousUser


def risk_classes_attach(*, frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Add `risk_class` to a frame with `operator_id`: THE one source of classes for planning.

    The operator's class in risk's latest classification on or before `as_of` (overrides in force applied), one
    join for the whole frame; operators without a class yet count as PLANNING_DEFAULT_RISK_CLASS.
    """
    return risk_selectors.classes_attach(frame=frame, as_of=as_of, default=settings.PLANNING_DEFAULT_RISK_CLASS)


def risk_classes_of(*, operator_ids: list[int], as_of: date) -> dict[int, str]:
    """Classes of a page of operators (through the same source)."""
    frame = risk_classes_attach(
        frame=pl.DataFrame({"operator_id": operator_ids}, schema={"operator_id": pl.Int64}), as_of=as_of
    )
    return dict(zip(frame["operator_id"].to_list(), frame["risk_class"].to_list(), strict=True))


def risk_class_of(*, operator_id: int, as_of: date) -> str:
    """One operator's class (through the same source)."""
    frame = risk_classes_attach(frame=pl.DataFrame({"operator_id": [operator_id]}), as_of=as_of)
    return str(frame["risk_class"][0])


def facilitation_flags(*, operator: Operator, as_of: date) -> rules.Facilitation:
    """Facilitation and strictness for an operator (class A green channel; class D no 容缺受理/告知承诺).

    For licence handling and the planning API; an operator without a class counts as the default class.
    """
    return rules.facilitation_for(risk_class_of(operator_id=operator.pk, as_of=as_of))
