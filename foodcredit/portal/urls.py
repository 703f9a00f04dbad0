from django.urls import path

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
]
