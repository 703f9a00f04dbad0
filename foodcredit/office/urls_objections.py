from django.urls import path

from . import views_disclosure as disclosure
from . import views_objections as objections

urlpatterns = [
    # 不予公示: marked on an entry of the credit file, lifted from the mark's page.
    path("disclosure-holds/", disclosure.disclosure_holds, name="disclosure_holds"),
    path("entries/<int:entry_id>/hold/", disclosure.disclosure_hold_set, name="disclosure_hold_set"),
    path("disclosure-holds/<int:pk>/", disclosure.disclosure_hold_remove, name="disclosure_hold_remove"),
    # 异议申诉: a business user objects to an entry; the district's queue and decisions.
    path("entries/<int:entry_id>/objection/", objections.objection_new, name="objection_new"),
    path("objections/", objections.objection_list, name="objections"),
    path("objections/<int:pk>/", objections.objection, name="objection"),
    path("objections/<int:pk>/accept/", objections.objection_accept, name="objection_accept"),
    path(
        "objections/<int:pk>/files/<int:attachment_id>/", objections.objection_attachment, name="objection_attachment"
    ),
]
