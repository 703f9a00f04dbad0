"""The violation-type code table in the browser's forms: define a type (a listable one needs its basis), change its
listable flag (its penalties follow), map a source's text from the type's page; every change an audit row."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from foodcredit.accounts.models import User
from foodcredit.core.models import AuditEvent, Source
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.tests import factories as f
from foodcredit.credit.tests.imported import SOURCE, penalty_import
from foodcredit.penalties.models import ViolationMapping, ViolationType

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(client):
    user = f.UserFactory(role=User.Role.DISTRICT_REGULATOR)
    client.force_login(user)
    return user


def test_define_a_type_in_the_form(client, district):
    refused = client.post(
        "/office/violations/new/", {"code": "X-1", "name": "使用回收食品作为原料生产食品", "listable_serious": "on"}
    )
    assert refused.status_code == 400 and "列入依据" in refused.content.decode()
    assert not ViolationType.objects.filter(code="X-1").exists()
    created = client.post(
        "/office/violations/new/",
        {
            "code": "x-1",
            "name": "使用回收食品作为原料生产食品",
            "legal_basis": "《食品安全法》第一百二十三条",
            "listable_serious": "on",
            "listing_basis": "总局令第44号第五条第（二）项",
        },
    )
    assert created.status_code == 302 and created["Location"] == "/office/violations/X-1/"
    assert AuditEvent.objects.get(object_type="violation_type", object_id="X-1").actor == district
    page = client.get("/office/violations/X-1/").content.decode()
    assert "使用回收食品作为原料生产食品" in page and "映射一条原文" in page


def test_unlisting_a_type_takes_its_penalties_off_the_candidates(client, district):
    operator = f.OperatorFactory()
    penalty_import(operator, on=date(2025, 3, 10))  # the seed table's listable non-food-substance type
    assert credit_selectors.serious_list_candidates(for_user=district).count() == 1
    vt = ViolationType.objects.get(code="FSL123-NON-FOOD-SUBSTANCE")
    response = client.post(
        f"/office/violations/{vt.code}/",
        {"code": vt.code, "name": vt.name, "legal_basis": vt.legal_basis, "provisional": "on"},
    )
    assert response.status_code == 302
    assert credit_selectors.serious_list_candidates(for_user=district).count() == 0
    event = AuditEvent.objects.get(object_type="violation_type", object_id=vt.code, action="update", actor=district)
    assert event.changes["listable_serious"] == [True, False]


def test_map_a_text_from_the_types_page(client, district):
    call_command("violation_types_load", stdout=StringIO())
    operator = f.OperatorFactory()
    penalty_import(operator, on=date(2025, 3, 10), violation="销售病死猪肉", load_table=False)
    source = Source.objects.get(name=SOURCE)
    response = client.post(
        "/office/violations/FSL123-SICK-MEAT/",
        {
            "map-source": source.pk,
            "map-text": "销售病死猪肉",
            "map-code": "FSL123-SICK-MEAT",
        },
    )
    assert response.status_code == 302
    assert ViolationMapping.objects.get(text="销售病死猪肉").violation_type.code == "FSL123-SICK-MEAT"
    assert credit_selectors.serious_list_candidates(for_user=district).count() == 1
    assert "销售病死猪肉" in client.get("/office/violations/FSL123-SICK-MEAT/").content.decode()
    assert AuditEvent.objects.filter(object_type="violation_mapping", actor=district).count() == 1
