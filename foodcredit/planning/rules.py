"""Pure rules of random-inspection planning: the snapshot listing, the stratified draw, the inspector assignment,
deadlines and facilitation. No ORM; numpy/polars over whole directories.

Reproducibility: every random number comes from PCG64's raw 64-bit stream (`random_raw`), whose output numpy
guarantees for a given seed, seeded through SeedSequence children — never from Generator methods, whose
algorithms may change between numpy versions. So `plan_verify` reproduces a draw from the seed and the snapshot.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from foodcredit.core.errors import DomainError
from foodcredit.core.workdays import Deadline, add_workdays

# v2: when levelling sector by sector falls short, the inspectors' slots come from a maximum flow (draws that v1 made
# are made alike; v2 draws where v1 refused wrongly).
ALGORITHM = "fc-draw-v2"
CLASSES = ("A", "B", "C", "D")
SECTORS = ("production", "circulation", "catering")
MIN_INSPECTORS_PER_TASK = 2  # 总局令第49号 Art. 23

OBJECT_SCHEMA = {
    "uscc": pl.Utf8,
    "risk_class": pl.Utf8,
    "street": pl.Utf8,
    "sector": pl.Utf8,
    "operator_id": pl.Int64,
}
INSPECTOR_SCHEMA = {"inspector_id": pl.Int64, "sectors": pl.Utf8}
CONFLICT_SCHEMA = {"inspector_id": pl.Int64, "operator_id": pl.Int64}


# ── parameters ────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DrawParams:
    """What the draw needs besides the directory (part of the hashed snapshot)."""

    ratios: dict[str, float]
    inspectors_per_task: int
    inspector_cap: int
    street_quotas: dict[str, int]

    def canonical(self) -> str:
        return json.dumps(
            {
                "algorithm": ALGORITHM,
                "ratios": {k: float(self.ratios.get(k, 0.0)) for k in CLASSES},
                "inspectors_per_task": self.inspectors_per_task,
                "inspector_cap": self.inspector_cap,
                "street_quotas": {k: int(v) for k, v in sorted(self.street_quotas.items())},
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )


def params_check(params: DrawParams) -> None:
    """Reject impossible parameters before anything is written."""
    for cls, ratio in params.ratios.items():
        if cls not in CLASSES:
            raise DomainError(
                "planning.bad_class", _("未知的信用风险分类 / unknown risk class: %(cls)s") % {"cls": cls}, cls=cls
            )
        if not isinstance(ratio, int | float) or not 0.0 <= float(ratio) <= 1.0:
            raise DomainError(
                "planning.bad_ratio",
                _("抽查比例须在0至1之间 / the sampling ratio must be between 0 and 1 (class %(cls)s: %(ratio)s)")
                % {"cls": cls, "ratio": ratio},
                cls=cls,
                ratio=ratio,
            )
    if params.inspectors_per_task < MIN_INSPECTORS_PER_TASK:
        raise DomainError(
            "planning.too_few_per_task",
            _("每户至少须有两名检查人员 / at least two inspectors per task (总局令第49号 Art. 23)"),
            inspectors_per_task=params.inspectors_per_task,
        )
    if params.inspector_cap < 1:
        raise DomainError("planning.bad_cap", _("任务上限须为正数 / the per-inspector cap must be positive"))
    for street, quota in params.street_quotas.items():
        if int(quota) < 0:
            raise DomainError(
                "planning.bad_quota", _("街道名额不能为负数 / a street quota cannot be negative"), street=street
            )


# ── the snapshot: a canonical listing, hashed ─────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Snapshot:
    """The frozen directory: the canonical listing (bytes), its SHA-256, and the frames parsed back from it."""

    listing: bytes
    sha256: str
    params: DrawParams
    objects: pl.DataFrame  # OBJECT_SCHEMA, sorted by uscc
    inspectors: pl.DataFrame  # INSPECTOR_SCHEMA, sorted by id; sectors "catering,production"
    conflicts: pl.DataFrame  # CONFLICT_SCHEMA, sorted


def _csv(frame: pl.DataFrame) -> bytes:
    if frame.height == 0:
        return b""
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, line_terminator="\n", quote_style="never")
    return buf.getvalue()


def snapshot_build(
    *, params: DrawParams, objects: pl.DataFrame, inspectors: pl.DataFrame, conflicts: pl.DataFrame
) -> Snapshot:
    """The canonical listing: a params line, then objects (by USCC), inspectors and conflicts (by id), as CSV."""
    objects = _texts_filled(objects.select([pl.col(c).cast(t) for c, t in OBJECT_SCHEMA.items()])).sort("uscc")
    inspectors = inspectors.select([pl.col(c).cast(t) for c, t in INSPECTOR_SCHEMA.items()]).sort("inspector_id")
    conflicts = conflicts.select([pl.col(c).cast(t) for c, t in CONFLICT_SCHEMA.items()]).sort(
        ["inspector_id", "operator_id"]
    )
    parts = [
        f"#params {params.canonical()}\n".encode(),
        f"#objects {objects.height}\n".encode(),
        _csv(objects),
        f"#inspectors {inspectors.height}\n".encode(),
        _csv(inspectors.with_columns(pl.col("sectors").str.replace_all(",", ";"))),
        f"#conflicts {conflicts.height}\n".encode(),
        _csv(conflicts),
    ]
    listing = b"".join(parts)
    return Snapshot(listing, hashlib.sha256(listing).hexdigest(), params, objects, inspectors, conflicts)


def _texts_filled(frame: pl.DataFrame) -> pl.DataFrame:
    """Missing text is the empty string (a CSV field cannot tell them apart)."""
    return frame.with_columns([pl.col(c).fill_null("") for c, t in frame.schema.items() if t == pl.Utf8])


def _read_section(data: bytes, schema: dict[str, Any]) -> pl.DataFrame:
    if not data:
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(io.BytesIO(data), has_header=False, new_columns=list(schema), schema=schema, quote_char=None)
    return _texts_filled(frame)


def snapshot_parse(listing: bytes) -> Snapshot:
    """Read a listing back (for plan_verify): the frames the draw runs on are always parsed from the listing."""
    header_end = listing.index(b"\n")
    raw_params = json.loads(listing[len(b"#params ") : header_end])
    params = DrawParams(
        ratios=raw_params["ratios"],
        inspectors_per_task=raw_params["inspectors_per_task"],
        inspector_cap=raw_params["inspector_cap"],
        street_quotas=raw_params["street_quotas"],
    )
    i_obj = listing.index(b"#objects ", header_end)
    i_ins = listing.index(b"\n#inspectors ", i_obj) + 1
    i_con = listing.index(b"\n#conflicts ", i_ins) + 1
    objects = _read_section(listing[listing.index(b"\n", i_obj) + 1 : i_ins], OBJECT_SCHEMA)
    inspectors = _read_section(listing[listing.index(b"\n", i_ins) + 1 : i_con], INSPECTOR_SCHEMA)
    inspectors = inspectors.with_columns(pl.col("sectors").fill_null("").str.replace_all(";", ","))
    conflicts = _read_section(listing[listing.index(b"\n", i_con) + 1 :], CONFLICT_SCHEMA)
    return Snapshot(listing, hashlib.sha256(listing).hexdigest(), params, objects, inspectors, conflicts)


def snapshot_compress(listing: bytes) -> bytes:
    return zlib.compress(listing, 1)


def snapshot_decompress(content: bytes) -> bytes:
    return zlib.decompress(content)


def seed_commitment(seed: str) -> str:
    """The published commitment to a seed: SHA-256 of its hex text."""
    return hashlib.sha256(seed.encode()).hexdigest()


# ── the draw ──────────────────────────────────────────────────────────────────────────────────────────────────


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
                _("%(sector)s业态的合格检查人员不足 / fewer qualified inspectors than needed for sector %(sector)s")
                % {"sector": SECTORS[s]},
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
            _(
                "检查人员任务上限不足以覆盖全部任务（需%(slots)s人次，至多可排%(capacity)s人次） / the per-inspector cap "
                "leaves too few slots for the tasks (%(slots)s needed, at most %(capacity)s possible)"
            )
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
                _(
                    "无法为该检查对象安排无利害关系的检查人员 / no inspector without a conflict of interest is available"
                ),
                object_row=int(task_objects[t]),
            )


def draw_run(*, snapshot: Snapshot, seed: str) -> Draw:
    """The whole draw from a seed and a snapshot: objects by class, then inspectors. Deterministic."""
    params = snapshot.params
    objects = snapshot.objects
    if objects.height == 0:
        raise DomainError("planning.empty_scope", _("抽查范围内没有检查对象 / the scope holds no inspection objects"))
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


# ── observation period, deadlines, facilitation ───────────────────────────────────────────────────────────────


def observation_ends(*, registered_on: date, months: int) -> date:
    """The last day a new-business-form operator is inside its observation period."""
    return registered_on + relativedelta(months=months)


def in_observation(*, new_business_form: bool, risk_class: str, registered_on: date, months: int, as_of: date) -> bool:
    """New business forms in class A/B get no proactive inspection during the observation period (DOMAIN.md §8)."""
    return (
        new_business_form
        and risk_class in ("A", "B")
        and as_of <= observation_ends(registered_on=registered_on, months=months)
    )


def publish_deadline(*, inspected_on: date, workdays: int, extra_holidays: frozenset[date] = frozenset()) -> Deadline:
    """Results are published within `workdays` working days of the inspection (DOMAIN.md II.6)."""
    return add_workdays(inspected_on, workdays, extra_holidays=extra_holidays)


def task_overdue(*, due_on: date | None, published_on: date | None, as_of: date) -> bool:
    """A result published after its deadline, or still unpublished once the deadline has passed."""
    if due_on is None:
        return False
    return (published_on or as_of) > due_on


def frequency_shortfall(
    *, ratios: dict[str, float], min_frequency: dict[str, float], period_start: date, period_end: date
) -> dict[str, float]:
    """Classes whose minimum frequency (visits a year) random plans like this one cannot reach alone: the expected
    random visits a year (ratio × plans a year, one plan per period) for each class that falls short — the rest
    must come from routine inspections (DOMAIN.md Part I §8, II.A 9)."""
    days = (period_end - period_start).days + 1
    per_year = 365 / days if days > 0 else 0.0
    expected = {cls: float(ratios.get(cls, 0.0)) * per_year for cls in CLASSES}
    return {cls: round(v, 3) for cls, v in expected.items() if v < float(min_frequency.get(cls, 0.0))}


def frequency_interval_days(min_frequency: dict[str, float]) -> dict[str, int]:
    """Days between on-site inspections each class's minimum frequency allows (visits a year → ⌈365 / visits⌉):
    A 0.5 → 730, B 1 → 365, C 2 → 183, D 3 → 122. A class without a minimum gets none."""
    return {cls: math.ceil(365 / float(v)) for cls, v in min_frequency.items() if float(v) > 0}


@dataclass(frozen=True)
class Facilitation:
    """What the class means for facilitation and strictness (DOMAIN.md Part I §8)."""

    risk_class: str
    green_channel: bool  # 绿色通道 (class A)
    lenient_acceptance: bool  # 容缺受理 (never for class D)
    notify_commit: bool  # 告知承诺 (never for class D)


def facilitation_for(risk_class: str) -> Facilitation:
    """Class A: green channel; class D: no 容缺受理 and no 告知承诺; others: the ordinary procedure."""
    return Facilitation(
        risk_class=risk_class,
        green_channel=risk_class == "A",
        lenient_acceptance=risk_class != "D",
        notify_commit=risk_class != "D",
    )
