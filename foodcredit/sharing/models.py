"""Department grants for shared data: which departments may read internal-only records (DOMAIN.md Part I §5)."""

from django.db import models

from foodcredit.accounts.models import Department
from foodcredit.core.models import BaseModel


class SharingGrant(BaseModel):
    """A department's right to internal-only data in the eligibility check, with the agreement it rests on."""

    department = models.OneToOneField(Department, on_delete=models.PROTECT, verbose_name="部门")
    internal_records = models.BooleanField("可查阅内部信息", default=False)
    basis = models.CharField("共享依据", max_length=200)

    class Meta:
        verbose_name = "共享授权"
        verbose_name_plural = "共享授权"

    def __str__(self) -> str:
        return f"{self.department_id}: {self.internal_records}"
