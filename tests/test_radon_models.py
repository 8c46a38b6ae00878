"""The radon chapter's PyMC models (book/radon.py): parameter recovery and agreement with bambi.

Recovery: each model is fitted to log radon simulated with the survey's own
design (the 85 counties with their sizes of 1 to 116 homes, every home's floor
and every county's log uranium) and known parameters. For each parameter the
truth must lie inside the central 99% posterior interval and within 3
posterior sd of the posterior mean. A calibrated posterior covers the truth
with probability 0.99 per parameter; the seeds are fixed, so each test is
deterministic (a failure is a change in the model, not bad luck). Monte Carlo
error is negligible against these widths: every fit is checked to have bulk
ESS >= 200, so the MCSE of a mean is at most sd / 14, and of a 0.5% quantile
a few hundredths of an sd more than that, far less than the 2.58 sd
half-width of the interval.

Agreement: with :func:`book.radon.bambi_priors` and ``center_predictors=False``
bambi builds exactly the model :func:`book.radon.varying_intercepts` writes
out (the log densities are checked equal at random points), so their
posterior means may differ by Monte Carlo error only: at most 4 combined MCSE,
sqrt(MCSE_bambi^2 + MCSE_pymc^2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import companion
from book import radon as radon_models
from companion.datasets import radon

az = pytest.importorskip("arviz")
bmb = pytest.importorskip("bambi")

LEVEL = 0.99
MAX_SDS = 3.0
MIN_ESS = 200
MC_SIGMAS = 4


@pytest.fixture(scope="module")
def data():
    return radon()


def _fit(model, *, draws=500, tune=500, seed=1, **kwargs):
    with companion.options.options(convergence="ignore"):  # checked below, with MIN_ESS
        fit = companion.sample(model, draws=draws, tune=tune, chains=4, seed=seed,
                               log_likelihood=False, progressbar=False, **kwargs)  # fmt: skip
    assert int(fit.sample_stats["diverging"].sum()) == 0
    return fit


def _check_recovery(fit, truth: dict[str, float]):
    posterior = fit.posterior
    names = list(truth)
    diagnostics = az.summary(fit, var_names=names, kind="diagnostics")
    assert (diagnostics["ess_bulk"] >= MIN_ESS).all(), diagnostics
    assert (diagnostics["r_hat"] <= 1.02).all(), diagnostics
    tail = (1 - LEVEL) / 2
    for name, value in truth.items():
        draws = posterior[name].to_numpy().ravel()
        low, high = np.quantile(draws, [tail, 1 - tail])
        assert low <= value <= high, (name, value, low, high)
        assert abs(draws.mean() - value) <= MAX_SDS * draws.std(), (name, value, draws.mean())


def _county_coverage(fit, true_alpha: pd.Series, level=0.9):
    alpha = fit.posterior["alpha"]
    low = alpha.quantile((1 - level) / 2, dim=("chain", "draw")).to_series()
    high = alpha.quantile((1 + level) / 2, dim=("chain", "draw")).to_series()
    truth = true_alpha.reindex(low.index)
    return ((low <= truth) & (truth <= high)).mean()


def test_varying_intercepts_recovers_known_parameters(data):
    # No uranium effect and common slopes: the model's own assumptions.
    sim, truth = radon_models.simulate_radon(data, eta=(1.5, 0.0), tau_alpha=0.3, tau_beta=0.0,
                                             seed=11)  # fmt: skip
    fit = _fit(radon_models.varying_intercepts(sim))
    _check_recovery(fit, {"mu_alpha": 1.5, "beta": truth["beta"], "tau_alpha": 0.3,
                          "sigma": truth["sigma"]})  # fmt: skip
    # 90% intervals of the 85 county intercepts: about 90% cover. Binomial sd
    # sqrt(0.9 * 0.1 / 85) = 0.033; 4 sd either side (the intervals share the
    # hyperparameters, so they are not independent: a generous band).
    assert abs(_county_coverage(fit, truth["alpha"]) - 0.9) <= 4 * 0.033


def test_group_predictor_recovers_known_parameters(data):
    sim, truth = radon_models.simulate_radon(data, eta=(1.4, 0.8), tau_alpha=0.15, tau_beta=0.0,
                                             seed=12)  # fmt: skip
    fit = _fit(radon_models.group_predictor(sim), target_accept=0.9)
    _check_recovery(fit, {"eta_0": 1.4, "eta_1": 0.8, "beta": truth["beta"], "tau_alpha": 0.15,
                          "sigma": truth["sigma"]})  # fmt: skip
    # No coverage check of the county intercepts here: with tau_alpha this small
    # their intervals are mostly the uncertainty of eta_0 + eta_1 u_j, which all
    # counties share, so their coverage in one data set is far from binomial.


def test_varying_slopes_recovers_known_parameters(data):
    sim, truth = radon_models.simulate_radon(data, eta=(1.5, 0.0), tau_alpha=0.35, tau_beta=0.4,
                                             rho=-0.5, seed=13)  # fmt: skip
    fit = _fit(radon_models.varying_slopes(sim), draws=1000, tune=1000)
    _check_recovery(fit, {"mu_alpha": 1.5, "mu_beta": truth["beta"], "tau_alpha": 0.35,
                          "tau_beta": 0.4, "rho": -0.5, "sigma": truth["sigma"]})  # fmt: skip


def test_varying_slopes_correlation_is_the_lkj_cholesky_one(data):
    # The Deterministics are read off the Cholesky factor: at the model's initial
    # point, tau = sds of L L^T and rho its correlation.
    model = radon_models.varying_slopes(data)
    point = model.initial_point()
    rng = np.random.default_rng(0)
    point = {k: v + rng.normal(size=np.shape(v)) for k, v in point.items()}
    packed, tau_a, tau_b, rho = model.compile_fn(
        [model["chol"], model["tau_alpha"], model["tau_beta"], model["rho"]],
        inputs=model.value_vars, on_unused_input="ignore")(point)  # fmt: skip
    chol = np.array([[packed[0], 0.0], [packed[1], packed[2]]])  # packed lower triangle
    cov = chol @ chol.T
    assert tau_a == pytest.approx(np.sqrt(cov[0, 0]))
    assert tau_b == pytest.approx(np.sqrt(cov[1, 1]))
    assert rho == pytest.approx(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))


def _bambi_intercepts(data):
    priors = radon_models.bambi_priors()
    chosen = {k: priors[k] for k in ("Intercept", "floor", "1|county", "sigma")}
    return bmb.Model("log_radon ~ floor + (1 | county)", data, priors=chosen,
                     center_predictors=False)  # fmt: skip


def test_bambi_with_the_book_priors_is_the_same_model(data):
    # Same density at random points, parameter by parameter (value variables
    # on the sampler's scale, both with log transforms of the scales).
    bambi_model = _bambi_intercepts(data)
    bambi_model.build()
    built = bambi_model.backend.model
    explicit = radon_models.varying_intercepts(data)
    names = {"mu_alpha": "Intercept", "beta": "floor", "tau_alpha_log__": "1|county_sigma_log__",
             "z": "1|county_offset", "sigma_log__": "sigma_log__"}  # fmt: skip
    rng = np.random.default_rng(1)
    explicit_logp, built_logp = explicit.compile_logp(), built.compile_logp()
    for _ in range(3):
        point = {k: v + rng.normal(size=np.shape(v)) for k, v in explicit.initial_point().items()}
        other = {names[k]: v for k, v in point.items()}
        assert set(other) == {v.name for v in built.value_vars}
        assert explicit_logp(point) == pytest.approx(built_logp(other), rel=1e-9)


def test_bambi_and_pymc_varying_intercepts_agree_on_the_radon_data(data):
    bambi_fit = _fit(_bambi_intercepts(data), draws=1000, seed=3)
    pymc_fit = _fit(radon_models.varying_intercepts(data), draws=1000, seed=4)
    pairs = {"Intercept": "mu_alpha", "floor": "beta", "1|county_sigma": "tau_alpha",
             "sigma": "sigma"}  # fmt: skip

    def mean_mcse(draws):
        dataset = draws.to_dataset(name="v")
        return draws.mean().item(), az.mcse(dataset, method="mean")["v"].to_numpy()

    for bambi_name, pymc_name in pairs.items():
        m1, e1 = mean_mcse(bambi_fit.posterior[bambi_name])
        m2, e2 = mean_mcse(pymc_fit.posterior[pymc_name])
        assert abs(m1 - m2) <= MC_SIGMAS * np.hypot(e1, e2), (bambi_name, m1, m2)
    # Each county's intercept: bambi's common plus deviation, as group_coefficients adds them.
    from companion.hierarchical import group_coefficients

    # 85 comparisons at 4 combined MCSE: a false alarm has probability about
    # 85 * 6e-5 = 0.5% (and the seeds are fixed).
    alpha_bambi = group_coefficients(bambi_fit, "county").posterior["Intercept"]
    alpha_pymc = pymc_fit.posterior["alpha"]
    m1, e1 = mean_mcse(alpha_bambi)
    m2, e2 = mean_mcse(alpha_pymc)
    m1 = alpha_bambi.mean(("chain", "draw")).to_series()
    m2 = alpha_pymc.mean(("chain", "draw")).to_series()
    assert list(m1.index) == list(m2.index)
    gap = np.abs(m1.to_numpy() - m2.to_numpy())
    assert (gap <= MC_SIGMAS * np.hypot(e1, e2)).all(), gap.max()


def test_bambi_0_21_models_varying_slopes_as_independent(data):
    # The chapter says so and writes the correlated model in PyMC: if bambi
    # starts estimating the correlation, the chapter needs revisiting.
    model = bmb.Model("log_radon ~ floor + (floor | county)", data)
    model.build()
    names = {rv.name for rv in model.backend.model.free_RVs}
    assert names == {"Intercept", "floor", "sigma", "1|county_sigma", "1|county_offset",
                     "floor|county_sigma", "floor|county_offset"}  # fmt: skip


def test_simulation_keeps_the_design(data):
    sim, truth = radon_models.simulate_radon(data, seed=1)
    pd.testing.assert_frame_equal(sim.drop(columns="log_radon"), data.drop(columns="log_radon"))
    assert len(truth["alpha"]) == data["county"].nunique()
    with pytest.raises(ValueError, match="log_uranium"):
        radon_models.county_uranium(data.assign(log_uranium=np.arange(len(data), dtype=float)))
    with pytest.raises(ValueError, match="lacks column"):
        radon_models.varying_intercepts(data.drop(columns="floor"))
