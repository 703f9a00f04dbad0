"""Pure rules for accounts: which department a role needs, how a legal representative's name is compared, the
shape of an enrolment code. No ORM."""

import secrets
import unicodedata

from django.utils.translation import gettext_lazy as _

from .models import Department, User

R = User.Role
D = Department.Kind

OTHER_DEPARTMENT_KINDS = {D.DEVELOPMENT_REFORM, D.AGRICULTURE, D.HEALTH}
MARKET_ROLES = {
    R.SYSTEM_ADMIN,
    R.SECURITY_ADMIN,
    R.AUDIT_ADMIN,
    R.DISTRICT_REGULATOR,
    R.STATION_REGULATOR,
    R.INSPECTOR,
}
ADMINISTRATOR_ROLES = {R.SYSTEM_ADMIN, R.SECURITY_ADMIN, R.AUDIT_ADMIN}

# Default and well-known account names are never created (SECURITY.md B4: 0 default accounts): they are the first
# names a password-spraying attacker tries.
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "root", "test", "guest", "sa", "system", "user", "superuser", "demo"}
)

# Name separators written in several ways in registrations (艾力·买买提, 艾力•买买提, 艾力・买买提).
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", ".": "·", "‧": "·"})

# No 0/O, 1/I/L: a code read out over the phone or copied from paper is typed right.
ENROLMENT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_GROUPS = 3
ENROLMENT_GROUP_LENGTH = 4


def role_department_problem(
    *, role: str, department_kind: str | None, department_streets: list[str]
) -> tuple[str, str] | None:
    """Why `role` cannot belong to a department of this kind (code, message), or None when it can. Staff of the
    bureau belong to a market-regulation department; a station regulator's department names its streets; another
    department's people belong to that department; an association's to the association; business users to none
    (their scope is the operators they are linked to)."""
    if role == R.BUSINESS:
        if department_kind is not None:
            return "accounts.business_no_department", str(_("企业用户不属于任何部门，其范围由关联的经营主体决定。"))
        return None
    if department_kind is None:
        return "accounts.department_required", str(_("该角色必须属于一个部门。"))
    if role in MARKET_ROLES and department_kind != D.MARKET_REGULATION:
        return "accounts.department_kind", str(_("该角色须属于市场监管部门。"))
    if role == R.STATION_REGULATOR and not department_streets:
        return "accounts.station_streets", str(_("所级监管人员的部门须指定辖区街道。"))
    if role == R.OTHER_DEPARTMENT and department_kind not in OTHER_DEPARTMENT_KINDS:
        return "accounts.department_kind", str(_("其他部门人员须属于发展改革、农业农村或卫生健康部门。"))
    if role == R.ASSOCIATION and department_kind != D.ASSOCIATION:
        return "accounts.department_kind", str(_("行业协会用户须属于行业协会。"))
    return None


def person_name_normalised(name: str) -> str:
    """A person's name as compared: width folded (NFKC), spaces removed, name separators written one way."""
    folded = unicodedata.normalize("NFKC", name).translate(_DOTS)
    return "".join(ch for ch in folded if not ch.isspace()).casefold()


def legal_rep_matches(*, given: str, registered: str) -> bool:
    """The name given for a business link is the registered legal representative's (after normalisation)."""
    return bool(given.strip()) and person_name_normalised(given) == person_name_normalised(registered)


def enrolment_code_new() -> str:
    """A fresh enrolment code, e.g. `K7QM-2XWD-9PRT` (about 59 bits from the system's CSPRNG)."""
    groups = (
        "".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(ENROLMENT_GROUP_LENGTH))
        for _ in range(ENROLMENT_GROUPS)
    )
    return "-".join(groups)


def enrolment_code_normalised(code: str) -> str:
    """A typed code as it is checked: upper case, no spaces or dashes."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isalnum())


def username_reserved(username: str) -> bool:
    """A default or well-known account name (case and width ignored)."""
    return unicodedata.normalize("NFKC", username).strip().casefold() in RESERVED_USERNAMES
