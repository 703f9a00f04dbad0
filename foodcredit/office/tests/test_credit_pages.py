"""The credit pages of the back office: each write the credit API offers has a form that calls the same service —
the API call and the form submission leave the same audit action — every page answers 404 outside the user's
scope (station: other streets; other department; business: other operators), and rows are scoped."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit import services
from foodcredit.credit.models import CaseStudy, Commitment, ListEntry, RepairApplication
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests.imported import decision_no_of, penalty_import
from foodcredit.risk import selectors as risk_selectors
from foodcredit.risk import services as risk_services
from foodcredit.risk.tests.factories import run_make

pytestmark = pytest.mark.django_db
R = User.Role
L = ListEntry
DOMAIN_TYPES = {
    "list_entry",
    "repair_application",
    "commitment",
    "person_ban",
    "case_study",
    "penalty",
    "risk_override",
    "violation_type",
    "violation_mapping",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-03-20 10:00 +0800", tick=False):
        yield


@pytest.fixture
def world():
    own = f.OperatorFactory(name="观音桥火锅店")
    own2 = f.OperatorFactory(name="观音桥小面馆")
    other = f.OperatorFactory(name="五里店超市", street="五里店街道", address="重庆市江北区五里店街道五简路2号")
    dept = f.DepartmentFactory(name="江北区市场监管局")
    return {
        "own": own,
        "own2": own2,
        "other": other,
        "district": f.UserFactory(role=R.DISTRICT_REGULATOR, department=dept),
        "station": f.UserFactory(role=R.STATION_REGULATOR, department=f.DepartmentFactory(streets=["观音桥街道"])),
        "business": f.UserFactory(role=R.BUSINESS, operator_usccs=[own.uscc, own2.uscc]),
        "ndrc": f.UserFactory(role=R.OTHER_DEPARTMENT, department=f.DepartmentFactory(kind="development_reform")),
    }


def actions(run) -> set[tuple[str, str]]:
    """The (action, object type) of the domain audit rows `run()` leaves."""
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = run()
    assert response.status_code in (200, 201, 302), response.content.decode()[:2000]
    return set(
        AuditEvent.objects.filter(pk__gt=last, object_type__in=DOMAIN_TYPES, success=True).values_list(
            "action", "object_type"
        )
    )


def api(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}, ensure_ascii=False), content_type="application/json", **headers)


def heavy(operator, on=date(2025, 3, 10)):
    return penalty_import(operator, on=on)


def proposal(operator, actor, *, status=L.Status.PROPOSED):
    entry = heavy(operator)
    listing = services.serious_list_propose(
        operator=operator,
        penalty_entry=entry,
        serious_reasons="情节严重",
        no_intent_proven=False,
        notice_served_on=date(2025, 3, 12),
        hearing_requested=False,
        legal_basis="总局令第44号第五条",
        department="江北区市场监管局",
        restriction_until=None,
        actor=actor,
        penalty_decision_no=decision_no_of(entry),
    )
    if listing.status == L.Status.AWAITING_APPROVAL and status != L.Status.AWAITING_APPROVAL:
        listing = services.serious_list_approve(
            entry=listing, approved_on=date(2025, 3, 18), approved_by="市局", actor=actor
        )
    if status == L.Status.LISTED:
        listing = services.serious_list_decide(
            entry=listing, decision_no="列严1号", decided_on=date(2025, 3, 20), actor=actor
        )
    return listing


# --- the same audit action from the API and from the form -----------------------------------------------------------


def test_serious_list_steps_audit_the_same_from_api_and_form(client, world, settings):
    settings.SERIOUS_LIST_UPPER_APPROVAL_REQUIRED = True
    district, own, own2 = world["district"], world["own"], world["own2"]
    client.force_login(district)
    a, b = heavy(own), heavy(own2)
    body = {
        "serious_reasons": "情节严重",
        "notice_served_on": "2026-03-20",
        "legal_basis": "总局令第44号第五条",
        "department": "江北区市场监管局",
    }
    via_api = actions(
        lambda: api(
            client,
            "/api/v1/lists/serious/proposals",
            {**body, "uscc": own.uscc, "penalty_decision_no": decision_no_of(a)},
        )
    )
    via_form = actions(lambda: client.post(f"/office/lists/candidates/{b.pk}/propose/", body))
    assert via_api == via_form == {("propose", "list_entry")}
    first, second = ListEntry.objects.order_by("pk")
    steps = [
        ("approve", {"approved_on": "2026-03-20", "approved_by": "市局"}, {("approve", "list_entry")}),
        ("decide", {"decision_no": "列严1号", "decided_on": "2026-03-20"}, {("list", "list_entry")}),
        ("remove", {"reason": "deregistered", "removed_on": "2026-03-20"}, {("remove", "list_entry")}),
    ]
    for action, values, expected in steps:
        via_api = actions(lambda: api(client, f"/api/v1/lists/{first.pk}/{action}", values))  # noqa: B023
        form = {f"{action}-{k}": v for k, v in values.items()}
        via_form = actions(lambda: client.post(f"/office/lists/{second.pk}/{action}/", form))  # noqa: B023
        assert via_api == via_form == expected, action


def test_drop_and_abnormal_listing_audit_the_same(client, world):
    district = world["district"]
    client.force_login(district)
    first, second = proposal(world["own"], district), proposal(world["own2"], district)
    via_api = actions(lambda: api(client, f"/api/v1/lists/{first.pk}/drop", {"reason": "无主观故意"}))
    via_form = actions(lambda: client.post(f"/office/lists/{second.pk}/drop/", {"drop-reason": "无主观故意"}))
    assert via_api == via_form == {("drop", "list_entry")}
    body = {
        "cause": "unreachable",
        "legal_basis": "《企业信息公示暂行条例》第十七条",
        "decision_no": "异1号",
        "decided_on": "2026-03-20",
        "department": "江北区市场监管局",
    }
    via_api = actions(lambda: api(client, "/api/v1/lists/abnormal", {**body, "uscc": world["own"].uscc}))
    via_form = actions(lambda: client.post("/office/lists/abnormal/new/", {**body, "uscc": world["own2"].uscc}))
    assert via_api == via_form == {("list", "list_entry")}


def test_repair_writes_audit_the_same(client, world):
    own, own2, business, district = world["own"], world["own2"], world["business"], world["district"]
    a = penalty_import(own, on=date(2025, 3, 10), kinds=("罚款",), circumstance="一般")
    b = penalty_import(own2, on=date(2025, 3, 10), kinds=("罚款",), circumstance="一般")
    body = {"target": "penalty", "commitment": "守信承诺", "evidence": "缴款凭证"}
    client.force_login(business)
    via_api = actions(
        lambda: api(
            client, "/api/v1/repair-applications", {**body, "uscc": own.uscc, "penalty_decision_no": decision_no_of(a)}
        )
    )
    via_form = actions(
        lambda: client.post(
            "/office/repairs/new/", {**body, "uscc": own2.uscc, "penalty_decision_no": decision_no_of(b)}
        )
    )
    assert via_api == via_form == {("submit", "repair_application")}
    first, second = RepairApplication.objects.order_by("pk")
    assert first.status == second.status == RepairApplication.Status.SUBMITTED
    client.force_login(district)
    via_api = actions(lambda: api(client, f"/api/v1/repair-applications/{first.pk}/accept"))
    via_form = actions(lambda: client.post(f"/office/repairs/{second.pk}/accept/"))
    assert via_api == via_form == {("accept", "repair_application")}
    via_api = actions(
        lambda: api(client, f"/api/v1/repair-applications/{first.pk}/decide", {"granted": False, "note": "证明不足"})
    )
    via_form = actions(lambda: client.post(f"/office/repairs/{second.pk}/deny/", {"note": "证明不足"}))
    assert via_api == via_form == {("deny", "repair_application")}


def test_commitment_writes_audit_the_same(client, world):
    own, own2 = world["own"], world["own2"]
    client.force_login(world["business"])
    body = {"kind": "registration", "text": "本单位承诺所填信息真实有效"}
    via_api = actions(lambda: api(client, "/api/v1/commitments", {**body, "uscc": own.uscc}))
    via_form = actions(lambda: client.post("/office/commitments/new/", {**body, "uscc": own2.uscc}))
    assert via_api == via_form == {("create", "commitment")}
    first, second = Commitment.objects.order_by("pk")
    client.force_login(world["district"])
    via_api = actions(lambda: api(client, f"/api/v1/commitments/{first.pk}/verify", {"verification": "false"}))
    via_form = actions(lambda: client.post(f"/office/commitments/{second.pk}/", {"verification": "false"}))
    assert via_api == via_form == {("verify", "commitment")}
    second.refresh_from_db()
    assert second.verification == Commitment.Verification.FALSE


def test_ban_case_revocation_and_override_writes_audit_the_same(client, world):
    own, own2, district = world["own"], world["own2"], world["district"]
    client.force_login(district)
    ban = {
        "name": "王某",
        "basis": "licence_revoked",
        "decision_no": "渝江北市监罚〔2025〕9号",
        "decided_on": "2025-06-01",
        "department": "江北区市场监管局",
    }
    via_api = actions(lambda: api(client, "/api/v1/person-bans", {**ban, "id_number": "500105199001011234"}))
    via_form = actions(lambda: client.post("/office/bans/new/", {**ban, "id_number": "500105199001021230"}))
    assert via_api == via_form == {("create", "person_ban")}
    case = {"title": "某火锅店添加罂粟壳案", "body": "经查，当事人在火锅底料中添加罂粟壳。"}
    via_api = actions(lambda: api(client, "/api/v1/cases", case))
    via_form = actions(lambda: client.post("/office/cases/new/", case))
    assert via_api == via_form == {("publish", "case_study")}
    first, second = CaseStudy.objects.order_by("pk")
    via_api = actions(lambda: api(client, f"/api/v1/cases/{first.pk}/withdraw"))
    via_form = actions(lambda: client.post(f"/office/cases/{second.pk}/withdraw/"))
    assert via_api == via_form == {("withdraw", "case_study")}
    a, b = heavy(own), heavy(own2)
    via_api = actions(
        lambda: api(
            client,
            "/api/v1/penalty-revocations",
            {"uscc": own.uscc, "penalty_decision_no": decision_no_of(a), "revoked_on": "2026-03-20"},
        )
    )
    via_form = actions(
        lambda: client.post(
            f"/office/operators/{own2.uscc}/penalties/{b.pk}/revoke/", {f"{b.pk}-revoked_on": "2026-03-20"}
        )
    )
    assert via_api == via_form == {("revoke", "penalty")}
    run_make(date(2026, 3, 1), [(own, "B"), (own2, "B")])
    override = {"risk_class": "C", "reason": "近期多次投诉，加强检查", "days": 90}
    api_override = actions(lambda: api(client, f"/api/v1/risk/operators/{own.uscc}/override", override))
    form_override = actions(lambda: client.post(f"/office/operators/{own2.uscc}/overrides/", override))
    assert ("override", "risk_override") in api_override and api_override == form_override
    first, second = (risk_selectors.overrides_of(operator_id=o.pk).get() for o in (own, own2))
    via_api = actions(lambda: api(client, f"/api/v1/risk/operators/{own.uscc}/overrides/{first.pk}/revoke"))
    via_form = actions(lambda: client.post(f"/office/operators/{own2.uscc}/overrides/{second.pk}/revoke/"))
    assert via_api == via_form == {("revoke", "risk_override")}


# --- scope: 404 outside it, per role ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["station", "ndrc", "business"])
def test_object_pages_answer_404_outside_scope(client, world, role):
    other, district = world["other"], world["district"]
    candidate = heavy(other)
    listing = proposal(other, district)
    commitment = services.commitment_record(
        operator=other, kind="registration", made_on=date(2026, 3, 1), text="承诺", actor=None
    )
    override = risk_services.class_override(
        operator=other, risk_class="C", reason="理由", valid_from=date(2026, 3, 1), days=30, actor=district
    )
    client.force_login(world[role])
    pages = [
        ("get", f"/office/lists/{listing.pk}/"),
        ("post", f"/office/lists/{listing.pk}/decide/"),
        ("get", f"/office/lists/candidates/{heavy(other).pk}/propose/"),
        ("get", f"/office/operators/{other.uscc}/overrides/"),
        ("post", f"/office/operators/{other.uscc}/overrides/{override.pk}/revoke/"),
        ("get", f"/office/operators/{other.uscc}/penalties/"),
        ("post", f"/office/operators/{other.uscc}/penalties/{candidate.pk}/revoke/"),
        ("get", f"/office/commitments/{commitment.pk}/"),
    ]
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("role", ["station", "ndrc", "business"])
def test_violation_pages_are_the_districts(client, world, role):
    call_command("violation_types_load", stdout=StringIO())
    client.force_login(world[role])
    for url in ["/office/violations/new/", "/office/violations/FSL124-EXPIRED/", "/office/violations/queue/map/"]:
        assert client.get(url).status_code == 404, url


def test_a_station_reads_its_streets_and_cannot_decide(client, world):
    district, station = world["district"], world["station"]
    own_listing = proposal(world["own"], district)
    proposal(world["other"], district)
    client.force_login(station)
    lists = client.get("/office/lists/").content.decode()
    assert world["own"].name in lists and world["other"].name not in lists
    assert client.get(f"/office/lists/{own_listing.pk}/").status_code == 200
    before = AuditEvent.objects.filter(object_type="list_entry").count()
    response = client.post(
        f"/office/lists/{own_listing.pk}/decide/", {"decide-decision_no": "1", "decide-decided_on": "2026-03-20"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(object_type="list_entry").count() == before


def test_list_pages_export_what_they_show(client, world):
    district = world["district"]
    heavy(world["own"])
    client.force_login(district)
    page = client.get("/office/lists/candidates/")
    assert page.status_code == 200 and "共 1 条" in page.content.decode()
    export = client.get("/office/lists/candidates/?_export=csv")
    assert export.status_code == 200 and world["own"].uscc in export.content.decode("utf-8-sig")
    for url in [
        "/office/lists/",
        "/office/commitments/",
        "/office/cases/",
        "/office/bans/",
        "/office/violations/",
        "/office/violations/queue/",
        "/office/lists/abnormal/new/",
        "/office/cases/new/",
        "/office/bans/new/",
        f"/office/operators/{world['own'].uscc}/overrides/",
        f"/office/operators/{world['own'].uscc}/penalties/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_refused_proposal_says_which_condition_fails(client, world):
    district = world["district"]
    light = penalty_import(
        world["own"], on=date(2025, 3, 10), kinds=("罚款",), amount=Decimal("5000"), circumstance="一般"
    )
    client.force_login(district)
    response = client.post(
        f"/office/lists/candidates/{light.pk}/propose/",
        {
            "serious_reasons": "情节严重",
            "notice_served_on": "2026-03-20",
            "legal_basis": "总局令第44号第五条",
            "department": "江北区市场监管局",
        },
    )
    assert response.status_code == 400
    assert "不是较重行政处罚" in response.content.decode()
    assert not ListEntry.objects.exists()


def test_a_business_reads_its_own_commitment_and_cannot_verify_it(client, world):
    own = services.commitment_record(
        operator=world["own"],
        kind="registration",
        made_on=date(2026, 3, 1),
        text="本单位承诺信息真实",
        actor=world["business"],
    )
    client.force_login(world["business"])
    page = client.get(f"/office/commitments/{own.pk}/")
    assert page.status_code == 200 and "本单位承诺信息真实" in page.content.decode()
    assert "记录核查结果" not in page.content.decode()
    assert client.post(f"/office/commitments/{own.pk}/", {"verification": "kept"}).status_code == 403
    own.refresh_from_db()
    assert own.verification == Commitment.Verification.PENDING


def test_a_form_submitted_twice_files_once(client, world):
    """The token rendered with the form: a double click or a resent POST records one commitment, one application."""
    own = world["own"]
    client.force_login(world["business"])
    page = client.get("/office/commitments/new/").content.decode()
    token = page.split('name="idempotency_key" value="')[1].split('"')[0]
    body = {"idempotency_key": token, "uscc": own.uscc, "kind": "registration", "text": "本单位承诺信息真实"}
    assert [client.post("/office/commitments/new/", body).status_code for _ in range(2)] == [302, 302]
    assert Commitment.objects.filter(operator=own).count() == 1
    a = penalty_import(own, on=date(2025, 3, 10), kinds=("罚款",), circumstance="一般")
    repair = {
        "idempotency_key": "tok-1",
        "uscc": own.uscc,
        "target": "penalty",
        "commitment": "守信承诺",
        "evidence": "缴款凭证",
        "penalty_decision_no": decision_no_of(a),
    }
    assert [client.post("/office/repairs/new/", repair).status_code for _ in range(2)] == [302, 302]
    assert RepairApplication.objects.filter(operator=own).count() == 1


def test_the_commitment_api_replays_an_idempotency_key(client, world):
    client.force_login(world["business"])
    body = {"uscc": world["own"].uscc, "kind": "registration", "text": "本单位承诺信息真实"}
    first = api(client, "/api/v1/commitments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api(client, "/api/v1/commitments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    other = api(client, "/api/v1/commitments", body, HTTP_IDEMPOTENCY_KEY="k-2")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"] != other.json()["id"]
    assert AuditEvent.objects.filter(object_type="commitment", action="create").count() == 2
