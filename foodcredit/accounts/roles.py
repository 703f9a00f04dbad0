"""What each role may see and change (DOMAIN.md Part I §5). Pure, no ORM."""

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


def sees_internal_records(user: User) -> bool:
    return user.is_authenticated and user.role in INTERNAL_READERS
