"""联合惩戒核查 in the back office: another department's staff (and the bureau's regulators) check an operator or a
responsible person before approving something, as their systems do through the API — the same service, the same log."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from foodcredit.sharing import selectors as sharing_selectors
from foodcredit.sharing import services as sharing_services


class OperatorCheckForm(forms.Form):
    """An operator, by its USCC."""

    uscc = forms.CharField(label=_("统一社会信用代码"), min_length=18, max_length=18)


class PersonCheckForm(forms.Form):
    """A responsible person, by the ID number (sent in the body, hashed, never stored or logged)."""

    id_number = forms.CharField(label=_("身份证件号码"), min_length=15, max_length=18, widget=forms.PasswordInput)


@never_cache
@login_required
def eligibility(request: HttpRequest) -> HttpResponse:
    """Two forms (operator, person); a POST answers one check and logs it (`sharing.services`)."""
    if not sharing_selectors.eligibility_caller_allowed(for_user=request.user):
        raise PermissionDenied
    as_of = timezone.localdate()
    operator_form = OperatorCheckForm(request.POST if request.POST.get("check") == "operator" else None)
    person_form = PersonCheckForm(request.POST if request.POST.get("check") == "person" else None)
    context: dict[str, object] = {"operator_form": operator_form, "person_form": person_form, "as_of": as_of}
    if operator_form.is_bound and operator_form.is_valid():
        uscc = operator_form.cleaned_data["uscc"].strip().upper()
        try:
            checked = sharing_services.eligibility_operator_check(actor=request.user, uscc=uscc, as_of=as_of)
        except Http404:
            context["not_found"] = uscc
        else:
            by_class = checked.by_class
            label = sharing_selectors.measure_label
            context["operator"] = {
                "answer": checked.answer,
                "internal": checked.internal,
                "restrictions": [(label(m.code), m) for m in by_class.restrictions],
                "facilitations": [(label(m.code), m) for m in by_class.facilitations],
                "bans": [(label(m.code), m) for m in checked.answer.person_bans],
                "risk_class": by_class.risk_class,
                "risk_class_label": by_class.label,
                "risk_class_as_of": by_class.as_of,
                "class_note": sharing_selectors.class_note(has_class=by_class.risk_class is not None),
            }
    if person_form.is_bound and person_form.is_valid():
        bans = sharing_services.eligibility_person_check(
            actor=request.user, id_number=person_form.cleaned_data["id_number"].strip(), as_of=as_of
        )
        context["person"] = [(sharing_selectors.measure_label(m.code), m) for m in bans]
        context["person_form"] = PersonCheckForm()  # the number is not echoed back
    return render(request, "office/eligibility.html", context)
