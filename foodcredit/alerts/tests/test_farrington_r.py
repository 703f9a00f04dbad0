"""Our Farrington Flexible against R's surveillance::farringtonFlexible (Debian r-cran-surveillance, installed by
`make system-deps`) on several weekly series with the same control set: alarms identical, upper bounds within 1 %."""

import json
import shutil
import subprocess

import numpy as np
import pytest

from foodcredit.alerts.detectors import params_load
from foodcredit.alerts.detectors.complaints import WEEKS_PER_YEAR, farrington_flexible

WEEKS = WEEKS_PER_YEAR * 6
LAST = 10  # the weeks compared at the end of each series

R_SCRIPT = """
suppressMessages(library(surveillance))
args <- jsonlite_free <- commandArgs(trailingOnly = TRUE)
series <- lapply(strsplit(readLines(args[1]), ","), as.numeric)
ctl <- eval(parse(text = args[2]))
out <- c()
for (y in series) {
  n <- length(y)
  s <- sts(observed = matrix(y, ncol = 1), frequency = 52, start = c(2000, 1))
  ctl$range <- (n - %(last)d + 1):n
  r <- farringtonFlexible(s, control = ctl)
  out <- c(out, paste(upperbound(r)[, 1], collapse = ","), paste(as.integer(alarms(r)[, 1]), collapse = ","))
}
writeLines(out)
"""

pytestmark = pytest.mark.skipif(
    not shutil.which("Rscript")
    or subprocess.run(["Rscript", "-e", "library(surveillance)"], capture_output=True).returncode != 0,
    reason="R's surveillance is installed by `make system-deps` (Debian r-cran-surveillance)",
)


def _series() -> list[np.ndarray]:
    rng = np.random.default_rng(2013)
    t = np.arange(WEEKS)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / WEEKS_PER_YEAR)
    flat = rng.poisson(6 * season)
    trend = rng.poisson(3 * season * np.exp(0.004 * t))
    overdispersed = rng.negative_binomial(4, 4 / (4 + 10 * season))
    past_outbreaks = rng.poisson(5 * season)
    past_outbreaks[[WEEKS - 52 - 2, WEEKS - 104 + 1, WEEKS - 156]] += 30
    sparse = rng.poisson(0.8 * season)
    series = [flat, trend, overdispersed, past_outbreaks, sparse]
    for s in series:
        s[-LAST:] += rng.integers(0, 3, size=LAST) * rng.poisson(4, size=LAST)  # some weeks surge
    return series


@pytest.mark.parametrize(
    "variant",
    [{}, {"thresholdMethod": "nbPlugin"}, {"reweighting": False}, {"b": 3, "w": 2, "alpha": 0.01}],
    ids=["shipped", "nbPlugin", "no-reweighting", "b3-w2-alpha0.01"],
)
def test_farrington_flexible_matches_r_surveillance(tmp_path, variant):
    _, params = params_load()
    p = {**params["complaint_surge_street"], "min_count": 0, **variant}
    series = _series()
    data = tmp_path / "series.csv"
    data.write_text("\n".join(",".join(str(int(v)) for v in s) for s in series) + "\n")
    control = (
        f"list(b = {p['b']}, w = {p['w']}, noPeriods = {p['noPeriods']}, pastWeeksNotIncluded = "
        f"{p['pastWeeksNotIncluded']}, reweight = {'TRUE' if p['reweighting'] else 'FALSE'}, weightsThreshold = "
        f"{p['weightsThreshold']}, pThresholdTrend = {p['pThresholdTrend']}, thresholdMethod = '{p['thresholdMethod']}', "
        f"alpha = {p['alpha']}, trend = TRUE, limit54 = c(0, 4), populationOffset = FALSE)"
    )
    script = tmp_path / "ff.R"
    script.write_text(R_SCRIPT % {"last": LAST})
    out = subprocess.run(
        ["Rscript", str(script), str(data), control], capture_output=True, text=True, check=True, timeout=300
    ).stdout.split("\n")
    compared = []
    for i, s in enumerate(series):
        r_upper = [float(v) for v in out[2 * i].split(",")]
        r_alarm = [v == "1" for v in out[2 * i + 1].split(",")]
        for j, k in enumerate(range(WEEKS - LAST, WEEKS)):
            ours = farrington_flexible(s[: k + 1], p, b=p["b"])
            compared.append((i, k, ours.upper, r_upper[j], ours.alarm, r_alarm[j]))
    mismatched = [c for c in compared if c[4] != c[5] or abs(c[2] - c[3]) > 0.01 * max(c[3], 1.0)]
    assert not mismatched, json.dumps(mismatched[:10])
    assert any(c[5] for c in compared) and not all(c[5] for c in compared)  # the comparison includes both answers
