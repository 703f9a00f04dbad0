"""Explanations: the strongest indicators as short Chinese sentences with figures."""

import numpy as np
import polars as pl

from foodcredit.risk import explain
from foodcredit.risk.features import FEATURE_NAMES
from foodcredit.risk.indicators import indicator_system_load


def _frame(**values):
    row = dict.fromkeys(FEATURE_NAMES, 0.0)
    row.update({"years_in_business": 8.0, "licence_valid": 1.0, "days_since_inspection": 3650.0})
    row.update(values)
    masks = {"fail_mask_1y": int(values.pop("fail_mask_1y", 0)), "fail_mask_3y": 0}
    return pl.DataFrame([{**row, **masks, "business_type": "小吃店"}])


def test_sentences_name_the_figures_strongest_first():
    frame = _frame(sample_fail_1y=2, fail_mask_1y=1, serious_3y=3, nonconform_3y=1, complaints_verified_1y=1)
    contrib = np.zeros((1, len(FEATURE_NAMES)))
    contrib[0, FEATURE_NAMES.index("sample_fail_1y")] = 0.9
    contrib[0, FEATURE_NAMES.index("nonconform_3y")] = 0.5
    contrib[0, FEATURE_NAMES.index("complaints_verified_1y")] = 0.2
    contrib[0, FEATURE_NAMES.index("penalties_serious_3y")] = 0.8  # no penalty: nothing to say
    out = explain.explanations(frame, contrib, indicator_system_load())
    assert out.to_list()[0] == [
        "近12个月抽检不合格2次（微生物）",
        "近3年监督检查不符合1次",
        "近12个月投诉举报经核查属实1件",
    ]


def test_a_clean_record_says_so():
    frame = _frame()
    out = explain.explanations(frame, np.zeros((1, len(FEATURE_NAMES))), indicator_system_load())
    assert out.to_list()[0] == [explain.NOTHING_FOUND]


def test_missing_licence_is_explained_when_it_raises_the_score():
    frame = _frame(licence_valid=0.0)
    contrib = np.zeros((1, len(FEATURE_NAMES)))
    contrib[0, FEATURE_NAMES.index("licence_valid")] = 4
    out = explain.explanations(frame, contrib, indicator_system_load())
    assert out.to_list()[0] == ["无有效期内的食品生产经营许可证"]
