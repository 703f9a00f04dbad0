"""Who may ask the eligibility check, who gets internal-only data, and what the credit-risk class adds to it."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts.models import User
from foodcredit.credit import selectors as credit_selectors
from foodcredit.credit.rules import Measure
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import Operator
from foodcredit.planning import rules as planning_rules
from foodcredit.risk import selectors as risk_selectors

from . import rules
from .models import SharingGrant

R = User.Role
# Regulators of the bureau and the other departments ask; inspectors, associations, businesses and the three
# administrator roles do not (DOMAIN.md Part I §5).
CALLERS = {R.DISTRICT_REGULATOR, R.STATION_REGULATOR, R.OTHER_DEPARTMENT}


def eligibility_caller_allowed(*, for_user: User | AnonymousUser) -> bool:
    """Whether the caller may use the eligibility check at all."""
    return isinstance(for_user, User) and for_user.is_active and for_user.role in CALLERS


def eligibility_internal_allowed(*, for_user: User | AnonymousUser, operator: Operator | None = None) -> bool:
    """Internal-only data: the bureau's regulators for the operators in their scope (a station: its streets, through
    operator_scope, the one place that decides it), and departments whose grant says so. Without `operator` (a
    person's bans): whether the caller has internal rights at all."""
    if not eligibility_caller_allowed(for_user=for_user):
        return False
    assert isinstance(for_user, User)
    if for_user.role in (R.DISTRICT_REGULATOR, R.STATION_REGULATOR):
        return operator is None or operator_selectors.operator_scope(for_user=for_user).filter(pk=operator.pk).exists()
    return (
        for_user.department_id is not None
        and SharingGrant.objects.filter(department_id=for_user.department_id, internal_records=True).exists()
    )


# Labels of the class measures (rules.class_measures); the others are credit's (credit.selectors.measure_label).
CLASS_MEASURE_LABELS = {
    "green_channel": _("许可办理绿色通道"),
    "no_lenient_acceptance": _("不予容缺受理"),
}


def class_note(*, has_class: bool) -> object:
    """What the class is for, beside it in every answer (or that there is none yet)."""
    if has_class:
        return _("信用风险分类结果用于配置监管资源和办理许可，不是信用评价。")
    return _("该经营主体尚未进行信用风险分类。")


def measure_label(code: str) -> str:
    """The translated label of a measure, class-based or list-based."""
    label = CLASS_MEASURE_LABELS.get(code)
    return str(label) if label is not None else credit_selectors.measure_label(code)


@dataclass(frozen=True)
class ClassMeasures:
    """The operator's current credit-risk class (None before any classification) and the restrictions and
    facilitations with what the class implies for licence handling. Never the score or the explanation (DOMAIN.md
    Part I §4)."""

    risk_class: str | None
    label: str | None
    as_of: date | None
    restrictions: list[Measure]
    facilitations: list[Measure]

    @property
    def labels(self) -> list[str]:
        """The translated labels, facilitations first (the licence-handling line of the credit file)."""
        return [measure_label(m.code) for m in self.facilitations + self.restrictions]


def class_measures(
    *,
    operator_id: int,
    as_of: date,
    restrictions: list[Measure] | None = None,
    facilitations: list[Measure] | None = None,
) -> ClassMeasures:
    """The current class (as on the credit file) and its measures (planning.rules.facilitation_for: A green channel;
    D no 容缺受理 and no 告知承诺) merged into the list-based `restrictions` and `facilitations` given (rules.measures_merge);
    those unchanged before the operator is classified."""
    restrictions, facilitations = list(restrictions or []), list(facilitations or [])
    current = risk_selectors.class_current(operator_id, as_of=as_of)
    if current is None:
        return ClassMeasures(None, None, None, restrictions, facilitations)
    restrictions, facilitations = rules.measures_merge(
        restrictions=restrictions,
        facilitations=facilitations,
        by_class=rules.class_measures(planning_rules.facilitation_for(current.risk_class)),
    )
    return ClassMeasures(current.risk_class, gettext(current.label), current.as_of, restrictions, facilitations)
