from django.urls import path

from foodcredit.creditreport import views as report_views

from . import views, views_staff

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/<str:list_kind>/", views.list_roster, name="list_roster"),
    path("cases/", views.cases, name="cases"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<str:key>.<str:fmt>", views.open_data_download, name="open_data_download"),
    path("report/", views.report, name="report"),
    path("report/status/", views.report_status, name="report_status"),
    path("report/queue/", views_staff.report_queue, name="report_queue"),
    path("report/queue/<int:pk>/", views_staff.report_detail, name="report_detail"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("operators/<str:uscc>/", views.operator_detail, name="operator_detail"),
    path("operators/<str:uscc>/timeline/", views.operator_timeline, name="operator_timeline"),
    # Credit reports (foodcredit/creditreport): the public variant as a PDF, and the verification of a report's code.
    path("operators/<str:uscc>/report.pdf", report_views.report_public, name="report_pdf"),
    path("verify/", report_views.verify, name="report_verify"),
]
