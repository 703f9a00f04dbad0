"""Write scope of the import doors (DOMAIN.md Part I §5 "Who writes which records").

A scope matrix: every write door (API import, upload page, review-queue attach, command line) × every role × an
operator outside the role's scope and a record kind outside its department (or its source's registration) →
refused, nothing written (rows counted before and after), and an audit row of the refusal. Then the examples of
the penetration test, each as its own test.
"""

import json
from datetime import date

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from foodcredit.accounts.models import Department, User
from foodcredit.collection import services
from foodcredit.collection.models import PendingRecord
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.inspections.models import Inspection
from foodcredit.operators.models import Operator
from foodcredit.operators.selectors import operator_scope
from foodcredit.penalties.models import Penalty

from . import frames

pytestmark = pytest.mark.django_db

R = User.Role
D = Department.Kind
IN, OTHER_HELD, OUT = "观音桥街道", "华新街街道", "五里店街道"
REGISTRY, ENFORCEMENT, CHECKS, NDRC_SYSTEM = "登记系统", "执法办案系统", "检查系统", "发改信用系统"
UNKNOWN = frames.uscc(77)  # a USCC no operator has: its records wait in the review queue
ROLES = [
    R.DISTRICT_REGULATOR,
    R.STATION_REGULATOR,
    R.INSPECTOR,
    R.OTHER_DEPARTMENT,
    R.ASSOCIATION,
    R.BUSINESS,
    R.SYSTEM_ADMIN,
    R.SECURITY_ADMIN,
    R.AUDIT_ADMIN,
]
PENALTY_HEADER = (
    "处罚决定书文号,统一社会信用代码,处罚决定日期,违法行为类型,处罚依据,处罚种类,罚没金额（元）,程序类型,情节\n"
)
INSPECTION_HEADER = "检查编号,统一社会信用代码,检查日期,检查类型,检查结果,发现问题,检查人员\n"


def _operator_frame(i: int, street: str) -> pl.DataFrame:
    return frames.operators(1, start=i).with_columns(
        pl.lit(street).alias("street"), pl.lit(f"重庆市江北区{street}测试路{i}号").alias("address")
    )


@pytest.fixture
def world():
    """A district with one operator inside the station's streets and one outside, its sources and nine users."""
    departments = {
        "samr": Department.objects.create(
            code="jb-samr", name="区市场监管局", kind=D.MARKET_REGULATION, streets=[IN, OTHER_HELD, OUT]
        ),
        "station": Department.objects.create(
            code="jb-samr-gyq", name="观音桥所", kind=D.MARKET_REGULATION, streets=[IN, OTHER_HELD]
        ),
        "ndrc": Department.objects.create(code="jb-ndrc", name="区发展改革委", kind=D.DEVELOPMENT_REFORM),
        "association": Department.objects.create(code="jb-catering", name="餐饮协会", kind=D.ASSOCIATION),
    }
    inside, outside = frames.uscc(1), frames.uscc(2)
    services.records_write(kind="operators", frame=_operator_frame(1, IN), source_name=REGISTRY)
    services.records_write(kind="operators", frame=_operator_frame(2, OUT), source_name=REGISTRY)
    services.records_write(kind="penalties", frame=frames.penalties([inside]), source_name=ENFORCEMENT)
    services.records_write(kind="inspections", frame=frames.inspections([inside]), source_name=CHECKS)
    services.source_register(name=NDRC_SYSTEM, kinds=["penalties"], department_code="jb-ndrc", actor=None)
    department_of = {R.STATION_REGULATOR: "station", R.OTHER_DEPARTMENT: "ndrc", R.ASSOCIATION: "association"}
    users = {
        role: User.objects.create_user(
            username=f"u-{role}",
            password="Pw-0123456789",
            role=role,
            department=departments[department_of.get(role, "samr")],
            operator_usccs=[inside, outside] if role == R.BUSINESS else [],
            inspector_cert_no="50010520190001",
        )
        for role in ROLES
    }
    return {"users": users, "inside": inside, "outside": outside}


def _snapshot() -> tuple:
    """What a refused write must leave as it was: operators (with the fields an import overwrites) and records."""
    operators = sorted(Operator.objects.values_list("uscc", "name", "legal_rep", "address", "street", "phone_index"))
    return (
        operators,
        Penalty.objects.count(),
        Inspection.objects.count(),
        LedgerEntry.objects.count(),
        sorted(PendingRecord.objects.values_list("record_key", "status")),
    )


def _penalty(uscc: str, *, no: str = "渝江北罚〔2026〕9号", kinds: str = "罚款", amount: str = "500") -> dict:
    return {
        "decision_no": no,
        "uscc": uscc,
        "decided_on": "2026-01-05",
        "violation": "经营超过保质期的食品",
        "legal_basis": "《食品安全法》第一百二十四条",
        "kinds": kinds,
        "amount": amount,
        "procedure": "普通程序",
        "circumstance": "一般",
    }


def _inspection(uscc: str) -> dict:
    return {
        "source_id": "S-9",
        "uscc": uscc,
        "inspected_on": "2026-01-05",
        "kind": "日常检查",
        "result": "不符合",
        "findings": "后厨脏乱",
        "inspectors": "张三",
    }


def _csv(records: list[dict]) -> bytes:
    first = records[0]
    header = PENALTY_HEADER if "decision_no" in first else INSPECTION_HEADER
    return (header + "".join(",".join(str(v) for v in r.values()) + "\n" for r in records)).encode("utf-8-sig")


# (role, case) → (kind, source, record): a write the role may not make. "scope": an operator outside the role's
# scope; "kind": a record kind outside its department or its source's registration. District regulators and the
# other department write for the whole district: they have no operator outside their scope.
def _case(role: str, case: str, w: dict) -> tuple[str, str, dict]:
    if case == "scope":
        return "penalties", ENFORCEMENT, _penalty(w["outside"])
    if role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return "penalties", CHECKS, _penalty(w["inside"])  # 检查系统 is registered for inspections only
    return "inspections", CHECKS, _inspection(w["inside"])


MATRIX = [
    (role, case)
    for role in ROLES
    for case in ("scope", "kind")
    if not (case == "scope" and role in (R.DISTRICT_REGULATOR, R.OTHER_DEPARTMENT))
]


def _waiting_penalty() -> pl.DataFrame:
    """A penalty of an operator not collected yet (its own decision number: the world's penalty has the first)."""
    return frames.penalties([UNKNOWN]).with_columns(pl.lit("渝江北市监罚〔2025〕77号").alias("decision_no"))


def _refusals() -> int:
    return AuditEvent.objects.filter(action="refused", success=False).count()


@pytest.mark.parametrize(("role", "case"), MATRIX)
def test_scope_matrix_api_import(world, role, case):
    kind, source, record = _case(role, case, world)
    client = Client()
    client.force_login(world["users"][role])
    before, refusals = _snapshot(), _refusals()
    response = client.post(
        f"/api/v1/imports/{kind}", {"source": source, "records": [record]}, content_type="application/json"
    )
    assert response.status_code in (400, 403, 404), response.content
    assert _snapshot() == before
    assert _refusals() > refusals


@pytest.mark.parametrize(("role", "case"), MATRIX)
def test_scope_matrix_upload_page(world, role, case, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    kind, source, record = _case(role, case, world)
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(_csv([record]))
    client = Client()
    client.force_login(world["users"][role])
    before, refusals = _snapshot(), _refusals()
    with path.open("rb") as fh:
        client.post(reverse("office:import_upload"), {"kind": kind, "source": source, "file": fh})
    assert _snapshot() == before
    assert _refusals() > refusals


# Review queue: a record waiting for its operator (queued by the district's import) attached by hand. "scope": to an
# operator outside the role's streets; "kind": a waiting inspection attached by a role that writes no inspections.
REVIEW_MATRIX = [
    (role, case)
    for role in ROLES
    for case in ("scope", "kind")
    if not (role == R.DISTRICT_REGULATOR or (role == R.STATION_REGULATOR and case == "kind"))
]


@pytest.mark.parametrize(("role", "case"), REVIEW_MATRIX)
def test_scope_matrix_review_queue_attach(world, role, case):
    if case == "scope":
        services.records_write(kind="penalties", frame=_waiting_penalty(), source_name=ENFORCEMENT)
        target = world["outside"]
    else:
        services.records_write(kind="inspections", frame=frames.inspections([UNKNOWN], prefix="Q"), source_name=CHECKS)
        target = world["inside"]
    pending = PendingRecord.objects.get()
    client = Client()
    client.force_login(world["users"][role])
    before, refusals = _snapshot(), _refusals()
    client.post(reverse("office:review_attach", args=[pending.pk]), {"uscc": target})
    assert _snapshot() == before
    assert PendingRecord.objects.get().status == PendingRecord.Status.WAITING
    assert _refusals() > refusals


def test_scope_matrix_command_line_source_kinds(world, tmp_path):
    """The server's operator writes district-wide, but a source still writes only the kinds registered for it."""
    path = tmp_path / "penalties.csv"
    path.write_bytes(_csv([_penalty(world["inside"])]))
    before, refusals = _snapshot(), _refusals()
    with pytest.raises(CommandError):
        call_command("import_records", str(path), kind="penalties", source=CHECKS, verbosity=0)
    assert _snapshot() == before
    assert _refusals() > refusals


def test_district_regulator_writes_both_streets_through_a_registered_source(world):
    client = Client()
    client.force_login(world["users"][R.DISTRICT_REGULATOR])
    records = [
        _penalty(world["inside"], no="渝江北罚〔2026〕1号"),
        _penalty(world["outside"], no="渝江北罚〔2026〕2号"),
    ]
    response = client.post(
        "/api/v1/imports/penalties", {"source": ENFORCEMENT, "records": records}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert Penalty.objects.filter(decision_no__startswith="渝江北罚〔2026〕").count() == 2


def test_station_imports_records_of_its_own_streets(world):
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    response = client.post(
        "/api/v1/imports/penalties",
        {"source": ENFORCEMENT, "records": [_penalty(world["inside"])]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Penalty.objects.filter(decision_no="渝江北罚〔2026〕9号").exists()


# --- the penetration test's examples ------------------------------------------------------------------------------


def _operator_record(uscc: str, *, street: str, name: str = "改名后的公司", phone: str = "") -> dict:
    return {
        "uscc": uscc,
        "name": name,
        "legal_rep": "李四",
        "address": f"重庆市江北区{street}某路1号",
        "street": street,
        "sector": "餐饮",
        "business_type": "小型餐馆",
        "registered_on": "2020-01-01",
        "status": "存续",
        "new_business_form": "否",
        "phone": phone,
    }


def _post(client: Client, kind: str, source: str, records: list[dict]):
    return client.post(
        f"/api/v1/imports/{kind}", {"source": source, "records": records}, content_type="application/json"
    )


def test_station_cannot_overwrite_an_operator_outside_its_streets(world):
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    before = Operator.objects.get(uscc=world["outside"])
    response = _post(client, "operators", REGISTRY, [_operator_record(world["outside"], street=OUT)])
    assert response.status_code in (400, 404)
    after = Operator.objects.get(uscc=world["outside"])
    assert (after.name, after.legal_rep, after.address, after.phone) == (
        before.name,
        before.legal_rep,
        before.address,
        before.phone,
    )
    if response.status_code == 400:
        error = response.json()["errors"][0]
        assert (error["row"], error["field"], error["code"]) == (1, "uscc", "scope.out_of_scope")


def test_station_cannot_pull_an_operator_into_its_streets(world):
    station = world["users"][R.STATION_REGULATOR]
    client = Client()
    client.force_login(station)
    response = _post(client, "operators", REGISTRY, [_operator_record(world["outside"], street=IN)])
    assert response.status_code in (400, 404)
    assert Operator.objects.get(uscc=world["outside"]).street == OUT
    assert not operator_scope(for_user=station).filter(uscc=world["outside"]).exists()


def test_station_cannot_move_its_operator_to_another_street(world):
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    response = _post(client, "operators", REGISTRY, [_operator_record(world["inside"], street=OTHER_HELD)])
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["row"], error["field"], error["code"]) == (1, "street", "scope.street_move_not_allowed")
    assert Operator.objects.get(uscc=world["inside"]).street == IN


def test_station_cannot_create_an_operator_in_a_street_it_does_not_hold(world):
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    response = _post(client, "operators", REGISTRY, [_operator_record(frames.uscc(40), street=OUT)])
    assert response.status_code == 400
    assert not Operator.objects.filter(uscc=frames.uscc(40)).exists()


def test_district_moves_an_operator_to_another_street(world):
    client = Client()
    client.force_login(world["users"][R.DISTRICT_REGULATOR])
    response = _post(client, "operators", REGISTRY, [_operator_record(world["inside"], street=OUT)])
    assert response.status_code == 201, response.content
    assert Operator.objects.get(uscc=world["inside"]).street == OUT


def test_other_department_cannot_revoke_a_food_licence_and_nothing_reaches_the_public(world):
    client = Client()
    client.force_login(world["users"][R.OTHER_DEPARTMENT])
    record = _penalty(world["inside"], no="发改价罚〔2026〕1号", kinds="罚款、吊销许可证件", amount="500000")
    response = _post(client, "penalties", NDRC_SYSTEM, [record])
    assert response.status_code in (400, 403)
    assert not Penalty.objects.filter(decision_no="发改价罚〔2026〕1号").exists()
    public = Client().get(f"/api/v1/public/operators/{world['inside']}")
    assert public.status_code == 200
    assert "发改价罚" not in public.content.decode()
    assert AuditEvent.objects.filter(action="refused", actor=world["users"][R.OTHER_DEPARTMENT]).exists()


def test_other_department_cannot_report_through_the_bureaus_source(world):
    client = Client()
    client.force_login(world["users"][R.OTHER_DEPARTMENT])
    response = _post(client, "penalties", ENFORCEMENT, [_penalty(world["inside"], no="发改价罚〔2026〕2号")])
    assert response.status_code == 403
    assert response.json()["code"] == "scope.source_not_own"
    assert not Penalty.objects.filter(decision_no="发改价罚〔2026〕2号").exists()


def test_other_department_imports_its_own_penalty(world):
    client = Client()
    client.force_login(world["users"][R.OTHER_DEPARTMENT])
    response = _post(client, "penalties", NDRC_SYSTEM, [_penalty(world["outside"], no="发改价罚〔2026〕3号")])
    assert response.status_code == 201, response.content
    assert Penalty.objects.get(decision_no="发改价罚〔2026〕3号").source.name == NDRC_SYSTEM


def test_station_record_for_an_unknown_operator_is_refused_not_queued(world):
    """A station cannot tell an unknown operator from one outside its streets (404, not a leak), and a queued record
    would attach wherever the operator arrives: its records need an operator of its streets."""
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    response = _post(client, "penalties", ENFORCEMENT, [_penalty(UNKNOWN)])
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "scope.out_of_scope"
    assert not PendingRecord.objects.exists()


def test_station_attaches_a_waiting_record_to_an_operator_of_its_streets(world):
    services.records_write(kind="penalties", frame=_waiting_penalty(), source_name=ENFORCEMENT)
    pending = PendingRecord.objects.get()
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    client.post(reverse("office:review_attach", args=[pending.pk]), {"uscc": world["inside"]})
    assert PendingRecord.objects.get().status == PendingRecord.Status.ATTACHED


def test_command_line_registers_an_unknown_source_for_its_kind_and_says_so(world, tmp_path, capsys):
    path = tmp_path / "penalties.csv"
    path.write_bytes(_csv([_penalty(world["inside"], no="渝江北罚〔2026〕5号")]))
    call_command("import_records", str(path), kind="penalties", source="新执法系统", verbosity=1)
    assert "新执法系统" in capsys.readouterr().out
    assert Penalty.objects.filter(decision_no="渝江北罚〔2026〕5号").exists()
    registered = AuditEvent.objects.filter(action="register", object_type="source").last()
    assert registered is not None and registered.changes["kinds"] == [[], ["penalties"]]


# --- finding 6: the job's GET, and idempotency per user -----------------------------------------------------------


def test_api_import_job_get_is_reachable(world):
    client = Client()
    client.force_login(world["users"][R.DISTRICT_REGULATOR])
    job = _post(client, "penalties", ENFORCEMENT, [_penalty(world["inside"])]).json()
    response = client.get(f"/api/v1/imports/{job['id']}")
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["kind"]) == (job["id"], "penalties")


def test_api_import_job_get_is_404_for_another_departments_job(world):
    client = Client()
    client.force_login(world["users"][R.OTHER_DEPARTMENT])
    job = _post(client, "penalties", NDRC_SYSTEM, [_penalty(world["outside"], no="发改价罚〔2026〕4号")]).json()
    client.force_login(world["users"][R.STATION_REGULATOR])
    assert client.get(f"/api/v1/imports/{job['id']}").status_code == 404


def test_api_import_idempotency_is_per_user(world):
    first, second = Client(), Client()
    district = world["users"][R.DISTRICT_REGULATOR]
    station = world["users"][R.STATION_REGULATOR]
    first.force_login(district)
    second.force_login(station)
    body = [_penalty(world["inside"])]
    job_a = _post(first, "penalties", ENFORCEMENT, body).json()
    response = _post(second, "penalties", ENFORCEMENT, body)
    job_b = response.json()
    assert job_b["id"] != job_a["id"]
    assert job_b["repeated"] is False
    again = _post(second, "penalties", ENFORCEMENT, body).json()
    assert (again["id"], again["repeated"]) == (job_b["id"], True)


def test_api_import_idempotency_is_per_user_across_scopes(world):
    """Another user's re-post of an out-of-scope batch gets its own refusal, never the first user's job."""
    district, station = Client(), Client()
    district.force_login(world["users"][R.DISTRICT_REGULATOR])
    station.force_login(world["users"][R.STATION_REGULATOR])
    body = [_penalty(world["outside"])]
    assert _post(district, "penalties", ENFORCEMENT, body).status_code == 201
    response = _post(station, "penalties", ENFORCEMENT, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "scope.out_of_scope"


def test_scope_refusal_row_names_the_row_field_and_reason_in_a_file(world, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = tmp_path / "p.csv"
    path.write_bytes(
        _csv(
            [_penalty(world["inside"], no="渝江北罚〔2026〕7号"), _penalty(world["outside"], no="渝江北罚〔2026〕8号")]
        )
    )
    station = world["users"][R.STATION_REGULATOR]
    job, _ran = services.import_file(
        kind="penalties", source_name=ENFORCEMENT, path=path, file_name="p.csv", skip_bad_rows=False, actor=station
    )
    assert job.status == "failed"
    assert [(e["row"], e["field"], e["code"]) for e in job.errors] == [(3, "uscc", "scope.out_of_scope")]
    assert not Penalty.objects.filter(decision_no__in=["渝江北罚〔2026〕7号", "渝江北罚〔2026〕8号"]).exists()
    job, _ran = services.import_file(
        kind="penalties", source_name=ENFORCEMENT, path=path, file_name="p.csv", skip_bad_rows=True, actor=station
    )
    assert list(
        Penalty.objects.filter(decision_no__startswith="渝江北罚〔2026〕").values_list("decision_no", flat=True)
    ) == ["渝江北罚〔2026〕7号"]
    assert date(2026, 1, 5) == Penalty.objects.get(decision_no="渝江北罚〔2026〕7号").decided_on


def test_refused_api_import_leaves_no_job_for_a_role_that_imports_nothing(world):
    client = Client()
    client.force_login(world["users"][R.BUSINESS])
    response = _post(client, "inspections", CHECKS, [_inspection(world["inside"])])
    assert response.status_code in (403, 404)
    refusal = AuditEvent.objects.filter(action="refused").last()
    assert refusal is not None and refusal.actor == world["users"][R.BUSINESS]
    assert json.dumps(refusal.changes, ensure_ascii=False).count("scope.") >= 1


def test_a_batch_refused_by_scope_runs_again_once_the_scope_allows_it(world):
    """A refused job is not 'imported before': after the district gives the station the street, the same post runs."""
    station = world["users"][R.STATION_REGULATOR]
    client = Client()
    client.force_login(station)
    body = [_penalty(world["outside"], no="渝江北罚〔2026〕11号")]
    refused = _post(client, "penalties", ENFORCEMENT, body)
    assert refused.status_code == 400 and refused.json()["error_code"] == "scope.out_of_scope"
    station.department.streets = [IN, OTHER_HELD, OUT]
    station.department.save()
    again = _post(client, "penalties", ENFORCEMENT, body)
    assert again.status_code == 201 and again.json()["id"] != refused.json()["id"]
    assert Penalty.objects.filter(decision_no="渝江北罚〔2026〕11号").exists()


@pytest.mark.parametrize("kind", ["penalties", "inspections"])
def test_station_cannot_take_over_a_record_of_an_operator_outside_its_streets_by_its_key(world, kind):
    """A record is identified by its key (decision number; source and id): a station re-sending an existing record
    of a 五里店 operator with its own operator's USCC would move that record off the other operator's file."""
    district, station = Client(), Client()
    district.force_login(world["users"][R.DISTRICT_REGULATOR])
    station.force_login(world["users"][R.STATION_REGULATOR])
    if kind == "penalties":
        source, record = ENFORCEMENT, _penalty(world["outside"], no="渝江北罚〔2026〕21号")
        model, key = Penalty, {"decision_no": "渝江北罚〔2026〕21号"}
    else:
        source, record = CHECKS, {**_inspection(world["outside"]), "source_id": "S-21"}
        model, key = Inspection, {"source_ref": "S-21"}
    assert _post(district, kind, source, [record]).status_code == 201
    response = _post(station, kind, source, [{**record, "uscc": world["inside"]}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "scope.out_of_scope"
    assert model.objects.get(**key).operator.uscc == world["outside"]


def test_other_department_cannot_rewrite_the_bureaus_record_through_its_own_source(world):
    """Another department writes only what it issues: re-sending the bureau's decision number through its own
    source (same operator, another amount) would rewrite the bureau's penalty."""
    district, ndrc = Client(), Client()
    district.force_login(world["users"][R.DISTRICT_REGULATOR])
    ndrc.force_login(world["users"][R.OTHER_DEPARTMENT])
    record = _penalty(world["inside"], no="渝江北罚〔2026〕31号", amount="500")
    assert _post(district, "penalties", ENFORCEMENT, [record]).status_code == 201
    response = _post(ndrc, "penalties", NDRC_SYSTEM, [{**record, "amount": "90000"}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "decision_no"
    assert str(Penalty.objects.get(decision_no="渝江北罚〔2026〕31号").amount) == "500.00"


@pytest.mark.parametrize("kind", ["licences", "inspections", "sampling", "penalties", "complaints"])
def test_station_writes_every_record_kind_for_its_streets_only(world, kind):
    """The class of fault, kind by kind: each record kind of the exchange format, on the operator outside the
    station's streets (refused, nothing written, audited) and on its own (written)."""
    from .test_validate import complaint, licence, penalty, sampling

    services.source_register(name="综合执法系统", kinds=[kind], actor=None)
    build = {
        "licences": licence,
        "sampling": sampling,
        "penalties": penalty,
        "complaints": complaint,
        "inspections": lambda i, **v: {**_inspection(""), "source_id": f"S-{i}", **v},
    }[kind]
    client = Client()
    client.force_login(world["users"][R.STATION_REGULATOR])
    before, refusals = _snapshot(), _refusals()
    outside = _post(client, kind, "综合执法系统", [build(41, uscc=world["outside"])])
    assert outside.status_code == 400 and outside.json()["errors"][0]["code"] == "scope.out_of_scope"
    assert _snapshot() == before and _refusals() == refusals + 1
    inside = _post(client, kind, "综合执法系统", [build(42, uscc=world["inside"])])
    assert inside.status_code == 201, inside.content
    assert inside.json()["new"] == 1
