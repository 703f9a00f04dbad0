"""Administration pages (三权分立; office/views_admin.py, views_admin_security.py, views_admin_audit.py). URL names
`admin_*` are the ones the workbench links."""

from django.urls import path
from django.views.generic import RedirectView

from . import views_admin, views_admin_audit, views_admin_security

urlpatterns = [
    # system administrator
    path("admin/users/", views_admin.UserListView.as_view(), name="admin_users"),
    path("admin/users/new/", views_admin.user_create, name="admin_user_create"),
    path("admin/users/<int:pk>/", views_admin.user_detail, name="admin_user"),
    path("admin/departments/", views_admin.DepartmentListView.as_view(), name="admin_departments"),
    path("admin/departments/new/", views_admin.department_edit, name="admin_department_create"),
    path("admin/departments/<int:pk>/", views_admin.department_edit, name="admin_department"),
    # system administrator (asks) and district regulators (confirm)
    path("admin/business-links/", views_admin.BusinessLinkListView.as_view(), name="admin_business_links"),
    path("admin/business-links/<int:pk>/decide/", views_admin.business_link_decide, name="admin_business_link_decide"),
    # security administrator
    path("security/users/", views_admin_security.SecurityUserListView.as_view(), name="admin_roles"),
    path("security/users/<int:pk>/", views_admin_security.security_user, name="admin_security_user"),
    path("security/lockouts/", views_admin_security.lockouts, name="admin_lockouts"),
    path("security/sessions/", views_admin_security.sessions, name="admin_sessions"),
    # The workbench's links for second factors and password expiry open the roles list filtered accordingly.
    path(
        "security/two-factor/",
        RedirectView.as_view(url="/office/security/users/?two_factor=no"),
        name="admin_two_factor",
    ),
    path(
        "security/passwords/", RedirectView.as_view(url="/office/security/users/?password=due"), name="admin_passwords"
    ),
    # audit administrator
    path("audit/", views_admin_audit.AuditListView.as_view(), name="admin_audit"),
]
