"""The import page: the source is chosen from registered sources, registering one is its own audited
step for district regulators, a re-upload says it was imported before and links the job, a template per kind."""

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from foodcredit.accounts.models import User
from foodcredit.collection import services
from foodcredit.collection.formats import FORMATS
from foodcredit.collection.models import ImportJob, RecordKind, SourceRegistration
from foodcredit.core.models import AuditEvent, Source

from . import frames

pytestmark = pytest.mark.django_db
R = User.Role
HEADER = "检查编号,统一社会信用代码,检查日期,检查类型,检查结果,发现问题,检查人员\n"


@pytest.fixture
def district():
    services.records_write(kind="operators", frame=frames.operators(1), source_name="登记系统")
    services.source_register(name="执法系统", kinds=["inspections"], actor=None)
    return User.objects.create_user(username="reg", password="x" * 12, role=R.DISTRICT_REGULATOR)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(tmp_path, name: str = "i.csv"):
    path = tmp_path / name
    path.write_bytes((HEADER + f"J1,{frames.uscc(1)},2025-03-01,日常检查,符合,,张三\n").encode("utf-8-sig"))
    return path


def test_upload_form_offers_the_registered_sources(district):
    page = _client(district).get(reverse("office:imports")).content.decode()
    assert '<option value="执法系统"' in page and '<option value="登记系统"' in page


def test_upload_with_a_source_that_is_not_registered_registers_nothing(district, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    with _file(tmp_path).open("rb") as fh:
        response = _client(district).post(
            reverse("office:import_upload"), {"kind": "inspections", "source": "执法系統", "file": fh}
        )
    assert response.status_code == 400
    assert not Source.objects.filter(name="执法系統").exists()
    assert not ImportJob.objects.filter(kind="inspections").exists()


def test_district_registers_a_source_on_the_page_and_it_is_audited(district):
    response = _client(district).post(
        reverse("office:import_source_register"),
        {"name": "区农业执法系统", "kinds": ["penalties", "inspections"], "department_code": ""},
    )
    assert response.status_code == 302
    registration = SourceRegistration.objects.get(source__name="区农业执法系统")
    assert sorted(registration.kinds) == ["inspections", "penalties"]
    event = AuditEvent.objects.filter(action="register", object_type="source").last()
    assert event.actor == district and event.changes["kinds"] == [[], ["inspections", "penalties"]]


@pytest.mark.parametrize("role", [R.STATION_REGULATOR, R.OTHER_DEPARTMENT, R.SYSTEM_ADMIN, R.BUSINESS])
def test_only_district_regulators_register_sources(district, role):
    user = User.objects.create_user(username=f"u-{role}", password="x" * 12, role=role)
    response = _client(user).post(
        reverse("office:import_source_register"), {"name": "自建系统", "kinds": ["penalties"]}
    )
    assert response.status_code in (403, 404)
    assert not Source.objects.filter(name="自建系统").exists()


def test_a_reupload_says_it_was_imported_before_and_links_the_job(district, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    client = _client(district)
    for _ in range(2):
        with _file(tmp_path).open("rb") as fh:
            response = client.post(
                reverse("office:import_upload"),
                {"kind": "inspections", "source": "执法系统", "file": fh},
                follow=True,
            )
    job = ImportJob.objects.get(kind="inspections")
    page = response.content.decode()
    assert "此文件已导入过" in page
    assert f'href="{reverse("office:import_job", args=[job.pk])}"' in page


@pytest.mark.parametrize("kind", RecordKind.values)
def test_template_per_kind_has_the_exchange_format_columns(district, kind):
    client = _client(district)
    headers = [c.header for c in FORMATS[kind].columns]
    response = client.get(reverse("office:import_template", args=[kind, "csv"]))
    assert response.status_code == 200
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == headers
    response = client.get(reverse("office:import_template", args=[kind, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == headers


def test_import_page_lists_the_columns_of_each_kind(district):
    page = _client(district).get(reverse("office:imports")).content.decode()
    for kind in RecordKind.values:
        assert all(c.header in page for c in FORMATS[kind].columns)


def test_job_list_filters_rejected_jobs_and_exports_them(district, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    client = _client(district)
    good = _file(tmp_path, "good.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes((HEADER + f"J2,{frames.uscc(1)},2025-13-01,日常检查,符合,,张三\n").encode("utf-8-sig"))
    for path in (good, bad):
        with path.open("rb") as fh:
            client.post(reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh})
    rejected = ImportJob.objects.get(file_name="bad.csv")
    page = client.get(reverse("office:imports"), {"rejected": "1"}).content.decode()
    assert 'data-count="1"' in page and reverse("office:import_job", args=[rejected.pk]) in page
    export = client.get(reverse("office:imports"), {"rejected": "1", "_export": "csv"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == 2 and "bad.csv" in export


def test_station_sees_its_own_import_jobs_only(district, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    with _file(tmp_path).open("rb") as fh:
        _client(district).post(
            reverse("office:import_upload"), {"kind": "inspections", "source": "执法系统", "file": fh}
        )
    job = ImportJob.objects.get(kind="inspections")
    station = User.objects.create_user(username="st", password="x" * 12, role=R.STATION_REGULATOR)
    client = _client(station)
    assert 'data-count="0"' in client.get(reverse("office:imports")).content.decode()
    assert client.get(reverse("office:import_job", args=[job.pk])).status_code == 404
    assert client.get(f"/api/v1/imports/{job.pk}").status_code == 404


def test_import_pages_refuse_a_business_user_with_an_audit_row(district):
    business = User.objects.create_user(username="biz", password="x" * 12, role=R.BUSINESS)
    client = _client(business)
    assert client.get(reverse("office:imports")).status_code == 403
    assert client.get(reverse("office:review_queue")).status_code == 403
    refusals = AuditEvent.objects.filter(action="refused", actor=business)
    assert sorted(refusals.values_list("object_type", flat=True)) == ["import", "review_queue"]


def test_review_queue_lists_waiting_records_with_a_filter(district):
    services.records_write(kind="inspections", frame=frames.inspections([frames.uscc(50)]), source_name="执法系统")
    client = _client(district)
    page = client.get(reverse("office:review_queue")).content.decode()
    assert 'data-count="1"' in page and frames.uscc(50) in page
    assert 'data-count="0"' in client.get(reverse("office:review_queue"), {"kind": "penalties"}).content.decode()
