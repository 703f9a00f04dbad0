"""Backtest: trained strictly before as-of, evaluated after; the figures a bureau reads, and the PNG."""

import datetime as dt
import io
import json

import polars as pl
from django.core.management import call_command

from foodcredit.risk import backtest


def test_days_earlier_reorders_real_inspections_by_risk():
    inspections = pl.DataFrame(
        {
            "operator_id": [1, 2, 3],
            "occurred_on": [dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 3)],
            "nonconform": [0, 0, 1],
        }
    )
    scores = pl.DataFrame({"operator_id": [1, 2, 3], "score": [0.1, 0.2, 0.9]})
    out = backtest.days_earlier(inspections, scores)
    assert out == {"inspections": 3, "findings": 1, "mean_days_earlier": 61.0}


def test_png_writer_makes_a_png(tmp_path):
    path = tmp_path / "c.png"
    backtest.calibration_png([{"predicted": 0.1, "observed": 0.12}, {"predicted": 0.3, "observed": 0.25}], path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_risk_backtest_command_reports_the_figures(district, tmp_path, monkeypatch):
    monkeypatch.setattr(backtest, "oracle_registered", lambda: None)
    report_path = tmp_path / "bt.json"
    out = io.StringIO()
    call_command(
        "risk_backtest",
        "--as-of",
        "2025-01-01",
        "--horizon",
        "300",
        "--kind",
        "scorecard",
        "--report",
        str(report_path),
        stdout=out,
    )
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["model"]["trained_until"] == "2025-01-01"
    assert 0 <= report["auc"] <= 1 and set(report["class_distribution"]) == {"A", "B", "C", "D"}
    assert {"class_d", "class_c_or_d", "top_decile_lift", "calibration", "migration_from_previous_horizon"} <= set(
        report
    )
    assert {"per_100_inspections", "class_following_plan", "days_earlier"} <= set(report)
    assert (tmp_path / "bt.calibration.png").exists()
    assert "AUC" in out.getvalue()
