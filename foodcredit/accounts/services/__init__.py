"""Writes for users and departments (a package: demo accounts, logins and the second factor, the administrators'
account writes, business-user links)."""

from .demo import (
    DEMO_DEPARTMENTS,
    DEMO_USERS,
    STATION_STREETS,
    DemoLogin,
    demo_accounts_ensure,
    demo_admin_workload_ensure,
)
from .links import OperatorRegistration, business_link_decide, business_link_request, business_link_revoke
from .logins import (
    enrolment_code_issue,
    enrolment_code_redeem,
    login_attempt_record,
    password_set,
    totp_device_pending,
    totp_verify,
    two_factor_reset,
)
from .users import (
    audit_log_export_record,
    department_save,
    lockout_reset,
    password_force_change,
    sessions_end,
    user_active_set,
    user_create,
    user_grant,
    users_dormant_disable,
)

__all__ = [
    "DEMO_DEPARTMENTS",
    "DEMO_USERS",
    "STATION_STREETS",
    "DemoLogin",
    "OperatorRegistration",
    "audit_log_export_record",
    "business_link_decide",
    "business_link_request",
    "business_link_revoke",
    "demo_accounts_ensure",
    "demo_admin_workload_ensure",
    "department_save",
    "enrolment_code_issue",
    "enrolment_code_redeem",
    "lockout_reset",
    "login_attempt_record",
    "password_force_change",
    "password_set",
    "sessions_end",
    "totp_device_pending",
    "totp_verify",
    "two_factor_reset",
    "user_active_set",
    "user_create",
    "user_grant",
    "users_dormant_disable",
]
