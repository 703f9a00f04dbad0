"""The credit-risk dashboard: district regulators only; charts by street, sector and over time."""

from datetime import date

import pytest

from foodcredit.accounts.models import User
from foodcredit.credit.tests import factories as f
from foodcredit.risk.tests.factories import run_make

pytestmark = pytest.mark.django_db


def test_dashboard_shows_distribution_by_street_sector_and_trend(client):
    a = f.OperatorFactory(street="观音桥街道", sector="catering")
    b = f.OperatorFactory(street="五里店街道", sector="circulation")
    run_make(date(2025, 5, 1), [(a, "A"), (b, "B")])
    run_make(date(2025, 6, 1), [(a, "C"), (b, "B")])
    client.force_login(f.UserFactory(role=User.Role.DISTRICT_REGULATOR))
    response = client.get("/office/risk/")
    assert response.status_code == 200
    street = response.context["by_street"]
    assert street["years"] == ["五里店街道", "观音桥街道"]
    assert street["series"][2]["data"] == [0, 1]  # C at 观音桥街道 in the latest run
    assert response.context["by_sector"]["years"] == ["餐饮", "流通"]  # ordered by stored value
    assert response.context["trend"]["years"] == ["2025-05-01", "2025-06-01"]
    assert 'data-chart="risk-trend-data"' in response.content.decode()


def test_dashboard_is_for_district_regulators(client):
    client.force_login(f.UserFactory(role=User.Role.INSPECTOR))
    assert client.get("/office/risk/").status_code == 403


def test_dashboard_shows_the_model_comparison_it_was_chosen_by(client):
    a = f.OperatorFactory(street="观音桥街道", sector="catering")
    run = run_make(date(2025, 6, 1), [(a, "A")])
    run.model.metrics = {
        "backtest": {"as_of": "2024-05-31", "auc": 0.7277},
        "selection": {
            "chosen": "logistic C=0.03",
            "origins": ["2024-05-31", "2024-03-01"],
            "horizon_days": 365,
            "training_rows": 1200,
            "candidates": [
                {"name": "scorecard", "kind": "scorecard", "fold_aucs": [0.57, 0.6], "mean_auc": 0.585},
                {"name": "logistic C=0.03", "kind": "logistic", "fold_aucs": [0.7277, 0.731], "mean_auc": 0.7294},
            ],
        },
    }
    run.model.save()
    client.force_login(f.UserFactory(role=User.Role.DISTRICT_REGULATOR))
    page = client.get("/office/risk/").content.decode()
    assert "模型选择" in page and "logistic C=0.03" in page and "0.7294" in page and "0.57 / 0.6" in page
    assert "0.7277" in page  # the chosen model's backtest
