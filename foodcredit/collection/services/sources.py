"""Source systems and their column mappings: registration (an explicit, audited step) and mapping versions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from foodcredit.accounts import permissions
from foodcredit.core import audit
from foodcredit.core.errors import DomainError
from foodcredit.core.models import Source

from ..models import RecordKind, SourceMapping, SourceRegistration


def source_get_or_register(*, name: str, actor: Any) -> tuple[Source, bool]:
    """The named source; an unknown name is registered on first use with the standard mapping (the server's
    operator's command line and the application's own writers; people choose a registered source)."""
    name = name.strip()
    if not name:
        raise DomainError("import.source_required", _("请指定来源系统"))
    source = Source.objects.filter(name=name).first()
    if source is not None:
        return source, False
    source = Source(name=name, registered_automatically=True)
    source.full_clean()
    source.save()
    audit.record(
        actor=actor, action="create", object_type="source", object_id=source.pk, changes={"name": [None, name]}
    )
    return source, True


def _registration_kinds_add(*, source: Source, kinds: list[str], actor: Any) -> SourceRegistration:
    """Add `kinds` to the source's registration (created if missing), audited when anything changes."""
    registration = SourceRegistration.objects.select_for_update().filter(source=source).first()
    before = sorted(registration.kinds) if registration else []
    after = sorted(set(before) | set(kinds))
    if registration is None:
        registration = SourceRegistration(
            source=source, kinds=after, registered_by=actor if getattr(actor, "pk", None) else None
        )
    if registration.pk is None or after != before:
        registration.kinds = after
        registration.full_clean()
        registration.save()
        audit.record(
            actor=actor,
            action="register",
            object_type="source",
            object_id=source.pk,
            changes={"name": [None, source.name], "kinds": [before, after]},
        )
    return registration


def source_register(*, name: str, kinds: list[str], department_code: str = "", actor: Any) -> Source:
    """Register a source system for collection with the record kinds it reports, or add kinds to a registered one:
    an explicit, audited step (DOMAIN.md Part I §5) of a district regulator or the server's operator (actor None).
    `department_code`: the department the source belongs to (another department's system)."""
    name = name.strip()
    unknown = sorted(set(kinds) - set(RecordKind.values))
    if not name:
        raise DomainError("import.source_required", _("请指定来源系统"))
    if not kinds or unknown:
        raise DomainError(
            "import.bad_kind",
            _("未知的记录类型 %(kind)s，可选：%(allowed)s")
            % {"kind": ", ".join(unknown), "allowed": ", ".join(RecordKind.values)},
            kind=", ".join(unknown),
        )
    if actor is not None and getattr(actor, "role", None) != permissions.R.DISTRICT_REGULATOR:
        refusal = permissions.Refusal("scope.source_register_not_allowed", _("只有区级监管人员可以登记来源系统"), 403)
        permissions.refusal_audit(user=actor, refusal=refusal, kind="source", object_id=name)
        raise permissions.WriteRefusedError(refusal, source=name)
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(name=name).first()
        if source is None:
            source = Source(name=name, department_code=department_code.strip())
            source.full_clean()
            source.save()
            audit.record(
                actor=actor,
                action="create",
                object_type="source",
                object_id=source.pk,
                changes={"name": [None, name], "department_code": [None, source.department_code]},
            )
        elif department_code.strip() and department_code.strip() != source.department_code:
            before = source.department_code
            source.department_code = department_code.strip()
            source.save(update_fields=["department_code", "updated_at"])
            audit.record(
                actor=actor,
                action="update",
                object_type="source",
                object_id=source.pk,
                changes={"department_code": [before, source.department_code]},
            )
        _registration_kinds_add(source=source, kinds=kinds, actor=actor)
    return source


def mapping_current(*, source: Source, kind: str, actor: Any) -> SourceMapping:
    """The newest mapping of the source for this kind; version 1 (the standard format) if there is none."""
    mapping = SourceMapping.objects.filter(source=source, kind=kind).order_by("-version").first()
    if mapping is None:
        mapping = SourceMapping.objects.create(source=source, kind=kind, version=1, columns={}, values={})
        audit.record(
            actor=actor,
            action="create",
            object_type="source_mapping",
            object_id=mapping.pk,
            changes={"source": [None, source.name], "kind": [None, kind], "version": [None, 1]},
        )
    return mapping


def mapping_save(
    *, source: Source, kind: str, columns: dict[str, str], values: dict[str, Any], actor: Any
) -> SourceMapping:
    """A new version of a source's mapping (older versions are kept for the jobs that used them)."""
    with transaction.atomic():
        current = (
            SourceMapping.objects.select_for_update().filter(source=source, kind=kind).order_by("-version").first()
        )
        mapping = SourceMapping.objects.create(
            source=source,
            kind=kind,
            version=(current.version + 1 if current else 1),
            columns=columns,
            values=values,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action="create",
            object_type="source_mapping",
            object_id=mapping.pk,
            changes={"version": [current.version if current else None, mapping.version], "columns": [None, columns]},
        )
    return mapping


def source_registered(*, name: str) -> Source:
    """A registered source by name; people choose one, they never create one by typing it."""
    source = Source.objects.filter(name=name.strip()).first() if name.strip() else None
    if source is None:
        raise DomainError(
            "import.unknown_source",
            _("来源系统“%(name)s”尚未登记，请从已登记的来源系统中选择，或由区级监管人员先行登记")
            % {"name": name.strip()},
            source=name.strip(),
        )
    return source
