"""The records the ledger refers to by (kind, ref_id): each record domain registers its model here, in its
`AppConfig.ready`, so that credit reads them (the credit file's details, the operator's licences) without importing
or naming the layers above it (STYLE.md: dependencies point downwards)."""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class RecordModel:
    """A record domain's model for one ledger kind, and the relations only staff read (e.g. inspectors' names)."""

    model: type[models.Model]
    staff_prefetch: tuple[str, ...] = ()


_registered: dict[str, RecordModel] = {}


def record_model_register(*, ledger_kind: str, model: type[models.Model], staff_prefetch: tuple[str, ...] = ()) -> None:
    """A record domain hands credit its model for `ledger_kind` (a LedgerEntry.Kind value)."""
    _registered[ledger_kind] = RecordModel(model=model, staff_prefetch=staff_prefetch)


def record_model(ledger_kind: str) -> RecordModel | None:
    """The registered model of a ledger kind; None when no installed domain records that kind (entries are then
    described from their facts alone)."""
    return _registered.get(ledger_kind)
