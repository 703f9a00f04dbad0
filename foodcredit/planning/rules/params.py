"""Planning's constants and the draw's parameters, checked before anything is written."""

import json
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_lazy as _

from foodcredit.core.errors import DomainError
from foodcredit.operators.models import Operator
from foodcredit.risk.rules import CLASSES

ALGORITHM = "fc-draw-v2"
# The classes and sectors are risk's and operators' own (the draw's order: A…D; production, circulation, catering).
SECTORS: tuple[str, ...] = tuple(Operator.Sector.values)
MIN_INSPECTORS_PER_TASK = 2  # 总局令第49号 Art. 23

OBJECT_SCHEMA = {
    "uscc": pl.Utf8,
    "risk_class": pl.Utf8,
    "street": pl.Utf8,
    "sector": pl.Utf8,
    "operator_id": pl.Int64,
}
INSPECTOR_SCHEMA = {"inspector_id": pl.Int64, "sectors": pl.Utf8}
CONFLICT_SCHEMA = {"inspector_id": pl.Int64, "operator_id": pl.Int64}


@dataclass(frozen=True)
class DrawParams:
    """What the draw needs besides the directory (part of the hashed snapshot)."""

    ratios: dict[str, float]
    inspectors_per_task: int
    inspector_cap: int
    street_quotas: dict[str, int]

    def canonical(self) -> str:
        return json.dumps(
            {
                "algorithm": ALGORITHM,
                "ratios": {k: float(self.ratios.get(k, 0.0)) for k in CLASSES},
                "inspectors_per_task": self.inspectors_per_task,
                "inspector_cap": self.inspector_cap,
                "street_quotas": {k: int(v) for k, v in sorted(self.street_quotas.items())},
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )


def params_check(params: DrawParams) -> None:
    """Reject impossible parameters before anything is written."""
    for cls, ratio in params.ratios.items():
        if cls not in CLASSES:
            raise DomainError("planning.bad_class", _("未知的信用风险分类") % {"cls": cls}, cls=cls)
        if not isinstance(ratio, int | float) or not 0.0 <= float(ratio) <= 1.0:
            raise DomainError(
                "planning.bad_ratio",
                _("抽查比例须在0至1之间（%(cls)s类：%(ratio)s）") % {"cls": cls, "ratio": ratio},
                cls=cls,
                ratio=ratio,
            )
    if params.inspectors_per_task < MIN_INSPECTORS_PER_TASK:
        raise DomainError(
            "planning.too_few_per_task",
            _("每户至少须有两名检查人员（总局令第49号第二十三条）"),
            inspectors_per_task=params.inspectors_per_task,
        )
    if params.inspector_cap < 1:
        raise DomainError("planning.bad_cap", _("任务上限须为正数"))
    for street, quota in params.street_quotas.items():
        if int(quota) < 0:
            raise DomainError("planning.bad_quota", _("街道名额不能为负数"), street=street)
