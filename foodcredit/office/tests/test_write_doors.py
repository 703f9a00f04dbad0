"""Every write the API offers has a page: the API's write operations are listed from its schema, and each one must
name the office or portal page that makes the same change and the test that proves both doors write the same audit
action — or be on the allow-list of operations only machines use, with the reason. A new write operation without a
page fails here until it gets one."""

import importlib
import inspect
import re

import pytest
from django.urls import NoReverseMatch, get_resolver

from config.api import api

WRITE_METHODS = {"post", "put", "patch", "delete"}
CREDIT = "foodcredit.office.tests.test_credit_pages"
PLANNING = "foodcredit.office.tests.test_planning_pages"
ALERTS = "foodcredit.office.tests.test_alerts_pages"

# operation id → (the page's URL name, the test comparing the API's audit action with the page's, "module::test").
PAGES: dict[str, tuple[str, str]] = {
    "abnormal_list_add": ("office:abnormal_add", f"{CREDIT}::test_drop_and_abnormal_listing_audit_the_same"),
    "serious_list_propose": (
        "office:list_propose",
        f"{CREDIT}::test_serious_list_steps_audit_the_same_from_api_and_form",
    ),
    "serious_list_approve": (
        "office:list_entry_act",
        f"{CREDIT}::test_serious_list_steps_audit_the_same_from_api_and_form",
    ),
    "serious_list_decide": (
        "office:list_entry_act",
        f"{CREDIT}::test_serious_list_steps_audit_the_same_from_api_and_form",
    ),
    "serious_list_drop": ("office:list_entry_act", f"{CREDIT}::test_drop_and_abnormal_listing_audit_the_same"),
    "list_remove": ("office:list_entry_act", f"{CREDIT}::test_serious_list_steps_audit_the_same_from_api_and_form"),
    "repair_submit": ("office:repair_apply", f"{CREDIT}::test_repair_writes_audit_the_same"),
    "repair_accept": ("office:repair_act", f"{CREDIT}::test_repair_writes_audit_the_same"),
    "repair_decide": ("office:repair_act", f"{CREDIT}::test_repair_writes_audit_the_same"),
    "commitment_record": ("office:commitment_new", f"{CREDIT}::test_commitment_writes_audit_the_same"),
    "commitment_verify": ("office:commitment", f"{CREDIT}::test_commitment_writes_audit_the_same"),
    "person_ban_record": ("office:ban_new", f"{CREDIT}::test_ban_case_revocation_and_override_writes_audit_the_same"),
    "case_study_publish": ("office:case_new", f"{CREDIT}::test_ban_case_revocation_and_override_writes_audit_the_same"),
    "case_study_withdraw": (
        "office:case_withdraw",
        f"{CREDIT}::test_ban_case_revocation_and_override_writes_audit_the_same",
    ),
    "penalty_revocation_file": (
        "office:penalty_revoke",
        f"{CREDIT}::test_ban_case_revocation_and_override_writes_audit_the_same",
    ),
    "foodcredit_risk_api_class_override": (
        "office:class_overrides",
        f"{CREDIT}::test_ban_case_revocation_and_override_writes_audit_the_same",
    ),
    "class_override_revoke": (
        "office:class_override_revoke",
        f"{CREDIT}::test_ban_case_revocation_and_override_writes_audit_the_same",
    ),
    "planning_inspector_add": (
        "office:planning_inspectors",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_inspector_verify": (
        "office:planning_inspector",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_inspector_profile": (
        "office:planning_inspector",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_conflict_declare": (
        "office:planning_inspector",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_conflict_withdraw": (
        "office:planning_inspector",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_plan_create": (
        "office:planning_plan_new",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_plan_draw": ("office:planning_plan_draw", f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions"),
    "planning_task_assign": ("office:planning_task", f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions"),
    "planning_task_close": ("office:planning_task", f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions"),
    "planning_plan_publish": (
        "office:planning_plan_publish",
        f"{PLANNING}::test_api_and_pages_write_the_same_audit_actions",
    ),
    "planning_plan_revise": (
        "office:planning_plan_revise",
        f"{PLANNING}::test_revise_and_result_publication_pages_write_the_api_s_audit_actions",
    ),
    "planning_task_publish": (
        "office:planning_task_publish",
        f"{PLANNING}::test_revise_and_result_publication_pages_write_the_api_s_audit_actions",
    ),
    "planning_task_result": (
        "office:planning_task",
        f"{PLANNING}::test_a_result_through_the_api_and_through_the_page_audit_the_same",
    ),
    "import_records": (
        "office:import_upload",
        "foodcredit.office.tests.test_import_doors_audit::test_import_via_api_and_via_upload_audit_the_same",
    ),
    "alerts_measure": ("office:alert", f"{ALERTS}::test_api_and_form_steps_audit_the_same"),
    "alerts_interview": ("office:alert", f"{ALERTS}::test_api_and_form_steps_audit_the_same"),
    "alerts_close": ("office:alert", f"{ALERTS}::test_api_and_form_steps_audit_the_same"),
    "alerts_reply": ("office:alert", f"{ALERTS}::test_reply_through_the_api_and_the_page_audit_the_same"),
    "eligibility_person": (
        "office:eligibility",
        "foodcredit.office.tests.test_eligibility_page::"
        "test_a_department_checks_an_operator_and_a_person_as_its_systems_do_through_the_api",
    ),
}

# Operations only machines use (each with why a page would add nothing).
MACHINE_ONLY: dict[str, str] = {}


def _write_operations() -> dict[str, str]:
    schema = api.get_openapi_schema()
    return {
        op["operationId"]: path
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method in WRITE_METHODS
    }


def _url_name_exists(name: str) -> bool:
    namespace, _, url_name = name.rpartition(":")
    resolver = get_resolver()
    try:
        resolver = resolver.namespace_dict[namespace][1] if namespace else resolver
    except KeyError:
        return False
    return url_name in resolver.reverse_dict


def test_every_api_write_has_a_page_or_a_reason():
    operations = set(_write_operations())
    missing = sorted(operations - set(PAGES) - set(MACHINE_ONLY))
    stale = sorted((set(PAGES) | set(MACHINE_ONLY)) - operations)
    assert (missing, stale) == ([], [])


@pytest.mark.parametrize("operation", sorted(PAGES))
def test_the_page_exists_and_a_test_compares_its_audit_action_with_the_apis(operation):
    url_name, test = PAGES[operation]
    assert _url_name_exists(url_name), url_name
    module_name, test_name = test.split("::")
    function = getattr(importlib.import_module(module_name), test_name)
    source = inspect.getsource(function)
    # The test calls this operation's API path (the last word of its fixed part: "approve", "commitments"…).
    path = _write_operations()[operation]
    verb = [word for word in re.split(r"\{[^}]+\}|/", path) if word][-1]
    assert verb in source, (operation, verb)
    assert "via_api == via_form" in source or "actions(" in source
    with pytest.raises(NoReverseMatch):  # a sanity check of the helper: a made-up name is not found
        get_resolver().reverse("no_such_page_anywhere")
