"""The family of worlds (issue 13 §6): dynamics the demo does not have, switched on by parameters, and oracle_now."""

import copy
from datetime import date

import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from foodcredit.demo.world import world_generate
from foodcredit.demo.world.common import params_load

AS_OF = date(2025, 12, 1)
T = date(2024, 12, 1)


def _world(seed=5, **overrides):
    params = copy.deepcopy(params_load())
    for path, value in overrides.items():
        section, key = path.split(".")
        params[section][key] = value
    return world_generate(operators=1500, years=3, seed=seed, as_of=AS_OF, params=params)


def test_the_new_dynamics_are_off_by_default_so_the_demo_world_is_unchanged():
    plain = _world()
    explicit = _world(**{"risk.street_shock_sd": 0.0, "complaints.dispersion": 0.0})
    for kind, frame in plain.frames.items():
        assert frame.equals(explicit.frames[kind]), kind
    assert plain.latent_risk.equals(explicit.latent_risk)


def _street_spread(world):
    risk = world.latent_risk.join(
        world.frames["operators"].select(pl.col("uscc").alias("operator_uscc"), "street"), on="operator_uscc"
    )
    by = risk.group_by("street", "month").agg(pl.col("risk").mean()).group_by("street").agg(pl.col("risk").std())
    return float(by.get_column("risk").mean())


def test_street_shocks_move_a_street_month_to_month():
    assert _street_spread(_world(**{"risk.street_shock_sd": 0.6})) > 1.5 * _street_spread(_world())


def test_overdispersed_complaints_concentrate_on_fewer_operators():
    def share_of_top_decile(world):
        counts = world.frames["complaints"].group_by("uscc").len().get_column("len").to_numpy()
        counts = np.sort(np.concatenate([counts, np.zeros(1500 - counts.size)]))[::-1]
        return counts[:150].sum() / counts.sum()

    assert share_of_top_decile(_world(**{"complaints.dispersion": 2.0})) > 1.2 * share_of_top_decile(_world())


def test_oracle_now_scores_by_the_risk_at_as_of_not_the_months_after():
    w = _world(**{"risk.drift_sd": 0.6, "risk.drift_ar": 0.7})
    table = w.oracle_now(T)
    month = w.latent_risk.filter(pl.col("month") == date(2024, 12, 1)).select("operator_uscc", "risk")
    joined = table.join(month, left_on="uscc", right_on="operator_uscc")
    assert joined.height == table.height and np.allclose(joined["oracle_now"], joined["risk"])
    labels = table.get_column("label").to_numpy()
    now = roc_auc_score(labels, table.get_column("oracle_now").to_numpy())
    later = roc_auc_score(labels, table.get_column("oracle_score").to_numpy())
    assert 0.6 < now < later  # with a fast drift, knowing the months ahead ranks better than knowing today
