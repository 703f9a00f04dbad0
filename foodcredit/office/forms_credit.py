"""Forms of the back office's credit pages: one per write the credit API offers, with the same fields as its
schema (credit/schemas.py), so that the form and the API call the same service with the same values."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foodcredit.core.choice_labels import translated_choices
from foodcredit.credit.models import Commitment, ListEntry, PersonBan, RepairApplication
from foodcredit.risk import rules as risk_rules

L = ListEntry
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type="date"> reads


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


def _text(label: Any, *, max_length: int, required: bool = True, rows: int = 0) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


class ViolationTypeForm(forms.Form):
    """违法行为类型: define or change (by code)."""

    code = _text(_("编码"), max_length=40)
    name = _text(_("违法行为类型"), max_length=200)
    legal_basis = _text(_("违法条款"), max_length=200, required=False)
    listable_serious = forms.BooleanField(label=_("可列入严重违法失信名单"), required=False)
    listing_basis = _text(_("列入依据（总局令第44号条款）"), max_length=300, required=False)
    provisional = forms.BooleanField(label=_("条款待核对"), required=False)


class ViolationMapForm(forms.Form):
    """Map a source's violation text to a type."""

    code = forms.ChoiceField(label=_("违法行为类型"))

    def __init__(self, *args: Any, types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *types]


class SourceTextMapForm(ViolationMapForm):
    """Map a text of a chosen source (from a type's page)."""

    source = forms.ChoiceField(label=_("来源系统"))
    text = _text(_("来源系统的违法行为原文"), max_length=300)

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *sources]


class SeriousProposalForm(forms.Form):
    """The serious-list judgment record and the notice of the party's rights (SeriousProposalIn)."""

    serious_reasons = _text(_("情节严重的认定理由"), max_length=5000, rows=4)
    no_intent_proven = forms.BooleanField(label=_("当事人已证明无主观故意"), required=False)
    notice_served_on = _date(_("告知陈述申辩、听证权利日期"))
    hearing_requested = forms.BooleanField(label=_("当事人要求听证"), required=False)
    legal_basis = _text(_("法律依据"), max_length=300)
    department = _text(_("作出决定部门"), max_length=100)
    restriction_until = _date(_("限制期限至（如有）"), required=False)


class ApprovalForm(forms.Form):
    """The upper level's approval (ApprovalIn)."""

    approved_on = _date(_("上一级批准日期"))
    approved_by = _text(_("批准机关"), max_length=100)


class DecisionForm(forms.Form):
    """A listing decision (DecisionIn)."""

    decision_no = _text(_("列入决定书文号"), max_length=100)
    decided_on = _date(_("列入日期"))


class DropForm(forms.Form):
    """Dropping a proposal (DropIn)."""

    reason = _text(_("不予列入理由"), max_length=2000, rows=3)
    no_intent_proven = forms.BooleanField(label=_("当事人已证明无主观故意"), required=False)


REMOVAL_REASONS = translated_choices(
    (c.value, c.label) for c in L.RemovalReason if c.value in ("corrected", "expired", "reversed", "deregistered")
)


class RemovalForm(forms.Form):
    """Removal from a list (RemovalIn); early removal by repair goes through a repair decision."""

    reason = forms.ChoiceField(
        label=_("移出原因"),
        choices=[
            (c.value, c.label)
            for c in L.RemovalReason
            if c.value in ("corrected", "expired", "reversed", "deregistered")
        ],
    )
    removed_on = _date(_("移出日期"))
    note = _text(_("移出说明"), max_length=2000, required=False, rows=2)

    def __init__(self, *args: Any, list_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if list_kind == L.ListKind.SERIOUS:  # early removal of a serious listing goes through credit repair
            field = self.fields["reason"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in REMOVAL_REASONS if c[0] != L.RemovalReason.CORRECTED]


ABNORMAL_CAUSES = [L.Cause.ANNUAL_REPORT, L.Cause.INSTANT_INFO, L.Cause.FALSE_INFO, L.Cause.UNREACHABLE]


class AbnormalListForm(forms.Form):
    """List an operator on the 经营异常名录 for one of its four causes (AbnormalListIn)."""

    uscc = _text(_("统一社会信用代码"), max_length=18)
    cause = forms.ChoiceField(
        label=_("列入事由"), choices=translated_choices((c.value, c.label) for c in ABNORMAL_CAUSES)
    )
    legal_basis = _text(_("法律依据"), max_length=300)
    decision_no = _text(_("决定书文号"), max_length=100)
    decided_on = _date(_("列入日期"))
    department = _text(_("作出决定部门"), max_length=100)


class OverrideForm(forms.Form):
    """A regulator's class override (risk OverrideIn)."""

    risk_class = forms.ChoiceField(label=_("调整为"), choices=[(c, c) for c in risk_rules.CLASSES])
    reason = _text(_("理由"), max_length=2000, rows=3)
    days = forms.IntegerField(label=_("有效天数（空为最长）"), min_value=1, required=False)


def _once() -> forms.CharField:
    """A token rendered with the form: submitting the same form twice (a double click, a resent POST) files once."""
    return forms.CharField(widget=forms.HiddenInput, max_length=100, required=False, initial=lambda: uuid.uuid4().hex)


class CommitmentForm(forms.Form):
    """A business user's commitment for one of its operators (CommitmentIn)."""

    idempotency_key = _once()
    uscc = forms.ChoiceField(label=_("经营主体"))
    kind = forms.ChoiceField(label=_("承诺类型"), choices=translated_choices(Commitment.Kind.choices))
    text = _text(_("承诺内容"), max_length=5000, rows=4)

    def __init__(self, *args: Any, operators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["uscc"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = operators


class CommitmentVerifyForm(forms.Form):
    """Today's verification of a commitment (CommitmentVerifyIn)."""

    verification = forms.ChoiceField(
        label=_("核查结果"),
        choices=[(Commitment.Verification.KEPT, _("承诺属实")), (Commitment.Verification.FALSE, _("虚假承诺"))],
    )
    note = _text(_("核查说明"), max_length=2000, required=False, rows=2)


class CaseStudyForm(forms.Form):
    """A typical case published today (CaseStudyIn)."""

    title = _text(_("标题"), max_length=200)
    body = _text(_("案情与处理"), max_length=20000, rows=8)
    exposure = _text(_("曝光说明"), max_length=2000, required=False, rows=2)
    uscc = _text(_("涉及经营主体（统一社会信用代码，可空）"), max_length=18, required=False)
    penalty_decision_no = _text(_("处罚决定书文号（可空）"), max_length=100, required=False)


class PersonBanForm(forms.Form):
    """A 行业禁入 (PersonBanIn); the ID number is hashed by the service and never stored or shown."""

    id_number = forms.CharField(label=_("身份证件号码"), min_length=15, max_length=18, widget=forms.PasswordInput)
    name = _text(_("姓名"), max_length=100)
    uscc = _text(_("所在经营主体（统一社会信用代码，可空）"), max_length=18, required=False)
    basis = forms.ChoiceField(label=_("禁入事由"), choices=translated_choices(PersonBan.Basis.choices))
    decision_no = _text(_("决定书或判决书文号"), max_length=100)
    decided_on = _date(_("决定（判决）日期"))
    department = _text(_("作出决定部门"), max_length=100)


class PenaltyRevocationForm(forms.Form):
    """The revocation or change of a penalty decision (PenaltyRevocationIn)."""

    revoked_on = _date(_("撤销（变更）日期"))


class RepairForm(forms.Form):
    """A business user's repair application (RepairIn)."""

    idempotency_key = _once()
    uscc = forms.ChoiceField(label=_("经营主体"))
    target = forms.ChoiceField(label=_("修复事项"), choices=translated_choices(RepairApplication.Target.choices))
    penalty_decision_no = _text(_("处罚决定书文号（修复行政处罚信息时）"), max_length=100, required=False)
    commitment = _text(_("守信承诺书"), max_length=5000, rows=4)
    evidence = _text(_("履行义务、纠正违法行为的证明"), max_length=5000, rows=4)

    def __init__(self, *args: Any, operators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["uscc"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = operators
