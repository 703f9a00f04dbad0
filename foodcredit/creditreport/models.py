"""Issued credit reports (信用报告): one row per PDF handed out, so that its verification code can be checked later."""

from django.conf import settings
from django.db import models


class CreditReport(models.Model):
    """One issued report: its verification code, whose and which variant it is, who asked for it and when, and the
    SHA-256 of its content (the canonical JSON the PDF prints and carries as an attachment, see `rules.content_hash`).

    The content itself is not kept: the hash proves a copy unchanged, and the variant tells a verifier whether a
    public copy may be shown to anyone. The name and USCC are those printed on the report (a name can change later).
    """

    class Variant(models.TextChoices):
        PUBLIC = "public", "公开版"
        INTERNAL = "internal", "内部版"

    code = models.CharField("核验码", max_length=16, unique=True)
    operator = models.ForeignKey(
        "operators.Operator", on_delete=models.PROTECT, related_name="+", verbose_name="经营主体"
    )
    operator_name = models.CharField("报告所载主体名称", max_length=200)
    operator_uscc = models.CharField("报告所载统一社会信用代码", max_length=18)
    variant = models.CharField("版本", max_length=10, choices=Variant.choices)
    as_of = models.DateField("信息截至")
    content_hash = models.CharField("内容摘要（SHA-256）", max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="出具对象",
    )
    issued_at = models.DateTimeField("出具时间")

    class Meta:
        verbose_name = "信用报告"
        verbose_name_plural = "信用报告"
        indexes = [models.Index(fields=["operator", "-issued_at"], name="creditreport_operator_idx")]

    def __str__(self) -> str:
        return self.code
