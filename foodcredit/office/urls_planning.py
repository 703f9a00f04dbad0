from django.urls import path

from . import views_planning as v

urlpatterns = [
    path("planning/tasks/", v.planning_tasks, name="planning_tasks"),
    path("planning/tasks/<int:task_id>/", v.planning_task, name="planning_task"),
    path("planning/plans/", v.planning_plans, name="planning_plans"),
    path("planning/frequency/", v.planning_frequency, name="planning_frequency"),
]
