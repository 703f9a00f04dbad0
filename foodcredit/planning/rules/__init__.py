"""Pure rules of random-inspection planning (no ORM; numpy/polars over whole directories). Import from here.

params: constants and the draw's parameters; snapshot: the canonical, hashed listing; draw: the stratified draw and
the inspector assignment; calendar: observation periods, deadlines, frequencies and facilitation per class.
"""

from .calendar import (
    Facilitation,
    facilitation_for,
    frequency_interval_days,
    frequency_shortfall,
    in_observation,
    observation_ends,
    publish_deadline,
    task_overdue,
)
from .draw import Draw, draw_run, inspectors_assign, objects_select
from .params import (
    ALGORITHM,
    CLASSES,
    CONFLICT_SCHEMA,
    INSPECTOR_SCHEMA,
    MIN_INSPECTORS_PER_TASK,
    OBJECT_SCHEMA,
    SECTORS,
    DrawParams,
    params_check,
)
from .snapshot import (
    Snapshot,
    seed_commitment,
    snapshot_build,
    snapshot_compress,
    snapshot_decompress,
    snapshot_parse,
)

__all__ = [
    "ALGORITHM",
    "CLASSES",
    "CONFLICT_SCHEMA",
    "INSPECTOR_SCHEMA",
    "MIN_INSPECTORS_PER_TASK",
    "OBJECT_SCHEMA",
    "SECTORS",
    "Draw",
    "DrawParams",
    "Facilitation",
    "Snapshot",
    "draw_run",
    "facilitation_for",
    "frequency_interval_days",
    "frequency_shortfall",
    "in_observation",
    "inspectors_assign",
    "objects_select",
    "observation_ends",
    "params_check",
    "publish_deadline",
    "seed_commitment",
    "snapshot_build",
    "snapshot_compress",
    "snapshot_decompress",
    "snapshot_parse",
    "task_overdue",
]
