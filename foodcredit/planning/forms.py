"""Back-office forms of planning: input shape, and a `save` that calls the same service as the API."""

import re
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from foodcredit.core.choice_labels import translated_choices
from foodcredit.inspections import services as inspection_services
from foodcredit.inspections.models import Inspection, Inspector
from foodcredit.operators.models import STREETS, Operator

from . import rules, services
from .models import InspectorConflict, Plan, Task


class OfficeForm(forms.Form):
    """No colon after labels (Chinese forms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TaskResultForm(OfficeForm):
    """符合、基本符合或不符合, the findings, the inspection date, an optional photo or document."""

    result = forms.ChoiceField(label=_("检查结果"), choices=Inspection.Result.choices)
    inspected_on = forms.DateField(
        label=_("检查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    findings = forms.CharField(
        label=_("发现问题"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("附件（照片、文书）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    publish = forms.BooleanField(label=_("录入后立即公示"), required=False, initial=True)

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        # The declared size answers early; the service counts the bytes themselves and checks the type.
        if upload is not None and upload.size > settings.PLANNING_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("附件不能超过10 MB"))
        return upload

    def save(self, *, task: Task, actor: Any, as_of: date) -> Task:
        data = self.cleaned_data
        task = services.task_result_record(
            task=task,
            result=data["result"],
            findings=data["findings"],
            inspected_on=data["inspected_on"],
            actor=actor,
            as_of=as_of,
            publish=data["publish"],
        )
        if data["attachment"] is not None:
            services.task_attachment_add(task=task, upload=data["attachment"], actor=actor)
        return task


# ── the inspector directory ───────────────────────────────────────────────────────────────────────────────────


class InspectorAddForm(OfficeForm):
    """Add an inspector by 执法证号 (or complete one an import created under that number)."""

    cert_no = forms.CharField(label=_("执法证号"), min_length=6, max_length=40)
    name = forms.CharField(label=_("姓名"), max_length=100)
    department_code = forms.CharField(label=_("所属部门编码"), max_length=40, required=False)

    def save(self, *, actor: Any) -> Inspector:
        data = self.cleaned_data
        return inspection_services.inspector_add(
            cert_no=data["cert_no"], name=data["name"], department_code=data["department_code"], actor=actor
        )


class InspectorBulkAddForm(OfficeForm):
    """A roster pasted from a spreadsheet: one inspector a line, 执法证号 then name (comma, tab or spaces between)."""

    roster = forms.CharField(
        label=_("名单（每行：执法证号 姓名）"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    department_code = forms.CharField(label=_("所属部门编码"), max_length=40, required=False)

    def clean_roster(self) -> list[tuple[str, str]]:
        rows = []
        for n, line in enumerate(self.cleaned_data["roster"].splitlines(), start=1):
            parts = re.split(r"[,，\t ]+", line.strip(), maxsplit=1)
            if parts == [""]:
                continue
            if len(parts) != 2 or not parts[1].strip():
                raise forms.ValidationError(_("第%(line)s行须为“执法证号 姓名”") % {"line": n})
            rows.append((parts[0], parts[1].strip()))
        if not rows:
            raise forms.ValidationError(_("名单为空"))
        return rows

    def save(self, *, actor: Any) -> list[Inspector]:
        data = self.cleaned_data
        return inspection_services.inspectors_add(
            rows=data["roster"], department_code=data["department_code"], actor=actor
        )


class InspectorVerifyForm(OfficeForm):
    """Verification against the 执法证: the holder's name as printed on it."""

    name = forms.CharField(label=_("执法证上的姓名"), max_length=100)
    note = forms.CharField(label=_("核实说明"), max_length=200, required=False)

    def save(self, *, inspector: Inspector, actor: Any) -> Inspector:
        data = self.cleaned_data
        return inspection_services.inspector_verify(
            inspector=inspector, name=data["name"], note=data["note"], actor=actor
        )


class InspectorProfileForm(OfficeForm):
    """Qualified sectors and availability for draws."""

    sectors = forms.MultipleChoiceField(
        label=_("可检查业态"),
        choices=translated_choices(Operator.Sector.choices),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    available = forms.BooleanField(label=_("可参加抽查"), required=False)

    def save(self, *, inspector: Inspector, actor: Any) -> None:
        data = self.cleaned_data
        services.inspector_profile_set(
            inspector=inspector, sectors=list(data["sectors"]), available=data["available"], actor=actor
        )


class ConflictDeclareForm(OfficeForm):
    """A conflict of interest (回避) with an operator, named by its USCC."""

    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18)
    kind = forms.ChoiceField(label=_("回避事由"), choices=translated_choices(InspectorConflict.Kind.choices))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def save(self, *, inspector: Inspector, operator: Operator, actor: Any) -> InspectorConflict:
        data = self.cleaned_data
        return services.inspector_conflict_declare(
            inspector=inspector, operator=operator, kind=data["kind"], note=data["note"], actor=actor
        )


class ReasonForm(OfficeForm):
    """A reason, for withdrawing a conflict or closing a task."""

    reason = forms.CharField(label=_("理由"), max_length=300)


# ── plans ─────────────────────────────────────────────────────────────────────────────────────────────────────


def _ratio_text(cls: str) -> str:
    return gettext("%(cls)s类抽查比例") % {"cls": cls}


_ratio_label = lazy(_ratio_text, str)


def _ratio_field(cls: str) -> forms.FloatField:
    return forms.FloatField(
        label=_ratio_label(cls),  # translated when the form renders, not at import
        min_value=0.0,
        max_value=1.0,
        initial=settings.PLANNING_SAMPLING_RATIOS.get(cls, 0.0),
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


class PlanForm(OfficeForm):
    """The plan wizard's parameters: scope, strata by class with their ratios, exclusions, inspectors."""

    name = forms.CharField(label=_("计划名称"), max_length=200)
    period_start = forms.DateField(
        label=_("抽查期间自"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_("抽查期间至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    streets = forms.MultipleChoiceField(
        label=_("街道（不选为全部）"),
        choices=[(s, s) for s in STREETS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("业态（不选为全部）"),
        choices=translated_choices(Operator.Sector.choices),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ratio_a = _ratio_field("A")
    ratio_b = _ratio_field("B")
    ratio_c = _ratio_field("C")
    ratio_d = _ratio_field("D")
    exclude_inspected_within_days = forms.IntegerField(
        label=_("排除近期已检查（天）"),
        min_value=0,
        max_value=3650,
        initial=settings.PLANNING_EXCLUDE_INSPECTED_WITHIN_DAYS,
    )
    observation_months = forms.IntegerField(
        label=_("新业态观察期（月）"),
        min_value=0,
        max_value=120,
        initial=settings.PLANNING_OBSERVATION_PERIOD.months + 12 * settings.PLANNING_OBSERVATION_PERIOD.years,
    )
    inspectors_per_task = forms.IntegerField(
        label=_("每户检查人员数"),
        min_value=rules.MIN_INSPECTORS_PER_TASK,
        max_value=20,
        initial=settings.PLANNING_INSPECTORS_PER_TASK,
    )
    inspector_cap = forms.IntegerField(
        label=_("每名检查人员任务上限"), min_value=1, max_value=1_000_000, initial=settings.PLANNING_INSPECTOR_CAP
    )

    SECTIONS = (
        (_("第一步：名称与期间"), ("name", "period_start", "period_end")),
        (_("第二步：抽查范围"), ("streets", "sectors")),
        (_("第三步：按信用风险分类分层的抽查比例"), ("ratio_a", "ratio_b", "ratio_c", "ratio_d")),
        (
            _("第四步：排除与检查人员"),
            ("exclude_inspected_within_days", "observation_months", "inspectors_per_task", "inspector_cap"),
        ),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def save(self, *, actor: Any, as_of: date) -> Plan:
        data = self.cleaned_data
        return services.plan_commit(
            name=data["name"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            scope={"streets": data["streets"], "sectors": data["sectors"], "business_types": []},
            as_of=as_of,
            actor=actor,
            ratios={cls: data[f"ratio_{cls.lower()}"] for cls in rules.CLASSES},
            exclude_inspected_within_days=data["exclude_inspected_within_days"],
            observation_months=data["observation_months"],
            inspectors_per_task=data["inspectors_per_task"],
            inspector_cap=data["inspector_cap"],
        )


class PlanReviseForm(OfficeForm):
    """A new version of a published plan: the reason, and the ratios and cap that change (the rest carries over)."""

    reason = forms.CharField(label=_("变更理由"), max_length=300)
    ratio_a = _ratio_field("A")
    ratio_b = _ratio_field("B")
    ratio_c = _ratio_field("C")
    ratio_d = _ratio_field("D")
    inspector_cap = forms.IntegerField(label=_("每名检查人员任务上限"), min_value=1, max_value=1_000_000)

    @classmethod
    def for_plan(cls, plan: Plan) -> "PlanReviseForm":
        initial: dict[str, Any] = {f"ratio_{c.lower()}": plan.ratios.get(c, 0.0) for c in rules.CLASSES}
        return cls(initial={**initial, "inspector_cap": plan.inspector_cap})

    def save(self, *, plan: Plan, actor: Any, as_of: date) -> Plan:
        data = self.cleaned_data
        return services.plan_revise(
            plan=plan,
            actor=actor,
            as_of=as_of,
            reason=data["reason"],
            ratios={c: data[f"ratio_{c.lower()}"] for c in rules.CLASSES},
            inspector_cap=data["inspector_cap"],
        )


# ── tasks ─────────────────────────────────────────────────────────────────────────────────────────────────────


class TaskAssignForm(OfficeForm):
    """The task's inspectors, chosen among the eligible ones (verified, available, qualified, unconflicted)."""

    inspectors = forms.ModelMultipleChoiceField(
        label=_("检查人员（至少两名）"), queryset=Inspector.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("改派理由（改派时必填）"), max_length=300, required=False)

    def __init__(self, *args: Any, eligible: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspectors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Inspector.objects.filter(pk__in=eligible).order_by("name")

    def save(self, *, task: Task, actor: Any) -> Task:
        data = self.cleaned_data
        return services.task_assign(
            task=task, inspector_ids=[i.pk for i in data["inspectors"]], reason=data["reason"], actor=actor
        )
