"""Factories for the whole suite: operators, users, departments, and records filed in the credit ledger.

Operators (OperatorFactory, operator_register) and records are written through the domains' own bulk services — the
writers every import door and seed_demo use — so each comes with the ledger entry, audit row and provenance that
production writes, and every test state is one production can reach (foodcredit/tests/test_factories.py compares
them with the import door's). The record domains sit above credit, and credit's tests use these factories:
pyproject.toml lets this one test module import their services (the layers contract's ignore_imports).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import factory
import polars as pl
from django.db import models
from django.utils import timezone
from factory.django import DjangoModelFactory

from foodcredit.accounts.models import Department, User
from foodcredit.complaints.models import Complaint
from foodcredit.complaints.services import complaint_bulk_upsert
from foodcredit.core.bulk import BulkContext, UpsertResult
from foodcredit.core.ids import uscc_check_character
from foodcredit.core.models import Source
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.services import entries_announce
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.inspections.services import inspection_bulk_upsert
from foodcredit.licences.models import Licence
from foodcredit.licences.services import licence_bulk_upsert
from foodcredit.operators.models import STREETS, Operator, UsccException
from foodcredit.operators.services import operator_bulk_upsert
from foodcredit.penalties.models import Penalty, ViolationType
from foodcredit.penalties.services import penalty_bulk_upsert, violation_type_define
from foodcredit.sampling.models import SamplingTest
from foodcredit.sampling.services import sampling_bulk_upsert

PASSWORD = "Test-password-2025"
# The summary of an operator's registration entry, on every audience's credit file: each operator the factories make
# has one (registered 2015-03-01 and active unless a test says otherwise), as each imported operator has.
REGISTRATION_SUMMARY = "登记信息：存续"


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
    """An operator registered as an import registers it: `_create` hands the fields to `operator_register` (the
    import door's writer), so it comes with its registration entry, audit row, provenance and encrypted phone."""

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
    new_business_form = False
    source = factory.SubFactory(SourceFactory, name="市场主体登记系统")

    @classmethod
    def _create(cls, model_class: type[Operator], *args: Any, **kwargs: Any) -> Operator:
        # The writer upserts by USCC: a factory call names a new operator, never a re-import of one.
        assert not Operator.objects.filter(uscc=kwargs["uscc"]).exists(), f"{kwargs['uscc']} is already registered"
        return operator_register(*args, **kwargs)


# What the operators import door hands the writer (collection's operators format), with the values it accepts.
REGISTERED_FIELDS = {
    "name",
    "legal_rep",
    "legal_rep_id_no",
    "phone",
    "address",
    "street",
    "sector",
    "business_type",
    "registered_on",
    "status",
    "new_business_form",
}


def operator_register(*, uscc: str, source: Source | None = None, **fields: Any) -> Operator:
    """An operator registered as an import registers it (operator_bulk_upsert): with its registration entry, audit
    row and provenance. Only fields and values the import door accepts: anything else is a state production never
    reaches."""
    unknown = set(fields) - REGISTERED_FIELDS
    assert not unknown, f"fields the operators import never writes: {sorted(unknown)}"
    row = {
        "uscc": uscc,
        "name": f"江北测试餐饮有限公司{uscc[-6:]}",
        "legal_rep": "张三丰",
        "legal_rep_id_no": None,
        "phone": "13812345678",
        "address": "重庆市江北区观音桥街道建新北路1号",
        "street": "观音桥街道",
        "sector": Operator.Sector.CATERING,
        "business_type": "大型餐馆",
        "registered_on": date(2015, 3, 1),
        "status": Operator.Status.ACTIVE,
        "new_business_form": False,
        **fields,
    }
    assert uscc_check_character(uscc[:17]) == uscc[17:] or UsccException.objects.filter(uscc=uscc).exists(), (
        f"{uscc}: the import door refuses a bad check character unless an administrator accepted the code"
    )
    assert row["street"] in STREETS, f"{row['street']}: not one of the district's streets the import door accepts"
    assert row["sector"] in Operator.Sector.values and row["status"] in Operator.Status.values
    _write(operator_bulk_upsert, "operators", source or source_named("市场主体登记系统"), row)
    return Operator.objects.get(uscc=uscc)


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


def source_named(name: str) -> Source:
    return Source.objects.get_or_create(name=name)[0]


def record_of(entry: LedgerEntry) -> Any:
    """The record a ledger entry files (for credit's tests, which may not import the record domains above them)."""
    return KINDS[entry.ref_kind].model._default_manager.get(pk=entry.ref_id)


def bulk_context(source: Source, *, now: Any = None) -> BulkContext:
    """What collection hands a record domain's bulk service, for a write by the system itself."""
    return BulkContext(
        source_id=source.pk,
        source_precedence=source.precedence,
        actor_id=None,
        actor_label="system",
        job_id=None,
        request_id="",
        now=now or timezone.now(),
    )


def bulk_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Normalized rows (the shape validation gives the import doors: stored values, dates, lists), numbered."""
    values = [{k: str(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]  # TextChoices → text
    frame = pl.DataFrame([{**row, "_row": n} for n, row in enumerate(values, start=2)], infer_schema_length=None)
    return frame.with_columns(pl.col(c).cast(pl.Utf8) for c, t in frame.schema.items() if t == pl.Null)


def _write(writer: Callable[..., UpsertResult], kind: str, source: Source, row: dict[str, Any]) -> UpsertResult:
    """One row through a record domain's bulk service, announced as collection announces it."""
    result = writer(frame=bulk_frame([row]), ctx=bulk_context(source))
    assert not result.queued, f"{kind}: the operator {row.get('uscc')} is not registered"
    entries_announce(operator_ids=result.operator_ids, kinds=[kind])
    return result


@dataclass(frozen=True)
class _Kind:
    """A record kind as the factories write it: its bulk service, default source, model and identity."""

    writer: Callable[..., UpsertResult]
    kind: str  # the import kind (collection's RecordKind value)
    source_name: str
    model: type[models.Model]
    key: str  # the identity in the frame; "source_id" is the record's source_ref within its source


KINDS = {
    "licence": _Kind(licence_bulk_upsert, "licences", "许可审批系统", Licence, "number"),
    "inspection": _Kind(inspection_bulk_upsert, "inspections", "监管执法系统", Inspection, "source_id"),
    "sampling_test": _Kind(sampling_bulk_upsert, "sampling", "抽检监测系统", SamplingTest, "source_id"),
    "penalty": _Kind(penalty_bulk_upsert, "penalties", "行政处罚系统", Penalty, "decision_no"),
    "complaint": _Kind(complaint_bulk_upsert, "complaints", "12315平台", Complaint, "source_id"),
}


def _record_add(ref_kind: str, operator: Operator, row: dict[str, Any], *, source: Source | None = None) -> LedgerEntry:
    """Write one record of `ref_kind` for `operator`; its current ledger entry."""
    k = KINDS[ref_kind]
    source = source or source_named(k.source_name)
    _write(k.writer, k.kind, source, {"uscc": operator.uscc, **row})
    lookup = {"source": source, "source_ref": row[k.key]} if k.key == "source_id" else {k.key: row[k.key]}
    record = k.model._default_manager.get(**lookup)
    return LedgerEntry.objects.get(ref_kind=ref_kind, ref_id=record.pk, superseded_by__isnull=True)


def inspector_create(*, cert_no: str = "50010520250001", name: str = "李检查") -> Inspector:
    return Inspector.objects.get_or_create(cert_no=cert_no, defaults={"name": name})[0]


def inspection_add(
    operator: Operator,
    *,
    on: date,
    result: str = "conform",
    kind: str = "routine",
    findings: str = "",
    inspectors: tuple[Inspector, ...] = (),
    source: Source | None = None,
    source_ref: str | None = None,
) -> LedgerEntry:
    """An inspection as an import writes it; its inspectors are named by 执法证号 (or by name without one)."""
    row = {
        "source_id": source_ref or f"JC-{operator.pk}-{on.isoformat()}-{Inspection.objects.count()}",
        "inspected_on": on,
        "kind": kind,
        "result": result,
        "findings": findings,
        "inspectors": "、".join(i.cert_no or i.name for i in inspectors),
    }
    return _record_add("inspection", operator, row, source=source)


def sampling_add(
    operator: Operator,
    *,
    on: date,
    conclusion: str = "pass",
    failure_kind: str = "",
    failed_items: str = "",
    product: str = "凉拌菜",
    food_category: str = "",
) -> LedgerEntry:
    row = {
        "source_id": f"CJ-{operator.pk}-{SamplingTest.objects.count()}",
        "sampled_on": on,
        "product": product,
        "food_category": food_category,
        "conclusion": conclusion,
        "failed_items": failed_items,
        "failure_kind": failure_kind,
    }
    return _record_add("sampling_test", operator, row)


def violation_type_make(*, code: str, name: str, listable_serious: bool = False) -> ViolationType:
    """A violation type defined as staff define it; a penalty whose violation text is its name is filed under it."""
    return violation_type_define(
        code=code,
        name=name,
        legal_basis="《中华人民共和国食品安全法》",
        listable_serious=listable_serious,
        listing_basis="总局令第44号第五条" if listable_serious else "",
        actor=None,
    )


def penalty_add(
    operator: Operator,
    *,
    on: date,
    kinds: tuple[str, ...] = ("罚款",),
    amount: Decimal | None = Decimal("5000"),
    procedure: str = "ordinary",
    violation: str = "经营超过保质期的食品",
    circumstance: str = "",
    violation_type: ViolationType | None = None,
    extra_facts: dict[str, Any] | None = None,
) -> LedgerEntry:
    """A penalty as an import writes it. The facts it files come from its fields and its violation type: a type
    marked listable_serious (总局令第44号 Art. 5) makes the penalty listable on the 严重违法失信名单.

    `extra_facts` names those inputs the old way ({"circumstance", "listable_serious", "violation_code"}) and is
    turned into them — never written into the facts by hand.
    """
    extra = dict(extra_facts or {})
    unknown = set(extra) - {"circumstance", "listable_serious", "violation_code"}
    assert not unknown, f"facts production derives from other inputs, or never writes: {sorted(unknown)}"
    circumstance = extra.get("circumstance", circumstance)
    if violation_type is None and ("listable_serious" in extra or "violation_code" in extra):
        listable = bool(extra.get("listable_serious"))
        violation_type = violation_type_make(
            code=extra.get("violation_code") or ("SERIOUS_TEST" if listable else "PLAIN_TEST"),
            name=violation,
            listable_serious=listable,
        )
    if violation_type is not None:
        violation = violation_type.name
    row = {
        "decision_no": f"江北市监罚〔{on.year}〕{Penalty.objects.count() + 1}号",
        "decided_on": on,
        "violation": violation,
        "legal_basis": "",
        "kinds": list(kinds),
        "amount": None if amount is None else str(amount),
        "procedure": procedure,
        "circumstance": circumstance,
    }
    return _record_add("penalty", operator, row)


def complaint_add(
    operator: Operator, *, on: date, category: str = "食品变质", verification: str = "true"
) -> LedgerEntry:
    row = {
        "source_id": f"TS-{operator.pk}-{Complaint.objects.count()}",
        "received_on": on,
        "channel": "12315",
        "kind": "complaint",
        "category": category,
        "verification": verification,
    }
    return _record_add("complaint", operator, row)


def licence_add(
    operator: Operator,
    *,
    on: date,
    number: str = "JY15001050000001",
    valid_until: date | None = None,
    status: str = "valid",
    kind: str = "business",
) -> LedgerEntry:
    row = {
        "number": number,
        "kind": kind,
        "scope": "",
        "issued_on": on,
        "valid_until": valid_until or date(on.year + 5, on.month, 1),
        "status": status,
    }
    return _record_add("licence", operator, row)


def licences_add(operator: Operator, *, days: list[date]) -> list[LedgerEntry]:
    """One licence issued on each of `days`, written in one bulk write (as one import file): many entries that are
    public on every channel for good, for pagination tests."""
    first = Licence.objects.count()
    rows = [
        {
            "number": f"JY1500105{first + n:07d}",
            "uscc": operator.uscc,
            "kind": "business",
            "scope": "",
            "issued_on": day,
            "valid_until": date(day.year + 5, day.month, 1),
            "status": "valid",
        }
        for n, day in enumerate(days)
    ]
    source = source_named(KINDS["licence"].source_name)
    result = licence_bulk_upsert(frame=bulk_frame(rows), ctx=bulk_context(source))
    entries_announce(operator_ids=result.operator_ids, kinds=["licences"])
    return list(LedgerEntry.objects.filter(ref_kind="licence", operator=operator).order_by("pk"))


def bare_entries(
    operator: Operator, *, days: list[date], kind: str = LedgerEntry.Kind.REGISTRATION
) -> list[LedgerEntry]:
    """Entries without a record behind them, written straight into the ledger — a state no writer produces. Only for
    table tests that then set each entry's facts to compare the credit file with a rule; otherwise licences_add."""
    now = timezone.now()
    return LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                operator=operator,
                kind=kind,
                occurred_on=day,
                ref_kind="operator",
                ref_id=operator.pk,
                facts={"status": "active"},
                recorded_at=now,
            )
            for day in days
        ]
    )
