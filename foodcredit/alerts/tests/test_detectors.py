"""Detectors on frames: Farrington Flexible's bound, EWMA on short histories, and detection of injected anomalies."""

from datetime import date, timedelta

import numpy as np
import pytest

from foodcredit.alerts import evaluation
from foodcredit.alerts.detectors import params_load
from foodcredit.alerts.detectors.complaints import WEEKS_PER_YEAR, ewma, farrington_flexible


@pytest.fixture(scope="module")
def params():
    return params_load()[1]


def weekly(seed: int, weeks: int, mean: float) -> np.ndarray:
    return np.random.default_rng(seed).poisson(mean, size=weeks)


def test_farrington_alarms_on_a_tripled_week_only(params):
    p = params["complaint_surge_street"]
    series = weekly(3, WEEKS_PER_YEAR * 5 + 4, 8.0)
    series[-1] = 8
    quiet = farrington_flexible(series, p, b=5)
    series[-1] = 24
    surge = farrington_flexible(series, p, b=5)
    assert not quiet.alarm and surge.alarm
    assert 6 < quiet.expected < 10 and quiet.upper < 24


def test_farrington_downweights_a_past_outbreak(params):
    p = params["complaint_surge_street"]
    series = weekly(4, WEEKS_PER_YEAR * 5 + 4, 6.0)
    series[-WEEKS_PER_YEAR - 1] = 60  # an outbreak a year ago, inside the reference window
    series[-1] = 16
    reweighted = farrington_flexible(series, p, b=5)
    plain = farrington_flexible(series, {**p, "reweighting": False}, b=5)
    assert reweighted.upper < plain.upper
    assert reweighted.alarm


def test_ewma_with_a_short_history(params):
    p = params["complaint_surge_street"]
    series = weekly(5, 40, 5.0)
    series[-3:] = [5, 12, 18]
    assert ewma(series, p).alarm
    series[-3:] = [5, 5, 5]
    assert not ewma(series, p).alarm


@pytest.mark.parametrize("detector", ["sampling_cluster", "registration_address", "registration_after_revocation"])
def test_injected_anomalies_are_found(params, detector):
    world = evaluation.world_simulate(seed=7, operators=800, years=2, end=date(2026, 6, 30))
    frames, truths = evaluation.inject(world, detector, 1, np.random.default_rng(1), 5)
    days = [world.end - timedelta(days=d) for d in range(80, -1, -1)]
    alarms = evaluation.alarms_daily(frames, params, detector, days)
    figures = evaluation.score(truths, alarms, evaluation.alerts_of(alarms), set())
    assert figures["pod"] == 1.0
