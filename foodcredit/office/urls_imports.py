from django.urls import path

from . import views_imports as v

urlpatterns = [
    path("imports/", v.ImportListView.as_view(), name="imports"),
    path("imports/upload/", v.import_upload, name="import_upload"),
    path("imports/sources/", v.import_source_register, name="import_source_register"),
    path("imports/templates/<str:kind>.<str:fmt>", v.import_template, name="import_template"),
    path("imports/<int:job_id>/", v.import_job, name="import_job"),
    path("imports/<int:job_id>/errors.csv", v.import_job_errors, name="import_job_errors"),
    path("review-queue/", v.ReviewQueueView.as_view(), name="review_queue"),
    path("review-queue/<int:pending_id>/attach/", v.review_attach, name="review_attach"),
]
