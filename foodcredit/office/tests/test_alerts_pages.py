"""Alert pages: each unit's inbox, the steps of an alert from the page, the chart, the parameters, the credit file."""

import json
from datetime import date, timedelta

import pytest
import time_machine

from foodcredit.accounts.models import User
from foodcredit.alerts import services
from foodcredit.alerts.models import Alert
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)
TODAY = "2026-11-23 10:00 +0800"


@pytest.fixture
def units():
    district = f.DepartmentFactory(code="jb-samr", streets=["观音桥街道", "华新街街道", "鱼嘴镇", "寸滩街道"])
    station = f.DepartmentFactory(code="jb-samr-gyq", streets=["观音桥街道", "华新街街道"])
    return district, station


def _surge(uscc_n: int, street: str):
    operator = f.operator_register(uscc=f.make_uscc(uscc_n), street=street)
    for d in range(4):
        f.complaint_add(operator, on=AS_OF - timedelta(days=d))
        f.complaint_add(operator, on=AS_OF - timedelta(days=d))
    return operator


@pytest.fixture
def raised(units):
    ours, theirs = _surge(701, "观音桥街道"), _surge(702, "鱼嘴镇")
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    return ours, theirs


def test_station_inbox_shows_its_alerts_only_and_flags_overdue(client, units, raised):
    ours, theirs = raised
    station_user = f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1])
    with time_machine.travel("2026-11-26 10:00 +0800", tick=False):  # measure due 11-25
        client.force_login(station_user)
        page = client.get("/office/alerts/?status=open").content.decode()
        assert ours.uscc in page and theirs.uscc not in page
        assert "已逾期" in page
        late = client.get("/office/alerts/?overdue=1&_export=csv").content.decode("utf-8-sig")
        assert ours.uscc in late
        theirs_alert = Alert.objects.get(operator=theirs)
        assert client.get(f"/office/alerts/{theirs_alert.pk}/").status_code == 404


def test_interview_from_the_page_reaches_the_credit_file(client, units, raised):
    ours, _ = raised
    alert = Alert.objects.get(operator=ours)
    station_user = f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1])
    with time_machine.travel(TODAY, tick=False):
        client.force_login(station_user)
        url = f"/office/alerts/{alert.pk}/"
        assert client.post(url, {"step": "measure", "measure-measure": "interview"}).status_code == 302
        refused = client.post(url, {"step": "close", "close-outcome": "rectified"})
        assert refused.status_code == 400 and "alerts.interview_not_held" in refused.content.decode()
        client.post(
            url, {"step": "interview", "interview-held_on": "2026-11-24", "interview-rectification": "清洁整改"}
        )
        client.post(url, {"step": "close", "close-outcome": "rectified", "close-note": "复查合格"})
        fragment = client.get(f"/office/operators/{ours.uscc}/alerts/").content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == (Alert.Status.CLOSED, "rectified")
    assert "已整改" in fragment and "约谈" in fragment
    entry = LedgerEntry.objects.get(kind="interview", superseded_by__isnull=True)
    assert entry.facts["outcome"] == "rectified"


def test_business_user_replies_to_a_warning(client, units, raised):
    ours, _ = raised
    alert = Alert.objects.get(operator=ours)
    services.alert_measure_choose(alert=alert, measure="warning", on=AS_OF, actor=None)
    owner = f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[ours.uscc])
    client.force_login(owner)
    page = client.get(f"/office/alerts/{alert.pk}/").content.decode()
    assert "提交答复" in page and "办理记录" not in page  # the audit trail is staff-only
    client.post(f"/office/alerts/{alert.pk}/", {"step": "reply", "reply-text": "已加强进货查验"})
    alert.refresh_from_db()
    assert (alert.status, alert.reply) == (Alert.Status.ANSWERED, "已加强进货查验")
    assert (
        client.post(f"/office/alerts/{alert.pk}/", {"step": "close", "close-outcome": "rectified"}).status_code == 404
    )


def test_chart_and_parameters_pages(client, units, raised):
    client.force_login(f.UserFactory(role=User.Role.DISTRICT_REGULATOR, department=units[0]))
    chart = client.get("/office/alerts/chart/?by=street").content.decode()
    assert "2026-11" in chart and "观音桥街道" in chart and "鱼嘴镇" in chart
    params = client.get("/office/alerts/detectors/").content.decode()
    assert "thresholdMethod" in params and "预警 2 条" in params
    assert client.get("/office/alerts/chart/").status_code == 200


def test_workbench_counts_open_alerts_as_the_inbox_does(client, units, raised):
    client.force_login(f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1]))
    page = client.get("/office/").content.decode()
    assert "未办结的预警" in page
    inbox = client.get("/office/alerts/?status=open&notice=false").content.decode()
    assert "共 1 条" in inbox


def _actions(run) -> set[tuple[str, str]]:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = run()
    assert response.status_code in (200, 302), response.content.decode()[:500]
    return set(AuditEvent.objects.filter(pk__gt=last, object_type="alert").values_list("action", "object_type"))


def _post(client, url, body):
    return client.post(url, json.dumps(body, ensure_ascii=False), content_type="application/json")


def test_api_and_form_steps_audit_the_same(client, units):
    first, second = _surge(711, "观音桥街道"), _surge(712, "华新街街道")
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    a, b = Alert.objects.get(operator=first), Alert.objects.get(operator=second)
    with time_machine.travel(TODAY, tick=False):
        client.force_login(f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1]))
        listed = client.get("/api/v1/alerts").json()
        assert {row["uscc"] for row in listed["items"]} == {first.uscc, second.uscc}
        steps = [
            ("measure", {"measure": "interview"}),
            ("interview", {"held_on": "2026-11-23", "rectification": "整改"}),
            ("close", {"outcome": "rectified", "note": ""}),
        ]
        for step, body in steps:
            via_api = _actions(lambda: _post(client, f"/api/v1/alerts/{a.pk}/{step}", body))  # noqa: B023
            form = {"step": step, **{f"{step}-{k}": v for k, v in body.items()}}
            via_form = _actions(lambda: client.post(f"/office/alerts/{b.pk}/", form))  # noqa: B023
            assert via_api == via_form == {("update", "alert")}, step
        assert _post(client, f"/api/v1/alerts/{a.pk}/reply", {"text": "x"}).status_code == 403
        refused = _post(client, f"/api/v1/alerts/{a.pk}/close", {"outcome": "rectified"})
        assert refused.status_code == 400 and refused.json()["code"] == "alerts.already_closed"
    assert LedgerEntry.objects.filter(kind="interview", superseded_by__isnull=True).count() == 2


def test_api_answers_404_outside_scope(client, units, raised):
    _, theirs = raised
    alert = Alert.objects.get(operator=theirs)
    client.force_login(f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1]))
    assert client.get(f"/api/v1/alerts/{alert.pk}").status_code == 404
    assert _post(client, f"/api/v1/alerts/{alert.pk}/measure", {"measure": "reminder"}).status_code == 404


def test_reply_through_the_api_and_the_page_audit_the_same(client, units):
    first, second = _surge(721, "观音桥街道"), _surge(722, "观音桥街道")
    services.alerts_sweep(as_of=AS_OF, only=["complaint_surge_operator"])
    a, b = Alert.objects.get(operator=first), Alert.objects.get(operator=second)
    for alert in (a, b):
        services.alert_measure_choose(alert=alert, measure="warning", on=AS_OF, actor=None)
    client.force_login(f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[first.uscc, second.uscc]))
    via_api = _actions(lambda: _post(client, f"/api/v1/alerts/{a.pk}/reply", {"text": "已整改"}))
    via_form = _actions(lambda: client.post(f"/office/alerts/{b.pk}/", {"step": "reply", "reply-text": "已整改"}))
    assert via_api == via_form == {("update", "alert")}
    assert _post(client, f"/api/v1/alerts/{a.pk}/close", {"outcome": "rectified"}).status_code == 403
