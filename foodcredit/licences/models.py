"""Food business and production licences, identified by their number (许可证编号)."""

from django.db import models

from foodcredit.core.models import BaseModel, Source
from foodcredit.operators.models import Operator


class Licence(BaseModel):
    """A 食品经营许可证 (JY…) or 食品生产许可证 (SC…)."""

    class Kind(models.TextChoices):
        BUSINESS = "business", "食品经营许可证"
        PRODUCTION = "production", "食品生产许可证"

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        CANCELLED = "cancelled", "注销"
        REVOKED = "revoked", "吊销"
        EXPIRED = "expired", "过期"

    number = models.CharField("许可证编号", max_length=40, unique=True)
    # Written only by the bulk engine, which takes operator_id from a join with operators (and operators are never
    # deleted: deregistration is a status), so no per-row FK trigger: at city scale those checks cost minutes.
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, verbose_name="经营主体", db_constraint=False)
    kind = models.CharField("许可证类型", max_length=20, choices=Kind.choices)
    scope = models.TextField("经营项目", blank=True)
    issued_on = models.DateField("发证日期")
    valid_until = models.DateField("有效期至")
    status = models.CharField("许可状态", max_length=20, choices=Status.choices)
    legacy_format = models.BooleanField("旧版编号", default=False)
    # Source systems are reference rows that are never deleted: no per-row FK trigger on bulk-written records.
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, verbose_name="来源系统", db_index=False, db_constraint=False
    )

    class Meta:
        verbose_name = "许可证"
        verbose_name_plural = "许可证"

    def __str__(self) -> str:
        return self.number
