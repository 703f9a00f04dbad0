"""The Bayes oracle of the worlds drill (bench/risk_posterior.py) is the generator's own model, and it learns.

Two ways it could be wrong and make the drill's reading ("the ledger cannot tell more") false: its risk formula
differs from the generator's, or its filter does not use the records. The first is checked exactly; the second on a
world with ten times the inspections and sampling tests, where the records pin the latent risk down and the oracle
must come close to oracle_now (at the demo's rates it stays about 0.08 AUC below it: the drill's point).
"""

from datetime import date

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from bench.risk_posterior import bayes_scores, month_risk
from foodcredit.demo.world import World, world_generate
from foodcredit.demo.world.common import params_load
from foodcredit.demo.world.risk import serious_probability

END, T = date(2025, 12, 1), date(2024, 12, 1)


def _world(params: dict, *, seed: int, operators: int) -> World:
    return world_generate(operators=operators, years=3, seed=seed, as_of=END, params=params, keep_draws=True)


def _aucs(params: dict, *, seed: int, operators: int = 2000) -> tuple[float, float, float]:
    world = _world(params, seed=seed, operators=operators)
    assert world.draws is not None
    table = world.oracle_now(T).join(bayes_scores(world.draws, params, as_of=T), on="uscc", how="inner")
    prior = bayes_scores(world.draws, params, as_of=T, records=False).select("uscc", prior="bayes_horizon")
    table = table.join(prior, on="uscc", how="inner")
    labels = table.get_column("label").to_numpy()
    return (
        float(roc_auc_score(labels, table.get_column("oracle_now").to_numpy())),
        float(roc_auc_score(labels, table.get_column("bayes_horizon").to_numpy())),
        float(roc_auc_score(labels, table.get_column("prior").to_numpy())),
    )


def test_month_risk_is_the_generators_formula():
    params = params_load()
    draws = _world(params, seed=5, operators=500).draws
    t = int(draws.cal.month_index(np.array([np.datetime64(T, "D")]))[0])
    truth = serious_probability(pop=draws.pop, cal=draws.cal, latent=draws.latent, params=params)[:, t]
    eta = draws.latent.eta[:, t, None].astype(np.float64)
    mine = month_risk(draws, params, t=t, eta=eta, u=draws.pop.effect[:, None].astype(np.float64))[:, 0]
    alive = draws.latent.alive[:, t]
    assert alive.sum() > 300
    np.testing.assert_allclose(mine[alive], truth[alive], rtol=1e-5, atol=1e-7)


@pytest.mark.slow
def test_with_ten_times_the_records_the_oracle_nearly_knows_the_latent_risk():
    rich = params_load()
    for business_type in rich["business_types"].values():
        business_type["inspections"] *= 10
        business_type["sampling"] *= 10
    now, bayes, _ = _aucs(rich, seed=1)
    assert bayes >= 0.95 * now, (bayes, now)
    now, bayes, prior = _aucs(params_load(), seed=1)  # the demo's rates: the records say much less, but much
    assert bayes < 0.95 * now, (bayes, now)
    assert bayes > prior + 0.08, (bayes, prior)  # more than type, street, form and age alone


def test_no_records_leave_the_prior():
    params = params_load()
    draws = _world(params, seed=2, operators=300).draws
    start = draws.cal.start
    first = bayes_scores(draws, params, as_of=date(start.year, start.month, 1))  # nothing recorded before it
    assert isinstance(first, pl.DataFrame) and first.height == 300
    # Without records the posterior is the prior: established operators of one type, street and form score alike.
    established = draws.pop.registered < np.datetime64(date(start.year - 6, 1, 1), "D")
    same = first.with_columns(
        t=pl.Series(draws.pop.type_idx), s=pl.Series(draws.pop.street_idx), f=pl.Series(draws.pop.new_form)
    ).filter(pl.Series(established))
    spread = same.group_by("t", "s", "f").agg(pl.col("bayes_horizon").std()).drop_nulls()
    assert spread.height > 0
    assert spread.get_column("bayes_horizon").max() < 0.02
