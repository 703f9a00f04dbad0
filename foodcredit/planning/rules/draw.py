"""The stratified draw and the inspector assignment: pure, numpy over whole directories.

Reproducibility: every random number comes from PCG64's raw 64-bit stream (`random_raw`), whose output numpy
guarantees for a given seed, seeded through SeedSequence children — never from Generator methods, whose
algorithms may change between numpy versions. So `plan_verify` reproduces a draw from the seed and the snapshot.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl
from django.utils.translation import gettext_lazy as _
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from foodcredit.core.errors import DomainError

from .params import CLASSES, SECTORS
from .snapshot import Snapshot


@dataclass(frozen=True)
class Draw:
    """The drawn tasks: object rows of the snapshot (ascending) and, per task, its inspectors' ids."""

    object_rows: np.ndarray  # int64 indexes into snapshot.objects
    inspector_ids: np.ndarray  # int64, shape (tasks, inspectors_per_task)


def _streams(seed: str, n: int) -> list[np.random.SeedSequence]:
    return list(np.random.SeedSequence(int(seed, 16)).spawn(n))


def _uniform(seq: np.random.SeedSequence, n: int) -> np.ndarray:
    """n uniforms in [0, 1) from PCG64's raw stream (53 bits each)."""
    raw = np.random.PCG64(seq).random_raw(n) if n else np.zeros(0, dtype=np.uint64)
    return (np.asarray(raw, dtype=np.uint64) >> np.uint64(11)).astype(np.float64) * (2.0**-53)


def objects_select(
    *,
    classes: np.ndarray,
    streets: np.ndarray,
    ratios: np.ndarray,
    quotas: np.ndarray,
    keys: np.ndarray,
    rounding: np.ndarray,
) -> np.ndarray:
    """Stratified draw: in each class take the k objects with the smallest random key, where k is r·N rounded
    at random (floor + Bernoulli(fraction)) so that every object's selection probability is exactly r. Then cap
    each street at its quota, keeping the riskier classes first. Returns object rows, ascending.

    classes: int class index per object; streets: int street index; ratios: per class; quotas: per street
    (−1 = none); keys: uniform per object; rounding: uniform per class.
    """
    n = classes.size
    counts = np.bincount(classes, minlength=len(ratios))
    target = ratios * counts
    k = np.floor(target).astype(np.int64) + (rounding < (target - np.floor(target)))
    order = np.lexsort((keys, classes))
    sorted_classes = classes[order]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(n) - starts[sorted_classes]
    chosen = order[rank < k[sorted_classes]]
    if (quotas >= 0).any() and chosen.size:
        st = streets[chosen]
        by_street = np.lexsort((keys[chosen], -classes[chosen], st))
        st_sorted = st[by_street]
        first = np.searchsorted(st_sorted, st_sorted, side="left")
        street_rank = np.arange(st_sorted.size) - first
        quota = quotas[st_sorted]
        keep = (quota < 0) | (street_rank < quota)
        chosen = chosen[by_street][keep]
    return np.sort(chosen)


def _levels(loads: np.ndarray, limits: np.ndarray, level: int) -> np.ndarray:
    return np.clip(level - loads, 0, limits)


def _water_fill(loads: np.ndarray, limits: np.ndarray, slots: int, keys: np.ndarray) -> np.ndarray:
    """Per-inspector quotas summing to `slots` that level the loads (each ≤ its limit); ties broken by key."""
    lo, hi = int(loads.min()), int((loads + limits).max())
    while lo < hi:  # smallest level whose fill reaches the slots
        mid = (lo + hi) // 2
        if _levels(loads, limits, mid).sum() >= slots:
            hi = mid
        else:
            lo = mid + 1
    quota = _levels(loads, limits, lo - 1)
    remaining = slots - int(quota.sum())
    can_take = np.flatnonzero(_levels(loads, limits, lo) > quota)
    quota[can_take[np.argsort(keys[can_take], kind="stable")][:remaining]] += 1
    return quota


def _quotas_levelled(
    qualified: np.ndarray, demand: np.ndarray, sectors: list[int], per_task: int, cap: int, order: np.ndarray
) -> np.ndarray | None:
    """Slots per inspector and sector, sector by sector (scarcest first), each levelling the loads so far under
    `cap` (at most one slot per task of the sector); None when a sector falls short this way."""
    quotas = np.zeros(qualified.shape, dtype=np.int64)
    loads = np.zeros(qualified.shape[0], dtype=np.int64)
    for s in sectors:
        n, slots = int(demand[s]), int(demand[s]) * per_task
        eligible = order[qualified[order, s]]
        limits = np.minimum(np.maximum(cap - loads[eligible], 0), n)
        if int(limits.sum()) < slots:
            return None
        quota = _water_fill(loads[eligible], limits, slots, np.arange(eligible.size))
        quotas[eligible, s] = quota
        loads[eligible] += quota
    return quotas


def _flow_capacity(
    qualified: np.ndarray, demand: np.ndarray, per_task: int, cap: int, order: np.ndarray
) -> tuple[int, np.ndarray]:
    """The most slots any assignment can fill (source → inspector ≤ cap → sector ≤ its tasks → sink ≤ its slots),
    and the slots per inspector and sector of one such assignment (scipy's maximum flow, inspectors in `order`)."""
    m, k = qualified.shape
    source, sink = 0, m + k + 1
    pos = np.empty(m, dtype=np.int64)
    pos[order] = np.arange(m)  # node 1 + pos[i] is inspector i: the graph follows the draw's random order
    pairs = np.argwhere(qualified)
    rows = np.concatenate([np.zeros(m, dtype=np.int64), 1 + pos[pairs[:, 0]], m + 1 + np.arange(k)])
    cols = np.concatenate([1 + pos[np.arange(m)], m + 1 + pairs[:, 1], np.full(k, sink)])
    caps = np.concatenate([np.full(m, cap), demand[pairs[:, 1]], demand * per_task]).astype(np.int32)
    graph = csr_matrix((caps, (rows, cols)), shape=(sink + 1, sink + 1))
    result = maximum_flow(graph, source, sink, method="dinic")
    flow = result.flow.tocsr()
    quotas = np.zeros((m, k), dtype=np.int64)
    quotas[pairs[:, 0], pairs[:, 1]] = np.asarray(flow[1 + pos[pairs[:, 0]], m + 1 + pairs[:, 1]]).ravel()
    return int(result.flow_value), quotas


def inspectors_assign(
    *,
    task_sectors: np.ndarray,
    task_objects: np.ndarray,
    qualified: np.ndarray,
    conflicts: set[tuple[int, int]],
    per_task: int,
    cap: int,
    task_keys: np.ndarray,
    inspector_keys: np.ndarray,
) -> np.ndarray:
    """Assign `per_task` distinct qualified inspectors to every task, levelling workloads under `cap`.

    Per sector (scarcest capacity first): water-fill quotas over the qualified inspectors given their loads so far,
    lay the inspectors' slots out contiguously in a random inspector order and deal them column by column over the
    tasks in random order — a block of at most n tasks lands on n different tasks, so a task never gets the same
    inspector twice. Declared conflicts are then swapped away with another task of the same sector (loads and
    qualifications unchanged). Returns inspector indexes, shape (tasks, per_task).

    qualified: bool (inspectors, sectors); conflicts: {(object row, inspector index)}.
    """
    out = np.full((task_sectors.size, per_task), -1, dtype=np.int64)
    demand = np.bincount(task_sectors, minlength=qualified.shape[1])
    sectors = [s for s in range(qualified.shape[1]) if demand[s]]
    for s in sectors:
        if qualified[:, s].sum() < per_task:
            raise DomainError(
                "planning.too_few_inspectors",
                _("%(sector)s业态的合格检查人员不足") % {"sector": SECTORS[s]},
                sector=SECTORS[s],
                qualified=int(qualified[:, s].sum()),
                needed=per_task,
            )
    sectors.sort(key=lambda s: (qualified[:, s].sum() * cap / (demand[s] * per_task), s))
    order = np.argsort(inspector_keys, kind="stable")  # the draw's random inspector order
    quotas = _quotas_levelled(qualified, demand, sectors, per_task, cap, order)
    slots = int(demand.sum()) * per_task
    if quotas is None:
        # Sector by sector fell short — an inspector qualified for two sectors may be needed by the one levelled
        # later: is there any assignment at all (max flow)? Its slots are used if so (not levelled as finely).
        capacity, flow = _flow_capacity(qualified, demand, per_task, cap, order)
        quotas = flow if capacity == slots else None
    if quotas is None:
        short = [
            SECTORS[s]
            for s in sectors
            if int(np.minimum(qualified[:, s] * cap, demand[s]).sum()) < demand[s] * per_task
        ]
        raise DomainError(
            "planning.cap_exceeded",
            _("检查人员任务上限不足以覆盖全部任务（需%(slots)s人次，至多可排%(capacity)s人次）")
            % {"slots": slots, "capacity": capacity},
            slots=slots,
            capacity=capacity,
            sectors=short or [SECTORS[s] for s in sectors],
        )
    for s in sectors:
        rows = np.flatnonzero(task_sectors == s)
        rows = rows[np.argsort(task_keys[rows], kind="stable")]
        n = rows.size
        eligible = order[quotas[order, s] > 0]
        dealt = np.repeat(eligible, quotas[eligible, s])
        positions = np.arange(n * per_task)
        out[rows[positions % n], positions // n] = dealt
    if conflicts:
        _conflicts_resolve(out, task_sectors, task_objects, conflicts, task_keys)
    return out


def _conflicts_resolve(
    out: np.ndarray,
    task_sectors: np.ndarray,
    task_objects: np.ndarray,
    conflicts: set[tuple[int, int]],
    task_keys: np.ndarray,
) -> None:
    """Swap each conflicted assignment with a compatible slot of another task of the same sector."""
    m = int(out.max()) + 1 if out.size else 0
    codes = np.array([o * m + i for o, i in conflicts if i < m], dtype=np.int64)
    bad = np.argwhere(np.isin(task_objects[:, None] * m + out, codes))
    for t, c in bad:
        a = int(out[t, c])
        if (int(task_objects[t]), a) not in conflicts:
            continue  # already swapped away by an earlier iteration
        candidates = np.flatnonzero(task_sectors == task_sectors[t])
        candidates = candidates[np.argsort(task_keys[candidates], kind="stable")]
        swapped = False
        for t2 in candidates:
            if t2 == t or a in out[t2]:
                continue
            if (int(task_objects[t2]), a) in conflicts:
                continue
            for c2 in range(out.shape[1]):
                b = int(out[t2, c2])
                if b in out[t] or (int(task_objects[t]), b) in conflicts:
                    continue
                out[t, c], out[t2, c2] = b, a
                swapped = True
                break
            if swapped:
                break
        if not swapped:
            raise DomainError(
                "planning.conflict_unresolvable",
                _("无法为该检查对象安排无利害关系的检查人员"),
                object_row=int(task_objects[t]),
            )


def draw_run(*, snapshot: Snapshot, seed: str) -> Draw:
    """The whole draw from a seed and a snapshot: objects by class, then inspectors. Deterministic."""
    params = snapshot.params
    objects = snapshot.objects
    if objects.height == 0:
        raise DomainError("planning.empty_scope", _("抽查范围内没有检查对象"))
    s_keys, s_round, s_tasks, s_inspectors = _streams(seed, 4)
    classes = objects["risk_class"].replace_strict(list(CLASSES), list(range(len(CLASSES))), return_dtype=pl.Int64)
    street_names = sorted(set(objects["street"].unique().to_list()) | set(params.street_quotas))
    streets = objects["street"].replace_strict(street_names, list(range(len(street_names))), return_dtype=pl.Int64)
    quotas = np.array([int(params.street_quotas.get(s, -1)) for s in street_names], dtype=np.int64)
    ratios = np.array([float(params.ratios.get(c, 0.0)) for c in CLASSES])
    rows = objects_select(
        classes=classes.to_numpy(),
        streets=streets.to_numpy(),
        ratios=ratios,
        quotas=quotas,
        keys=_uniform(s_keys, objects.height),
        rounding=_uniform(s_round, len(CLASSES)),
    )
    inspectors = snapshot.inspectors
    inspector_ids = inspectors["inspector_id"].to_numpy()
    qualified = np.zeros((inspectors.height, len(SECTORS)), dtype=bool)
    for j, sector in enumerate(SECTORS):
        qualified[:, j] = inspectors["sectors"].str.split(",").list.contains(sector).to_numpy()
    task_sectors = objects["sector"].replace_strict(list(SECTORS), list(range(len(SECTORS))), return_dtype=pl.Int64)
    task_sectors_np = task_sectors.to_numpy()[rows]
    row_of_operator = dict(zip(objects["operator_id"].to_list(), range(objects.height), strict=True))
    index_of_inspector = {int(v): i for i, v in enumerate(inspector_ids)}
    conflicts = {
        (row_of_operator[o], index_of_inspector[i])
        for i, o in snapshot.conflicts.select("inspector_id", "operator_id").iter_rows()
        if o in row_of_operator and i in index_of_inspector
    }
    assigned = inspectors_assign(
        task_sectors=task_sectors_np,
        task_objects=rows,
        qualified=qualified,
        conflicts=conflicts,
        per_task=params.inspectors_per_task,
        cap=params.inspector_cap,
        task_keys=_uniform(s_tasks, rows.size),
        inspector_keys=_uniform(s_inspectors, inspectors.height),
    )
    return Draw(object_rows=rows, inspector_ids=inspector_ids[assigned] if rows.size else assigned)
