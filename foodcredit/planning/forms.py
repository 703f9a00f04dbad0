"""Back-office form for a task's result: input shape only."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from foodcredit.inspections.models import Inspection


class TaskResultForm(forms.Form):
    """符合"""

    result = forms.ChoiceField(label=_("检查结果"), choices=Inspection.Result.choices)
    inspected_on = forms.DateField(label=_("检查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(
        label=_("发现问题"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(label=_("附件（照片、文书）"), required=False)
    publish = forms.BooleanField(label=_("录入后立即公示"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        # The declared size answers early; the service counts the bytes themselves and checks the type.
        if upload is not None and upload.size > settings.PLANNING_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("附件不能超过10 MB"))
        return upload
