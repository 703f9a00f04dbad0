"""The indicator system is data, validated on load."""

import copy

import pytest
import yaml

from foodcredit.core.errors import DomainError
from foodcredit.risk.indicators import HERE, indicator_system_load, indicator_system_parse


@pytest.fixture
def raw():
    return yaml.safe_load((HERE / "v1.yaml").read_text(encoding="utf-8"))


def test_v1_loads_for_every_sector():
    system = indicator_system_load("v1")
    assert system.version == "v1" and len(system.sha256) == 64
    assert {"production", "circulation", "catering"} == set(system.sectors)
    assert system.business_type_tiers["学校食堂"] == 4


def _broken(raw, mutate):
    data = copy.deepcopy(raw)
    mutate(data["sectors"]["catering"])
    return data


def test_unknown_feature_is_an_error(raw):
    data = _broken(
        raw,
        lambda s: s["dynamic"].append({"feature": "no_such", "dimension": "supervision", "bands": [[1, 0], [None, 1]]}),
    )
    with pytest.raises(DomainError) as exc:
        indicator_system_parse(data)
    assert exc.value.code == "risk.indicators_invalid" and exc.value.context["feature"] == "no_such"


def test_bands_must_increase(raw):
    data = _broken(
        raw, lambda s: s["dynamic"].__setitem__(0, {**s["dynamic"][0], "bands": [[2, 0], [1, 5], [None, 9]]})
    )
    with pytest.raises(DomainError, match="分档上限须递增") as refused:
        indicator_system_parse(data)
    assert refused.value.code == "risk.indicators_invalid"


def test_bands_must_end_open(raw):
    data = _broken(raw, lambda s: s["dynamic"].__setitem__(0, {**s["dynamic"][0], "bands": [[1, 0], [2, 5]]}))
    with pytest.raises(DomainError, match="无上限的一档结尾") as refused:
        indicator_system_parse(data)
    assert refused.value.code == "risk.indicators_invalid"


def test_a_part_may_not_exceed_its_maximum(raw):
    data = _broken(raw, lambda s: s["static"].__setitem__(0, {**s["static"][0], "bands": [[2, 4], [None, 41]]}))
    with pytest.raises(DomainError, match="部分满分超过") as refused:
        indicator_system_parse(data)
    assert refused.value.code == "risk.indicators_invalid"


def test_a_sentence_may_not_name_an_unknown_column(raw):
    data = copy.deepcopy(raw)
    data["texts"]["nonconform_1y"] = {"text": "不符合{nope}次", "when": "nonconform_1y"}
    with pytest.raises(DomainError, match="未知字段“nope”") as refused:
        indicator_system_parse(data)
    assert refused.value.code == "risk.indicators_invalid"


def _top(system, sector, feature):
    return max((max(i.points) for i in system.sectors[sector] if i.feature == feature), default=0.0)


def test_v2_has_its_own_indicators_per_sector_each_weight_provisional_with_a_source():
    system = indicator_system_load("v2")
    assert system.version == "v2"
    features = {s: [i.feature for i in system.sectors[s]] for s in system.sectors}
    assert len({tuple(f) for f in features.values()}) == 3  # three different systems, not one common block
    assert "new_business_form" not in features["production"] and "complaint_surge" in features["catering"]
    for sector, indicators in system.sectors.items():
        for ind in indicators:
            assert ind.provisional is True and ind.source, (sector, ind.feature)
        for part, limit in (("static", 40), ("dynamic", 60)):
            assert sum(max(i.points) for i in indicators if i.part == part) == limit


def test_v2_weights_carry_out_the_differences_the_file_cites():
    system = indicator_system_load("v2")
    cited = yaml.safe_load((HERE / "v2.yaml").read_text(encoding="utf-8"))["differences"]
    assert len(cited) >= 5
    for claim in cited:
        higher, lower = _top(system, claim["higher"], claim["feature"]), _top(system, claim["lower"], claim["feature"])
        assert higher > lower, claim


def test_v2_without_a_source_is_refused():
    data = yaml.safe_load((HERE / "v2.yaml").read_text(encoding="utf-8"))
    del data["sectors"]["production"]["dynamic"][0]["source"]
    with pytest.raises(DomainError) as exc:
        indicator_system_parse(data)
    assert exc.value.code == "risk.indicators_invalid" and exc.value.context["sector"] == "production"


def test_the_v2_scorecard_scores_the_same_record_differently_by_sector():
    import numpy as np

    from foodcredit.risk.estimators import ScorecardClassifier
    from foodcredit.risk.features import FEATURE_NAMES, SECTOR_CODES

    X = np.zeros((3, len(FEATURE_NAMES)))
    for row, sector in enumerate(("production", "circulation", "catering")):
        X[row, FEATURE_NAMES.index("sector_code")] = SECTOR_CODES[sector]
    X[:, FEATURE_NAMES.index("sample_fail_decayed")] = 2.0  # open band everywhere
    X[:, FEATURE_NAMES.index("licence_valid")] = 1
    X[:, FEATURE_NAMES.index("years_in_business")] = 5
    X[:, FEATURE_NAMES.index("business_type_risk")] = 1
    points = ScorecardClassifier(indicators="v2").risk_score(X)
    assert list(points) == [6 + 20, 3 + 16, 4 + 10]  # tier Ⅰ + sample failures: production > circulation > catering
