"""Who may ask the eligibility check, and who gets internal-only data."""

from django.contrib.auth.models import AnonymousUser

from foodcredit.accounts.models import User

from .models import SharingGrant

R = User.Role
# Regulators of the bureau and the other departments ask; inspectors, associations, businesses and the three
# administrator roles do not (DOMAIN.md Part I §5).
CALLERS = {R.DISTRICT_REGULATOR, R.STATION_REGULATOR, R.OTHER_DEPARTMENT}


def eligibility_caller_allowed(*, for_user: User | AnonymousUser) -> bool:
    """Whether the caller may use the eligibility check at all."""
    return isinstance(for_user, User) and for_user.is_active and for_user.role in CALLERS


def eligibility_internal_allowed(*, for_user: User | AnonymousUser) -> bool:
    """Internal-only data: the bureau's regulators, and departments whose grant says so."""
    if not eligibility_caller_allowed(for_user=for_user):
        return False
    assert isinstance(for_user, User)
    if for_user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return True
    return (
        for_user.department_id is not None
        and SharingGrant.objects.filter(department_id=for_user.department_id, internal_records=True).exists()
    )
