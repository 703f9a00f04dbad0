from django.urls import include, path

from foodcredit.creditreport import views as report_views

from . import views, views_auth, views_eligibility, views_risk, views_schedule

app_name = "office"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views_auth.OfficeLoginView.as_view(), name="login"),
    path("password/", views_auth.OfficePasswordChangeView.as_view(), name="password_change"),
    path("otp/", views_auth.otp, name="otp"),
    path("logout/", views_auth.OfficeLogoutView.as_view(), name="logout"),
    path("operators/", views.operator_search, name="operator_search"),
    path("operators/<str:uscc>/", views.operator_detail, name="operator_detail"),
    path("operators/<str:uscc>/timeline/", views.operator_timeline, name="operator_timeline"),
    # The internal credit report (PDF) of the reader's view of the file (foodcredit/creditreport).
    path("operators/<str:uscc>/report.pdf", report_views.report_internal, name="report_pdf"),
    # Credit-risk classes (office/views_risk.py).
    path("risk/", views_risk.risk_dashboard, name="risk_dashboard"),
    path("schedule/", views_schedule.schedule, name="schedule"),
    path("eligibility/", views_eligibility.eligibility, name="eligibility"),
    # Import pages (数据归集, the lead's office/views_imports.py and urls_imports.py); the left navigation has the
    # matching spot in office/_nav.html.
    path("", include("foodcredit.office.urls_imports")),
    # Random-inspection planning pages (双随机, office/views_planning.py and urls_planning.py).
    path("", include("foodcredit.office.urls_planning")),
    # Credit-repair queue (信用修复, office/views_credit.py and urls_credit.py).
    path("", include("foodcredit.office.urls_credit")),
    # Administration under 三权分立 (office/views_admin.py and urls_admin.py).
    path("", include("foodcredit.office.urls_admin")),
    # Early warning (监测预警, office/views_alerts.py and urls_alerts.py).
    path("", include("foodcredit.office.urls_alerts")),
]
