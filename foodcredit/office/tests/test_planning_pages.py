"""Planning pages: the inspector directory, the plan wizard → commit → draw → review → publish, assignment of an
unassigned task, the inspector's result on the credit file. Every state change made in the browser is an audit row
with the same action as the API's; every page answers 404 outside the caller's scope."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests.factories import DepartmentFactory, UserFactory, make_uscc, operator_register
from foodcredit.inspections import services as inspection_services
from foodcredit.inspections.models import Inspector
from foodcredit.planning import selectors, services
from foodcredit.planning.models import InspectorConflict, Plan, Task

pytestmark = pytest.mark.django_db
API = "/api/v1/planning"
STATION_STREETS = ["五里店街道"]


def inspector_ready(n: int, *, sectors=("catering", "circulation", "production")) -> Inspector:
    """An inspector as the back office makes one: added by 执法证号, verified, qualified."""
    inspector = inspection_services.inspector_add(
        cert_no=f"5001052024{n:04d}", name=f"检查员{n}", department_code="jb-samr", actor=None
    )
    inspection_services.inspector_verify(inspector=inspector, name=inspector.name, actor=None)
    services.inspector_profile_set(inspector=inspector, sectors=list(sectors), available=True, actor=None)
    return inspector


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    operators = [
        operator_register(uscc=make_uscc(700 + i), street="五里店街道" if i % 2 else "观音桥街道") for i in range(12)
    ]
    inspectors = [inspector_ready(i) for i in range(1, 5)]
    district = UserFactory(role=User.Role.DISTRICT_REGULATOR)
    station = UserFactory(
        role=User.Role.STATION_REGULATOR, department=DepartmentFactory(code="jb-samr-wld", streets=STATION_STREETS)
    )
    business = UserFactory(role=User.Role.BUSINESS, operator_usccs=[operators[0].uscc])
    return {
        "operators": operators,
        "inspectors": inspectors,
        "district": district,
        "station": station,
        "business": business,
    }


def actions(object_type: str, object_id: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_plan_wizard_commit_draw_review_publish_through_the_pages(client, world):
    client.force_login(world["district"])
    today = timezone.localdate()
    assert client.get("/office/planning/plans/new/").status_code == 200
    response = client.post(
        "/office/planning/plans/new/",
        {
            "name": "第四季度双随机抽查",
            "period_start": today,
            "period_end": today + timedelta(days=60),
            "streets": ["观音桥街道", "五里店街道"],
            "sectors": ["catering"],
            "ratio_a": "0.2",
            "ratio_b": "0.5",
            "ratio_c": "0.5",
            "ratio_d": "1",
            "exclude_inspected_within_days": "0",
            "observation_months": "12",
            "inspectors_per_task": "2",
            "inspector_cap": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = Plan.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert plan.seed_commitment in page and "冻结名录快照并抽取" in page and plan.seed == ""
    client.post(f"/office/planning/plans/{plan.pk}/draw/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAWN and plan.task_count == 6  # 12 class-B operators × 0.5
    review = client.get(f"/office/planning/plans/{plan.pk}/").content.decode()
    assert 'data-verify="ok"' in review and "复核无误，公布计划并下达任务" in review
    client.post(f"/office/planning/plans/{plan.pk}/publish/")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED and selectors.plan_verify(plan=plan).ok
    # The same audit actions as the API's commit, draw and publish.
    assert actions("plan", plan.pk) == ["commit", "snapshot", "draw", "publish"]
    assert client.get(f"{API}/public/plans/{plan.pk}/objects").json()["count"] == 6


def test_api_and_pages_write_the_same_audit_actions(client, world):
    """Each write the planning API offers, done once through the API and once through its page."""
    district = world["district"]
    api_task, page_task = (unassigned_task(world, n) for n in (1, 2))  # before more inspectors join
    client.force_login(district)
    today = timezone.localdate()
    plan_body = {
        "name": "x",
        "period_start": str(today),
        "period_end": str(today + timedelta(days=30)),
        "ratios": {"B": 0.5},
        "inspector_cap": 20,
        "draw": False,
    }
    api_plan = client.post(f"{API}/plans", plan_body, content_type="application/json").json()["id"]
    client.post(f"{API}/plans/{api_plan}/draw")
    client.post(f"{API}/plans/{api_plan}/publish")
    client.post(
        "/office/planning/plans/new/",
        {
            "name": "y",
            "period_start": today,
            "period_end": today + timedelta(days=30),
            "ratio_a": "0",
            "ratio_b": "0.5",
            "ratio_c": "0",
            "ratio_d": "0",
            "exclude_inspected_within_days": "0",
            "observation_months": "12",
            "inspectors_per_task": "2",
            "inspector_cap": "20",
        },
    )
    page_plan = Plan.objects.exclude(pk=api_plan).get().pk
    client.post(f"/office/planning/plans/{page_plan}/draw/")
    client.post(f"/office/planning/plans/{page_plan}/publish/")
    assert actions("plan", api_plan) == actions("plan", page_plan) == ["commit", "snapshot", "draw", "publish"]

    # Inspectors: add, verify, qualifications, a conflict declared and withdrawn.
    api_ins = client.post(
        f"{API}/inspectors", {"cert_no": "500105202400091", "name": "王一"}, content_type="application/json"
    ).json()["id"]
    client.post(f"{API}/inspectors/{api_ins}/verify", {"name": "王一"}, content_type="application/json")
    client.put(f"{API}/inspectors/{api_ins}/profile", {"sectors": ["catering"]}, content_type="application/json")
    uscc = world["operators"][3].uscc
    client.post(
        f"{API}/inspectors/{api_ins}/conflicts", {"uscc": uscc, "kind": "relative"}, content_type="application/json"
    )
    api_conflict = InspectorConflict.objects.get(inspector_id=api_ins)
    client.post(
        f"{API}/inspectors/{api_ins}/conflicts/{api_conflict.pk}/withdraw",
        {"reason": "误报"},
        content_type="application/json",
    )

    response = client.post("/office/planning/inspectors/", {"cert_no": "500105202400092", "name": "王二"})
    page_ins = Inspector.objects.get(cert_no="500105202400092").pk
    assert response["Location"] == f"/office/planning/inspectors/{page_ins}/"
    page = f"/office/planning/inspectors/{page_ins}/"
    client.post(page, {"action": "verify", "name": "王二"})
    client.post(page, {"action": "profile", "sectors": ["catering"], "available": "on"})
    client.post(page, {"action": "conflict", "uscc": uscc, "kind": "relative"})
    page_conflict = InspectorConflict.objects.get(inspector_id=page_ins)
    client.post(page, {"action": "withdraw", "conflict": page_conflict.pk, "reason": "误报"})
    assert actions("inspector", api_ins) == actions("inspector", page_ins) == ["create", "verify"]
    api_profile, page_profile = (Inspector.objects.get(pk=i).planning_profile.pk for i in (api_ins, page_ins))
    assert actions("inspector_profile", api_profile) == actions("inspector_profile", page_profile) == ["create"]
    assert actions("inspector_conflict", api_conflict.pk) == actions("inspector_conflict", page_conflict.pk)
    assert actions("inspector_conflict", page_conflict.pk) == ["create", "delete"]

    # Tasks: assign an unassigned one, reassign, close.
    ids = [i.pk for i in world["inspectors"][:2]]
    other = [i.pk for i in world["inspectors"][2:4]]
    client.post(f"{API}/tasks/{api_task.pk}/assign", {"inspector_ids": ids}, content_type="application/json")
    client.post(
        f"{API}/tasks/{api_task.pk}/assign", {"inspector_ids": other, "reason": "回避"}, content_type="application/json"
    )
    client.post(f"{API}/tasks/{api_task.pk}/close", {"reason": "已注销"}, content_type="application/json")
    url = f"/office/planning/tasks/{page_task.pk}/"
    client.post(url, {"action": "assign", "inspectors": ids})
    client.post(url, {"action": "assign", "inspectors": other, "reason": "回避"})
    client.post(url, {"action": "close", "reason": "已注销"})
    assert actions("planning_task", api_task.pk)[1:] == actions("planning_task", page_task.pk)[1:]
    assert actions("planning_task", page_task.pk)[1:] == ["assign", "reassign", "cancel"]


def unassigned_task(world, n: int) -> Task:
    """A targeted task that waits 待分派: when its trigger fired, every inspector was marked unavailable."""
    sectors = ["catering", "circulation", "production"]
    for inspector in world["inspectors"]:
        services.inspector_profile_set(inspector=inspector, sectors=sectors, available=False, actor=None)
    trigger = services.trigger_create(
        operator=world["operators"][n],
        kind="complaint",
        occurred_on=timezone.localdate(),
        ref_kind="test",
        ref_id=n,
        actor=None,
        as_of=timezone.localdate(),
    )
    for inspector in world["inspectors"]:
        services.inspector_profile_set(inspector=inspector, sectors=sectors, available=True, actor=None)
    task = trigger.task
    assert task.status == Task.Status.UNASSIGNED
    return task


def test_unassigned_task_assigned_then_the_inspector_records_a_result_that_reaches_the_credit_file(client, world):
    task = unassigned_task(world, 4)
    client.force_login(world["district"])
    page = client.get(f"/office/planning/tasks/{task.pk}/").content.decode()
    assert "分派检查人员" in page and "至少选两名" in page
    # One inspector is not enough; a conflicted one is not offered and is refused.
    first, second, third = world["inspectors"][:3]
    response = client.post(f"/office/planning/tasks/{task.pk}/", {"action": "assign", "inspectors": [first.pk]})
    assert response.status_code == 400
    services.inspector_conflict_declare(inspector=third, operator=task.operator, kind="relative", actor=None)
    response = client.post(
        f"/office/planning/tasks/{task.pk}/", {"action": "assign", "inspectors": [first.pk, third.pk]}
    )
    assert response.status_code == 400 and Task.objects.get(pk=task.pk).status == Task.Status.UNASSIGNED
    response = client.post(
        f"/office/planning/tasks/{task.pk}/", {"action": "assign", "inspectors": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == Task.Status.ASSIGNED
    inspector_user = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=first.cert_no)
    client.force_login(inspector_user)
    listing = client.get("/office/planning/tasks/").content.decode()
    assert task.operator.uscc in listing
    response = client.post(
        f"/office/planning/tasks/{task.pk}/",
        {
            "action": "result",
            "result": "nonconform",
            "inspected_on": str(timezone.localdate()),
            "findings": "后厨未落实清洗消毒",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    assert actions("planning_task", task.pk)[-3:] == ["assign", "record_result", "publish_result"]
    client.force_login(world["district"])
    credit_file = client.get(f"/office/operators/{task.operator.uscc}/").content.decode()
    assert "不符合" in credit_file


def test_pages_answer_404_outside_scope(client, world):
    plan = services.plan_create(
        name="p",
        period_start=date(2025, 11, 1),
        period_end=date(2025, 12, 31),
        scope={},
        as_of=date(2025, 11, 1),
        actor=world["district"],
        ratios={"B": 1.0},
        inspector_cap=20,
    )
    far = Task.objects.filter(plan=plan, operator__street="观音桥街道").first()
    near = Task.objects.filter(plan=plan, operator__street="五里店街道").first()
    inspector = world["inspectors"][0]
    # Station regulator: a task outside its streets is 404, one inside is 200.
    client.force_login(world["station"])
    assert client.get(f"/office/planning/tasks/{far.pk}/").status_code == 404
    assert client.post(f"/office/planning/tasks/{far.pk}/", {"action": "close", "reason": "x"}).status_code == 404
    assert client.get(f"/office/planning/tasks/{near.pk}/").status_code == 200
    # Station regulator may read plans, not draw or publish them.
    assert client.post(f"/office/planning/plans/{plan.pk}/publish/").status_code == 403
    # An inspector: another inspector's task is 404; the directory and plans are not theirs.
    mine = Task.objects.filter(plan=plan, inspectors=inspector).first()
    other = Task.objects.filter(plan=plan).exclude(inspectors=inspector).first()
    client.force_login(UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=inspector.cert_no))
    assert client.get(f"/office/planning/tasks/{mine.pk}/").status_code == 200
    assert client.get(f"/office/planning/tasks/{other.pk}/").status_code == 404
    assert client.get(f"/office/planning/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/office/planning/inspectors/{inspector.pk}/").status_code == 404
    # A business user: nothing of planning exists for it.
    client.force_login(world["business"])
    for url in (
        f"/office/planning/tasks/{near.pk}/",
        f"/office/planning/plans/{plan.pk}/",
        f"/office/planning/inspectors/{inspector.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/office/planning/plans/{plan.pk}/draw/").status_code == 404
    assert (
        client.post(f"/office/planning/inspectors/{inspector.pk}/", {"action": "verify", "name": "x"}).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(actor=world["business"], success=True).exclude(action="login").exists()


def test_lists_filter_and_export(client, world):
    for n in (5, 6):
        unassigned_task(world, n)
    client.force_login(world["district"])
    page = client.get("/office/planning/tasks/?status=unassigned").content.decode()
    assert 'data-count="2"' in page
    export = client.get("/office/planning/tasks/?status=unassigned&_export=csv")
    assert export.status_code == 200 and export.content.decode("utf-8-sig").count("\n") == 3
    inspectors = client.get("/office/planning/inspectors/?verified=true").content.decode()
    assert 'data-count="4"' in inspectors
    assert client.get("/office/planning/plans/").status_code == 200


def test_an_oversized_attachment_is_refused_while_the_request_streams(client, world, settings, monkeypatch):
    """The result page's upload is counted as it arrives: past PLANNING_ATTACHMENT_MAX_BYTES nothing more is kept
    (Django's file handlers never see the rest), the page says why, and neither result nor attachment is stored."""
    from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

    settings.PLANNING_ATTACHMENT_MAX_BYTES = 64 * 1024
    stored = {MemoryFileUploadHandler: 0, TemporaryFileUploadHandler: 0}  # bytes each file handler was given
    for handler in stored:
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original, handler=handler):
            stored[handler] += len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    task = unassigned_task(world, 7)
    services.task_assign(task=task, inspector_ids=[i.pk for i in world["inspectors"][:2]], actor=None)
    client.force_login(UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=world["inspectors"][0].cert_no))
    big = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (2 * 1024 * 1024), content_type="image/jpeg")
    response = client.post(
        f"/office/planning/tasks/{task.pk}/",
        {"action": "result", "result": "conform", "inspected_on": str(timezone.localdate()), "attachment": big},
    )
    assert response.status_code == 400 and "附件不能超过" in response.content.decode()
    assert max(stored.values()) <= settings.PLANNING_ATTACHMENT_MAX_BYTES
    assert Task.objects.get(pk=task.pk).status == Task.Status.ASSIGNED and not task.attachments.exists()


def test_the_result_page_still_checks_csrf(world):
    """The page installs its upload cap before the body is read (csrf_exempt outside), then checks CSRF itself."""
    from django.test import Client

    task = unassigned_task(world, 8)
    services.task_assign(task=task, inspector_ids=[i.pk for i in world["inspectors"][:2]], actor=None)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=world["inspectors"][0].cert_no))
    response = browser.post(
        f"/office/planning/tasks/{task.pk}/",
        {"action": "result", "result": "conform", "inspected_on": str(timezone.localdate())},
    )
    assert response.status_code == 403 and Task.objects.get(pk=task.pk).status == Task.Status.ASSIGNED


def test_the_overdue_filter_takes_the_workbench_link(client, world):
    """?overdue=1 (the workbench's link) keeps the tasks whose result was not published within 20 working days."""
    task = unassigned_task(world, 9)
    services.task_assign(task=task, inspector_ids=[i.pk for i in world["inspectors"][:2]], actor=None)
    long_ago = timezone.localdate() - timedelta(days=60)
    services.task_result_record(
        task=task, result="conform", findings="", inspected_on=long_ago, actor=None, as_of=timezone.localdate()
    )
    unassigned_task(world, 10)
    client.force_login(world["district"])
    assert 'data-count="2"' in client.get("/office/planning/tasks/").content.decode()
    assert 'data-count="1"' in client.get("/office/planning/tasks/?overdue=1").content.decode()


def test_a_pasted_roster_adds_inspectors_all_or_nothing(client, world):
    client.force_login(world["district"])
    bad = "500105202400201 赵一\n500105202400202\n"
    response = client.post("/office/planning/inspectors/", {"action": "bulk", "roster": bad})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    taken = f"500105202400203,钱二\n{world['inspectors'][0].cert_no}\t别人\n"  # the second is registered as 检查员1
    response = client.post("/office/planning/inspectors/", {"action": "bulk", "roster": taken})
    assert response.status_code == 400 and "第2行" in response.content.decode()
    assert not Inspector.objects.filter(cert_no__in=["500105202400201", "500105202400203"]).exists()
    roster = "500105202400204，孙三\n500105202400205\t李四\n\n500105202400206 周 五\n"
    response = client.post(
        "/office/planning/inspectors/", {"action": "bulk", "roster": roster, "department_code": "jb"}
    )
    assert response.status_code == 302
    added = Inspector.objects.filter(cert_no__in=["500105202400204", "500105202400205", "500105202400206"])
    assert sorted(added.values_list("name", flat=True)) == ["周 五", "孙三", "李四"]
    assert not added.filter(verified=True).exists()
    assert (
        AuditEvent.objects.filter(
            object_type="inspector", action="create", object_id__in=[str(i.pk) for i in added]
        ).count()
        == 3
    )


def test_revise_and_result_publication_pages_write_the_api_s_audit_actions(client, world):
    district = world["district"]
    plans = [
        services.plan_create(
            name=f"p{n}",
            period_start=date(2025, 11, 1),
            period_end=date(2025, 12, 31),
            scope={},
            as_of=date(2025, 11, 1),
            actor=district,
            ratios={"B": 0.5},
            inspector_cap=20,
        )
        for n in (1, 2)
    ]
    client.force_login(district)
    api = client.post(
        f"{API}/plans/{plans[0].pk}/revise",
        {"reason": "扩大比例", "ratios": {"B": 0.6}},
        content_type="application/json",
    )
    assert api.status_code == 201
    refused = client.post(f"/office/planning/plans/{plans[1].pk}/revise/", {"reason": "", "inspector_cap": "20"})
    assert refused.status_code == 400 and Plan.objects.get(pk=plans[1].pk).status == Plan.Status.PUBLISHED
    form = {
        "reason": "扩大比例",
        "ratio_a": "0",
        "ratio_b": "0.6",
        "ratio_c": "0",
        "ratio_d": "0",
        "inspector_cap": "20",
    }
    page = client.post(f"/office/planning/plans/{plans[1].pk}/revise/", form)
    new = Plan.objects.get(previous=plans[1])
    assert page["Location"] == f"/office/planning/plans/{new.pk}/" and new.status == Plan.Status.PUBLISHED
    assert (
        actions("plan", plans[0].pk)
        == actions("plan", plans[1].pk)
        == [
            "commit",
            "snapshot",
            "draw",
            "publish",
            "supersede",
        ]
    )
    api_new = Plan.objects.get(previous=plans[0])
    assert actions("plan", api_new.pk) == actions("plan", new.pk) == ["commit", "snapshot", "draw", "publish"]

    # A recorded result published later: by the API and by the task page's button.
    api_task, page_task = Task.objects.filter(plan=new)[:2]
    for task in (api_task, page_task):
        services.task_result_record(
            task=task,
            result="conform",
            findings="",
            inspected_on=date(2025, 11, 3),
            actor=None,
            as_of=timezone.localdate(),
        )
    assert (
        f'action="/office/planning/tasks/{page_task.pk}/publish/"'
        in client.get(f"/office/planning/tasks/{page_task.pk}/").content.decode()
    )
    assert client.post(f"{API}/tasks/{api_task.pk}/publish").status_code == 200
    assert client.post(f"/office/planning/tasks/{page_task.pk}/publish/").status_code == 302
    assert actions("planning_task", api_task.pk)[-1] == actions("planning_task", page_task.pk)[-1] == "publish_result"
    # Station regulators read plans but do not revise them; a business user does not find them.
    client.force_login(world["station"])
    assert client.post(f"/office/planning/plans/{new.pk}/revise/", form).status_code == 403
    client.force_login(world["business"])
    assert client.post(f"/office/planning/plans/{new.pk}/revise/", form).status_code == 404
    assert client.post(f"/office/planning/tasks/{page_task.pk}/publish/").status_code == 404


def test_a_result_through_the_api_and_through_the_page_audit_the_same(client, world):
    pair = [i.pk for i in world["inspectors"][:2]]
    api_task, page_task = (unassigned_task(world, n) for n in (11, 3))
    for task in (api_task, page_task):
        services.task_assign(task=task, inspector_ids=pair, actor=world["district"])
    client.force_login(UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=world["inspectors"][0].cert_no))
    today = str(timezone.localdate())
    api = client.post(
        f"{API}/tasks/{api_task.pk}/result",
        {"result": "conform", "inspected_on": today},
        content_type="application/json",
    )
    assert api.status_code == 200
    page = client.post(
        f"/office/planning/tasks/{page_task.pk}/", {"action": "result", "result": "conform", "inspected_on": today}
    )
    assert page.status_code == 302
    assert actions("planning_task", api_task.pk)[-1] == actions("planning_task", page_task.pk)[-1] == "record_result"
