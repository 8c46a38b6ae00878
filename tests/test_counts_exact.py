"""The exact beta-binomial and gamma-Poisson posteriors against independent references.

References: adaptive 2-D quadrature (scipy.integrate) of the unnormalised
posterior written directly from the model with scipy's log-beta, negative
binomial and prior densities (no code shared with the grid); the conjugate
posterior when the hyperparameters are known; finer grids; independent draws;
and MCMC of the matching PyMC models (book/counts.py) within Monte Carlo error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from book.counts import beta_binomial_model, gamma_poisson_model
from companion import sample
from companion.datasets import pumps, rats
from companion.hierarchical import beta_binomial_posterior, gamma_poisson_posterior

RATS = rats().set_index("experiment")
Y, N = RATS["tumours"].to_numpy(float), RATS["rats"].to_numpy(float)
PUMPS = pumps().set_index("pump")
COUNTS, HOURS = PUMPS["failures"].to_numpy(float), PUMPS["thousand_hours"].to_numpy(float)


@pytest.fixture(scope="module")
def rats_post():
    return beta_binomial_posterior(RATS["tumours"], RATS["rats"])


@pytest.fixture(scope="module")
def pumps_post():
    return gamma_poisson_posterior(PUMPS["failures"], PUMPS["thousand_hours"])


# --------------------------------------------------------------------------- quadrature
# scipy's adaptive cubature (Gauss-Kronrod, vectorised over points) of the
# unnormalised posterior written directly from the model: BDA3 (5.8) with
# log-beta functions, and the negative binomial of scipy.stats with the BUGS priors.
def _rats_log_density(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Log p(log(alpha/beta), log(alpha+beta) | y) up to a constant, at arrays of points."""
    alpha = (np.exp(v) * special.expit(u))[:, None]
    beta = (np.exp(v) * special.expit(-u))[:, None]
    log_like = np.sum(special.betaln(alpha + Y, beta + N - Y) - special.betaln(alpha, beta), 1)
    return log_like - 2.5 * v + np.log(alpha * beta)[:, 0]


_RATS_PEAK = _rats_log_density(np.array([-1.8]), np.array([2.7]))[0]


def _rats_quad(functions, v_shift=None) -> np.ndarray:
    """Integrals of each of ``functions(u, v)`` times the posterior density.

    The mass is near (u, v) = (-1.8, 2.7). Above v = 20 (where differences of
    betaln would lose their digits) the density is below 1e-11 of its peak and
    falls as exp(-v/2): what is left out is below 1e-10. With ``v_shift(u)``
    the region is v <= v_shift(u), integrated as v = v_shift(u) + w, w <= 0.
    """

    def integrand(x):
        u, w = x[:, 0], x[:, 1]
        v = w if v_shift is None else v_shift(u) + w
        density = np.exp(_rats_log_density(u, v) - _RATS_PEAK)
        return np.stack([f(u, v) * density for f in functions], axis=1)

    a, b = ([-4.5, -4.0], [0.5, 20.0]) if v_shift is None else ([-4.5, -25.0], [0.5, 0.0])
    return integrate.cubature(integrand, a, b, rtol=1e-9).estimate


def _ones(u, v):
    return np.ones_like(u)


def test_beta_binomial_matches_two_dimensional_quadrature(rats_post):
    norm, first, second, theta_71 = _rats_quad([
        _ones,
        lambda u, v: special.expit(u),
        lambda u, v: special.expit(u) ** 2,
        # The current experiment: E(theta_71 | y) = E((alpha + y) / (alpha + beta + n) | y).
        lambda u, v: (np.exp(v) * special.expit(u) + Y[-1]) / (np.exp(v) + N[-1]),
    ])  # fmt: skip
    mean = first / norm
    sd = np.sqrt(second / norm - mean**2)
    # The grid's summaries are within tol = 1e-4 posterior sds of the limit.
    assert abs(rats_post.hyper_mean["pop_mean"] - mean) < 2e-4 * sd
    assert abs(rats_post.hyper_sd["pop_mean"] - sd) < 2e-4 * sd
    assert abs(rats_post.theta_mean[-1] - theta_71 / norm) < 2e-4 * rats_post.theta_sd[-1]


def test_beta_binomial_quantiles_match_quadrature(rats_post):
    norm = _rats_quad([_ones])[0]
    # P(alpha + beta <= its grid median): v <= log(median).
    median = rats_post.quantile("concentration", 0.5)
    below = _rats_quad([_ones], v_shift=lambda u: np.full_like(u, np.log(median)))[0]
    assert below / norm == pytest.approx(0.5, abs=1e-5)
    # P(alpha <= its grid 90% quantile): v <= log(q90) - log(expit(u)).
    q90 = rats_post.quantile("alpha", 0.9)
    below = _rats_quad([_ones], v_shift=lambda u: np.log(q90) - special.log_expit(u))[0]
    assert below / norm == pytest.approx(0.9, abs=1e-5)
    # theta_71's 5% quantile: the mixture of Beta CDFs integrated there is 0.05.
    t05 = rats_post.theta_quantile(0.05)[-1]

    def beta_cdf(u, v):
        a, b = np.exp(v) * special.expit(u), np.exp(v) * special.expit(-u)
        return special.betainc(a + Y[-1], b + N[-1] - Y[-1], t05)

    assert _rats_quad([beta_cdf])[0] / norm == pytest.approx(0.05, abs=1e-5)


def _pumps_log_density(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Log p(log alpha, log beta | y) up to a constant, at arrays of points."""
    alpha, beta = np.exp(u)[:, None], np.exp(v)[:, None]
    log_like = stats.nbinom.logpmf(COUNTS, alpha, beta / (beta + HOURS)).sum(1)
    log_prior = stats.expon.logpdf(alpha[:, 0]) + stats.gamma.logpdf(beta[:, 0], 0.1)
    return log_like + log_prior + u + v


_PUMPS_PEAK = _pumps_log_density(np.array([-0.4]), np.array([-0.2]))[0]


def _pumps_quad(functions, a=(-8.0, -14.0), b=(3.0, 3.0), v_of=lambda u, w: w):
    def integrand(x):
        u, v = x[:, 0], v_of(x[:, 0], x[:, 1])
        density = np.exp(_pumps_log_density(u, v) - _PUMPS_PEAK)
        return np.stack([f(u, v) * density for f in functions], axis=1)

    return integrate.cubature(integrand, list(a), list(b), rtol=1e-9).estimate


def test_gamma_poisson_matches_two_dimensional_quadrature(pumps_post):
    norm, *moments = _pumps_quad([
        _ones,
        lambda u, v: np.exp(u), lambda u, v: np.exp(2 * u),
        lambda u, v: np.exp(v), lambda u, v: np.exp(2 * v),
        # The rate of pump 10: E(theta | y) = E((alpha + y) / (beta + t) | y).
        lambda u, v: (np.exp(u) + COUNTS[9]) / (np.exp(v) + HOURS[9]),
    ])  # fmt: skip
    for k, name in enumerate(("alpha", "beta")):
        mean = moments[2 * k] / norm
        sd = np.sqrt(moments[2 * k + 1] / norm - mean**2)
        assert abs(pumps_post.hyper_mean[name] - mean) < 2e-4 * sd, name
        assert abs(pumps_post.hyper_sd[name] - sd) < 2e-4 * sd, name
    assert abs(pumps_post.theta_mean[9] - moments[4] / norm) < 2e-4 * pumps_post.theta_sd[9]
    # The median c of the population mean rate alpha / beta: P(v >= u - log c) = 1/2.
    c = pumps_post.quantile("pop_mean", 0.5)
    above = _pumps_quad([_ones], a=(-8.0, 0.0), b=(3.0, 14.0), v_of=lambda u, w: u - np.log(c) + w)
    assert above[0] / norm == pytest.approx(0.5, abs=1e-5)


# --------------------------------------------------------------------------- limits
def test_known_hyperparameters_give_the_conjugate_gamma_posterior():
    # Priors with relative sd 1e-4 pin (alpha, beta) at (2, 3): theta_j | y is then
    # Gamma(2 + y_j, 3 + t_j), up to terms of order (1e-4)^2 in the moments.
    alpha0, beta0, shape = 2.0, 3.0, 1e8
    post = gamma_poisson_posterior(
        COUNTS, HOURS, alpha_prior=("gamma", shape, shape / alpha0),
        beta_prior=("gamma", shape, shape / beta0),
    )  # fmt: skip
    conjugate = stats.gamma(alpha0 + COUNTS, scale=1 / (beta0 + HOURS))
    np.testing.assert_allclose(post.theta_mean, conjugate.mean(), rtol=1e-6)
    np.testing.assert_allclose(post.theta_sd, conjugate.std(), rtol=1e-5)
    np.testing.assert_allclose(post.theta_quantile([0.05, 0.95]),
                               conjugate.ppf([[0.05], [0.95]]), rtol=1e-5)  # fmt: skip
    assert post.moments_exist()["pop_mean"] == (True, True)
    assert post.hyper_mean["pop_mean"] == pytest.approx(alpha0 / beta0, rel=1e-6)


def test_conditional_posteriors_are_the_conjugate_ones(rats_post, pumps_post):
    a, b = rats_post.theta_given(2.0, 13.0)
    np.testing.assert_array_equal(a, 2.0 + Y)
    np.testing.assert_array_equal(b, 13.0 + N - Y)
    shape, rate = pumps_post.theta_given(0.7, 0.9)
    np.testing.assert_allclose(shape, 0.7 + COUNTS)
    np.testing.assert_allclose(rate, 0.9 + HOURS)


def test_heavy_tailed_moments_are_infinite_not_invented(rats_post, pumps_post):
    # Under (alpha + beta)^(-5/2) the posterior of alpha + beta falls as s^(-3/2).
    assert rats_post.hyper_mean["concentration"] == np.inf
    assert rats_post.hyper_sd["alpha"] == np.inf
    assert np.isfinite(rats_post.quantile("concentration", 0.95))
    # Gamma(0.1, 1) on beta: p(beta | alpha, y) ~ beta^(10 alpha - 0.9) near 0.
    assert pumps_post.moments_exist()["pop_mean"] == (False, False)
    exponential = gamma_poisson_posterior(COUNTS, HOURS, beta_prior=("exponential", 1.0))
    assert exponential.moments_exist()["pop_mean"] == (True, False)


# --------------------------------------------------------------------------- the grid itself
def test_refinement_changes_summaries_by_less_than_the_stated_error(rats_post):
    fine = beta_binomial_posterior(Y, N, tol=1e-6)
    assert fine.u.size > rats_post.u.size
    assert rats_post.error < rats_post.tol and rats_post.edge < 10 * rats_post.edge_tol
    sd = rats_post.hyper_sd["pop_mean"]
    assert abs(fine.hyper_mean["pop_mean"] - rats_post.hyper_mean["pop_mean"]) < 1e-4 * sd
    assert np.all(np.abs(fine.theta_mean - rats_post.theta_mean) < 1e-4 * fine.theta_sd)
    assert np.all(np.abs(fine.theta_sd - rats_post.theta_sd) < 1e-4 * fine.theta_sd)
    for name in ("alpha", "concentration"):
        q, q_fine = rats_post.quantile(name, [0.05, 0.95]), fine.quantile(name, [0.05, 0.95])
        spread = (q_fine[1] - q_fine[0]) / 3.29
        assert np.all(np.abs(q - q_fine) < 1e-4 * spread), name


def test_density_is_normalised_and_cdfs_invert(rats_post, pumps_post):
    for post in (rats_post, pumps_post):
        du, dv = post.u[1] - post.u[0], post.v[1] - post.v[0]
        assert post.density.sum() * du * dv == pytest.approx(1.0, abs=1e-6)
        assert post.weights.sum() == pytest.approx(1.0)
        for name in post.hyper_names:
            q = post.quantile(name, [0.1, 0.5, 0.9])
            assert np.all(np.diff(q) > 0)
            assert [post.cdf(name, x) for x in q] == pytest.approx([0.1, 0.5, 0.9], abs=1e-9)
        t = post.theta_quantile([0.25, 0.75])
        assert np.allclose(post.theta_cdf(t), [[0.25], [0.75]], atol=1e-8)


def test_summary_table_labels_groups(rats_post):
    table = rats_post.summary()
    assert table.index[:4].tolist() == ["alpha", "beta", "pop_mean", "concentration"]
    assert table.index[-1] == "theta[71]" and table.columns.tolist()[-1] == "95%"
    assert table.loc["theta[71]", "mean"] == pytest.approx(rats_post.theta_mean[-1])


# --------------------------------------------------------------------------- draws
def test_draws_match_exact_moments_within_monte_carlo_error(rats_post):
    n = 10_000  # independent draws, 4 x 2,500
    fit = rats_post.draws(2_500, seed=3)
    theta = fit.posterior["theta"].to_numpy().reshape(n, -1)
    # Standard error of a mean of independent draws: sd / sqrt(n); allow 4 of them.
    # Draws jitter uniformly inside a grid cell, which moves moments by O(h^2) << MCSE.
    assert np.all(
        np.abs(theta.mean(0) - rats_post.theta_mean) < 4 * rats_post.theta_sd / np.sqrt(n)
    )
    pop = fit.posterior["pop_mean"].to_numpy().ravel()
    sd = rats_post.hyper_sd["pop_mean"]
    assert abs(pop.mean() - rats_post.hyper_mean["pop_mean"]) < 4 * sd / np.sqrt(n)
    # A proportion below the exact median has sd 0.5 / sqrt(n).
    c = fit.posterior["concentration"].to_numpy().ravel()
    assert abs(np.mean(c < rats_post.quantile("concentration", 0.5)) - 0.5) < 2 / np.sqrt(n)


def test_draws_look_like_the_pymc_models_output(pumps_post):
    from companion import group_test_statistics

    fit = pumps_post.draws(50, chains=4, seed=1)
    assert fit.posterior["theta"].dims == ("chain", "draw", "pump")
    assert fit.posterior["theta"].coords["pump"].to_numpy().tolist() == list(range(1, 11))
    assert set(fit.posterior.data_vars) == {"alpha", "beta", "pop_mean", "pop_sd", "theta"}
    assert fit.observed_data["y"].to_numpy().tolist() == COUNTS.astype(int).tolist()
    checks = group_test_statistics(fit, "mean", group="pump")
    assert checks.shape[0] == 10 and checks["p_value"].between(0, 1).all()
    again = pumps_post.draws(50, chains=4, seed=1)
    assert np.array_equal(again.posterior["theta"], fit.posterior["theta"])


# --------------------------------------------------------------------------- MCMC
@pytest.mark.parametrize("which", ["rats", "pumps"])
def test_mcmc_matches_the_exact_posterior(which, rats_post, pumps_post):
    import arviz as az

    if which == "rats":
        model, exact, hyper = beta_binomial_model(RATS, "tumours", "rats"), rats_post, "pop_mean"
        scalar = "concentration"
    else:
        model = gamma_poisson_model(PUMPS, "failures", "thousand_hours")
        exact, hyper, scalar = pumps_post, "alpha", "pop_mean"
    fit = sample(model, draws=1000, chains=4, seed=5, log_likelihood=False)
    post = fit.posterior
    # Allowed error: 4 Monte Carlo standard errors from ArviZ (with autocorrelation);
    # a correct sampler fails one such check about once in 15,000.
    mcse = az.mcse(fit, var_names=["theta", hyper])
    theta_err = np.abs(post["theta"].mean(("chain", "draw")).to_numpy() - exact.theta_mean)
    assert np.all(theta_err < 4 * mcse["theta"].to_numpy())
    assert abs(float(post[hyper].mean()) - exact.hyper_mean[hyper]) < 4 * float(mcse[hyper])
    # Where the mean does not exist, compare the median, with its own MCSE.
    median_mcse = float(az.mcse(fit, var_names=[scalar], method="median")[scalar])
    median = float(post[scalar].median())
    assert abs(median - exact.quantile(scalar, 0.5)) < 4 * median_mcse


# --------------------------------------------------------------------------- inputs
def test_accepts_lists_arrays_and_series_without_modifying_them():
    y_list, n_list = [0, 2, 5, 1, 3], [20, 19, 21, 18, 20]
    y_series = pd.Series(y_list, index=list("abcde")).rename_axis("lab")
    n_array = np.array(n_list)
    from_lists = beta_binomial_posterior(y_list, n_list)
    from_series = beta_binomial_posterior(y_series, n_array)
    np.testing.assert_allclose(from_lists.theta_mean, from_series.theta_mean)
    assert from_series.groups == list("abcde") and from_series.dim == "lab"
    assert from_lists.groups == list(range(5)) and from_lists.dim == "group"
    assert y_list == [0, 2, 5, 1, 3] and n_array.tolist() == n_list
    assert y_series.tolist() == y_list
    scalar = beta_binomial_posterior(y_list, 20)  # one number of trials for every group
    assert scalar.trials.tolist() == [20.0] * 5
    custom = gamma_poisson_posterior(COUNTS.tolist(), HOURS, dim="pump")
    assert custom.dim == "pump"


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "message"),
    [
        (beta_binomial_posterior, ([1, -1, 2], [5, 5, 5]), {}, "`successes` must be non-negative"),
        (beta_binomial_posterior, ([1, 6, 2], [5, 5, 5]), {}, "`successes` exceeds `trials` at"),
        (beta_binomial_posterior, ([1, 2.5, 2], [5, 5, 5]), {}, "`successes` must be whole"),
        (beta_binomial_posterior, ([1, np.nan, 2], [5, 5, 5]), {}, "`successes` contains NaN"),
        (beta_binomial_posterior, ([1, 2, 2], [5, 0, 5]), {}, "`trials` must be positive"),
        (beta_binomial_posterior, ([1, 2, 2], [5, 5]), {}, "lengths differ"),
        (beta_binomial_posterior, ([], []), {}, "`successes` needs at least 1"),
        (beta_binomial_posterior, ([1], [5]), {}, "`successes` needs at least 2 groups"),
        (beta_binomial_posterior, ([0, 5, 0], [5, 5, 5]), {}, "improper"),
        (beta_binomial_posterior, ([1, 2], [5, 5]), {"tol": 0.0}, "`tol` must be positive"),
        (beta_binomial_posterior, ([1, 2], [5, 5]), {"edge_tol": 0.1}, "`edge_tol`"),
        (gamma_poisson_posterior, ([1, 2, 3], [1.0, 0.0, 2.0]), {}, "`exposure` must be positive"),
        (gamma_poisson_posterior, ([1, -2, 3], [1.0, 1.0, 2.0]), {}, "`counts` must be"),
        (gamma_poisson_posterior, ([1, 2, 3], [1.0, np.inf, 2.0]), {}, "`exposure` must be finite"),
        (
            gamma_poisson_posterior,
            ([1, 2], [1.0, 1.0]),
            {"alpha_prior": ("cauchy", 1.0)},
            "`alpha_prior` must be one of",
        ),
        (
            gamma_poisson_posterior,
            ([1, 2], [1.0, 1.0]),
            {"beta_prior": ("gamma", 1.0, -1.0)},
            r"`beta_prior\[2\] \(the rate\)`",
        ),
    ],
)
def test_bad_input_names_the_argument(function, args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        function(*args, **kwargs)


def test_bad_arguments_of_the_methods(rats_post):
    with pytest.raises(ValueError, match="`name` must be one of"):
        rats_post.quantile("tau", 0.5)
    with pytest.raises(ValueError, match="`q` must be probabilities"):
        rats_post.theta_quantile(1.5)
    with pytest.raises(ValueError, match="`n`"):
        rats_post.draws(0)
    with pytest.raises(ValueError, match="`alpha` must be positive"):
        rats_post.theta_given(-1.0, 2.0)
