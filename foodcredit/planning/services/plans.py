"""Plans: commit a seed → freeze the snapshot → draw → reveal; revisions as new versions; the drawn tasks."""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from foodcredit.accounts import permissions
from foodcredit.core import audit, crypto
from foodcredit.core.bulk import stage_frame
from foodcredit.core.errors import ConflictError, DomainError
from foodcredit.core.sql import dialect_for

from .. import rules, selectors
from ..models import (
    Plan,
    PlanSnapshot,
    Task,
    TaskInspector,
)

TASK_TABLE = Task._meta.db_table
LINK_TABLE = TaskInspector._meta.db_table
SEED_FORMAT = re.compile(r"^[0-9a-f]{64}$")


def _setting_dict(value: dict[str, Any] | None, default: dict[str, Any]) -> dict[str, Any]:
    return dict(default if value is None else value)


def plan_commit(
    *,
    name: str,
    period_start: date,
    period_end: date,
    scope: dict[str, Any],
    as_of: date,
    actor: Any,
    ratios: dict[str, float] | None = None,
    min_frequency: dict[str, float] | None = None,
    street_quotas: dict[str, int] | None = None,
    exclude_inspected_within_days: int | None = None,
    observation_months: int | None = None,
    inspectors_per_task: int | None = None,
    inspector_cap: int | None = None,
    seed: str | None = None,
    previous: Plan | None = None,
    reason: str = "",
) -> Plan:
    """Create a plan and commit to its random seed: the seed's SHA-256 is published now, the seed after the draw."""
    permissions.operator_write_check(user=actor, kind=permissions.PLANS, operator=None)
    if period_end < period_start:
        raise DomainError("planning.bad_period", _("抽查期间结束早于开始"))
    params = rules.DrawParams(
        ratios=_setting_dict(ratios, settings.PLANNING_SAMPLING_RATIOS),
        inspectors_per_task=inspectors_per_task or settings.PLANNING_INSPECTORS_PER_TASK,
        inspector_cap=inspector_cap or settings.PLANNING_INSPECTOR_CAP,
        street_quotas={k: int(v) for k, v in (street_quotas or {}).items()},
    )
    rules.params_check(params)
    # A caller-supplied seed is for tests and for public external randomness (e.g. a lottery draw); the API never
    # takes one, so that nobody picks a favourable seed.
    seed = seed or secrets.token_hex(32)
    if not SEED_FORMAT.match(seed):
        raise DomainError("planning.bad_seed", _("随机种子须为64位十六进制"))
    observation_default = settings.PLANNING_OBSERVATION_PERIOD
    with transaction.atomic():
        plan = Plan(
            name=name,
            version=previous.version + 1 if previous else 1,
            previous=previous,
            period_start=period_start,
            period_end=period_end,
            scope=selectors.Scope.from_json(scope).__dict__,
            ratios={k: float(params.ratios.get(k, 0.0)) for k in rules.CLASSES},
            min_frequency=_setting_dict(min_frequency, settings.PLANNING_MIN_FREQUENCY_PER_YEAR),
            street_quotas=params.street_quotas,
            exclude_inspected_within_days=(
                settings.PLANNING_EXCLUDE_INSPECTED_WITHIN_DAYS
                if exclude_inspected_within_days is None
                else exclude_inspected_within_days
            ),
            observation_months=(
                observation_default.months + 12 * observation_default.years
                if observation_months is None
                else observation_months
            ),
            inspectors_per_task=params.inspectors_per_task,
            inspector_cap=params.inspector_cap,
            as_of=as_of,
            seed_commitment=rules.seed_commitment(seed),
            seed_sealed=crypto.encrypt(seed),
            committed_at=timezone.now(),
            created_by=actor if getattr(actor, "pk", None) else None,
            reason=reason,
        )
        plan.full_clean()
        plan.save()
        audit.record(
            actor=actor,
            action="commit",
            object_type="plan",
            object_id=plan.pk,
            changes={
                "name": [None, name],
                "version": [None, plan.version],
                "seed_commitment": [None, plan.seed_commitment],
                "ratios": [None, plan.ratios],
                "scope": [None, plan.scope],
                "previous": [None, previous],
            },
        )
    return plan


def _params_of(plan: Plan) -> rules.DrawParams:
    return rules.DrawParams(
        ratios=plan.ratios,
        inspectors_per_task=plan.inspectors_per_task,
        inspector_cap=plan.inspector_cap,
        street_quotas=plan.street_quotas,
    )


def plan_snapshot_freeze(*, plan: Plan) -> rules.Snapshot:
    """The directory as it stands now, as a canonical listing (the draw always runs on the parsed listing)."""
    objects = selectors.object_directory_frame(
        scope=selectors.Scope.from_json(plan.scope),
        as_of=plan.as_of,
        exclude_inspected_within_days=plan.exclude_inspected_within_days,
        observation_months=plan.observation_months,
    )
    built = rules.snapshot_build(
        params=_params_of(plan),
        objects=objects,
        inspectors=selectors.inspector_directory_frame(),
        conflicts=selectors.conflict_frame(),
    )
    return rules.snapshot_parse(built.listing)


def _seed_unseal(plan: Plan) -> str:
    """The committed seed, unsealed for the draw; it must still hash to the published commitment."""
    try:
        seed = crypto.decrypt(plan.seed_sealed)
    except (ValueError, InvalidTag) as exc:
        raise DomainError(
            "planning.seed_unreadable",
            _("随机种子无法解密（密钥已更换或数据被改动），不能抽取"),
            plan=plan.pk,
        ) from exc
    if rules.seed_commitment(seed) != plan.seed_commitment:
        raise DomainError(
            "planning.seed_mismatch",
            _("随机种子与公布的承诺不符，不能抽取"),
            plan=plan.pk,
        )
    return seed


def plan_draw(*, plan: Plan, actor: Any, snapshot: rules.Snapshot | None = None) -> Plan:
    """Freeze the snapshot, draw objects and inspectors, store the tasks and unseal the seed — all or nothing.

    The drawn plan waits for review (已抽取待公布): nothing can change it any more, plan_publish releases it (the
    seed in public, the tasks to their inspectors). A plan is drawn once: a published plan is changed only through
    a new version (plan_revise).
    """
    permissions.operator_write_check(user=actor, kind=permissions.PLANS, operator=None)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != Plan.Status.COMMITTED:
            raise ConflictError(
                "planning.already_drawn",
                _("计划已抽取，变更须发布新版本"),
                plan=plan.pk,
            )
        snapshot = snapshot or plan_snapshot_freeze(plan=locked)
        locked.snapshot_sha256 = snapshot.sha256
        locked.snapshot_at = timezone.now()
        locked.object_count = snapshot.objects.height
        locked.inspector_count = snapshot.inspectors.height
        PlanSnapshot.objects.create(plan=locked, content=rules.snapshot_compress(snapshot.listing))
        audit.record(
            actor=actor,
            action="snapshot",
            object_type="plan",
            object_id=locked.pk,
            changes={
                "snapshot_sha256": [None, snapshot.sha256],
                "objects": [None, snapshot.objects.height],
                "inspectors": [None, snapshot.inspectors.height],
            },
        )
        seed = _seed_unseal(locked)
        draw = rules.draw_run(snapshot=snapshot, seed=seed)
        tasks_store(plan=locked, snapshot=snapshot, draw=draw, actor=actor)
        locked.seed, locked.seed_sealed = seed, ""
        locked.task_count = int(draw.object_rows.size)
        locked.drawn_at = timezone.now()
        locked.algorithm = rules.ALGORITHM
        locked.seed_revealed = True  # in clear from now on (plan_verify); public once the plan is published
        locked.status = Plan.Status.DRAWN
        locked.full_clean()
        locked.save()
        audit.record(
            actor=actor,
            action="draw",
            object_type="plan",
            object_id=locked.pk,
            changes={
                "status": [Plan.Status.COMMITTED, Plan.Status.DRAWN],
                "tasks": [None, locked.task_count],
                "seed": [None, locked.seed],
            },
        )
    return locked


def plan_publish(*, plan: Plan, actor: Any) -> Plan:
    """Publish a drawn plan after review (一公开): the seed is revealed, the drawn objects are public and the tasks
    reach their inspectors."""
    permissions.operator_write_check(user=actor, kind=permissions.PLANS, operator=None)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != Plan.Status.DRAWN:
            raise ConflictError("planning.not_drawn", _("只有已抽取待公布的计划可以公布"), status=locked.status)
        locked.status = Plan.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(
            actor=actor,
            action="publish",
            object_type="plan",
            object_id=locked.pk,
            changes={"status": [Plan.Status.DRAWN, Plan.Status.PUBLISHED]},
        )
    return locked


def plan_create(**kwargs: Any) -> Plan:
    """Commit a seed, freeze the snapshot, draw and publish, in one transaction (plan_commit's arguments)."""
    permissions.operator_write_check(user=kwargs.get("actor"), kind=permissions.PLANS, operator=None)
    with transaction.atomic():
        plan = plan_commit(**kwargs)
        drawn = plan_draw(plan=plan, actor=kwargs.get("actor"))
        return plan_publish(plan=drawn, actor=kwargs.get("actor"))


def plan_revise(*, plan: Plan, actor: Any, as_of: date, reason: str, **changes: Any) -> Plan:
    """A new version of a published plan: the old one is superseded and its open tasks cancelled, audited."""
    permissions.operator_write_check(user=actor, kind=permissions.PLANS, operator=None)
    if not reason.strip():
        raise DomainError("planning.reason_required", _("须说明变更理由"))
    with transaction.atomic():
        old = Plan.objects.select_for_update().get(pk=plan.pk)
        if old.status != Plan.Status.PUBLISHED:
            raise ConflictError("planning.not_revisable", _("只有已公布的计划可以发布新版本"))
        fields = {
            "name": old.name,
            "period_start": old.period_start,
            "period_end": old.period_end,
            "scope": old.scope,
            "ratios": old.ratios,
            "min_frequency": old.min_frequency,
            "street_quotas": old.street_quotas,
            "exclude_inspected_within_days": old.exclude_inspected_within_days,
            "observation_months": old.observation_months,
            "inspectors_per_task": old.inspectors_per_task,
            "inspector_cap": old.inspector_cap,
        }
        fields.update(changes)
        new = plan_commit(**fields, as_of=as_of, actor=actor, previous=old, reason=reason)
        _tasks_audit(plan_id=old.pk, action="cancel", status=Task.Status.ASSIGNED, actor=actor)
        Task.objects.filter(plan=old, status=Task.Status.ASSIGNED).update(
            status=Task.Status.CANCELLED, updated_at=timezone.now()
        )
        old.status = Plan.Status.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="supersede",
            object_type="plan",
            object_id=old.pk,
            changes={
                "status": [Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED],
                "next_version": [None, new.pk],
                "reason": [None, reason],
            },
        )
        return plan_publish(plan=plan_draw(plan=new, actor=actor), actor=actor)


def tasks_store(*, plan: Plan, snapshot: rules.Snapshot, draw: rules.Draw, actor: Any) -> None:
    """Write a draw's tasks, their inspectors and one audit row per task, set-based (COPY on PostgreSQL)."""
    if draw.object_rows.size == 0:
        return
    objects = snapshot.objects[draw.object_rows]
    tasks = pl.DataFrame(
        {
            "seq": np.arange(1, objects.height + 1, dtype=np.int64),
            "operator_id": objects["operator_id"],
            "risk_class": objects["risk_class"],
        }
    )
    per_task = draw.inspector_ids.shape[1]
    links = pl.DataFrame(
        {
            "seq": np.repeat(tasks["seq"].to_numpy(), per_task),
            "inspector_id": draw.inspector_ids.reshape(-1).astype(np.int64),
        }
    )
    d = dialect_for(connection)
    now = timezone.now()
    params: dict[str, Any] = {"plan": plan.pk, "now": now}
    with connection.cursor() as cur:
        stage_frame(
            cur, "stg_plan_tasks", tasks, {"seq": "int", "operator_id": "int", "risk_class": "text"}, index_on="seq"
        )
        stage_frame(cur, "stg_plan_links", links, {"seq": "int", "inspector_id": "int"}, index_on="seq")
        cur.execute(
            f"""INSERT INTO {TASK_TABLE} (created_at, updated_at, plan_id, seq, operator_id, kind, risk_class, status,
                                         result, findings, publish_due_estimated)
                SELECT %(now)s, %(now)s, %(plan)s, seq, operator_id, 'random', risk_class, 'assigned', '', '',
                       {"false" if d.is_postgres else "0"}
                FROM stg_plan_tasks ORDER BY seq""",
            params,
        )
        cur.execute(
            f"""INSERT INTO {LINK_TABLE} (task_id, inspector_id)
                SELECT t.id, l.inspector_id FROM stg_plan_links l
                JOIN {TASK_TABLE} t ON t.plan_id = %(plan)s AND t.seq = l.seq""",
            params,
        )
        cur.execute("DROP TABLE IF EXISTS stg_plan_tasks")
        cur.execute("DROP TABLE IF EXISTS stg_plan_links")
    _tasks_audit(plan_id=plan.pk, action="create", status=Task.Status.ASSIGNED, actor=actor)


def _tasks_audit(*, plan_id: int, action: str, status: str, actor: Any) -> None:
    """One audit row per task of the plan in `status`, in bulk (INSERT … SELECT, the caller's transaction)."""
    d = dialect_for(connection)
    changes = d.json_object(
        [
            ("plan", d.json_array_pair("NULL", "t.plan_id", "int"), "json"),
            ("operator", d.json_array_pair("NULL", "t.operator_id", "int"), "json"),
            ("status", d.json_array_pair("NULL", "t.status", "text"), "json"),
        ]
    )
    params = {
        "now": timezone.now(),
        "actor": actor.pk if getattr(actor, "pk", None) else None,
        "label": audit.actor_label(actor),
        "action": action,
        "rid": audit.current_request_id.get(),
        "job": None,
        "plan": plan_id,
        "status": status,
    }
    with connection.cursor() as cur:
        cur.execute(
            audit.bulk_insert_sql(
                d=d,
                action="%(action)s",
                object_type="'planning_task'",
                object_id=d.to_text("t.id"),
                changes=changes,
                source=f"FROM {TASK_TABLE} t WHERE t.plan_id = %(plan)s AND t.status = %(status)s ORDER BY t.id",
            ),
            params,
        )
