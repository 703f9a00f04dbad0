"""Writes of the risk domain: models (registry), classification runs, class overrides. Import from here."""

from .classification import (
    Scored,
    classification_finish,
    classification_partition,
    classification_start,
    classify_frame,
    partitions_for,
)
from .models_registry import model_activate, model_load, model_register
from .overrides import class_override, class_override_revoke

__all__ = [
    "Scored",
    "class_override",
    "class_override_revoke",
    "classification_finish",
    "classification_partition",
    "classification_start",
    "classify_frame",
    "model_activate",
    "model_load",
    "model_register",
    "partitions_for",
]
