"""The credit file's display text: one line of the timeline (summary and detail) per ledger entry, in the reader's
language, with what the audience may not read left out or masked (DOMAIN.md Part I §4).

Pure presentation over an entry's facts and the record it refers to (fetched by `credit_file`); no queries. Free
text goes through the one mask, `core.masking.mask_free_text`, for everyone but staff.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.db import models
from django.utils.translation import gettext, gettext_noop

from foodcredit.core import masking
from foodcredit.operators.models import Operator

from .. import rules
from ..models import Commitment, LedgerEntry, ListEntry
from ..records import record_model

# Who reads decides what is shown: staff see everything; the operator's own users ("party") see their file without
# other parties' data; the public sees the disclosed, masked entries.
Audience = Literal["staff", "party", "public"]
K = LedgerEntry.Kind

# Choice labels in the record models are plain Chinese strings; they are translated when displayed. Marking them
# here keeps them in locale/*/django.po when makemessages runs.
DISPLAYED_LABELS = (
    gettext_noop("警告"),
    gettext_noop("通报批评"),
    gettext_noop("罚款"),
    gettext_noop("没收违法所得"),
    gettext_noop("没收非法财物"),
    gettext_noop("责令停产停业"),
    gettext_noop("限制开展生产经营活动"),
    gettext_noop("限制从业"),
    gettext_noop("降低资质等级"),
    gettext_noop("吊销许可证件"),
    gettext_noop("吊销营业执照"),
    gettext_noop("区信用门户"),
    gettext_noop("国家企业信用信息公示系统"),
    gettext_noop("信用中国"),
)


def _model(kind: str) -> type[models.Model] | None:
    registered = record_model(kind)
    return registered.model if registered else None


def choice_label(model: type[models.Model] | None, field: str, value: Any) -> str:
    """The translated choice label of `value` in `model.field` (the value itself if unknown)."""
    if value in (None, ""):
        return ""
    label: Any = value
    if model is not None:
        label = dict(model._meta.get_field(field).flatchoices).get(value, value)  # type: ignore[union-attr]
    return gettext(str(label))


def _value(record: Any, facts: dict[str, Any], field: str) -> Any:
    """A record's field, or the fact of the same name (the bulk writers copy fields into facts) without a record."""
    if record is not None:
        return getattr(record, field)
    return facts.get(field)


def _free_text(value: str, audience: Audience) -> str:
    # Findings, products, failed items, categories may name people or carry numbers; only staff read them unmasked.
    return value if audience == "staff" else masking.mask_free_text(value)


def _amount(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def _describe_inspection(facts: dict[str, Any], record: Any, audience: Audience) -> tuple[str, str]:
    model = _model(K.INSPECTION)
    summary = gettext("监督检查：%(result)s（%(kind)s）") % {
        "result": choice_label(model, "result", _value(record, facts, "result")),
        "kind": choice_label(model, "kind", _value(record, facts, "kind")),
    }
    details = []
    findings = _value(record, facts, "findings") or ""
    if findings:
        details.append(gettext("发现问题：%(text)s") % {"text": _free_text(findings, audience)})
    if audience == "staff" and record is not None:
        names = "、".join(inspector.name for inspector in record.inspectors.all()) or record.inspectors_text
        if names:
            details.append(gettext("检查人员：%(names)s") % {"names": names})
    return summary, "；".join(details)


def _describe_sampling(facts: dict[str, Any], record: Any, audience: Audience) -> tuple[str, str]:
    model = _model(K.SAMPLING_TEST)
    conclusion = _value(record, facts, "conclusion")
    failure = _value(record, facts, "failure_kind")
    values = {
        "conclusion": choice_label(model, "conclusion", conclusion),
        "failure": choice_label(model, "failure_kind", failure),
    }
    if conclusion == "fail" and failure:
        summary = gettext("监督抽检：%(conclusion)s — %(failure)s") % values
    else:
        summary = gettext("监督抽检：%(conclusion)s") % values
    details = []
    product = _value(record, facts, "product") or ""
    if product:
        details.append(gettext("样品：%(product)s") % {"product": _free_text(product, audience)})
    failed_items = _value(record, facts, "failed_items") or ""
    if failed_items:
        details.append(gettext("不合格项目：%(items)s") % {"items": _free_text(failed_items, audience)})
    return summary, "；".join(details)


def _describe_penalty(facts: dict[str, Any], record: Any, audience: Audience) -> tuple[str, str]:
    model = _model(K.PENALTY)
    amount = _value(record, facts, "amount")
    parts = []
    for kind in _value(record, facts, "kinds") or []:
        if kind == "罚款" and amount not in (None, ""):
            parts.append(gettext("%(kind)s %(amount)s 元") % {"kind": gettext(kind), "amount": _amount(amount)})
        else:
            parts.append(gettext(str(kind)))
    summary = gettext("行政处罚：%(penalty)s（%(procedure)s）") % {
        "penalty": "、".join(parts),
        "procedure": choice_label(model, "procedure", _value(record, facts, "procedure")),
    }
    details = []
    if record is not None:
        details.append(gettext("决定书文号：%(no)s") % {"no": record.decision_no})
        if record.violation:
            details.append(gettext("违法行为：%(text)s") % {"text": _free_text(record.violation, audience)})
    return summary, "；".join(details)


def _describe_complaint(facts: dict[str, Any], record: Any, audience: Audience) -> tuple[str, str]:
    model = _model(K.COMPLAINT)
    # The category is free text; the portal's report form and most source systems send one of a few usual labels
    # (core.choice_labels), shown in the reader's language. Anything else is shown as sent.
    raw_category = _value(record, facts, "category")
    category = gettext(raw_category) if raw_category else gettext("未分类")
    if audience != "staff":
        # The operator sees that a complaint about a category was registered, nothing that could identify its source:
        # the category is free text and may carry the complainant's name or number.
        return gettext("投诉举报：%(category)s") % {"category": _free_text(category, audience)}, ""
    summary = gettext("投诉举报：%(kind)s（%(category)s）") % {
        "kind": choice_label(model, "kind", _value(record, facts, "kind")),
        "category": category,
    }
    details = [
        gettext("渠道：%(channel)s") % {"channel": choice_label(model, "channel", _value(record, facts, "channel"))}
    ]
    verification = _value(record, facts, "verification")
    if verification:
        details.append(gettext("核查结果：%(result)s") % {"result": choice_label(model, "verification", verification)})
    return summary, "；".join(details)


def _describe_licence(facts: dict[str, Any], record: Any, audience: Audience) -> tuple[str, str]:
    model = _model(K.LICENCE)
    summary = gettext("许可：%(kind)s %(number)s") % {
        "kind": choice_label(model, "kind", _value(record, facts, "kind")),
        "number": _value(record, facts, "number") or "",
    }
    valid_until = _value(record, facts, "valid_until")
    details = []
    if valid_until:
        details.append(gettext("有效期至 %(day)s") % {"day": valid_until})
    status = _value(record, facts, "status")
    if status:
        details.append(gettext("状态：%(status)s") % {"status": choice_label(model, "status", status)})
    return summary.strip(), "；".join(details)


def _describe_list(facts: dict[str, Any]) -> tuple[str, str]:
    values = {
        "list": choice_label(ListEntry, "list_kind", facts.get("list_kind")),
        "cause": choice_label(ListEntry, "cause", facts.get("cause")),
    }
    if facts.get("status") == "removed":
        summary = gettext("移出%(list)s（%(reason)s）") % {
            **values,
            "reason": choice_label(ListEntry, "removal_reason", facts.get("removal_reason")),
        }
    else:
        summary = gettext("列入%(list)s：%(cause)s") % values
    details = [gettext("决定书文号：%(no)s") % {"no": facts.get("decision_no") or ""}]
    if facts.get("department"):
        details.append(gettext("作出决定部门：%(dept)s") % {"dept": facts["department"]})
    if facts.get("removed_on"):
        details.append(gettext("移出日期：%(day)s") % {"day": facts["removed_on"]})
    return summary, "；".join(details)


def _describe_other(kind: str, facts: dict[str, Any], audience: Audience) -> tuple[str, str]:
    label = gettext(K(kind).label) if kind in K.values else kind
    if kind == K.REGISTRATION and facts.get("status"):
        return gettext("%(kind)s：%(detail)s") % {
            "kind": label,
            "detail": choice_label(Operator, "status", facts["status"]),
        }, ""
    if kind == K.LIST_DECISION and facts.get("list_kind"):
        return _describe_list(facts)
    if kind == K.COMMITMENT and facts.get("kind"):
        return gettext("信用承诺：%(kind)s（%(verification)s）") % {
            "kind": choice_label(Commitment, "kind", facts["kind"]),
            "verification": choice_label(Commitment, "verification", facts.get("verification")),
        }, ""
    if kind == K.CLASS_CHANGE and facts.get("risk_class"):
        return gettext("信用风险分类：%(cls)s 类") % {"cls": facts["risk_class"]}, ""
    if facts.get("summary"):
        return gettext("%(kind)s：%(detail)s") % {"kind": label, "detail": _free_text(facts["summary"], audience)}, ""
    return label, ""


_DESCRIBE_RECORD: dict[str, Callable[[dict[str, Any], Any, Audience], tuple[str, str]]] = {
    K.INSPECTION: _describe_inspection,
    K.SAMPLING_TEST: _describe_sampling,
    K.PENALTY: _describe_penalty,
    K.COMPLAINT: _describe_complaint,
    K.LICENCE: _describe_licence,
}


def entry_text(entry: LedgerEntry, record: Any, audience: Audience) -> tuple[str, str]:
    """(summary, detail) of one entry for `audience`; `record` is the record it refers to, or None (facts only)."""
    facts = entry.facts if isinstance(entry.facts, dict) else {}
    describe = _DESCRIBE_RECORD.get(entry.kind)
    summary, detail = describe(facts, record, audience) if describe else _describe_other(entry.kind, facts, audience)
    correction = facts.get("correction")
    if isinstance(correction, dict) and correction.get("note"):
        return summary, "；".join(part for part in (detail, _correction_text(correction, audience)) if part)
    return summary, detail


def _correction_text(correction: dict[str, Any], audience: Audience) -> str:
    """The statement of a correction made on an objection (异议申诉), on every view of the file."""
    text = gettext("已更正（%(day)s，异议申诉）：%(note)s") % {
        "day": correction.get("on", ""),
        "note": _free_text(str(correction["note"]), audience),
    }
    if correction.get("occurred_on_was"):
        text += gettext("（原记录日期 %(day)s）") % {"day": correction["occurred_on_was"]}
    return text


@dataclass(frozen=True)
class WindowDisplay:
    """One channel's disclosure window of an entry, for the internal view."""

    channel: str
    channel_label: str
    start: date
    end: date | None
    publish_by: date | None
    open: bool


def entry_windows(entry: LedgerEntry, *, as_of: date, policy: rules.DisclosurePolicy) -> list[WindowDisplay]:
    """The entry's disclosure windows per channel, labelled, and whether each is open on `as_of`."""
    return [
        WindowDisplay(
            channel=w.channel,
            channel_label=gettext(rules.CHANNEL_LABELS.get(w.channel, w.channel)),
            start=w.start,
            end=w.end,
            publish_by=w.publish_by,
            open=w.open_on(as_of),
        )
        for w in rules.disclosure_windows(entry.kind, entry.facts, entry.occurred_on, policy)
    ]
