"""The API's import and the upload page are one pipeline: the same records written through either door leave the
same audit actions (the job and each record's creation), and each door files what it was given."""

import pytest
from django.test import Client
from django.urls import reverse

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.tests import frames
from foodcredit.core.models import AuditEvent

pytestmark = pytest.mark.django_db
HEADER = "检查编号,统一社会信用代码,检查日期,检查类型,检查结果,发现问题,检查人员\n"


def actions(call) -> set[tuple[str, str]]:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    call()
    return set(AuditEvent.objects.filter(pk__gt=last).values_list("action", "object_type"))


def test_import_via_api_and_via_upload_audit_the_same(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    services.records_write(kind="operators", frame=frames.operators(2), source_name="登记系统")
    services.source_register(name="执法系统", kinds=["inspections"], actor=None)
    client = Client()
    client.force_login(User.objects.create_user(username="reg", password="x" * 12, role="district_regulator"))
    record = {
        "uscc": frames.uscc(1),
        "inspected_on": "2025-03-01",
        "kind": "日常检查",
        "result": "不符合",
        "findings": "冷藏温度超标",
        "inspectors": "张三",
    }

    def api(source_id: str) -> None:
        body = {"source": "执法系统", "records": [{"source_id": source_id, **record}]}
        client.post("/api/v1/imports/inspections", body, content_type="application/json")

    api("A0")  # the first use of the source: its mapping and the inspector's directory entry are made once
    via_api = actions(lambda: api("A1"))
    path = tmp_path / "inspections.csv"
    path.write_text(HEADER + f"B1,{frames.uscc(2)},2025-03-01,日常检查,不符合,冷藏温度超标,张三\n", encoding="utf-8")

    def upload():
        with path.open("rb") as fh:
            client.post(reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh})

    via_form = actions(upload)
    assert via_api == via_form
    assert ("create", "inspection") in via_form
