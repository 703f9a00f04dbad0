"""seed_demo and seed_oracle_report against the database: the import path, the truth tables, the same oracle."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from foodcredit.core.models import AuditEvent, Source
from foodcredit.credit.models import LedgerEntry
from foodcredit.demo.models import InspectorEffect, LatentRisk, SeedRun
from foodcredit.demo.world import SOURCES, world_generate
from foodcredit.demo.world.oracle import oracle_auc
from foodcredit.inspections.models import Inspection
from foodcredit.operators.models import Operator

pytestmark = pytest.mark.django_db
ARGS = ["--operators", "300", "--years", "3", "--seed", "42", "--as-of", "2026-11-25", "--no-backoffice"]


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *ARGS, *extra, verbosity=0, stdout=out)
    return out.getvalue()


def test_seed_demo_loads_records_ledger_and_truth():
    world = world_generate(operators=300, years=3, seed=42, as_of=date(2026, 11, 25))
    output = seed()
    assert Operator.objects.count() == 300
    assert Inspection.objects.count() == len(world.frames["inspections"])
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.INSPECTION).count() == len(world.frames["inspections"])
    assert set(Source.objects.values_list("name", flat=True)) >= set(SOURCES.values())
    assert LatentRisk.objects.count() == len(world.latent_risk)
    assert InspectorEffect.objects.count() == len(world.inspectors)
    run = SeedRun.objects.get()
    assert (run.seed, run.operators, run.as_of, run.monthly) == (42, 300, date(2026, 11, 25), True)
    event = AuditEvent.objects.get(action="seed_demo")
    assert (event.object_type, event.object_id, event.changes["seed"]) == ("seed_run", str(run.pk), [None, 42])
    assert "operators    new       300" in output


def test_seed_demo_if_empty_does_nothing_when_operators_exist():
    seed()
    assert "已有经营主体，未生成演示数据" in seed("--if-empty")
    assert SeedRun.objects.count() == 1


def test_seed_oracle_report_matches_the_frames():
    seed()
    world = world_generate(operators=300, years=3, seed=42, as_of=date(2026, 11, 25))
    f = world.frames
    expected = oracle_auc(
        operators=f["operators"],
        latent=world.latent_risk,
        inspections=f["inspections"],
        sampling=f["sampling"],
        penalties=f["penalties"],
        as_of=date(2025, 11, 25),
    )
    out = io.StringIO()
    call_command("seed_oracle_report", "--as-of", "2025-11-25", stdout=out)
    assert out.getvalue().startswith(f"oracle AUC {expected.auc:.4f}: {expected.operators} operators")
