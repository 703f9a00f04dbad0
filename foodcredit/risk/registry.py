"""Whether a candidate model may replace the active one (issue 3 §4): their backtests, on the same window.

A model's backtest is its specification's (type and parameters) trained strictly before a date and judged on the
serious findings of the horizon after it; `risk_train` stores the candidate's (training.spec_backtest). To compare
like with like, the active model's specification is backtested on that same window — the same operators, the same
outcomes, the same history — rather than comparing figures measured on different years. When the feature list has
changed since the active model was trained its specification cannot be re-run; then the two stored backtests are
compared, each on its own window, and the record says so.
"""

from datetime import date
from typing import Any

from .features import FEATURE_NAMES
from .models import RiskModel
from .training import model_fit, window_auc

MIN_BACKTEST_AUC = 0.55  # issue 13 §7: below it a model ranks operators barely better than chance
MAX_CLASS_SHARE = 0.95  # issue 13 §7: a model that puts more operators than this in one class does not classify

BASIS_SAME_WINDOW = "same_window"  # both specifications backtested on the candidate's window
BASIS_STORED = "stored"  # the feature list changed: each model's stored backtest, on its own window
BASIS_NONE = "none"  # the candidate has no backtest: it cannot be shown not to be worse


def same_specification(a: Any, b: Any) -> bool:
    """Same estimator type and parameters: the same training procedure."""
    return type(a) is type(b) and a.get_params() == b.get_params()


def backtests_compare(
    *, candidate: RiskModel, candidate_estimator: Any, active: RiskModel, active_estimator: Any
) -> dict[str, Any]:
    """The candidate's backtest against the active model's: basis, window, both AUCs and whether it is worse.

    The candidate is worse when its AUC is below the active one's; a candidate without a backtest counts as worse
    (it needs a forced activation with a reason); an active model whose backtest cannot be had does not block.
    """
    mine = candidate.metrics.get("backtest")
    if not mine:
        return {"basis": BASIS_NONE, "candidate_auc": None, "active_auc": None, "worse": True}
    as_of, horizon = date.fromisoformat(mine["as_of"]), int(mine["horizon_days"])
    if list(active.features) == FEATURE_NAMES:
        basis = BASIS_SAME_WINDOW
        if same_specification(candidate_estimator, active_estimator):
            theirs: dict[str, Any] | None = mine  # the same procedure on the same window gives the same figures
        else:
            try:
                fitted = model_fit(kind=active.kind, until=as_of, horizon_days=horizon, template=active_estimator)
            except ValueError:
                theirs = None
            else:
                theirs = window_auc(fitted.estimator, as_of=as_of, horizon_days=horizon)
    else:
        basis, theirs = BASIS_STORED, active.metrics.get("backtest")
    active_auc = theirs["auc"] if theirs else None
    return {
        "basis": basis,
        "as_of": mine["as_of"],
        "horizon_days": horizon,
        "active_as_of": theirs["as_of"] if theirs else None,
        "candidate_auc": mine["auc"],
        "active_auc": active_auc,
        "worse": active_auc is not None and float(mine["auc"]) < float(active_auc),
    }


def quality_refusal(model: RiskModel) -> tuple[str, dict[str, Any]] | None:
    """Why `model` may never be used, whatever reason is given: (code, figures), or None.

    'risk.model_weak': its backtest AUC is below MIN_BACKTEST_AUC. 'risk.model_constant': it puts more than
    MAX_CLASS_SHARE of the population at its training date in one class — (nearly) constant scores, which quantile
    cut-offs cannot split. A model without a backtest is judged by its classes alone (and needs a reason to replace
    an active model: backtests_compare).
    """
    shares = model.metrics.get("class_shares") or {}
    if shares and max(shares.values()) > MAX_CLASS_SHARE:
        top = max(shares, key=lambda c: shares[c])
        return "risk.model_constant", {"risk_class": top, "share": shares[top], "limit": MAX_CLASS_SHARE}
    backtest = model.metrics.get("backtest")
    if backtest and float(backtest["auc"]) < MIN_BACKTEST_AUC:
        return "risk.model_weak", {"auc": backtest["auc"], "limit": MIN_BACKTEST_AUC}
    return None
