from django.urls import path

from . import views_inspectors
from . import views_planning as v

urlpatterns = [
    path("planning/inspectors/", views_inspectors.InspectorListView.as_view(), name="planning_inspectors"),
    path("planning/inspectors/<int:inspector_id>/", views_inspectors.planning_inspector, name="planning_inspector"),
    path("planning/plans/", v.PlanListView.as_view(), name="planning_plans"),
    path("planning/plans/new/", v.planning_plan_new, name="planning_plan_new"),
    path("planning/plans/<int:plan_id>/", v.planning_plan, name="planning_plan"),
    path("planning/plans/<int:plan_id>/draw/", v.planning_plan_draw, name="planning_plan_draw"),
    path("planning/plans/<int:plan_id>/publish/", v.planning_plan_publish, name="planning_plan_publish"),
    path("planning/plans/<int:plan_id>/revise/", v.planning_plan_revise, name="planning_plan_revise"),
    path("planning/tasks/", v.TaskListView.as_view(), name="planning_tasks"),
    path("planning/tasks/<int:task_id>/", v.planning_task, name="planning_task"),
    path("planning/tasks/<int:task_id>/publish/", v.planning_task_publish, name="planning_task_publish"),
    path("planning/frequency/", v.planning_frequency, name="planning_frequency"),
]
