from django.urls import include, path

from . import views_credit as v
from . import views_credit_business as business
from . import views_credit_decisions as decisions
from . import views_credit_lists as lists
from . import views_credit_violations as violations

urlpatterns = [
    path("repairs/", v.repair_queue, name="repairs"),
    path("repairs/mine/", business.repair_mine, name="repair_mine"),
    path("repairs/new/", business.repair_apply, name="repair_apply"),
    path("repairs/<int:application_id>/<str:action>/", v.repair_act, name="repair_act"),
    # The violation-type code table and the 未分类 queue.
    path("violations/", violations.ViolationTypeListView.as_view(), name="violation_types"),
    path("violations/new/", violations.violation_type_new, name="violation_type_new"),
    path("violations/queue/", violations.ViolationQueueView.as_view(), name="violation_queue"),
    path("violations/queue/map/", violations.violation_queue_map, name="violation_queue_map"),
    path("violations/<str:code>/", violations.violation_type, name="violation_type"),
    # The two lists.
    path("lists/", lists.ListEntryListView.as_view(), name="lists"),
    path("lists/candidates/", lists.CandidateListView.as_view(), name="list_candidates"),
    path("lists/candidates/<int:entry_id>/propose/", lists.list_propose, name="list_propose"),
    path("lists/abnormal/new/", lists.abnormal_add, name="abnormal_add"),
    path("lists/<int:pk>/", lists.list_entry, name="list_entry"),
    path("lists/<int:pk>/<str:action>/", lists.list_entry_act, name="list_entry_act"),
    # Class overrides and penalty revocations, from an operator's credit file.
    path("operators/<str:uscc>/overrides/", decisions.class_overrides, name="class_overrides"),
    path(
        "operators/<str:uscc>/overrides/<int:pk>/revoke/", decisions.class_override_revoke, name="class_override_revoke"
    ),
    path("operators/<str:uscc>/penalties/", decisions.penalty_revocations, name="penalty_revocations"),
    path("operators/<str:uscc>/penalties/<int:entry_id>/revoke/", decisions.penalty_revoke, name="penalty_revoke"),
    # Commitments, typical cases, person bans.
    path("commitments/", business.CommitmentListView.as_view(), name="commitments"),
    path("commitments/new/", business.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", business.commitment, name="commitment"),
    path("cases/", decisions.CaseListView.as_view(), name="cases"),
    path("cases/new/", decisions.case_new, name="case_new"),
    path("cases/<int:pk>/withdraw/", decisions.case_withdraw, name="case_withdraw"),
    path("bans/", decisions.BanListView.as_view(), name="bans"),
    path("bans/new/", decisions.ban_new, name="ban_new"),
    # 不予公示 and objections (views_disclosure.py, views_objections.py: urls_objections.py).
    path("", include("foodcredit.office.urls_objections")),
]
