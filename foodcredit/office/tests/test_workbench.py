"""The workbench (工作台) and the office lists: every count opens a list showing that many rows, the 检查频次 order,
exports that a spreadsheet cannot run, scope, messages, and the branded error pages."""

import csv
import io
import json
import re
from datetime import date, timedelta

import openpyxl
import pytest
import time_machine
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults

from foodcredit.accounts.models import User
from foodcredit.credit.tests.factories import DepartmentFactory, OperatorFactory, UserFactory, inspection_add
from foodcredit.inspections.models import Inspector
from foodcredit.office import views, workbench
from foodcredit.office.tables import OfficeListView, neutralise
from foodcredit.planning import services as planning_services
from foodcredit.planning.models import Task
from foodcredit.risk.tests.factories import run_make

R = User.Role
TODAY = date(2026, 3, 2)
NOW = TODAY.isoformat() + " 10:00 +0800"
TILE = re.compile(r'<a class="tile[^"]*" href="([^"]+)" data-count="(\d*)"')
LIST_COUNT = re.compile(r'class="list-count" data-count="(\d+)"')


def _inspector(n: int) -> Inspector:
    inspector = Inspector.objects.create(cert_no=f"5001052026{n:04d}", name=f"检查员{n}", verified=True)
    planning_services.inspector_profile_set(
        inspector=inspector, sectors=["catering", "circulation", "production"], available=True, actor=None
    )
    return inspector


@pytest.fixture
def district(db):
    """Two streets: in each a D and an A operator 78 days past their class's interval (one A never inspected since
    2000), plus operators not yet due; two trigger tasks left unassigned, one assigned to two inspectors."""
    with time_machine.travel(NOW, tick=False):
        ops = {
            "d_gyq": OperatorFactory(street="观音桥街道", name="观音桥D类火锅店"),
            "a_gyq_never": OperatorFactory(
                street="观音桥街道", name="观音桥从未检查A类", registered_on=date(2000, 1, 1)
            ),
            "a_wld": OperatorFactory(street="五里店街道", name="五里店A类超市"),
            "d_wld": OperatorFactory(street="五里店街道", name="五里店D类餐馆"),
            "b_wld": OperatorFactory(street="五里店街道", name="五里店B类便利店"),
            "c_wld_new": OperatorFactory(
                street="五里店街道", name="五里店C类新店", registered_on=TODAY - timedelta(days=100)
            ),
        }
        run_make(
            TODAY - timedelta(days=5),
            [
                (ops["d_gyq"], "D"),
                (ops["a_gyq_never"], "A"),
                (ops["a_wld"], "A"),
                (ops["d_wld"], "D"),
                (ops["b_wld"], "B"),
                (ops["c_wld_new"], "C"),
            ],
        )
        inspection_add(ops["d_gyq"], on=TODAY - timedelta(days=122 + 78))
        inspection_add(ops["d_wld"], on=TODAY - timedelta(days=122 + 78))
        inspection_add(ops["a_wld"], on=TODAY - timedelta(days=730 + 78))
        inspection_add(ops["b_wld"], on=TODAY - timedelta(days=10))
        actor = UserFactory(role=R.DISTRICT_REGULATOR)
        for n, key in enumerate(("d_gyq", "d_wld")):
            planning_services.trigger_create(
                operator=ops[key],
                kind="complaint",
                occurred_on=TODAY,
                ref_kind="test",
                ref_id=n + 1,
                actor=actor,
                as_of=TODAY,
            )
        first, second = _inspector(1), _inspector(2)
        trigger = planning_services.trigger_create(
            operator=ops["b_wld"],
            kind="complaint",
            occurred_on=TODAY,
            ref_kind="test",
            ref_id=9,
            actor=actor,
            as_of=TODAY,
        )
    task = Task.objects.get(trigger=trigger)
    assert task.status == Task.Status.ASSIGNED  # the two qualified inspectors were free
    ops["inspector_cert"] = first.cert_no
    assert second.pk
    return ops


def _users(district):
    wld = DepartmentFactory(streets=["五里店街道"])
    return {
        "district": UserFactory(role=R.DISTRICT_REGULATOR),
        "station": UserFactory(role=R.STATION_REGULATOR, department=wld),
        "inspector": UserFactory(role=R.INSPECTOR, inspector_cert_no=district["inspector_cert"]),
        "other": UserFactory(role=R.OTHER_DEPARTMENT, department=DepartmentFactory()),
        "association": UserFactory(role=R.ASSOCIATION),
        "business": UserFactory(role=R.BUSINESS, operator_usccs=[district["a_wld"].uscc]),
        "system": UserFactory(role=R.SYSTEM_ADMIN),
        "security": UserFactory(role=R.SECURITY_ADMIN),
        "audit": UserFactory(role=R.AUDIT_ADMIN),
    }


def _tiles(client):
    page = client.get("/office/")
    assert page.status_code == 200
    return [(href.replace("&amp;", "&"), count) for href, count in TILE.findall(page.content.decode())]


@time_machine.travel(NOW, tick=False)
def test_every_count_opens_a_list_of_that_many_rows_for_every_role(client, district):
    checked = {}
    for name, user in _users(district).items():
        client.force_login(user)
        for href, count in _tiles(client):
            listing = client.get(href)
            assert listing.status_code == 200, (name, href)
            shown = LIST_COUNT.search(listing.content.decode())
            if shown is None:
                continue  # a list not (yet) built with office/tables.py: counted by its selector
            assert int(shown.group(1)) == int(count), (name, href)
            checked[(name, href)] = int(count)
    assert checked[("district", "/office/planning/frequency/")] == 4
    assert checked[("district", "/office/planning/frequency/?never=1")] == 1
    assert checked[("station", "/office/planning/frequency/")] == 2  # its street only
    assert checked[("station", "/office/operators/")] == 4
    assert checked[("business", "/office/operators/")] == 1
    assert ("inspector", "/office/planning/frequency/") not in checked  # not a list the inspector may open


@time_machine.travel(NOW, tick=False)
def test_workbench_counts_the_days_work_per_role(client, district):
    users = _users(district)
    client.force_login(users["district"])
    tiles = dict(_tiles(client))
    assert tiles["/office/planning/frequency/"] == "4"
    assert tiles["/office/planning/frequency/?never=1"] == "1"
    assert tiles["/office/planning/tasks/?status=unassigned"] == "2"
    client.force_login(users["station"])
    tiles = dict(_tiles(client))
    assert tiles["/office/planning/tasks/?status=unassigned"] == "1"
    assert tiles["/office/planning/frequency/?never=1"] == "0"
    client.force_login(users["inspector"])
    assert dict(_tiles(client))["/office/planning/tasks/?status=assigned"] == "1"
    client.force_login(users["business"])
    page = client.get("/office/").content.decode()
    assert district["a_wld"].name in page and district["d_wld"].name not in page
    for admin, own in (("system", "/office/admin/"), ("security", "/office/security/"), ("audit", "/office/audit/")):
        client.force_login(users[admin])
        hrefs = [href for href, _count in _tiles(client)]
        assert hrefs and all(h.startswith(own) for h in hrefs), (admin, hrefs)  # its own powers, no credit files


def test_every_tile_filters_with_its_lists_own_filters():
    """A parameter the list does not know would be ignored: the tile would count every row under its label."""
    for role, specs in workbench.ROLE_TILES.items():
        for spec in specs:
            try:
                view_class = getattr(resolve(reverse(spec.url_name)).func, "view_class", None)
            except NoReverseMatch:
                continue
            if isinstance(view_class, type) and issubclass(view_class, OfficeListView):
                params = spec.params(TODAY) if callable(spec.params) else spec.params
                assert workbench.unknown_filters(view_class, params) == set(), (role, spec.url_name, params)
    assert workbench.unknown_filters(views.OperatorListView, {"street": "x", "no_such": "1"}) == {"no_such"}


@time_machine.travel(NOW, tick=False)
def test_district_charts_open_their_lists(client, district):
    client.force_login(_users(district)["district"])
    page = client.get("/office/").content.decode()
    assert 'id="wb-street"' in page and 'id="wb-sector"' in page
    # the D bar of 观音桥街道 opens the operator list filtered so, and that list shows the bar's one operator
    chart = json.loads(re.search(r'<script id="wb-street" type="application/json">(.*?)</script>', page).group(1))
    link = chart["links"][3][chart["years"].index("观音桥街道")]  # series D, category 观音桥街道
    assert chart["series"][3]["data"][chart["years"].index("观音桥街道")] == 1
    assert link == "/office/operators/?street=%E8%A7%82%E9%9F%B3%E6%A1%A5%E8%A1%97%E9%81%93&risk_class=D&status=active"
    listing = client.get(link).content.decode()
    assert LIST_COUNT.search(listing).group(1) == "1" and district["d_gyq"].name in listing
    client.force_login(_users(district)["station"])  # a station's charts: its streets only
    page = client.get("/office/").content.decode()
    chart = json.loads(re.search(r'<script id="wb-street" type="application/json">(.*?)</script>', page).group(1))
    assert chart["years"] == ["五里店街道"] and [s["data"] for s in chart["series"]] == [[1], [1], [1], [1]]


@time_machine.travel(NOW, tick=False)
def test_frequency_list_puts_the_riskiest_first_at_equal_overdue_and_says_never_inspected(client, district):
    client.force_login(_users(district)["district"])
    page = client.get("/office/planning/frequency/").content.decode()
    names = [district[k].name for k in ("d_gyq", "d_wld", "a_gyq_never", "a_wld")]
    positions = [page.index(n) for n in names]
    assert positions == sorted(positions)  # D 78 days before A 78 days; never-inspected A capped at a year
    never_row = page[page.index(names[2]) : page.index(names[3])]
    assert "从未检查" in never_row and "自登记（2000-01-01）起" in never_row
    assert "2002-01-01" not in never_row  # no due date counted from a registration decades ago
    street = client.get("/office/planning/frequency/", {"street": "观音桥"})  # not a street of the district's list
    assert LIST_COUNT.search(street.content.decode()).group(1) == "0"
    street = client.get("/office/planning/frequency/", {"street": "观音桥街道"})
    assert LIST_COUNT.search(street.content.decode()).group(1) == "2"
    assert 'option value="观音桥街道"' in street.content.decode()  # chosen from the list


@time_machine.travel(NOW, tick=False)
def test_htmx_gets_the_table_alone_and_plain_get_the_page(client, district):
    client.force_login(_users(district)["district"])
    swap = client.get(
        "/office/operators/", {"street": "五里店街道"}, headers={"HX-Request": "true", "HX-Target": "list-table"}
    )
    html = swap.content.decode()
    assert "<html" not in html and LIST_COUNT.search(html).group(1) == "4"
    assert "<html" in client.get("/office/operators/", {"street": "五里店街道"}).content.decode()


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_neutralise_formula_text(text):
    assert neutralise(text) == "'" + text
    assert neutralise("观音桥") == "观音桥" and neutralise(-3) == -3


@time_machine.travel(NOW, tick=False)
def test_export_is_what_is_shown_with_formulas_neutralised(client, district):
    OperatorFactory(street="五里店街道", name='=HYPERLINK("http://evil","点我")')
    OperatorFactory(street="观音桥街道", name="@SUM(A1)")
    client.force_login(_users(district)["station"])  # 五里店街道 only
    response = client.get("/office/operators/", {"_export": "csv", "sort": "name"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [r[0] for r in rows[1:]]
    assert rows[0][0] == "主体名称" and len(names) == 5  # the station's five, not the other street's
    assert '\'=HYPERLINK("http://evil","点我")' in names and "@SUM(A1)" not in " ".join(names)
    response = client.get("/office/operators/", {"_export": "xlsx", "q": "HYPERLINK"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][0].startswith("'=")
    response = client.get("/office/planning/frequency/", {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    # the new operator, never inspected since 2015 and unclassified (B: 365 days × 1), then D (78 × 3), then A
    expected = ["'" + '=HYPERLINK("http://evil","点我")', district["d_wld"].name, district["a_wld"].name]
    assert [row[0].value for row in sheet.iter_rows()][1:] == expected


@time_machine.travel(NOW, tick=False)
def test_an_export_too_large_is_refused_with_a_message_not_cut_short(client, district, monkeypatch):
    monkeypatch.setattr("foodcredit.office.tables.EXPORT_MAX_ROWS", 3)
    client.force_login(_users(district)["district"])
    response = client.get("/office/operators/", {"_export": "xlsx", "street": "五里店街道"}, follow=True)
    html = response.content.decode()
    target = response.redirect_chain[0][0]
    assert target.startswith("/office/operators/?street=") and "_export" not in target  # back to the list
    assert "超过导出上限 3 条" in html and LIST_COUNT.search(html).group(1) == "4"
    small = client.get("/office/operators/", {"_export": "csv", "street": "观音桥街道"})
    assert small["Content-Type"].startswith("text/csv")  # 2 rows: exported


@time_machine.travel(NOW, tick=False)
def test_lists_stay_in_scope(client, district):
    users = _users(district)
    client.force_login(users["station"])
    other_street = client.get("/office/operators/", {"street": "观音桥街道"}).content.decode()
    assert LIST_COUNT.search(other_street).group(1) == "0" and district["d_gyq"].name not in other_street
    assert client.get(f"/office/operators/{district['d_gyq'].uscc}/").status_code == 404
    client.force_login(users["business"])
    assert client.get("/office/planning/frequency/").status_code == 403
    assert client.get(f"/office/operators/{district['d_wld'].uscc}/").status_code == 404
    client.force_login(users["audit"])
    assert LIST_COUNT.search(client.get("/office/operators/").content.decode()).group(1) == "0"


@pytest.mark.django_db
def test_messages_show_on_every_office_page():
    user = UserFactory(role=R.DISTRICT_REGULATOR)
    request = RequestFactory().get("/office/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = user
    messages.success(request, "已保存")
    html = views.home(request).content.decode()
    assert '<li class="message-success">已保存</li>' in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_branded_error_pages_in_both_languages(client, language):
    client.cookies["django_language"] = language
    with translation.override(language):
        not_found, forbidden, failed = gettext("页面不存在"), gettext("无权访问"), gettext("系统暂时无法处理您的请求")
    client.force_login(UserFactory(role=R.BUSINESS))
    response = client.get("/office/no-such-page/", headers={"accept-language": language})
    html = response.content.decode()
    assert response.status_code == 404 and not_found in html and f'lang="{language}"' in html
    response = client.get("/office/planning/frequency/")  # PermissionDenied inside the office
    assert response.status_code == 403 and forbidden in response.content.decode()
    with translation.override(language):
        response = defaults.server_error(RequestFactory().get("/office/"))  # no request context, no database
    assert response.status_code == 500 and failed in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_gets_the_branded_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=R.DISTRICT_REGULATOR))
    response = client.post("/office/logout/")  # no CSRF token: a form left open too long
    assert response.status_code == 403 and "页面已过期" in response.content.decode()


def test_permission_denied_is_the_django_handler():
    request = RequestFactory().get("/office/x/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403 and "403" in response.content.decode()


def test_url_names_the_workbench_links_to():
    assert reverse("office:planning_frequency") == "/office/planning/frequency/"
    assert reverse("office:operator_search") == "/office/operators/"
