"""The portal's own data: the public search's index (see `search.py`) and reports sent through the public form."""

from django.db import models

from foodcredit.core.crypto import decrypt
from foodcredit.core.models import BaseModel


class SearchGram(models.Model):
    """One posting of the public search: `gram` occurs in the operator's name (a two- or three-character piece,
    lower-cased), or, prefixed with '#', in its USCC or one of its licence numbers (a four-character piece,
    upper-cased); or it is the operator's street ('street=…'), sector ('sector=…') or both ('street=…&sector=…').

    Written only by database triggers (migrations 0002–0006), so that every writer of operators and licences —
    services, the bulk importers' COPY and ON CONFLICT, seeding — keeps it exact without knowing it exists. Trigram
    indexes (pg_trgm, SQLite FTS5) cannot answer two-character queries, the common case in Chinese; bigram postings
    can, and the street and sector as lists make a filtered search an intersection of lists like any other.
    """

    pk = models.CompositePrimaryKey("gram", "operator")
    gram = models.CharField("片段", max_length=64)
    # No index of its own: the triggers delete postings by the primary key (the old text's grams), so that a bulk
    # load writes one B-tree, in order.
    operator = models.ForeignKey(
        "operators.Operator",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name="经营主体",
    )

    class Meta:
        verbose_name = "检索片段"
        verbose_name_plural = "检索片段"

    def __str__(self) -> str:
        return self.gram


class PublicReport(BaseModel):
    """A complaint or report sent through the portal's form (12315-style), without logging in.

    The reporter's name and phone are stored encrypted (core.crypto) and shown to staff only; the public sees the
    tracking number's status and the bureau's reply, nothing else.
    """

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "投诉"
        REPORT = "report", "举报"

    class Category(models.TextChoices):
        FOREIGN_MATTER = "foreign_matter", "食品中有异物"
        EXPIRED = "expired", "销售过期、变质食品"
        HYGIENE = "hygiene", "经营场所卫生条件差"
        UNLICENSED = "unlicensed", "无证经营"
        ILLNESS = "illness", "食用后身体不适"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        RECEIVED = "received", "已登记，待审核"
        ACCEPTED = "accepted", "已受理，正在核查"
        REJECTED = "rejected", "不予受理"
        CLOSED = "closed", "已办结"

    tracking_no = models.CharField("查询编号", max_length=20, unique=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    category = models.CharField("问题类别", max_length=20, choices=Category.choices)
    operator_name = models.CharField("被投诉举报对象", max_length=200)
    operator_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("经营地址", max_length=300, blank=True)
    happened_on = models.DateField("发生日期", null=True, blank=True)
    description = models.TextField("情况描述", max_length=2000)
    reporter_name_encrypted = models.TextField("投诉举报人姓名（加密）", blank=True)
    reporter_phone_encrypted = models.TextField("联系电话（加密）", blank=True)
    status = models.CharField("办理状态", max_length=20, choices=Status.choices, default=Status.RECEIVED)
    reply = models.TextField("答复", blank=True)

    class Meta:
        verbose_name = "公众投诉举报"
        verbose_name_plural = "公众投诉举报"
        indexes = [models.Index(fields=["status", "created_at"], name="portal_report_status_idx")]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def reporter_name(self) -> str:
        """The reporter's name in clear (staff only)."""
        return decrypt(self.reporter_name_encrypted) if self.reporter_name_encrypted else ""

    @property
    def reporter_phone(self) -> str:
        """The reporter's phone in clear (staff only)."""
        return decrypt(self.reporter_phone_encrypted) if self.reporter_phone_encrypted else ""
