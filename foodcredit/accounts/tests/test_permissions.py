"""The write rules table (DOMAIN.md Part I §5) walked role by role, and the one check's refusal and audit row."""

import pytest

from foodcredit.accounts import permissions as p
from foodcredit.accounts.models import Department, User
from foodcredit.core.models import AuditEvent

R = User.Role
D = Department.Kind
IN, OUT = "观音桥街道", "五里店街道"


def _user(role: str, dept_kind: str = D.MARKET_REGULATION, streets: tuple[str, ...] = (), code: str = "d1") -> User:
    department = Department(code=code, name=code, kind=dept_kind, streets=list(streets))
    return User(username=f"u-{role}", role=role, department=department, is_active=True, operator_usccs=["U1"])


def _code(user: User | None, **kw: object) -> str | None:
    kw.setdefault("operator_street", IN)
    refusal = p.write_refusal(user=user, **kw)  # type: ignore[arg-type]
    return refusal.code if refusal else None


@pytest.mark.parametrize(
    ("role", "dept_kind", "kind", "street", "expected"),
    [
        (R.DISTRICT_REGULATOR, D.MARKET_REGULATION, "penalties", OUT, None),
        (R.STATION_REGULATOR, D.MARKET_REGULATION, "penalties", IN, None),
        (R.STATION_REGULATOR, D.MARKET_REGULATION, "penalties", OUT, "scope.out_of_scope"),
        (R.STATION_REGULATOR, D.MARKET_REGULATION, "list_entries", IN, "scope.kind_not_allowed"),
        (R.OTHER_DEPARTMENT, D.DEVELOPMENT_REFORM, "penalties", OUT, None),
        (R.OTHER_DEPARTMENT, D.DEVELOPMENT_REFORM, "operators", IN, "scope.kind_not_allowed"),
        (R.OTHER_DEPARTMENT, D.DEVELOPMENT_REFORM, "inspections", IN, "scope.kind_not_allowed"),
        (R.OTHER_DEPARTMENT, D.HEALTH, "disease_reports", OUT, None),
        (R.OTHER_DEPARTMENT, D.AGRICULTURE, "disease_reports", OUT, "scope.kind_not_allowed"),
        (R.INSPECTOR, D.MARKET_REGULATION, "inspections", IN, "scope.kind_not_allowed"),
        (R.ASSOCIATION, D.ASSOCIATION, "penalties", IN, "scope.kind_not_allowed"),
        (R.BUSINESS, D.MARKET_REGULATION, "penalties", IN, "scope.kind_not_allowed"),
        (R.SYSTEM_ADMIN, D.MARKET_REGULATION, "operators", IN, "scope.kind_not_allowed"),
        (R.SECURITY_ADMIN, D.MARKET_REGULATION, "operators", IN, "scope.kind_not_allowed"),
        (R.AUDIT_ADMIN, D.MARKET_REGULATION, "operators", IN, "scope.kind_not_allowed"),
    ],
)
def test_write_refusal_by_role_kind_and_street(role, dept_kind, kind, street, expected):
    user = _user(role, dept_kind, streets=(IN,))
    assert _code(user, kind=kind, operator_street=street) == expected


def test_business_user_writes_for_its_own_operators_only():
    user = _user(R.BUSINESS)
    assert _code(user, kind="commitments", operator_uscc="u1") is None
    assert _code(user, kind="commitments", operator_uscc="U2") == "scope.out_of_scope"


def test_inspector_and_association_need_the_callers_relation():
    assert _code(_user(R.INSPECTOR), kind="task_results") == "scope.out_of_scope"
    assert _code(_user(R.INSPECTOR), kind="task_results", related=True) is None
    assert _code(_user(R.ASSOCIATION, D.ASSOCIATION), kind="association_measures", related=True) is None


def test_only_district_or_server_move_an_operator_to_another_street():
    station = _user(R.STATION_REGULATOR, streets=(IN, "华新街街道"))
    moved = {"kind": "operators", "operator_street": IN, "moves_to": "华新街街道"}
    assert _code(station, **moved) == "scope.street_move_not_allowed"
    assert _code(_user(R.DISTRICT_REGULATOR), **moved) is None
    assert _code(None, **moved) is None


def test_no_department_but_market_regulation_revokes_a_licence():
    ndrc = _user(R.OTHER_DEPARTMENT, D.DEVELOPMENT_REFORM)
    assert _code(ndrc, kind="penalties", measures=["罚款", "吊销许可证件"]) == "scope.measure_not_allowed"
    assert _code(ndrc, kind="penalties", measures=["罚款"]) is None
    assert _code(_user(R.DISTRICT_REGULATOR), kind="penalties", measures=["吊销许可证件"]) is None


def test_a_source_writes_only_its_registered_kinds_and_a_department_only_through_its_own():
    inspections_only = p.SourceGrant(name="执法系统", kinds=frozenset({"inspections"}))
    assert _code(None, kind="penalties", source=inspections_only) == "scope.source_kind_not_allowed"
    assert _code(None, kind="inspections", source=inspections_only) is None
    ndrc = _user(R.OTHER_DEPARTMENT, D.DEVELOPMENT_REFORM, code="jb-ndrc")
    bureau_system = p.SourceGrant(name="执法办案系统", kinds=frozenset({"penalties"}))
    own = p.SourceGrant(
        name="发改信用系统",
        kinds=frozenset({"penalties"}),
        department_code="jb-ndrc",
        department_kind=D.DEVELOPMENT_REFORM,
    )
    assert _code(ndrc, kind="penalties", source=bureau_system) == "scope.source_not_own"
    assert _code(ndrc, kind="penalties", source=own) is None
    assert _code(_user(R.DISTRICT_REGULATOR), kind="penalties", source=own) == "scope.source_not_own"


@pytest.mark.django_db
def test_record_write_check_raises_404_outside_scope_and_audits_the_refusal():
    department = Department.objects.create(code="gyq", name="观音桥所", kind=D.MARKET_REGULATION, streets=[IN])
    station = User.objects.create_user("st", role=R.STATION_REGULATOR, department=department)
    with pytest.raises(p.WriteRefusedError) as caught:
        p.record_write_check(user=station, kind="penalties", operator_street=OUT, operator_uscc="U9")
    assert (caught.value.code, caught.value.status) == ("scope.out_of_scope", 404)
    row = AuditEvent.objects.get(action="refused")
    assert (row.actor, row.object_type, row.object_id, row.success) == (station, "penalties", "U9", False)
    assert row.changes["code"] == [None, "scope.out_of_scope"]
    p.record_write_check(user=station, kind="penalties", operator_street=IN, operator_uscc="U9")
    assert AuditEvent.objects.filter(action="refused").count() == 1


def test_a_doors_first_check_reads_kind_and_source_only():
    station = _user(R.STATION_REGULATOR, streets=(IN,))
    bureau = p.SourceGrant(name="执法办案系统", kinds=frozenset({"penalties"}))
    first = {"kind": "penalties", "operator_street": None, "source": bureau, "rows_follow": True}
    assert _code(station, **first) is None  # its rows are checked one by one afterwards
    assert _code(station, **{**first, "rows_follow": False}) == "scope.out_of_scope"
    assert _code(station, **{**first, "kind": "inspections"}) == "scope.source_kind_not_allowed"
    unknown_owner = p.SourceGrant(
        name="x", kinds=frozenset({"penalties"}), department_code="zz", department_kind="unknown"
    )
    assert _code(station, **{**first, "source": unknown_owner}) == "scope.source_not_own"


def test_an_inactive_user_writes_nothing():
    district = _user(R.DISTRICT_REGULATOR)
    district.is_active = False
    assert not p.can_write_kind(district, "penalties")


def test_the_servers_operator_writes_every_kind_but_a_source_still_bounds_it():
    """Actor None: the daily jobs (list expiry, trigger tasks) and the demo seed run the services as the server."""
    assert all(p.can_write_kind(None, kind) for kind in ("penalties", "list_entries", "plans", "commitments"))
    bureau = p.SourceGrant(name="执法办案系统", kinds=frozenset({"penalties"}))
    assert _code(None, kind="inspections", source=bureau) == "scope.source_kind_not_allowed"
    assert _code(None, kind="penalties", source=bureau, operator_street=OUT) is None


def test_task_results_are_recorded_by_the_tasks_inspectors_and_published_by_regulators_too():
    """谁检查、谁录入: a regulator publishes a recorded result but never records one; an inspector only its own task's."""
    station = _user(R.STATION_REGULATOR, streets=(IN,))
    inspector = _user(R.INSPECTOR)
    assert _code(_user(R.DISTRICT_REGULATOR), kind="task_results") == "scope.kind_not_allowed"
    assert _code(station, kind="task_results") == "scope.kind_not_allowed"
    assert _code(station, kind="result_publications") is None
    assert _code(station, kind="result_publications", operator_street=OUT) == "scope.out_of_scope"
    assert _code(inspector, kind="result_publications") == "scope.out_of_scope"
    assert _code(inspector, kind="result_publications", related=True) is None
