"""Which pages and duties each role reaches (DOMAIN.md Part I §5): imports, the review queue, the audit log, the
three administrators' duties. Pure, no ORM. Which records a role may write about which operator is not decided here:
that is the rules table of accounts.permissions, the one write check every write service and door calls."""

from django.contrib.auth.models import AnonymousUser

from .models import User

R = User.Role

INTERNAL_READERS = {R.DISTRICT_REGULATOR, R.STATION_REGULATOR, R.INSPECTOR, R.OTHER_DEPARTMENT, R.BUSINESS}
RECORD_WRITERS = {R.DISTRICT_REGULATOR, R.STATION_REGULATOR}
IMPORTERS = {R.DISTRICT_REGULATOR, R.STATION_REGULATOR, R.OTHER_DEPARTMENT}
ADMINISTRATORS = {R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDIT_ADMIN}


def can_import(user: User) -> bool:
    return user.is_authenticated and user.role in IMPORTERS


def can_review_queue(user: User) -> bool:
    return user.is_authenticated and user.role in RECORD_WRITERS


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and user.role == R.AUDIT_ADMIN


def can_administer_users(user: User) -> bool:
    """The system administrator: users, departments, business-user links (等保 三权分立: not roles, not the log)."""
    return user.is_authenticated and user.role == R.SYSTEM_ADMIN


def can_administer_security(user: User) -> bool:
    """The security administrator: roles and scopes, lockouts, second factors, sessions, password expiry."""
    return user.is_authenticated and user.role == R.SECURITY_ADMIN


def can_confirm_business_links(user: User) -> bool:
    """A district regulator confirms a business user's link to an operator before it takes effect."""
    return user.is_authenticated and user.role == R.DISTRICT_REGULATOR


def sees_internal_records(user: User) -> bool:
    return user.is_authenticated and user.role in INTERNAL_READERS


def sees_risk_class(user: User | AnonymousUser) -> bool:
    """The class and its explanation are an internal reference for supervision (DOMAIN.md Part II §4.3): internal
    readers see them within their scope, the operator's own users do not (only what the public sees)."""
    return isinstance(user, User) and sees_internal_records(user) and user.role != R.BUSINESS
