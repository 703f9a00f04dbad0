"""Food operators (经营主体) and the persons linked to them."""

from django.db import models

from foodcredit.core.crypto import decrypt, encrypt, phone_index
from foodcredit.core.models import BaseModel

PHONE_MAX_LENGTH = 40  # a phone as imported (联系电话), before encryption

# Jiangbei District's nine streets and three towns (DOMAIN.md Part I §2).
STREETS = [
    "观音桥街道",
    "华新街街道",
    "五里店街道",
    "江北城街道",
    "石马河街道",
    "大石坝街道",
    "寸滩街道",
    "铁山坪街道",
    "郭家沱街道",
    "鱼嘴镇",
    "复盛镇",
    "五宝镇",
]


class Person(BaseModel):
    """A natural person (legal representative, responsible person), linked by HMAC of the ID number."""

    id_hash = models.CharField("证件号码索引", max_length=64, unique=True)
    id_encrypted = models.TextField("证件号码（加密）")
    name = models.CharField("姓名", max_length=100)

    class Meta:
        verbose_name = "自然人"
        verbose_name_plural = "自然人"

    def __str__(self) -> str:
        return self.name


class Operator(BaseModel):
    """A food business, one per 统一社会信用代码: the owner of a credit file."""

    class Sector(models.TextChoices):
        PRODUCTION = "production", "生产"
        CIRCULATION = "circulation", "流通"
        CATERING = "catering", "餐饮"

    class Status(models.TextChoices):
        ACTIVE = "active", "存续"
        DEREGISTERED = "deregistered", "注销"
        REVOKED = "revoked", "吊销"

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legacy_reg_no = models.CharField("注册号", max_length=15, blank=True)
    name = models.CharField("主体名称", max_length=200)
    legal_rep = models.CharField("法定代表人（负责人）", max_length=100)
    legal_rep_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, verbose_name="法定代表人（自然人）"
    )
    # The phone is stored encrypted (SECURITY.md E2) with a blind index for exact-match search; read and set it through
    # the `phone` property.
    phone_encrypted = models.TextField("联系电话（加密）", blank=True)
    phone_index = models.CharField("联系电话索引", max_length=64, blank=True, db_index=True)
    address = models.CharField("住所", max_length=300)
    street = models.CharField("所属街道", max_length=20, db_index=True)
    sector = models.CharField("业态", max_length=20, choices=Sector.choices, db_index=True)
    business_type = models.CharField("主体类型", max_length=50)
    registered_on = models.DateField("成立日期")
    status = models.CharField("登记状态", max_length=20, choices=Status.choices)
    new_business_form = models.BooleanField("是否新业态", default=False)
    source = models.ForeignKey("core.Source", on_delete=models.PROTECT, verbose_name="来源系统", db_index=False)

    class Meta:
        verbose_name = "经营主体"
        verbose_name_plural = "经营主体"

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"

    @property
    def phone(self) -> str:
        """The phone in clear ("" for none)."""
        return decrypt(self.phone_encrypted) if self.phone_encrypted else ""

    @phone.setter
    def phone(self, value: str | None) -> None:
        value = (value or "").strip()
        self.phone_encrypted = encrypt(value) if value else ""
        self.phone_index = phone_index(value)

    @property
    def is_individual_business(self) -> bool:
        """个体工商户: USCC category 92."""
        return self.uscc.startswith("92")


class UsccException(BaseModel):
    """A real USCC that fails the check character, accepted on an administrator's word (DOMAIN.md §4)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    reason = models.CharField("理由", max_length=300)

    class Meta:
        verbose_name = "信用代码例外"
        verbose_name_plural = "信用代码例外"

    def __str__(self) -> str:
        return self.uscc
