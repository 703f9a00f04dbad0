from django.urls import path

from . import views_alerts as v
from .views_alerts_business import alerts_replies

urlpatterns = [
    path("alerts/", v.AlertInboxView.as_view(), name="alerts"),
    path("alerts/replies/", alerts_replies, name="alerts_replies"),
    path("alerts/chart/", v.alerts_chart, name="alerts_chart"),
    path("alerts/detectors/", v.alerts_params, name="alerts_params"),
    path("alerts/<int:pk>/", v.alert_detail, name="alert"),
    path("operators/<str:uscc>/alerts/", v.operator_alerts, name="operator_alerts"),
]
