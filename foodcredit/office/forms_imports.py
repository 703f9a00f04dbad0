"""Import page forms (数据归集): input shapes only; the choices come from the caller (registered sources)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from foodcredit.collection.models import RecordKind
from foodcredit.core.choice_labels import translated_choices


class ImportUploadForm(forms.Form):
    """One file of one record kind from a registered source system (DOMAIN.md Part I §3)."""

    kind = forms.ChoiceField(label=_("记录类型"), choices=translated_choices(RecordKind.choices))
    source = forms.ChoiceField(label=_("来源系统"), help_text=_("从已登记的来源系统中选择"))
    file = forms.FileField(label=_("文件"))
    skip_bad_rows = forms.BooleanField(label=_("跳过错误行"), required=False)

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(name, name) for name in sources]  # type: ignore[attr-defined]


class SourceRegisterForm(forms.Form):
    """Register a source system, or add record kinds to a registered one (district regulators; audited)."""

    name = forms.CharField(label=_("来源系统名称"), max_length=100)
    kinds = forms.MultipleChoiceField(
        label=_("可报送的记录类型"), choices=translated_choices(RecordKind.choices), widget=forms.CheckboxSelectMultiple
    )
    department_code = forms.CharField(
        label=_("所属部门编码"),
        max_length=40,
        required=False,
        help_text=_("其他部门的系统填写该部门的编码；本局系统留空"),
    )


class PendingAttachForm(forms.Form):
    """Attach a waiting record to an operator by a corrected USCC."""

    uscc = forms.CharField(label=_("统一社会信用代码"), min_length=18, max_length=18)

    def clean_uscc(self) -> str:
        return str(self.cleaned_data["uscc"]).strip().upper()
