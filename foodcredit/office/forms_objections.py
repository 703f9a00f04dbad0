"""Forms of the 不予公示 mark and of objections (异议申诉): the same fields the services take."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from foodcredit.credit.models import DisclosureHold


def _note(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=2000, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class DisclosureHoldForm(forms.Form):
    """Mark a record 不予公示: the legal ground from the controlled list and the statement."""

    ground = forms.ChoiceField(label=_("不予公示依据"), choices=DisclosureHold.Ground.choices)
    ground_note = _note(_("依据说明"))


class DisclosureHoldRemoveForm(forms.Form):
    """Lift a 不予公示 mark, with the reason."""

    removal_note = _note(_("撤销理由"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ObjectionForm(forms.Form):
    """A business user's objection to a record on its operator's credit file."""

    reason = _note(_("异议理由"))
    attachments = MultipleFileField(label=_("证明材料（JPEG、PNG照片或PDF文书，可多选）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _("每个文件不超过%(mb)s MB，至多%(n)s个") % {
            "mb": settings.OBJECTION_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "n": settings.OBJECTION_ATTACHMENTS_MAX,
        }


class ObjectionDecideForm(forms.Form):
    """Staff decide an objection under review: correct the record (the statement goes on the file) or reject."""

    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=[("correct", _("异议成立，更正记录")), ("reject", _("异议不成立，不予更正"))]
    )
    note = _note(_("更正说明或不予更正的理由"))
    corrected_occurred_on = forms.DateField(
        label=_("更正后的发生日期（日期有误时填写）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
