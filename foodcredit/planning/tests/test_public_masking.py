"""Published inspection results (一公开) carry the findings the inspector typed: the masking corpus planted there through
the result service never reaches the anonymous API, and the public identifiers beside it survive."""

import pytest
from django.utils import timezone

from foodcredit.accounts.models import User
from foodcredit.core.tests import masking_corpus as corpus
from foodcredit.credit.tests.factories import UserFactory
from foodcredit.planning import services
from foodcredit.planning.models import Task

from .conftest import plan_kwargs

pytestmark = pytest.mark.django_db


def test_published_findings_show_no_planted_id_or_phone(client, operators, inspectors, regulator):
    plan = services.plan_create(**plan_kwargs(regulator))
    task = Task.objects.filter(plan=plan).first()
    inspector = UserFactory(role=User.Role.INSPECTOR, inspector_cert_no=task.inspectors.first().cert_no)
    planted = [s.written for s in corpus.SECRETS] + corpus.PUBLIC
    services.task_result_record(
        task=task,
        result="nonconform",
        findings=corpus.planted_text(planted),
        inspected_on=timezone.localdate(),
        actor=inspector,
        as_of=timezone.localdate(),
        publish=True,
    )
    client.logout()
    findings = client.get("/api/v1/planning/public/results").json()["items"][0]["findings"]
    assert (corpus.leaks(findings), corpus.false_masks(findings)) == ([], [])
