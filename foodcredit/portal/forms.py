"""The public search form: it only checks the shape of what the reader typed and chose."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from foodcredit.operators.models import STREETS, Operator

from . import search

ALL = [("", _("全部"))]


class SearchForm(forms.Form):
    """Text (name, USCC or licence number) and filters of the portal's search; every field optional."""

    q = forms.CharField(label=_("主体名称、统一社会信用代码或许可证编号"), required=False, max_length=search.QUERY_MAX)
    street = forms.ChoiceField(label=_("所属街道"), required=False, choices=ALL + [(s, s) for s in STREETS])
    sector = forms.ChoiceField(label=_("业态"), required=False, choices=ALL + list(Operator.Sector.choices))
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
        choices=[("", _("默认")), ("name", _("名称")), ("-registered_on", _("成立日期（新→旧）")),
                 ("registered_on", _("成立日期（旧→新）"))],
    )  # fmt: skip
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
