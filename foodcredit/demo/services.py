"""Seeding the demo district: its records through collection's bulk path, its hidden truth into demo's tables."""

import io
from dataclasses import dataclass, field
from datetime import date
from time import perf_counter
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from foodcredit.collection import services as collection_services
from foodcredit.core import audit

from .models import InspectorEffect, LatentRisk, SeedRun
from .world import World, world_generate
from .world.backoffice_credit import seed_credit_backoffice
from .world.backoffice_objections import seed_objections
from .world.backoffice_planning import seed_planning_backoffice
from .world.common import Params

BATCH_SIZE = 5_000


@dataclass(frozen=True)
class BatchWrite:
    """One call of collection's bulk path: which kind from which source, its result and how long it took."""

    kind: str
    source: str
    rows: int
    result: collection_services.WriteResult
    seconds: float


@dataclass
class SeedSummary:
    """What a seeding did: rows generated per kind, rows written per batch, and how long each half took."""

    counts: dict[str, int]
    written: list[BatchWrite] = field(default_factory=list)
    generation_seconds: float = 0.0
    write_seconds: float = 0.0
    monthly: bool = True


def _copy(frame: pl.DataFrame, table: str) -> None:
    """COPY a frame into a table on PostgreSQL (columns named as the frame's)."""
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, null_value="\\N")
    buf.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
            while chunk := buf.read(1 << 20):
                copy.write(chunk)


def truth_write(*, latent_risk: pl.DataFrame, inspectors: pl.DataFrame) -> None:
    """Replace the truth tables with a world's (they always describe the last seeded world).

    Set-based: COPY on PostgreSQL, bulk_create in batches elsewhere. The caller owns the transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {LatentRisk._meta.db_table}, {InspectorEffect._meta.db_table}")
        _copy(latent_risk.select("operator_uscc", "month", "months", "risk"), LatentRisk._meta.db_table)
        _copy(inspectors.select("cert_no", "name", "strictness"), InspectorEffect._meta.db_table)
        return
    LatentRisk.objects.all().delete()
    InspectorEffect.objects.all().delete()
    for batch in latent_risk.iter_slices(BATCH_SIZE):
        LatentRisk.objects.bulk_create(LatentRisk(**row) for row in batch.iter_rows(named=True))
    InspectorEffect.objects.bulk_create(InspectorEffect(**row) for row in inspectors.iter_rows(named=True))


def world_write(*, world: World, seed: int, years: int, progress: bool = False) -> SeedSummary:
    """Write a generated world in one transaction: every batch through `records_write`, then the truth."""
    summary = SeedSummary(counts=world.counts, monthly=world.monthly)
    started = perf_counter()
    batches = list(world.batches())
    with transaction.atomic():
        bar = tqdm(batches, desc="seed_demo: writing", disable=not progress, unit="batch")
        for kind, source, frame in bar:
            bar.set_postfix_str(f"{kind} ← {source} ({len(frame)})")
            batch_started = perf_counter()
            result = collection_services.records_write(
                kind=kind, frame=frame, source_name=source, actor=None, job_label="seed_demo"
            )
            summary.written.append(BatchWrite(kind, source, len(frame), result, perf_counter() - batch_started))
        truth_write(latent_risk=world.latent_risk, inspectors=world.inspectors)
        run = SeedRun.objects.create(
            seeded_at=timezone.now(),
            seed=seed,
            operators=world.counts["operators"],
            years=years,
            as_of=world.calendar.as_of,
            params_sha256=world.params_sha256,
            monthly=world.monthly,
            counts=world.counts,
        )
        audit.record(
            actor=None,
            action="seed_demo",
            object_type="seed_run",
            object_id=run.pk,
            changes={"seed": [None, seed], "operators": [None, run.operators], "as_of": [None, run.as_of.isoformat()]},
        )
    summary.write_seconds = perf_counter() - started
    return summary


def demo_seed(
    *, operators: int, years: int, seed: int, as_of: date, params: Params | None = None, progress: bool = False
) -> SeedSummary:
    """Simulate the district (see foodcredit.demo.world) and load it like an import, with its truth."""
    started = perf_counter()
    world = world_generate(operators=operators, years=years, seed=seed, as_of=as_of, params=params, progress=progress)
    generation = perf_counter() - started
    summary = world_write(world=world, seed=seed, years=years, progress=progress)
    summary.generation_seconds = generation
    return summary


def backoffice_seed(*, as_of: date) -> tuple[Any, Any, Any]:
    """The back office's work in progress on the seeded district, as the system (no acting user): the violation code
    table with the demo's penalty texts mapped, list entries, repairs and commitments in every state, typical cases
    and bans (credit); verified inspectors, conflicts, trigger tasks, plans in every state with results (planning);
    objections in every state and a record kept from publication (objections)."""
    credit = seed_credit_backoffice(as_of=as_of, actor=None)
    planning = seed_planning_backoffice(as_of=as_of, actor=None)
    objections = seed_objections(as_of=as_of, actor=None)
    return credit, planning, objections
