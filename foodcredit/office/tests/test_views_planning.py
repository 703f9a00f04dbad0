"""Back-office planning pages: the inspector's task list and result form, scoping, the plans page."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import OperatorFactory, UserFactory
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.planning import services
from foodcredit.planning.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for i in range(10):
        OperatorFactory(street="五里店街道" if i % 2 else "观音桥街道")
    for i in range(4):
        inspector = Inspector.objects.create(cert_no=f"5001052025{i:04d}", name=f"检查员{i}", verified=True)
        services.inspector_profile_set(inspector=inspector, sectors=["catering"], available=True, actor=None)
    regulator = UserFactory(role=User.Role.DISTRICT_REGULATOR)
    return services.plan_create(
        name="测试计划",
        period_start=date(2025, 11, 1),
        period_end=date(2025, 12, 31),
        scope={},
        as_of=date(2025, 11, 1),
        actor=regulator,
        ratios={"B": 1.0},
        inspector_cap=10,
    )


def test_inspector_records_a_result_with_an_attachment_through_the_form(client, plan):
    task = Task.objects.filter(plan=plan).first()
    user = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=task.inspectors.first().cert_no)
    client.force_login(user)
    listing = client.get("/office/planning/tasks/")
    assert listing.status_code == 200 and task.operator.uscc in listing.content.decode()
    page = client.get(f"/office/planning/tasks/{task.pk}/")
    assert page.status_code == 200 and 'name="result"' in page.content.decode()
    response = client.post(
        f"/office/planning/tasks/{task.pk}/",
        {
            "result": "nonconform",
            "inspected_on": str(timezone.localdate()),
            "findings": "未落实进货查验",
            "publish": "on",
            "attachment": SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.PUBLISHED and task.attachments.count() == 1
    assert Inspection.objects.get(pk=task.inspection_id).result == "nonconform"


def test_task_outside_scope_is_404_and_a_regulator_cannot_post_a_result(client, plan):
    task = Task.objects.filter(plan=plan).first()
    stranger = Inspector.objects.exclude(pk__in=task.inspectors.values("pk")).first()
    client.force_login(UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=stranger.cert_no))
    other_tasks = Task.objects.filter(plan=plan).exclude(inspectors=stranger)
    assert client.get(f"/office/planning/tasks/{other_tasks.first().pk}/").status_code == 404
    client.force_login(UserFactory(role=User.Role.DISTRICT_REGULATOR))
    assert client.get("/office/planning/plans/").status_code == 200
    response = client.post(f"/office/planning/tasks/{task.pk}/", {"result": "conform", "inspected_on": "2025-11-05"})
    assert response.status_code == 403
