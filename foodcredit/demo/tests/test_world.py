"""The simulated district, generator level (no database): determinism, identifiers, schemas, realism, oracle."""

import re
from collections import Counter
from datetime import date

import numpy as np
import polars as pl
import pytest

from foodcredit.complaints.models import Complaint
from foodcredit.core.ids import licence_validate, uscc_validate
from foodcredit.demo.world import world_generate
from foodcredit.demo.world.common import params_load
from foodcredit.demo.world.oracle import oracle_auc
from foodcredit.inspections.models import Inspection
from foodcredit.licences.models import Licence
from foodcredit.operators.models import STREETS, Operator
from foodcredit.penalties.models import Penalty
from foodcredit.sampling.models import SamplingTest

AS_OF = date(2026, 11, 25)
ORACLE_AS_OF = date(2025, 11, 25)  # the end minus 12 months
S, D, B, I64 = pl.String(), pl.Date(), pl.Boolean(), pl.Int64()

# The normalized frames collection's bulk path takes (the brief's contract, written out independently).
EXPECTED_SCHEMAS = {
    "operators": {
        "uscc": S,
        "name": S,
        "legal_rep": S,
        "legal_rep_id_no": S,
        "phone": S,
        "address": S,
        "street": S,
        "sector": S,
        "business_type": S,
        "registered_on": D,
        "status": S,
        "new_business_form": B,
        "_row": I64,
    },
    "licences": {
        "number": S,
        "uscc": S,
        "kind": S,
        "scope": S,
        "issued_on": D,
        "valid_until": D,
        "status": S,
        "legacy_format": B,
        "_row": I64,
    },
    "inspections": {
        "source_id": S,
        "uscc": S,
        "inspected_on": D,
        "kind": S,
        "result": S,
        "findings": S,
        "inspectors": S,
        "_row": I64,
    },
    "sampling": {
        "source_id": S,
        "uscc": S,
        "sampled_on": D,
        "product": S,
        "food_category": S,
        "conclusion": S,
        "failed_items": S,
        "failure_kind": S,
        "_row": I64,
    },
    "penalties": {
        "decision_no": S,
        "uscc": S,
        "decided_on": D,
        "violation": S,
        "legal_basis": S,
        "kinds": pl.List(S),
        "amount": S,
        "procedure": S,
        "circumstance": S,
        "_row": I64,
    },
    "complaints": {
        "source_id": S,
        "uscc": S,
        "received_on": D,
        "channel": S,
        "kind": S,
        "category": S,
        "verification": S,
        "_row": I64,
    },
}
DATE_COLUMNS = {
    "inspections": "inspected_on",
    "sampling": "sampled_on",
    "penalties": "decided_on",
    "complaints": "received_on",
}


def values(choices: type) -> set[str]:
    return {str(v) for v in choices.values}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def world():
    return world_generate(operators=3000, years=3, seed=42, as_of=AS_OF)


def oracle(w, as_of=ORACLE_AS_OF):
    f = w.frames
    return oracle_auc(
        operators=f["operators"],
        latent=w.latent_risk,
        inspections=f["inspections"],
        sampling=f["sampling"],
        penalties=f["penalties"],
        as_of=as_of,
    )


def test_world_generate_same_seed_same_frames():
    a = world_generate(operators=400, years=2, seed=7, as_of=AS_OF)
    b = world_generate(operators=400, years=2, seed=7, as_of=AS_OF)
    for kind, frame in a.frames.items():
        assert frame.equals(b.frames[kind]), kind
    assert a.latent_risk.equals(b.latent_risk)
    assert a.inspectors.equals(b.inspectors)


def test_world_generate_different_seed_different_frames():
    a = world_generate(operators=400, years=2, seed=7, as_of=AS_OF)
    b = world_generate(operators=400, years=2, seed=8, as_of=AS_OF)
    for kind, frame in a.frames.items():
        assert not frame.equals(b.frames[kind]), kind


def test_world_generate_frame_schemas_exact(world):
    assert list(world.frames) == list(EXPECTED_SCHEMAS)
    for kind, expected in EXPECTED_SCHEMAS.items():
        assert dict(world.frames[kind].schema) == expected, kind
        assert world.frames[kind]["_row"].to_list() == list(range(1, len(world.frames[kind]) + 1))
    for kind, source, frame in world.batches():
        assert dict(frame.schema) == EXPECTED_SCHEMAS[kind], source
        assert frame["_row"].to_list() == list(range(1, len(frame) + 1))


def test_world_generate_usccs_valid_and_unique(world):
    usccs = world.frames["operators"]["uscc"].to_list()
    assert len(set(usccs)) == len(usccs)
    for code in usccs:
        check = uscc_validate(code)
        assert check.ok and not check.warnings, (code, check.errors, check.warnings)  # inner GB 11714 code too
        assert code[2:8] == "500105"
    assert set(Counter(c[:2] for c in usccs)) == {"91", "92", "93"}


def test_world_generate_legal_rep_ids_valid_shared_and_sometimes_missing(world):
    ops = world.frames["operators"]
    ids = ops["legal_rep_id_no"].drop_nulls().to_list()
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for id_no in ids:
        assert re.fullmatch(r"\d{17}[\dX]", id_no)
        assert "10X98765432"[sum(int(c) * w for c, w in zip(id_no, weights, strict=False)) % 11] == id_no[17]
    assert ops["legal_rep_id_no"].null_count() > 0
    owners = ops.drop_nulls("legal_rep_id_no").group_by("legal_rep_id_no").agg(pl.len(), pl.col("legal_rep").n_unique())
    assert owners.filter(pl.col("len") > 1).height > 50  # shared owners
    assert owners["legal_rep"].max() == 1  # one ID, one name
    assert ops.group_by("address").len().filter(pl.col("len") > 1).height > 20  # markets, food courts, parks


def test_world_generate_licence_numbers_match_formats(world):
    lic = world.frames["licences"]
    assert lic["number"].n_unique() == len(lic)
    for number, kind in lic.select("number", "kind").iter_rows():
        pattern = r"^JY[1-3]500105\d{7}$" if kind == "business" else r"^SC1\d{2}500105\d{5}$"
        assert re.match(pattern, number), number
        assert licence_validate(number, kind=kind).ok
    assert set(lic["kind"]) == {"business", "production"}
    assert (lic["valid_until"] == lic["issued_on"].dt.offset_by("5y").dt.offset_by("-1d")).all()
    assert not lic["legacy_format"].any()


def test_world_generate_choices_use_stored_values(world):
    f = world.frames
    ops = f["operators"]
    assert set(ops["street"]) <= set(STREETS)
    assert set(ops["sector"]) == values(Operator.Sector)
    assert set(ops["status"]) == values(Operator.Status)
    assert set(f["licences"]["status"]) <= values(Licence.Status)
    assert set(f["inspections"]["kind"]) == values(Inspection.Kind)
    assert set(f["inspections"]["result"]) == values(Inspection.Result)
    assert set(f["sampling"]["conclusion"]) == values(SamplingTest.Conclusion)
    assert set(f["sampling"]["failure_kind"]) - {""} <= values(SamplingTest.FailureKind)
    assert set(f["penalties"]["procedure"]) == values(Penalty.Procedure)
    assert set(f["penalties"]["circumstance"]) - {""} == values(Penalty.Circumstance)
    assert {k for kinds in f["penalties"]["kinds"].to_list() for k in kinds} <= set(Penalty.KINDS)
    assert set(f["complaints"]["channel"]) <= values(Complaint.Channel)
    assert set(f["complaints"]["kind"]) == values(Complaint.Kind)
    assert set(f["complaints"]["verification"]) - {""} <= values(Complaint.Verification)


def test_world_generate_records_are_consistent(world):
    f = world.frames
    ops = f["operators"].select("uscc", "registered_on")
    assert f["penalties"]["decision_no"].n_unique() == len(f["penalties"])
    assert f["inspections"]["source_id"].n_unique() == len(f["inspections"])
    for kind in ("sampling", "complaints"):
        assert f[kind]["source_id"].n_unique() == len(f[kind])
    for kind, col in DATE_COLUMNS.items():
        joined = f[kind].join(ops, on="uscc", how="left")
        assert joined["registered_on"].null_count() == 0, kind
        assert (joined[col] >= joined["registered_on"]).all(), kind
        assert joined[col].max() <= AS_OF and joined[col].min() >= date(2023, 11, 26), kind
    ins = f["inspections"]
    assert (ins.filter(pl.col("result") == "conform")["findings"] == "").all()
    assert (ins.filter(pl.col("result") != "conform")["findings"] != "").all()
    assert ins["inspectors"].str.contains(r"^50010520\d{6}、50010520\d{6}$").all()
    smp = f["sampling"]
    assert ((smp["conclusion"] == "pass") == (smp["failure_kind"] == "")).all()
    pen = f["penalties"]
    warning_only = pen["kinds"].list.join("、") == "警告"
    assert pen.filter(warning_only)["amount"].is_null().all()
    assert pen.filter(pl.col("amount").is_not_null())["amount"].str.contains(r"^\d+\.\d{2}$").all()


def test_world_generate_mix_and_volumes(world):
    ops = world.frames["operators"]
    shares = dict(ops["sector"].value_counts(normalize=True).iter_rows())
    assert shares["catering"] == pytest.approx(0.55, abs=0.03)
    assert shares["circulation"] == pytest.approx(0.38, abs=0.03)
    assert shares["production"] == pytest.approx(0.07, abs=0.02)
    streets = Counter(ops["street"].to_list())
    assert {s for s, _ in streets.most_common(2)} == {"观音桥街道", "五里店街道"}
    assert min(streets, key=lambda s: streets[s]) == "五宝镇"
    assert 0.7 < (ops["status"] == "active").mean() < 0.9
    assert ops["new_business_form"].sum() > 0
    per_year = {k: len(world.frames[k]) / len(ops) / 3 for k in DATE_COLUMNS}
    assert 1.0 < per_year["inspections"] < 1.4
    assert 0.3 < per_year["sampling"] < 0.5
    assert 0.02 < per_year["penalties"] < 0.05
    assert 0.22 < per_year["complaints"] < 0.38


def test_world_generate_latent_risk_drives_records_with_noise(world):
    """Summer peaks in catering risk; strict inspectors record 不符合 more often than lenient ones."""
    risk = world.latent_risk.join(
        world.frames["operators"].select(pl.col("uscc").alias("operator_uscc"), "sector"), on="operator_uscc"
    ).filter(pl.col("sector") == "catering")
    by_month = dict(risk.group_by(pl.col("month").dt.month()).agg(pl.col("risk").mean()).iter_rows())
    assert by_month[7] > 1.2 * by_month[1]
    strictness = dict(world.inspectors.select("cert_no", "strictness").iter_rows())
    ins = world.frames["inspections"].with_columns(
        strict=pl.col("inspectors").str.split("、").list.eval(pl.element().replace_strict(strictness)).list.mean()
    )
    lo, hi = np.quantile(ins["strict"].to_numpy(), [1 / 3, 2 / 3])
    nonconform = pl.col("result") == "nonconform"
    assert (
        ins.filter(pl.col("strict") >= hi).select(nonconform.mean()).item()
        > 1.3 * ins.filter(pl.col("strict") <= lo).select(nonconform.mean()).item()
    )


def test_world_generate_oracle_auc_in_band(world):
    result = oracle(world)
    assert 0.70 <= result.auc <= 0.85, result
    assert result.months == 12
    assert 0.05 < result.positives / result.operators < 0.25


def test_world_generate_yearly_latent_risk_blocks():
    params = params_load()
    params["latent_risk"]["monthly_max_operators"] = 100
    w = world_generate(operators=600, years=3, seed=3, as_of=AS_OF, params=params)
    assert not w.monthly
    lr = w.latent_risk
    assert lr["months"].min() >= 1 and lr["months"].max() == 12
    assert lr.group_by("operator_uscc").len()["len"].max() == 4  # 37 months: 1 + 3 × 12
    assert lr.filter(pl.col("month") == date(2025, 12, 1))["months"].max() == 12  # a block starts after as-of − 1 year
    assert 0.6 < oracle(w).auc < 0.9
