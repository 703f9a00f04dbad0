"""Users, roles, departments and scopes (DOMAIN.md Part I §5)."""

from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone


class Department(models.Model):
    """A department using the system: the bureau, its stations, other departments, associations."""

    class Kind(models.TextChoices):
        MARKET_REGULATION = "market_regulation", "市场监管"
        DEVELOPMENT_REFORM = "development_reform", "发展改革"
        AGRICULTURE = "agriculture", "农业农村"
        HEALTH = "health", "卫生健康"
        ASSOCIATION = "association", "行业协会"

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    streets = models.JSONField("辖区街道", default=list, blank=True)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager["User"]):
    """Django's, dating the password of an account created with one (create_user sets the hash directly)."""

    def create_user(self, username: str, email: str | None = None, password: str | None = None, **extra: Any) -> "User":
        if password is not None:
            extra.setdefault("password_changed_at", timezone.now())
        return super().create_user(username, email, password, **extra)

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        if password is not None:
            extra.setdefault("password_changed_at", timezone.now())
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who logs in. One role; scope from the role, the department and its streets."""

    class Role(models.TextChoices):
        SYSTEM_ADMIN = "system_admin", "系统管理员"
        SECURITY_ADMIN = "security_admin", "安全管理员"
        AUDIT_ADMIN = "audit_admin", "审计管理员"
        DISTRICT_REGULATOR = "district_regulator", "区级监管人员"
        STATION_REGULATOR = "station_regulator", "所级监管人员"
        INSPECTOR = "inspector", "执法检查人员"
        OTHER_DEPARTMENT = "other_department", "其他部门人员"
        ASSOCIATION = "association", "行业协会"
        BUSINESS = "business", "企业用户"

    role = models.CharField("角色", max_length=30, choices=Role.choices)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name="所属部门")
    # Business users: the USCCs of the operators they act for.
    operator_usccs = models.JSONField("所代表企业", default=list, blank=True)
    inspector_cert_no = models.CharField("执法证号", max_length=40, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set by the security administrator (or at account creation): the next login can only change the password.
    password_must_change = models.BooleanField("须修改密码", default=False)

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def is_external(self) -> bool:
        """Business and association users: outside the bureau and the departments."""
        return self.role in (self.Role.BUSINESS, self.Role.ASSOCIATION)

    def password_expired(self, now: datetime | None = None) -> bool:
        """A password that must be changed: one the security administrator (or account creation) marked so, or a
        staff account's password older than PASSWORD_MAX_AGE_DAYS (SECURITY.md A2: 90 days, staff only). An
        account whose password was never set through the application (no date) is not held to the age."""
        if self.password_must_change:
            return True
        if self.is_external or self.password_changed_at is None:
            return False
        limit = timedelta(days=int(settings.PASSWORD_MAX_AGE_DAYS))
        return (now or timezone.now()) - self.password_changed_at > limit

    @property
    def streets(self) -> list[str]:
        return list(self.department.streets) if self.department else []


class BusinessLink(models.Model):
    """A business user's claim to act for an operator: asked by the system administrator with the operator's USCC
    and its legal representative's name as registered, in force once a district regulator confirms it (the
    confirmed USCC is then in the user's `operator_usccs`, which the operator selectors scope by)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "已驳回"
        REVOKED = "revoked", "已解除"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="business_links", verbose_name="企业用户")
    uscc = models.CharField("统一社会信用代码", max_length=18)
    operator_name = models.CharField("主体名称", max_length=200)
    legal_rep_name = models.CharField("法定代表人（负责人）姓名", max_length=100)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "企业用户关联"
        verbose_name_plural = "企业用户关联"
        constraints = [
            # One open or confirmed link per user and operator: a second request for the same pair is refused.
            models.UniqueConstraint(
                fields=["user", "uscc"],
                condition=models.Q(status__in=["pending", "confirmed"]),
                name="accounts_businesslink_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.uscc} ({self.status})"


class EnrolmentCode(models.Model):
    """A one-time code, issued out of band by the security administrator, without which a staff user cannot set up
    a first authenticator (a password alone does not enrol a device). Only its hash is stored; it expires and is
    used once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes", verbose_name="用户")
    code_hash = models.CharField("验证码摘要", max_length=128)
    issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="签发人"
    )
    issued_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    failures = models.PositiveSmallIntegerField("错误次数", default=0)

    class Meta:
        verbose_name = "绑定码"
        verbose_name_plural = "绑定码"

    def __str__(self) -> str:
        return f"enrolment code #{self.pk} for user {self.user_id}"

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
