"""The public search form: it only checks the shape of what the reader typed and chose."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from foodcredit.core.choice_labels import translated_choices
from foodcredit.operators.models import STREETS, Operator

from . import search
from .models import PublicReport

ALL = [("", _("全部"))]


class SearchForm(forms.Form):
    """Text (name, USCC or licence number) and filters of the portal's search; every field optional."""

    q = forms.CharField(label=_("主体名称、统一社会信用代码或许可证编号"), required=False, max_length=search.QUERY_MAX)
    street = forms.ChoiceField(label=_("所属街道"), required=False, choices=ALL + [(s, s) for s in STREETS])
    sector = forms.ChoiceField(
        label=_("业态"), required=False, choices=ALL + translated_choices(Operator.Sector.choices)
    )
    business_type = forms.CharField(label=_("主体类型"), required=False, max_length=50)
    list_kind = forms.ChoiceField(
        label=_("名单状态"),
        required=False,
        choices=[*ALL, ("abnormal", _("列入经营异常名录")), ("serious", _("列入严重违法失信名单"))],
    )
    risk_class = forms.ChoiceField(
        label=_("信用风险分类"), required=False, choices=ALL + [(c, c) for c in search.RISK_CLASSES]
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("", _("默认")),
            ("name", _("名称")),
            ("-registered_on", _("成立日期（新→旧）")),
            ("registered_on", _("成立日期（旧→新）")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not settings.DISCLOSE_RISK_CLASS:  # classes not disclosed: no filter on them either
            del self.fields["risk_class"]

    def search_query(self) -> search.SearchQuery:
        """The checked input as a query (call after is_valid())."""
        data = self.cleaned_data
        return search.SearchQuery(
            text=" ".join(data["q"].split()),
            street=data["street"],
            sector=data["sector"],
            business_type=data["business_type"].strip(),
            list_kind=data["list_kind"],
            risk_class=data.get("risk_class") or "",
            sort=data["sort"],
            page=data["page"] or 1,
        )


class ReportForm(forms.Form):
    """The public complaint and report form (no login): what happened, where, and how to reach the reporter."""

    kind = forms.ChoiceField(
        label=_("类别"), choices=translated_choices(PublicReport.Kind.choices), widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("问题类别"), choices=translated_choices(PublicReport.Category.choices))
    operator_name = forms.CharField(label=_("被投诉举报对象名称"), max_length=200)
    operator_uscc = forms.CharField(label=_("统一社会信用代码（如知道）"), max_length=18, required=False)
    address = forms.CharField(label=_("经营地址"), max_length=300, required=False)
    happened_on = forms.DateField(label=_("发生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("情况描述"), max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    reporter_name = forms.CharField(label=_("您的姓名"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        help_text=_("仅供工作人员联系核实，加密保存，不会公开。"),
    )

    def clean_operator_uscc(self) -> str:
        value: str = self.cleaned_data["operator_uscc"].strip().upper()
        if value and not re.fullmatch(r"[0-9A-Z]{18}", value):
            raise forms.ValidationError(_("统一社会信用代码应为18位数字或大写字母。"))
        return value

    def clean_reporter_phone(self) -> str:
        value: str = self.cleaned_data["reporter_phone"].strip()
        if value and not re.fullmatch(r"[0-9+\- ]{5,20}", value):
            raise forms.ValidationError(_("请填写有效的电话号码。"))
        return value


class TrackingForm(forms.Form):
    """A tracking number to look a report's status up."""

    no = forms.CharField(label=_("查询编号"), max_length=20)
