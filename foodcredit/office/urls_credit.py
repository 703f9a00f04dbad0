from django.urls import path

from . import views_credit as v

urlpatterns = [
    path("repairs/", v.repair_queue, name="repairs"),
    path("repairs/<int:application_id>/<str:action>/", v.repair_act, name="repair_act"),
]
