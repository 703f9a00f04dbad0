"""Back-office forms: input shapes only."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.collection.models import RecordKind
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


# Import pages (office/views_imports.py). Reconstructed from their use there: check against the original.
class ImportUploadForm(forms.Form):
    """One file of one record kind from one named source system (DOMAIN.md Part I §3)."""

    kind = forms.ChoiceField(label=_("记录类型"), choices=RecordKind.choices)
    source = forms.CharField(label=_("来源系统"), max_length=100)
    file = forms.FileField(label=_("文件"))
    skip_bad_rows = forms.BooleanField(label=_("跳过错误行"), required=False)


class PendingAttachForm(forms.Form):
    """Attach a waiting record to an operator by a corrected USCC."""

    uscc = forms.CharField(label=_("统一社会信用代码"), min_length=18, max_length=18)

    def clean_uscc(self) -> str:
        return str(self.cleaned_data["uscc"]).strip().upper()
