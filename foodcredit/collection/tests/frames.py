"""Normalized frames for tests (the shape validate() produces and seed_demo writes)."""

import datetime as dt

import polars as pl

from foodcredit.core.ids import uscc_check_character


def uscc(i: int, prefix: str = "91") -> str:
    """A valid USCC for a small integer."""
    base = f"{prefix}500105{i:08d}0"[:17]
    return base + uscc_check_character(base)


def operators(n: int = 2, *, start: int = 1, status: str = "active") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "uscc": [uscc(i) for i in range(start, start + n)],
            "name": [f"重庆测试餐饮有限公司{i}" for i in range(start, start + n)],
            "legal_rep": [f"张{i}" for i in range(start, start + n)],
            "legal_rep_id_no": ["11010519491231002X"] + [None] * (n - 1),
            "phone": ["13800001111"] * n,
            "address": ["重庆市江北区观音桥街道建新北路1号"] * n,
            "street": ["观音桥街道"] * n,
            "sector": ["catering"] * n,
            "business_type": ["小型餐馆"] * n,
            "registered_on": [dt.date(2020, 1, 1)] * n,
            "status": [status] * n,
            "new_business_form": [False] * n,
            "_row": list(range(2, n + 2)),
        }
    )


def inspections(usccs: list[str], *, result: str = "conform", prefix: str = "I") -> pl.DataFrame:
    n = len(usccs)
    return pl.DataFrame(
        {
            "source_id": [f"{prefix}{i}" for i in range(n)],
            "uscc": usccs,
            "inspected_on": [dt.date(2025, 3, 1)] * n,
            "kind": ["routine"] * n,
            "result": [result] * n,
            "findings": ["后厨地面有积水"] * n,
            "inspectors": ["50010520190001、50010520190002"] * n,
            "_row": list(range(2, n + 2)),
        }
    )


def penalties(usccs: list[str]) -> pl.DataFrame:
    n = len(usccs)
    return pl.DataFrame(
        {
            "decision_no": [f"渝江北市监罚〔2025〕{i}号" for i in range(n)],
            "uscc": usccs,
            "decided_on": [dt.date(2025, 6, 1)] * n,
            "violation": ["经营超过保质期的食品"] * n,
            "legal_basis": ["《食品安全法》第一百二十四条"] * n,
            "kinds": [["罚款", "没收违法所得"]] * n,
            "amount": ["5000.00"] * n,
            "procedure": ["ordinary"] * n,
            "circumstance": ["general"] * n,
            "_row": list(range(2, n + 2)),
        }
    )
