"""Alerts beyond the responsible unit: the copy to the department that issued the record (DOMAIN.md II §12), the
约谈's rectification on the credit-file timeline (internal only), and the business's page answering the measures."""

from datetime import date, timedelta

import pytest
import time_machine

from foodcredit.accounts.models import Department, User
from foodcredit.alerts import services
from foodcredit.alerts.models import Alert
from foodcredit.core.models import AuditEvent
from foodcredit.credit.tests import factories as f

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)
TODAY = "2026-11-23 10:00 +0800"


@pytest.fixture
def units():
    district = f.DepartmentFactory(code="jb-samr", streets=["观音桥街道", "华新街街道", "鱼嘴镇"])
    station = f.DepartmentFactory(code="jb-samr-gyq", streets=["观音桥街道", "华新街街道"])
    farm = f.DepartmentFactory(code="jb-nyw", name="区农业农村委", kind=Department.Kind.AGRICULTURE, streets=[])
    health = f.DepartmentFactory(code="jb-wjw", name="区卫生健康委", kind=Department.Kind.HEALTH, streets=[])
    return district, station, farm, health


def _failed_twice(n: int, *, department_code: str = ""):
    """An operator with two failed samples of the last year, tested by the system of `department_code`."""
    operator = f.operator_register(uscc=f.make_uscc(n), street="观音桥街道")
    first = f.sampling_add(operator, on=AS_OF - timedelta(days=60), conclusion="fail", failure_kind="pesticide")
    if first.source is not None and department_code:
        first.source.department_code = department_code  # the sampling system belongs to that department
        first.source.save()
    f.sampling_add(operator, on=AS_OF - timedelta(days=5), conclusion="fail", failure_kind="pesticide")
    return operator


def test_alert_about_another_departments_record_is_copied_to_it(client, units):
    _, station, farm, health = units
    operator = _failed_twice(801, department_code="jb-nyw")
    services.alerts_sweep(as_of=AS_OF, only=["sampling_repeated"])
    alert = Alert.objects.get(detector="sampling_repeated")
    assert (alert.unit, alert.copy_unit) == (station, farm)  # the station acts; the department keeps its copy
    created = AuditEvent.objects.get(object_type="alert", object_id=str(alert.pk), action="create")
    assert created.changes["copy_unit"] == [None, farm.pk]

    client.force_login(f.UserFactory(role=User.Role.OTHER_DEPARTMENT, department=farm))
    inbox = client.get("/office/alerts/").content.decode()
    assert operator.uscc in inbox
    page = client.get(f"/office/alerts/{alert.pk}/")
    assert page.status_code == 200 and "区农业农村委" in page.content.decode()
    assert "确定处置措施" not in page.content.decode()  # a copy for its records: the department does not act
    refused = client.post(f"/office/alerts/{alert.pk}/", {"step": "measure", "measure-measure": "reminder"})
    assert refused.status_code == 404
    assert client.get(f"/api/v1/alerts/{alert.pk}").status_code == 200

    client.force_login(f.UserFactory(role=User.Role.OTHER_DEPARTMENT, department=health))
    assert operator.uscc not in client.get("/office/alerts/").content.decode()
    assert client.get(f"/office/alerts/{alert.pk}/").status_code == 404


def test_alert_about_the_bureaus_own_record_has_no_copy(units):
    _failed_twice(802)
    services.alerts_sweep(as_of=AS_OF, only=["sampling_repeated"])
    assert Alert.objects.get(detector="sampling_repeated").copy_unit is None


def _interviewed(operator, station_user, rectification: str) -> Alert:
    services.alerts_sweep(as_of=AS_OF, only=["sampling_repeated"])
    alert = Alert.objects.get(operator=operator)
    alert = services.alert_measure_choose(alert=alert, measure="interview", on=AS_OF, actor=station_user)
    return services.alert_interview_hold(
        alert=alert, held_on=AS_OF + timedelta(days=1), rectification=rectification, actor=station_user
    )


def test_rectification_order_on_the_internal_timeline_only(client, units):
    operator = _failed_twice(803)
    station_user = f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1])
    _interviewed(operator, station_user, "五日内下架同批次产品并提交进货查验记录")
    client.force_login(station_user)
    with time_machine.travel(TODAY, tick=False):
        internal = client.get(f"/office/operators/{operator.uscc}/").content.decode()
    assert "责任约谈：五日内下架同批次产品并提交进货查验记录" in internal
    client.logout()
    with time_machine.travel(TODAY, tick=False):
        response = client.get(f"/operators/{operator.uscc}/")
    public = response.content.decode()
    assert response.status_code == 200 and operator.uscc[:6] in public
    assert "下架同批次" not in public and "责任约谈" not in public


def test_business_answers_the_measures_that_ask_it(client, units):
    ours, other = _failed_twice(804), _failed_twice(805)
    station_user = f.UserFactory(role=User.Role.STATION_REGULATOR, department=units[1])
    interview = _interviewed(ours, station_user, "建立农药残留快检制度")
    services.alert_measure_choose(alert=Alert.objects.get(operator=other), measure="warning", on=AS_OF, actor=None)
    owner = f.UserFactory(role=User.Role.BUSINESS, operator_usccs=[ours.uscc])
    client.force_login(owner)
    with time_machine.travel(TODAY, tick=False):
        assert client.get("/office/alerts/").url == "/office/alerts/replies/"  # the business's inbox is this page
        page = client.get("/office/alerts/replies/").content.decode()
        assert "建立农药残留快检制度" in page and "提交答复" in page and ours.name in page
        assert other.name not in page  # another business's warning is not shown
        empty = client.post("/office/alerts/replies/", {"alert": interview.pk, f"reply-{interview.pk}-text": " "})
        assert empty.status_code == 400
        done = client.post(
            "/office/alerts/replies/", {"alert": interview.pk, f"reply-{interview.pk}-text": "已建立快检台账"}
        )
        assert done.status_code == 302
        page = client.get("/office/alerts/replies/").content.decode()
        theirs = Alert.objects.get(operator=other)
        assert (
            client.post("/office/alerts/replies/", {"alert": theirs.pk, f"reply-{theirs.pk}-text": "x"}).status_code
            == 404
        )
    interview.refresh_from_db()
    assert (interview.status, interview.reply, interview.replied_on) == (
        Alert.Status.ANSWERED,
        "已建立快检台账",
        AS_OF + timedelta(days=3),
    )
    assert "已建立快检台账" in page and "目前没有需要答复的监管措施" in page
    event = AuditEvent.objects.filter(object_type="alert", object_id=str(interview.pk)).latest("pk")
    assert event.changes["status"] == ["measured", "answered"]
