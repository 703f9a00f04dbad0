"""The detectors' parameters are data: the shipped file loads, a bad one is refused naming the fault."""

import pytest
import yaml

from foodcredit.alerts import rules
from foodcredit.alerts.detectors import PARAMS_FILE, params_parse


def shipped() -> dict:
    return yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8"))


def test_shipped_parameters_load():
    version, params = params_parse(PARAMS_FILE.read_text(encoding="utf-8"))
    assert version
    assert params["complaint_surge_street"]["thresholdMethod"] == "muan"


@pytest.mark.parametrize(
    ("detector", "key", "value", "fault"),
    [
        ("complaint_surge_street", "alpha", 0.9, "complaint_surge_street.alpha：须在 0.0001 与 0.5 之间"),
        ("complaint_surge_street", "b", 2, "complaint_surge_street.b：须在 3 与 5 之间"),
        ("complaint_surge_street", "thresholdMethod", "delta", "须为 muan / nbPlugin 之一"),
        ("complaint_surge_operator", "window_days", "7", "complaint_surge_operator.window_days：须为整数"),
        ("complaint_surge_street", "reweighting", "yes", "须为 true 或 false"),
        ("sampling_cluster", "level_cuts", [9, 3], "须为两个递增的分界值"),
        ("spacetime_scan", "max_window_days", 3, "spacetime_scan：须 min_window_days ≤ max_window_days ≤ study_days"),
        ("spacetime_scan", "replicates", 10, "spacetime_scan.replicates：须在 99 与 9999 之间"),
    ],
)
def test_bad_parameter_refused_with_its_name(detector, key, value, fault):
    raw = shipped()
    raw["detectors"][detector][key] = value
    with pytest.raises(rules.ParamError) as caught:
        rules.params_validate(raw)
    assert fault in str(caught.value)


def test_unknown_and_missing_keys_refused():
    raw = shipped()
    raw["detectors"]["class_jump"]["steps"] = 2
    with pytest.raises(rules.ParamError, match="class_jump：未知参数 steps"):
        rules.params_validate(raw)
    raw = shipped()
    del raw["detectors"]["licence_expiry"]
    with pytest.raises(rules.ParamError, match="缺少检测器的参数：licence_expiry"):
        rules.params_validate(raw)
