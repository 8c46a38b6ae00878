"""Bayesian multilevel regressions of the radon data against the classical REML fit.

The references are statsmodels' ``MixedLM`` and, where R is installed (``.ci/run``
installs ``r-cran-lme4`` from Debian), lme4 itself [@bates2015fitting]. The
Bayesian fits are bambi models sampled by ``companion.sample`` with bambi's
default weakly informative priors.

How close they must be, and why: with 919 homes the likelihood dominates these
priors, so posterior means of the common terms and of each county's intercept
differ from REML only by (a) Monte Carlo error, at most 4 MCSE, and (b) the
Bayesian fit averaging over the uncertainty in the scales where REML plugs in
their estimates, which moves the common terms and the county intercepts by a
small fraction of their posterior sd; 0.1 sd bounds it (measured: at most
0.04 sd for the terms and 0.06 sd for any county, MC error included). The
scales' posteriors are skewed, so for them the REML estimate must lie inside
the central 50% posterior interval rather than near the mean.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import companion
from companion.datasets import radon
from companion.hierarchical import group_coefficients, group_summary

bmb = pytest.importorskip("bambi")
smf = pytest.importorskip("statsmodels.formula.api")

STRUCTURAL = 0.1  # fraction of a posterior sd, see the module docstring
MC_SIGMAS = 4


@pytest.fixture(scope="module")
def data():
    return radon()


def _fit(formula, data, draws=1000):
    model = bmb.Model(formula, data)
    fit = companion.sample(
        model, draws=draws, seed=7, log_likelihood=False, target_accept=0.95, progressbar=False
    )
    # Only a fit that passes the book's diagnostics is compared with anything.
    assert companion.inference.check_convergence(fit) == []
    return fit


@pytest.fixture(scope="module")
def intercepts_fit(data):
    return _fit("log_radon ~ floor + (1 | county)", data)


@pytest.fixture(scope="module")
def uranium_fit(data):
    # With its smaller county sd this model mixes more slowly: 2000 draws per chain.
    return _fit("log_radon ~ floor + log_uranium + (1 | county)", data, draws=2000)


def _scalar_summary(fit, name):
    import arviz as az

    draws = fit.posterior[name]
    values = draws.to_numpy().ravel()
    mcse = float(az.mcse(draws.to_dataset(name="v"), method="mean")["v"])
    return values.mean(), values.std(ddof=1), mcse, np.quantile(values, [0.25, 0.75])


def _assert_close(fit, name, reference):
    mean, sd, mcse, _ = _scalar_summary(fit, name)
    assert abs(mean - reference) <= MC_SIGMAS * mcse + STRUCTURAL * sd, (name, mean, reference)


def _assert_inside_middle_half(fit, name, reference):
    *_, (q25, q75) = _scalar_summary(fit, name)
    assert q25 <= reference <= q75, (name, q25, reference, q75)


def test_varying_intercepts_agree_with_statsmodels_reml(data, intercepts_fit):
    reml = smf.mixedlm("log_radon ~ floor", data, groups="county").fit(reml=True)
    assert reml.converged
    for term in ("Intercept", "floor"):
        _assert_close(intercepts_fit, term, reml.fe_params[term])
    _assert_inside_middle_half(intercepts_fit, "sigma", np.sqrt(reml.scale))
    _assert_inside_middle_half(intercepts_fit, "1|county_sigma", np.sqrt(reml.cov_re.iloc[0, 0]))

    # Each county's intercept: REML's conditional mode plus the common intercept.
    modes = pd.Series({county: effect.iloc[0] for county, effect in reml.random_effects.items()})
    blup = modes + reml.fe_params["Intercept"]
    summary = group_summary(group_coefficients(intercepts_fit, "county"), "Intercept")
    gap = (summary["mean"] - blup.reindex(summary.index)).abs()
    bound = MC_SIGMAS * summary["mcse"] + STRUCTURAL * summary["sd"]
    assert summary.index.size == 85
    assert (gap <= bound).all(), gap[gap > bound]


def _lme4(data, tmp_path, formula):
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (apt-get install r-base-core r-cran-lme4)")
    check = subprocess.run(["Rscript", "-e", "library(lme4)"], capture_output=True)
    if check.returncode != 0:
        pytest.skip("R's lme4 is not installed (apt-get install r-cran-lme4)")
    path = tmp_path / "radon.csv"
    data.to_csv(path, index=False)
    script = f"""
    suppressMessages(library(lme4))
    d <- read.csv("{path}")
    m <- lmer({formula}, d, REML = TRUE)
    f <- fixef(m)
    v <- as.data.frame(VarCorr(m))
    cat(paste(names(f), f, sep = "=", collapse = "\\n"), "\\n")
    cat(paste(paste(v$var1, v$var2, sep = ":"), v$sdcor, sep = "=", collapse = "\\n"), "\\n")
    """
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    pairs = [line.strip().split("=") for line in out.stdout.splitlines() if "=" in line]
    return {key: float(value) for key, value in pairs}


def test_references_agree_with_each_other(data, tmp_path):
    # statsmodels and lme4 maximise the same REML criterion.
    lme4 = _lme4(data, tmp_path, "log_radon ~ floor + (1 | county)")
    reml = smf.mixedlm("log_radon ~ floor", data, groups="county").fit(reml=True)
    assert lme4["(Intercept)"] == pytest.approx(reml.fe_params["Intercept"], abs=1e-4)
    assert lme4["floor"] == pytest.approx(reml.fe_params["floor"], abs=1e-4)
    assert lme4["(Intercept):NA"] == pytest.approx(np.sqrt(reml.cov_re.iloc[0, 0]), abs=1e-3)
    assert lme4["NA:NA"] == pytest.approx(np.sqrt(reml.scale), abs=1e-4)


def test_county_uranium_model_agrees_with_lme4(data, uranium_fit, tmp_path):
    # statsmodels' optimiser does not converge on this model; lme4 does.
    lme4 = _lme4(data, tmp_path, "log_radon ~ floor + log_uranium + (1 | county)")
    _assert_close(uranium_fit, "Intercept", lme4["(Intercept)"])
    _assert_close(uranium_fit, "floor", lme4["floor"])
    _assert_close(uranium_fit, "log_uranium", lme4["log_uranium"])
    _assert_inside_middle_half(uranium_fit, "sigma", lme4["NA:NA"])
    _assert_inside_middle_half(uranium_fit, "1|county_sigma", lme4["(Intercept):NA"])


def test_county_uranium_explains_most_of_the_between_county_spread(intercepts_fit, uranium_fit):
    # Gelman and Hill (2007, section 12.6): the county sd falls from about 0.33 to 0.16.
    tau_without = intercepts_fit.posterior["1|county_sigma"].median().item()
    tau_with = uranium_fit.posterior["1|county_sigma"].median().item()
    assert tau_with < 0.6 * tau_without
