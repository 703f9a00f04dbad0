from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("operators/<str:uscc>/", views.operator_detail, name="operator_detail"),
    path("operators/<str:uscc>/timeline/", views.operator_timeline, name="operator_timeline"),
]
