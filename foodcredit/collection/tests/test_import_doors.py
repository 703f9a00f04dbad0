"""The three import doors end to end: command line, API, upload page — one pipeline, all or nothing."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.models import ImportJob, PendingRecord
from foodcredit.core.models import AuditEvent
from foodcredit.credit.models import LedgerEntry
from foodcredit.inspections.models import Inspection
from foodcredit.operators.models import Operator

from . import frames

pytestmark = pytest.mark.django_db

HEADER = "检查编号,统一社会信用代码,检查日期,检查类型,检查结果,发现问题,检查人员\n"


@pytest.fixture
def operators():
    services.records_write(kind="operators", frame=frames.operators(3), source_name="登记系统")
    # People choose a registered source; registering one is its own step.
    services.source_register(name="执法系统", kinds=["inspections"], actor=None)
    return [frames.uscc(i) for i in (1, 2, 3)]


@pytest.fixture
def regulator():
    return User.objects.create_user(username="reg", password="x" * 12, role=User.Role.DISTRICT_REGULATOR)


def _csv(tmp_path: Path, body: str, *, encoding: str = "utf-8", name: str = "inspections.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def test_import_records_command_gbk_file(tmp_path, operators, capsys):
    path = _csv(tmp_path, f"J1,{operators[0]},2025/3/1,日常检查,不符合,后厨地面有积水,张三、李四\n", encoding="gbk")
    call_command("import_records", str(path), kind="inspections", source="执法系统", verbosity=0)
    inspection = Inspection.objects.get()
    assert (inspection.result, str(inspection.inspected_on), inspection.findings) == (
        "nonconform",
        "2025-03-01",
        "后厨地面有积水",
    )
    assert "新增 new 1" in capsys.readouterr().out


def test_import_records_command_bad_row_writes_nothing_and_exits_non_zero(tmp_path, operators):
    path = _csv(
        tmp_path,
        f"J1,{operators[0]},2025-03-01,日常检查,符合,,张三\nJ2,{operators[1]},2025-13-01,日常检查,良好,,李四\n",
    )
    report = tmp_path / "report.json"
    before = (LedgerEntry.objects.count(), AuditEvent.objects.filter(object_type="inspection").count())
    with pytest.raises(CommandError):
        call_command(
            "import_records", str(path), kind="inspections", source="执法系统", report=str(report), verbosity=0
        )
    assert Inspection.objects.count() == 0
    assert (LedgerEntry.objects.count(), AuditEvent.objects.filter(object_type="inspection").count()) == before
    data = json.loads(report.read_text())
    assert data["status"] == "failed" and data["rejected"] == 1
    codes = {(e["row"], e["column"], e["code"]) for e in data["errors"]}
    assert (3, "检查日期", "import.bad_date") in codes and (3, "检查结果", "import.bad_choice") in codes
    bad_choice = next(e for e in data["errors"] if e["code"] == "import.bad_choice")
    assert bad_choice["value"] == "良好" and "基本符合" in bad_choice["reason"]


def test_import_records_command_skip_bad_rows_writes_the_good_rows(tmp_path, operators):
    path = _csv(
        tmp_path,
        f"J1,{operators[0]},2025-03-01,日常检查,符合,,张三\nJ2,{operators[1]},2025-02-30,日常检查,符合,,李四\n",
    )
    with pytest.raises(CommandError):  # still non-zero: a row was rejected
        call_command(
            "import_records", str(path), kind="inspections", source="执法系统", skip_bad_rows=True, verbosity=0
        )
    assert list(Inspection.objects.values_list("source_ref", flat=True)) == ["J1"]
    job = ImportJob.objects.get(kind="inspections")
    assert (job.status, job.new_count, job.rejected_count) == ("committed", 1, 1)


def test_import_same_file_again_returns_the_earlier_job_and_changes_nothing(tmp_path, operators):
    path = _csv(tmp_path, f"J1,{operators[0]},2025-03-01,日常检查,符合,,张三\n")
    first, ran = services.import_file(
        kind="inspections", source_name="执法系统", path=path, file_name=path.name, skip_bad_rows=False, actor=None
    )
    counts = (Inspection.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count())
    again, ran_again = services.import_file(
        kind="inspections", source_name="执法系统", path=path, file_name=path.name, skip_bad_rows=False, actor=None
    )
    assert (ran, ran_again, again.pk) == (True, False, first.pk)
    assert (Inspection.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count()) == counts


def test_import_hostile_text_is_kept_verbatim(tmp_path, operators):
    findings = "\"<script>alert('食品')</script> '); DROP TABLE operators_operator;-- =cmd|'/C calc'!A0\""
    path = _csv(tmp_path, f"J1,{operators[0]},2025-03-01,日常检查,不符合,{findings},张三\n")
    call_command("import_records", str(path), kind="inspections", source="执法系统", verbosity=0)
    assert Inspection.objects.get().findings == findings.strip('"')
    assert Operator.objects.count() == 3


def test_import_unknown_operator_is_queued_for_review(tmp_path, operators):
    stranger = frames.uscc(99)
    path = _csv(tmp_path, f"J1,{stranger},2025-03-01,日常检查,符合,,张三\n")
    call_command("import_records", str(path), kind="inspections", source="执法系统", verbosity=0)
    pending = PendingRecord.objects.get()
    assert (pending.uscc, pending.record_key, pending.status) == (stranger, "J1", "waiting")
    assert ImportJob.objects.get(kind="inspections").queued_count == 1


def test_api_import_201_then_200_for_the_same_records(operators, regulator):
    client = Client()
    client.force_login(regulator)
    body = {
        "source": "执法系统",
        "records": [
            {
                "source_id": "A1",
                "uscc": operators[0],
                "inspected_on": "2025-03-01",
                "kind": "日常检查",
                "result": "符合",
                "findings": "",
                "inspectors": "张三",
            },
        ],
    }
    first = client.post("/api/v1/imports/inspections", body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["new"] == 1
    second = client.post("/api/v1/imports/inspections", body, content_type="application/json")
    assert second.status_code == 200 and second.json()["repeated"] is True
    assert Inspection.objects.count() == 1


def test_api_import_bad_record_400_names_record_field_and_reason(operators, regulator):
    client = Client()
    client.force_login(regulator)
    body = {
        "source": "执法系统",
        "records": [
            {
                "source_id": "A1",
                "uscc": "914403001922038217",
                "inspected_on": "2025-03-01",
                "kind": "日常检查",
                "result": "符合",
            },
        ],
    }
    response = client.post("/api/v1/imports/inspections", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["row"], error["field"], error["code"]) == (1, "uscc", "import.bad_uscc")
    assert Inspection.objects.count() == 0


def test_api_import_refused_for_a_business_user(operators):
    user = User.objects.create_user(username="biz", password="x" * 12, role=User.Role.BUSINESS)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/api/v1/imports/inspections", {"source": "x", "records": []}, content_type="application/json"
    )
    assert response.status_code == 404


def test_upload_page_runs_the_job_and_shows_counts(tmp_path, operators, regulator, settings):
    settings.VAR_DIR = tmp_path / "var"
    client = Client()
    client.force_login(regulator)
    path = _csv(tmp_path, f"J1,{operators[0]},2025-03-01,日常检查,符合,,张三\n", encoding="utf-8-sig")
    with path.open("rb") as fh:
        response = client.post(
            reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh}
        )
    job = ImportJob.objects.get(kind="inspections")
    assert response.status_code == 302 and response.url == reverse("office:import_job", args=[job.pk])
    assert (job.status, job.new_count) == ("committed", 1)
    page = client.get(response.url)
    assert "已完成" in page.content.decode()
    assert not any((tmp_path / "var" / "uploads").iterdir())  # the uploaded file is not kept


def test_upload_page_refuses_an_oversized_upload_without_keeping_it(tmp_path, operators, regulator, settings):
    settings.VAR_DIR = tmp_path / "var"
    client = Client()
    client.force_login(regulator)
    path = _csv(tmp_path, "".join(f"J{i},{operators[0]},2025-03-01,日常检查,符合,,张三\n" for i in range(3000)))
    with override_settings(IMPORT_UPLOAD_MAX_BYTES=10_000), path.open("rb") as fh:
        response = client.post(
            reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh}
        )
    assert response.status_code == 413
    assert not ImportJob.objects.filter(kind="inspections").exists()
    uploads = tmp_path / "var" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_upload_error_report_csv_neutralises_formulas(tmp_path, operators, regulator, settings):
    settings.VAR_DIR = tmp_path / "var"
    client = Client()
    client.force_login(regulator)
    path = _csv(tmp_path, f"J1,{operators[0]},2025-03-01,日常检查,=cmd|'/C calc'!A0,,张三\n")
    with path.open("rb") as fh:
        client.post(reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh})
    job = ImportJob.objects.get(kind="inspections")
    assert job.status == "failed"
    report = client.get(reverse("office:import_job_errors", args=[job.pk])).content.decode("utf-8-sig")
    assert "'=cmd|'/C calc'!A0" in report and "import.bad_choice" in report


HOSTILE = [
    ("zip_bomb_xlsx", "import.zip_bomb"),
    ("lying_zip_bomb_xlsx", "import.zip_bomb"),
    ("billion_laughs_xlsx", "import.hostile_xml"),
    ("external_entity_xlsx", "import.hostile_xml"),
    ("truncated_xlsx", "import.truncated_xlsx"),
    ("fake_exe", "import.not_a_spreadsheet"),
    ("legacy_xls", "import.legacy_xls"),
    ("random_bytes", "import.not_a_spreadsheet"),
    ("pdf", "import.not_a_spreadsheet"),
]


@pytest.mark.parametrize(("builder", "code"), HOSTILE)
def test_upload_hostile_file_is_refused_with_its_code_and_nothing_written_or_kept(
    tmp_path, operators, regulator, settings, builder, code
):
    from . import hostile

    settings.VAR_DIR = tmp_path / "var"
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    path = getattr(hostile, builder)(tmp_path / "upload.xlsx")
    client = Client()
    client.force_login(regulator)
    before = (LedgerEntry.objects.count(), Inspection.objects.count())
    with path.open("rb") as fh:
        response = client.post(
            reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get(kind="inspections")
    assert (job.status, job.error_code) == ("failed", code)
    assert (LedgerEntry.objects.count(), Inspection.objects.count()) == before
    assert not any((tmp_path / "var" / "uploads").iterdir())
    page = client.get(response.url).content.decode()
    assert "未导入" in page and code in page


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"", "import.empty_file"), (HEADER.encode(), "import.header_only"), (b"a,b,c\n1,2,3\n", "import.missing_header")],
)
def test_import_refused_file_writes_nothing(tmp_path, operators, body, code):
    path = tmp_path / "f.csv"
    path.write_bytes(body)
    job, _ran = services.import_file(
        kind="inspections", source_name="执法系统", path=path, file_name="f.csv", skip_bad_rows=False, actor=None
    )
    assert (job.status, job.error_code) == ("failed", code)
    assert not Inspection.objects.exists()


def test_import_xlsx_with_merged_title_and_excel_dates(tmp_path, operators):
    import datetime as dt

    from . import hostile

    rows = [hostile.INSPECTION_HEADERS, hostile.inspection_row(1, uscc=operators[0], inspected_on=dt.date(2025, 3, 1))]
    path = hostile.write_xlsx(tmp_path / "i.xlsx", rows, title="2025年江北区监督检查记录")
    job, _ran = services.import_file(
        kind="inspections", source_name="执法系统", path=path, file_name="i.xlsx", skip_bad_rows=False, actor=None
    )
    assert (job.status, job.new_count) == ("committed", 1)
    assert str(Inspection.objects.get().inspected_on) == "2025-03-01"


def test_import_with_a_source_mapping_of_headers_and_values(tmp_path, operators):
    call_command(
        "import_mapping",
        source="区县执法系统",
        kind="inspections",
        columns=json.dumps({"检查单号": "检查编号", "企业信用代码": "统一社会信用代码"}),
        values=json.dumps({"检查结果": {"合格": "符合", "不合格": "不符合"}}),
    )
    path = tmp_path / "mapped.csv"
    path.write_text(
        "检查单号,企业信用代码,检查日期,检查类型,检查结果,发现问题,检查人员\n"
        f"M1,{operators[0]},2025-03-01,日常检查,不合格,冷库温度超标,张三\n",
        encoding="utf-8",
    )
    call_command("import_records", str(path), kind="inspections", source="区县执法系统", verbosity=0)
    inspection = Inspection.objects.get()
    assert (inspection.source_ref, inspection.result) == ("M1", "nonconform")
    assert ImportJob.objects.get(kind="inspections").mapping.columns["检查单号"] == "检查编号"


def test_imported_script_text_is_rendered_inert_on_the_credit_file_page(tmp_path, operators, regulator):
    findings = "<script>alert('食品')</script><img src=x onerror=alert(1)>"
    path = _csv(tmp_path, f'J1,{operators[0]},2025-03-01,日常检查,不符合,"{findings}",张三\n')
    call_command("import_records", str(path), kind="inspections", source="执法系统", verbosity=0)
    client = Client()
    client.force_login(regulator)
    page = client.get(reverse("office:operator_detail", args=[operators[0]])).content.decode()
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page and "<img src=x" not in page
