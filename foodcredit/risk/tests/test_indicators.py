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
