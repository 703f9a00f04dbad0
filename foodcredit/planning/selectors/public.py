"""The public side (一公开) and verification of a published draw."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.http import Http404

from foodcredit.credit import selectors as credit_selectors

from .. import rules
from ..models import Plan, Task, TaskInspector


def plans_public() -> QuerySet[Plan]:
    """Plans as published: committed ones show only the seed commitment, drawn ones everything."""
    return Plan.objects.exclude(status=Plan.Status.SUPERSEDED).order_by("-pk")


def plan_get_public(*, plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise Http404("plan not found")
    return plan


def plan_objects_public(*, plan: Plan) -> QuerySet[Task]:
    """The drawn objects of a plan — only once the draw is published (not while it waits for review)."""
    if plan.status not in (Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED):
        return Task.objects.none()
    # A result whose inspection record is marked 不予公示 is not shown (`result_public` False); the draw itself is.
    return (
        Task.objects.filter(plan=plan)
        .annotate(
            result_public=ExpressionWrapper(
                credit_selectors.unheld(ref_kind="inspection", ref_id_field="inspection_id"), BooleanField()
            )
        )
        .select_related("operator")
        .order_by("seq")
    )


def results_public() -> QuerySet[Task]:
    """Published results of random and targeted inspections, less those whose inspection is marked 不予公示."""
    return (
        Task.objects.filter(status=Task.Status.PUBLISHED)
        .filter(credit_selectors.unheld(ref_kind="inspection", ref_id_field="inspection_id"))
        .select_related("operator", "plan")
        .prefetch_related("inspectors")
        .order_by("-published_on", "-pk")
    )


# ── verification ──────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Verification:
    """What plan_verify found."""

    snapshot_matches: bool  # the stored listing hashes to the published snapshot hash
    seed_matches: bool  # the revealed seed hashes to the published commitment
    objects_match: bool
    inspectors_match: bool
    tasks: int

    @property
    def ok(self) -> bool:
        return self.snapshot_matches and self.seed_matches and self.objects_match and self.inspectors_match


def plan_verify(*, plan: Plan) -> Verification:
    """Re-run the draw from the revealed seed and the frozen snapshot and compare with the stored tasks."""
    listing = rules.snapshot_decompress(bytes(plan.snapshot.content))
    snapshot = rules.snapshot_parse(listing)
    draw = rules.draw_run(snapshot=snapshot, seed=plan.seed)
    operator_ids = snapshot.objects["operator_id"].to_numpy()[draw.object_rows]
    stored = Task.objects.filter(plan=plan).order_by("seq")
    stored_ops = list(stored.values_list("operator_id", flat=True))
    links = TaskInspector.objects.filter(task__plan=plan).values_list("task__seq", "inspector_id")
    stored_pairs = sorted((int(seq or 0), int(i)) for seq, i in links)
    drawn_pairs = sorted((seq + 1, int(i)) for seq, row in enumerate(draw.inspector_ids.tolist()) for i in row)
    return Verification(
        snapshot_matches=snapshot.sha256 == plan.snapshot_sha256,
        seed_matches=rules.seed_commitment(plan.seed) == plan.seed_commitment,
        objects_match=stored_ops == [int(o) for o in operator_ids],
        inspectors_match=stored_pairs == drawn_pairs,
        tasks=len(stored_ops),
    )
