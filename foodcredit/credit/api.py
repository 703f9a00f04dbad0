"""Credit-file API: an operator's timeline (internal or public) and the operator search for staff.

Thin: check the input shape, fetch through selectors (which own scoping), shape the response. Anything outside the
caller's scope answers 404, so that its existence does not leak.
"""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from foodcredit.operators import selectors as operator_selectors

from . import selectors
from .schemas import CreditFileFilter, CreditFileOut, OperatorListItemOut, OperatorOut, PublicOperatorOut

router = Router(tags=["credit"])


@router.get(
    "/operators/{uscc}/credit-file",
    auth=None,
    response=CreditFileOut,
    operation_id="credit_file_get",
    summary="信用档案 / An operator's credit file",
)
def credit_file_get(request: HttpRequest, uscc: str, filters: Query[CreditFileFilter]) -> CreditFileOut:
    """The public view for anyone; the internal view only for a logged-in reader whose scope holds the operator."""
    as_of = timezone.localdate()
    if filters.view == "internal":
        operator = operator_selectors.operator_get(uscc=uscc, for_user=request.user)
    else:
        operator = operator_selectors.operator_get_public(uscc=uscc)
    page = selectors.credit_file_page(
        operator=operator,
        view=filters.view,
        as_of=as_of,
        kinds=filters.kind,
        date_from=filters.date_from,
        date_to=filters.date_to,
        source=filters.source,
        cursor=filters.cursor,
        for_user=request.user,
    )
    card = selectors.credit_file_operator(operator=operator, view=filters.view)
    operator_out = OperatorOut.from_orm(card) if filters.view == "internal" else PublicOperatorOut.from_orm(card)
    return CreditFileOut(
        operator=operator_out,
        view=filters.view,
        entries=page.entries,  # type: ignore[arg-type]  # dataclasses, read by attribute
        next_cursor=page.next_cursor,
    )


@router.get(
    "/operators",
    response=list[OperatorListItemOut],
    operation_id="operator_search",
    summary="经营主体查询 / Search operators in scope",
)
def operator_search(request: HttpRequest, q: str = "") -> list[OperatorListItemOut]:
    """Operators in the caller's scope whose name contains `q` or whose USCC starts with it (at most 20)."""
    found = operator_selectors.operator_search(query=q[:100], for_user=request.user)
    return [OperatorListItemOut.from_orm(operator) for operator in found]
