"""The detectors: each a function of the frames and its parameters (declared in params.yaml), returning findings."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml
from django.conf import settings
from django.utils.translation import gettext as _

from .. import rules
from .complaints import complaint_surge_operator, complaint_surge_street
from .findings import FINDINGS
from .frames import Frames
from .records import class_jump, licence_expiry, sampling_cluster, sampling_repeated
from .registration import registration_address, registration_after_revocation, registration_churn
from .spacetime import spacetime_scan

Detector = Callable[[Frames, dict[str, Any]], pl.DataFrame]

DETECTORS: dict[str, Detector] = {
    "complaint_surge_operator": complaint_surge_operator,
    "complaint_surge_street": complaint_surge_street,
    "spacetime_scan": spacetime_scan,
    "registration_address": registration_address,
    "registration_churn": registration_churn,
    "registration_after_revocation": registration_after_revocation,
    "licence_expiry": licence_expiry,
    "sampling_repeated": sampling_repeated,
    "sampling_cluster": sampling_cluster,
    "class_jump": class_jump,
}
PARAMS_FILE = Path(__file__).with_name("params.yaml")


def params_parse(text: str) -> tuple[str, dict[str, dict[str, Any]]]:
    """A parameter file's version and checked parameters; rules.ParamError names the fault."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise rules.ParamError(_("YAML 格式错误：%(error)s") % {"error": exc}) from exc
    return rules.params_validate(raw)


@lru_cache(maxsize=4)
def params_load(path: str | None = None) -> tuple[str, dict[str, dict[str, Any]]]:
    """The parameters in force (settings.ALERTS_PARAMS_FILE, else the shipped params.yaml)."""
    chosen = Path(path or getattr(settings, "ALERTS_PARAMS_FILE", None) or PARAMS_FILE)
    return params_parse(chosen.read_text(encoding="utf-8"))


def history_days(params: dict[str, dict[str, Any]]) -> int:
    """How far back the frames must reach for every detector."""
    street = params["complaint_surge_street"]
    return max(
        7 * (52 * street["b"] + street["w"] + 1),
        params["complaint_surge_operator"]["baseline_days"] + 60,
        params["sampling_repeated"]["window_days"],
        params["spacetime_scan"]["study_days"],
        365 * params["registration_after_revocation"]["ban_years"],
    )


def detect_all(frames: Frames, params: dict[str, dict[str, Any]], only: list[str] | None = None) -> pl.DataFrame:
    """The findings of every detector (or of `only`) on these frames."""
    parts = [DETECTORS[name](frames, params[name]) for name in (only or DETECTORS)]
    return pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=FINDINGS)
