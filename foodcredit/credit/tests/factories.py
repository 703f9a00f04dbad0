"""Small factories for credit-file tests: operators, users, and records filed in the ledger.

Records of the higher domains (inspections, penalties, …) are created through the app registry, as the credit
selectors resolve them, so these tests stay within credit's layer.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import factory
from django.apps import apps
from django.utils import timezone
from factory.django import DjangoModelFactory

from foodcredit.accounts.models import Department, User
from foodcredit.core.ids import uscc_check_character
from foodcredit.core.models import Source
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.services import entry_append
from foodcredit.operators.models import Operator

PASSWORD = "Test-password-2025"


def make_uscc(n: int, *, prefix: str = "91500105") -> str:
    """A valid USCC: `prefix` (8 characters: 91 company, 92 个体工商户; then the area code) and a serial."""
    body = f"{prefix}{n:09d}"
    return body + uscc_check_character(body)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试来源系统{n}")


class OperatorFactory(DjangoModelFactory):
    class Meta:
        model = Operator

    uscc = factory.Sequence(lambda n: make_uscc(n + 1))
    name = factory.Sequence(lambda n: f"江北测试餐饮有限公司{n}")
    legal_rep = "张三丰"
    phone = "13812345678"
    address = "重庆市江北区观音桥街道建新北路1号"
    street = "观音桥街道"
    sector = Operator.Sector.CATERING
    business_type = "大型餐馆"
    registered_on = date(2015, 3, 1)
    status = Operator.Status.ACTIVE
    source = factory.SubFactory(SourceFactory, name="市场主体登记系统")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    kind = Department.Kind.MARKET_REGULATION
    streets: list[str] = []


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.DISTRICT_REGULATOR

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        changed_at = kwargs.pop("password_changed_at", None)
        user = model_class(*args, **kwargs)
        user.set_password(PASSWORD)
        # Undated unless a test dates it: tests that travel years ahead are about other things than password age.
        user.password_changed_at = changed_at
        user.save()
        return user


def _model(label: str) -> Any:
    return apps.get_model(label)


def source_named(name: str) -> Source:
    return Source.objects.get_or_create(name=name)[0]


def inspector_create(*, cert_no: str = "50010520250001", name: str = "李检查") -> Any:
    return _model("inspections.Inspector").objects.get_or_create(cert_no=cert_no, defaults={"name": name})[0]


def inspection_add(
    operator: Operator,
    *,
    on: date,
    result: str = "conform",
    kind: str = "routine",
    findings: str = "",
    inspectors: tuple[Any, ...] = (),
    source: Source | None = None,
) -> LedgerEntry:
    source = source or source_named("监管执法系统")
    inspection = _model("inspections.Inspection").objects.create(
        source=source,
        source_ref=f"JC-{operator.pk}-{on.isoformat()}-{_model('inspections.Inspection').objects.count()}",
        operator=operator,
        inspected_on=on,
        kind=kind,
        result=result,
        findings=findings,
        inspectors_text="、".join(i.name for i in inspectors),
    )
    inspection.inspectors.set(inspectors)
    return entry_append(
        operator=operator,
        kind=LedgerEntry.Kind.INSPECTION,
        occurred_on=on,
        ref_kind="inspection",
        ref_id=inspection.pk,
        facts={"result": result, "kind": kind, "inspector_ids": [i.pk for i in inspectors]},
        source=source,
    )


def sampling_add(
    operator: Operator,
    *,
    on: date,
    conclusion: str = "pass",
    failure_kind: str = "",
    failed_items: str = "",
    product: str = "凉拌菜",
) -> LedgerEntry:
    source = source_named("抽检监测系统")
    test = _model("sampling.SamplingTest").objects.create(
        source=source,
        source_ref=f"CJ-{operator.pk}-{_model('sampling.SamplingTest').objects.count()}",
        operator=operator,
        sampled_on=on,
        product=product,
        conclusion=conclusion,
        failure_kind=failure_kind,
        failed_items=failed_items,
    )
    return entry_append(
        operator=operator,
        kind=LedgerEntry.Kind.SAMPLING_TEST,
        occurred_on=on,
        ref_kind="sampling_test",
        ref_id=test.pk,
        facts={"conclusion": conclusion, "failure_kind": failure_kind, "food_category": ""},
        source=source,
    )


def penalty_add(
    operator: Operator,
    *,
    on: date,
    kinds: tuple[str, ...] = ("罚款",),
    amount: Decimal | None = Decimal("5000"),
    procedure: str = "ordinary",
    violation: str = "经营超过保质期的食品",
    extra_facts: dict[str, Any] | None = None,
) -> LedgerEntry:
    source = source_named("行政处罚系统")
    violation_type = _model("penalties.ViolationType").objects.get_or_create(
        code="UNCLASSIFIED", defaults={"name": "未分类"}
    )[0]
    penalty = _model("penalties.Penalty").objects.create(
        decision_no=f"江北市监罚〔{on.year}〕{_model('penalties.Penalty').objects.count() + 1}号",
        operator=operator,
        decided_on=on,
        violation=violation,
        violation_type=violation_type,
        kinds=list(kinds),
        amount=amount,
        procedure=procedure,
        source=source,
    )
    facts = {
        "kinds": list(kinds),
        "amount": str(amount) if amount is not None else None,
        "procedure": procedure,
        "circumstance": "",
        "natural_person": False,
        **(extra_facts or {}),
    }
    return entry_append(
        operator=operator,
        kind=LedgerEntry.Kind.PENALTY,
        occurred_on=on,
        ref_kind="penalty",
        ref_id=penalty.pk,
        facts=facts,
        source=source,
    )


def complaint_add(
    operator: Operator, *, on: date, category: str = "食品变质", verification: str = "true"
) -> LedgerEntry:
    source = source_named("12315平台")
    complaint = _model("complaints.Complaint").objects.create(
        source=source,
        source_ref=f"TS-{operator.pk}-{_model('complaints.Complaint').objects.count()}",
        operator=operator,
        received_on=on,
        channel="12315",
        kind="complaint",
        category=category,
        verification=verification,
    )
    return entry_append(
        operator=operator,
        kind=LedgerEntry.Kind.COMPLAINT,
        occurred_on=on,
        ref_kind="complaint",
        ref_id=complaint.pk,
        facts={"kind": "complaint", "channel": "12315", "category": category, "verification": verification},
        source=source,
    )


def licence_add(operator: Operator, *, on: date, number: str = "JY15001050000001") -> LedgerEntry:
    source = source_named("许可审批系统")
    licence = _model("licences.Licence").objects.create(
        number=number,
        operator=operator,
        kind="business",
        issued_on=on,
        valid_until=date(on.year + 5, on.month, 1),
        status="valid",
        source=source,
    )
    return entry_append(
        operator=operator,
        kind=LedgerEntry.Kind.LICENCE,
        occurred_on=on,
        ref_kind="licence",
        ref_id=licence.pk,
        facts={"kind": "business", "status": "valid", "issued_on": on.isoformat()},
        source=source,
    )


def bare_entries(
    operator: Operator, *, days: list[date], kind: str = LedgerEntry.Kind.REGISTRATION
) -> list[LedgerEntry]:
    """Entries without a record behind them (bulk-created), for pagination tests."""
    now = timezone.now()
    return LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                operator=operator, kind=kind, occurred_on=day, ref_kind="operator", ref_id=operator.pk,
                facts={"status": "active"}, recorded_at=now,
            )
            for day in days
        ]
    )  # fmt: skip
