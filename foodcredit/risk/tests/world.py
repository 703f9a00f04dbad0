"""A small simulated district for risk tests, written through collection's bulk path (as any import is).

Risky operators (a hidden effect) fail more inspections and samples; two inspectors are much stricter than the
rest; a few operators share a legal representative or an address. Deterministic for a seed.
"""

import datetime as dt

import numpy as np
import polars as pl

from foodcredit.collection import services as collection_services
from foodcredit.collection.tests.frames import uscc

TYPES = [("小型餐馆", "catering"), ("食杂店", "circulation"), ("糕点生产", "production"), ("学校食堂", "catering")]
INSPECTORS = [f"500105201900{i:02d}" for i in range(10)]  # the first two are strict
START = dt.date(2022, 12, 1)
END = dt.date(2025, 11, 30)


def _row(n: int) -> list[int]:
    return list(range(2, n + 2))


def world_frames(
    *, operators: int = 120, seed: int = 7, effect_sd: float = 1.0, visits: int = 4, base: float = -2.0
) -> dict[str, pl.DataFrame]:
    """Normalized frames of every kind for a small district. The planted signal: each operator's hidden effect,
    N(0, effect_sd), raises the log-odds (from `base`) of failing each of its ~`visits` inspections and its samples."""
    rng = np.random.default_rng(seed)
    days = (END - START).days
    effect = rng.normal(0, 1, operators) * effect_sd
    types = rng.integers(0, len(TYPES), operators)
    codes = [uscc(10_000 + i) for i in range(operators)]
    ops = pl.DataFrame(
        {
            "uscc": codes,
            "name": [f"测试经营主体{i}" for i in range(operators)],
            "legal_rep": [f"李{i % 90}" for i in range(operators)],
            # operators 0–9 share five legal representatives pairwise
            "legal_rep_id_no": [f"5001051980010{(i if i >= 10 else i // 2):05d}" for i in range(operators)],
            "phone": ["13800001111"] * operators,
            "address": [f"重庆市江北区建新北路{(i if i >= 10 else i // 2)}号" for i in range(operators)],
            "street": [["观音桥街道", "五里店街道", "鱼嘴镇"][i % 3] for i in range(operators)],
            "sector": [TYPES[t][1] for t in types],
            "business_type": [TYPES[t][0] for t in types],
            "registered_on": [
                dt.date(2015, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 3000, operators)
            ],
            "status": ["active"] * operators,
            "new_business_form": [bool(b) for b in rng.random(operators) < 0.05],
            "_row": _row(operators),
        }
    )
    licences = pl.DataFrame(
        {
            "number": [f"JY2500105{i:07d}" for i in range(operators)],
            "uscc": codes,
            "kind": ["business"] * operators,
            "scope": ["热食类食品制售"] * operators,
            "issued_on": [dt.date(2021, 6, 1)] * operators,
            "valid_until": [dt.date(2026, 5, 31) if i % 7 else dt.date(2024, 5, 31) for i in range(operators)],
            "status": ["valid"] * operators,
            "legacy_format": [False] * operators,
            "_row": _row(operators),
        }
    )
    n_insp = operators * visits
    op = rng.integers(0, operators, n_insp)
    pair = rng.integers(0, len(INSPECTORS) // 2, n_insp) * 2
    strict = np.where(pair == 0, 2.0, 0.0)
    p = 1 / (1 + np.exp(-(effect[op] + base + strict)))
    result = np.where(
        rng.random(n_insp) < p, "nonconform", np.where(rng.random(n_insp) < 0.3, "basically_conform", "conform")
    )
    inspected_on = [START + dt.timedelta(days=int(d)) for d in rng.integers(0, days, n_insp)]
    inspections = pl.DataFrame(
        {
            "source_id": [f"JC{i:06d}" for i in range(n_insp)],
            "uscc": [codes[i] for i in op],
            "inspected_on": inspected_on,
            "kind": ["routine"] * n_insp,
            "result": result.tolist(),
            "findings": [""] * n_insp,
            "inspectors": [f"{INSPECTORS[a]}、{INSPECTORS[a + 1]}" for a in pair],
            "_row": _row(n_insp),
        }
    )
    n_samp = operators * 2
    sop = rng.integers(0, operators, n_samp)
    fail = rng.random(n_samp) < 1 / (1 + np.exp(-(effect[sop] + base - 0.2)))
    sampling = pl.DataFrame(
        {
            "source_id": [f"CJ{i:06d}" for i in range(n_samp)],
            "uscc": [codes[i] for i in sop],
            "sampled_on": [START + dt.timedelta(days=int(d)) for d in rng.integers(0, days, n_samp)],
            "product": ["复用餐饮具"] * n_samp,
            "food_category": ["餐饮食品"] * n_samp,
            "conclusion": ["fail" if f else "pass" for f in fail],
            "failed_items": ["大肠菌群" if f else "" for f in fail],
            "failure_kind": ["microbial" if f else "" for f in fail],
            "_row": _row(n_samp),
        }
    )
    bad = inspections.filter(pl.col("result") == "nonconform").head(max(1, operators // 8))
    n_pen = bad.height
    penalties = pl.DataFrame(
        {
            "decision_no": [f"渝江北市监罚〔2025〕{i}号" for i in range(n_pen)],
            "uscc": bad.get_column("uscc"),
            "decided_on": [d + dt.timedelta(days=30) for d in bad.get_column("inspected_on").to_list()],
            "violation": ["经营超过保质期的食品"] * n_pen,
            "legal_basis": ["《食品安全法》第一百二十四条"] * n_pen,
            "kinds": [["警告"] if i % 3 == 0 else ["罚款", "没收违法所得"] for i in range(n_pen)],
            "amount": ["0" if i % 3 == 0 else "5000.00" for i in range(n_pen)],
            "procedure": ["ordinary"] * n_pen,
            "circumstance": ["general"] * n_pen,
            "_row": _row(n_pen),
        }
    )
    n_cmp = operators
    cop = rng.integers(0, operators, n_cmp)
    complaints = pl.DataFrame(
        {
            "source_id": [f"TS{i:06d}" for i in range(n_cmp)],
            "uscc": [codes[i] for i in cop],
            "received_on": [START + dt.timedelta(days=int(d)) for d in rng.integers(0, days, n_cmp)],
            "channel": ["12315"] * n_cmp,
            "kind": ["complaint"] * n_cmp,
            "category": ["食品变质"] * n_cmp,
            "verification": ["true" if effect[i] > 0.5 else "untrue" for i in cop],
            "_row": _row(n_cmp),
        }
    )
    return {
        "operators": ops,
        "licences": licences,
        "inspections": inspections,
        "sampling": sampling,
        "penalties": penalties,
        "complaints": complaints,
    }


def world_write(frames: dict[str, pl.DataFrame]) -> None:
    """Write the frames through collection's bulk path, operators first."""
    for kind in ("operators", "licences", "inspections", "sampling", "penalties", "complaints"):
        collection_services.records_write(kind=kind, frame=frames[kind], source_name="测试来源", job_label="risk-test")
