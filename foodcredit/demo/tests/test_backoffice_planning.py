"""The demo's planning back office: a small seeded district, then seed_planning_backoffice — 双随机 runs on it."""

from datetime import date

import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import UserFactory
from foodcredit.demo import services as demo_services
from foodcredit.demo.models import InspectorEffect
from foodcredit.demo.world.backoffice_planning import seed_planning_backoffice
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.planning import selectors
from foodcredit.planning.models import InspectorConflict, Plan, Task

pytestmark = pytest.mark.django_db(transaction=False)
AS_OF = date(2026, 11, 25)


def test_seed_planning_backoffice_fills_every_state_and_planning_runs(client, settings):
    settings.MEDIA_ROOT = "/tmp"
    demo_services.demo_seed(operators=400, years=2, seed=42, as_of=AS_OF)
    district = UserFactory(role=User.Role.DISTRICT_REGULATOR)
    client.force_login(district)
    # Before: nobody is verified, so a plan cannot be drawn (the symptom).
    body = {"name": "全区抽查", "period_start": "2026-12-01", "period_end": "2026-12-31"}
    refused = client.post("/api/v1/planning/plans", body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "planning.too_few_inspectors"

    summary = seed_planning_backoffice(as_of=AS_OF, actor=district)

    names = dict(InspectorEffect.objects.values_list("cert_no", "name"))
    directory = Inspector.objects.filter(cert_no__isnull=False)
    assert all(names[i.cert_no] == i.name for i in directory)  # the demo's names, not bare numbers
    assert summary.inspectors_unverified == 3 and directory.filter(verified=False).count() == 3
    assert summary.inspectors_verified == directory.filter(verified=True).count() >= 10
    assert summary.conflicts == InspectorConflict.objects.count() == 4
    assert {s for s, n in summary.tasks.items() if n} == set(Task.Status.values)
    assert {s for s, n in summary.plans.items() if n} == {"committed", "drawn", "published"}
    published = Plan.objects.get(status=Plan.Status.PUBLISHED)
    assert selectors.plan_verify(plan=published).ok
    # Results are inspections on the operators' credit files, through the collection path.
    recorded = Task.objects.filter(status__in=[Task.Status.RECORDED, Task.Status.PUBLISHED])
    assert Inspection.objects.filter(pk__in=recorded.values("inspection_id")).count() == recorded.count() > 0
    # The demo inspector login (the first inspector with a 执法证号) has tasks to do.
    first = directory.order_by("pk").first()
    assert Task.objects.filter(inspectors=first, status=Task.Status.ASSIGNED).exists()
    # And 双随机 now runs.
    created = client.post("/api/v1/planning/plans", body, content_type="application/json")
    assert created.status_code == 201, created.content
