"""`manage.py demo_accounts`: one login per role for a development server (DOMAIN.md Part I §5).

It lives in the office app because it reads the first operators and inspectors to link the business and inspector
logins; the work is done by `accounts.services.demo_accounts_ensure`, which refuses outside development settings.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from foodcredit.accounts import services as account_services
from foodcredit.core.errors import DomainError
from foodcredit.inspections.models import Inspector
from foodcredit.operators import selectors as operator_selectors
from foodcredit.operators.models import STREETS

BUSINESS_OPERATORS = 3


class Command(BaseCommand):
    help = "Create or refresh the demo departments and one demo login per role (development settings only)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Read-only use of the inspector directory: the first inspector with a 执法证号, if any.
        cert_no = (
            Inspector.objects.filter(cert_no__isnull=False).order_by("pk").values_list("cert_no", flat=True).first()
        )
        try:
            logins = account_services.demo_accounts_ensure(
                district_streets=list(STREETS),
                operator_usccs=operator_selectors.operator_usccs_first(limit=BUSINESS_OPERATORS),
                inspector_cert_no=cert_no or "",
            )
            # The administrators' workbenches: a business user's link waiting for confirmation (to the operator after
            # the demo business user's), a locked account.
            usccs = operator_selectors.operator_usccs_first(limit=BUSINESS_OPERATORS + 1)
            pending = None
            if len(usccs) > BUSINESS_OPERATORS:
                operator = operator_selectors.operator_get_public(uscc=usccs[-1])
                pending = account_services.OperatorRegistration(
                    uscc=operator.uscc, name=operator.name, legal_rep=operator.legal_rep
                )
            logins += account_services.demo_admin_workload_ensure(pending_link=pending)
        except DomainError as exc:
            raise CommandError(f"{exc.message} (DEMO_ACCOUNTS is not enabled in these settings)") from exc
        password = settings.DEMO_PASSWORD
        self.stdout.write("FoodCredit demo accounts (development only) — log in at /office/login/")
        rows = [("username", "role", "password", "department", "linked to")]
        rows += [(x.username, f"{x.role_label} ({x.role})", password, x.department, x.note) for x in logins]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
