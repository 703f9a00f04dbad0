"""Back-office forms: input shapes only."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.credit.models import LedgerEntry


class CreditFileFilterForm(forms.Form):
    """Filters of the credit file timeline; the cursor comes with the "load more" button."""

    kind = forms.ChoiceField(label=_("类型"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(label=_("来源系统"), required=False)
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        everything = ("", gettext("全部"))
        self.fields["kind"].choices = [everything] + [  # type: ignore[attr-defined]
            (value, gettext(label)) for value, label in LedgerEntry.Kind.choices
        ]
        self.fields["source"].choices = [everything] + [(name, name) for name in sources]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of `credit_file_page`; invalid fields are left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "kinds": [data["kind"]] if data.get("kind") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "source": data.get("source") or None,
            "cursor": data.get("cursor") or None,
        }
