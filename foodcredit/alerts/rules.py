"""Pure rules of the alert lifecycle and of the detectors' parameters (no ORM)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from foodcredit.core.workdays import Deadline, add_workdays

# The measures that ask the business for a reply (a reminder is information only).
MEASURES_ASKING_REPLY = frozenset({"warning", "interview"})
# The measures filed in the credit ledger (食品安全法 Art. 114: 责任约谈 and the rectification it orders).
MEASURES_FILED = frozenset({"interview"})


@dataclass(frozen=True)
class Unit:
    """A department that may be responsible: its id and the streets it covers."""

    pk: int
    streets: tuple[str, ...]


def route(*, street: str, street_level: bool, units: Sequence[Unit]) -> int | None:
    """The responsible unit (DOMAIN.md II §12): the station whose streets hold the street (the unit covering the
    fewest streets); the district office (the unit covering the most) for street-level alerts or where no station
    covers the street."""
    if not units:
        return None
    district = max(units, key=lambda u: (len(u.streets), -u.pk))
    if street_level:
        return district.pk
    covering = [u for u in units if street in u.streets and u.pk != district.pk]
    if not covering:
        return district.pk
    return min(covering, key=lambda u: (len(u.streets), u.pk)).pk


def measure_deadline(*, raised_on: date, days: int, holidays: frozenset[date] = frozenset()) -> Deadline:
    """The day by which a measure must be chosen (working days after the alert)."""
    return add_workdays(raised_on, days, extra_holidays=holidays)


def action_deadline(
    *, measure: str, measured_on: date, days: Mapping[str, int], holidays: frozenset[date] = frozenset()
) -> Deadline | None:
    """The day by which what the measure asks is due: the business's reply (警示), the interview held (约谈), the
    inspection done (检查); a reminder asks nothing."""
    n = {"warning": days["reply"], "interview": days["interview"], "inspection": days["inspection"]}.get(measure)
    if n is None:
        return None
    return add_workdays(measured_on, n, extra_holidays=holidays)


def overdue(*, status: str, measure_due: date, action_due: date | None, today: date) -> bool:
    """An alert past the deadline of its current stage: no measure chosen in time, or what it asks not done."""
    if status == "closed":
        return False
    if status == "routed":
        return today > measure_due
    return action_due is not None and status == "measured" and today > action_due


LEVELS = ("low", "medium", "high")


def level_of(score: float, cuts: Sequence[float]) -> str:
    """low / medium / high by the detector's score against its two ascending cut points."""
    return LEVELS[sum(score >= c for c in cuts)]


class ParamError(ValueError):
    """A parameter file that cannot be used; the message names the detector and the key."""


@dataclass(frozen=True)
class Spec:
    """What one parameter must be: its type and bounds (inclusive)."""

    kind: type
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


# Every detector's parameters, declared: the YAML must give exactly these keys, of these types, within bounds.
SCHEMA: dict[str, dict[str, Spec]] = {
    "complaint_surge_operator": {
        "method": Spec(str, choices=("ears_c2",)),
        "window_days": Spec(int, 1, 28),
        "guard_days": Spec(int, 0, 14),
        "baseline_days": Spec(int, 28, 1825),
        "min_sigma": Spec(float, 0.1, 10),
        "threshold": Spec(float, 1, 10),
        "min_count": Spec(int, 1, 100),
        "level_cuts": Spec(list),
    },
    "complaint_surge_street": {
        "method": Spec(str, choices=("farrington_flexible",)),
        "b": Spec(int, 3, 5),
        "w": Spec(int, 0, 10),
        "noPeriods": Spec(int, 1, 1),  # only 1: the reference windows alone, no seasonal factor
        "pastWeeksNotIncluded": Spec(int, 0, 52),
        "reweighting": Spec(bool),
        "weightsThreshold": Spec(float, 0.5, 10),
        "pThresholdTrend": Spec(float, 0, 1),
        "thresholdMethod": Spec(str, choices=("muan", "nbPlugin")),
        "alpha": Spec(float, 0.0001, 0.5),
        "min_count": Spec(int, 1, 1000),
        "ewma_lambda": Spec(float, 0.01, 1),
        "ewma_baseline_weeks": Spec(int, 4, 104),
        "ewma_threshold": Spec(float, 1, 10),
        "level_cuts": Spec(list),
    },
    "spacetime_scan": {
        "method": Spec(str, choices=("space_time_permutation",)),
        "study_days": Spec(int, 56, 1095),
        "min_window_days": Spec(int, 1, 90),
        "max_window_days": Spec(int, 1, 90),
        "window_step_days": Spec(int, 1, 90),
        "max_streets": Spec(int, 1, 12),
        "max_radius_km": Spec(float, 0, 100),
        "replicates": Spec(int, 99, 9999),
        "seed": Spec(int, 0, 2**31),
        "min_recurrence_days": Spec(float, 1, 10000),
        "min_cases": Spec(int, 1, 1000),
        "level_cuts": Spec(list),
    },
    "registration_address": {
        "window_days": Spec(int, 1, 365),
        "min_operators": Spec(int, 2, 100),
        "level_cuts": Spec(list),
    },
    "registration_churn": {
        "window_days": Spec(int, 30, 1825),
        "min_registrations": Spec(int, 2, 50),
        "min_deregistered": Spec(int, 1, 50),
        "level_cuts": Spec(list),
    },
    "registration_after_revocation": {
        "ban_years": Spec(int, 1, 10),
        "window_days": Spec(int, 1, 365),
        "level_cuts": Spec(list),
    },
    "licence_expiry": {"within_days": Spec(int, 1, 180), "level_cuts": Spec(list)},
    "sampling_repeated": {
        "window_days": Spec(int, 30, 1825),
        "min_failures": Spec(int, 2, 20),
        "level_cuts": Spec(list),
    },
    "sampling_cluster": {
        "window_days": Spec(int, 7, 365),
        "min_failures": Spec(int, 2, 100),
        "min_operators": Spec(int, 2, 100),
        "level_cuts": Spec(list),
    },
    "class_jump": {"min_steps": Spec(int, 2, 3), "window_days": Spec(int, 1, 92), "level_cuts": Spec(list)},
}


def params_validate(raw: Any) -> tuple[str, dict[str, dict[str, Any]]]:
    """The version and the detectors' parameters of a parameter file, checked against SCHEMA; ParamError names the
    first fault (an unknown or missing detector or key, a wrong type, a value out of bounds)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), str | int):
        raise ParamError(_("参数文件须有 version 和 detectors 两项"))
    detectors = raw.get("detectors")
    if not isinstance(detectors, dict):
        raise ParamError(_("参数文件须有 version 和 detectors 两项"))
    unknown = sorted(set(detectors) - set(SCHEMA))
    missing = sorted(set(SCHEMA) - set(detectors))
    if unknown:
        raise ParamError(_("未知的检测器：%(names)s") % {"names": ", ".join(unknown)})
    if missing:
        raise ParamError(_("缺少检测器的参数：%(names)s") % {"names": ", ".join(missing)})
    out: dict[str, dict[str, Any]] = {}
    for name, specs in SCHEMA.items():
        given = detectors[name]
        if not isinstance(given, dict):
            raise ParamError(_("%(detector)s：参数须为键值表") % {"detector": name})
        extra = sorted(set(given) - set(specs))
        if extra:
            raise ParamError(_("%(detector)s：未知参数 %(keys)s") % {"detector": name, "keys": ", ".join(extra)})
        values: dict[str, Any] = {}
        for key, spec in specs.items():
            if key not in given:
                raise ParamError(_("%(detector)s：缺少参数 %(key)s") % {"detector": name, "key": key})
            values[key] = _checked(name, key, given[key], spec)
        out[name] = values
    scan = out["spacetime_scan"]
    if not scan["min_window_days"] <= scan["max_window_days"] <= scan["study_days"]:
        raise ParamError(
            _("spacetime_scan：须 min_window_days ≤ max_window_days ≤ study_days，实为 %(values)s")
            % {"values": f"{scan['min_window_days']} / {scan['max_window_days']} / {scan['study_days']}"}
        )
    return str(raw["version"]), out


def _checked(name: str, key: str, value: Any, spec: Spec) -> Any:
    where = f"{name}.{key}"
    if spec.kind is list:
        ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value)
        if not ok or value[0] > value[1]:
            raise ParamError(_("%(where)s：须为两个递增的分界值，实为 %(value)r") % {"where": where, "value": value})
        return [float(v) for v in value]
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise ParamError(_("%(where)s：须为 true 或 false，实为 %(value)r") % {"where": where, "value": value})
        return value
    if spec.kind is str:
        if value not in spec.choices:
            raise ParamError(
                _("%(where)s：须为 %(choices)s 之一，实为 %(value)r")
                % {"where": where, "choices": " / ".join(spec.choices), "value": value}
            )
        return value
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if not numeric or (spec.kind is int and not isinstance(value, int)):
        message = (
            _("%(where)s：须为整数，实为 %(value)r") if spec.kind is int else _("%(where)s：须为数值，实为 %(value)r")
        )
        raise ParamError(message % {"where": where, "value": value})
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise ParamError(
            _("%(where)s：须在 %(low)s 与 %(high)s 之间，实为 %(value)r")
            % {"where": where, "low": spec.low, "high": spec.high, "value": value}
        )
    return spec.kind(value)
