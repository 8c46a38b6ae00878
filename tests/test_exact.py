"""The exact normal-normal posterior against independent quadrature, limits and MCMC."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from companion import eight_schools, hierarchical_model, normal_normal_posterior, sample

SCHOOLS = eight_schools()
Y = SCHOOLS["y"].to_numpy(float)
SIGMA = SCHOOLS["sigma"].to_numpy(float)


def _normal_pdf(x, mean, variance):
    return np.exp(-0.5 * (x - mean) ** 2 / variance) / np.sqrt(2 * np.pi * variance)


def _joint(mu: float, tau: float, mu_prior, tau_pdf) -> float:
    """Unnormalised p(mu, tau | y) written directly from the model, theta integrated out."""
    like = np.prod(_normal_pdf(Y, mu, SIGMA**2 + tau**2))
    prior_mu = 1.0 if mu_prior is None else _normal_pdf(mu, mu_prior[0], mu_prior[1] ** 2)
    return like * prior_mu * tau_pdf(tau)


@pytest.mark.parametrize(
    ("mu_prior", "tau_prior", "tau_pdf"),
    [
        (None, "uniform", lambda t: 1.0),
        ((0.0, 10.0), ("half-cauchy", 5.0), lambda t: 1.0 / (1.0 + (t / 5.0) ** 2)),
        ((5.0, 20.0), ("half-normal", 10.0), lambda t: np.exp(-0.5 * (t / 10.0) ** 2)),
    ],
)
def test_posterior_means_match_two_dimensional_quadrature(mu_prior, tau_prior, tau_pdf):
    # scipy's adaptive dblquad over (mu, tau) shares no code with the grid method.
    post = normal_normal_posterior(Y, SIGMA, mu_prior=mu_prior, tau_prior=tau_prior)

    def moment(f):
        return integrate.dblquad(
            lambda mu, tau: f(mu, tau) * _joint(mu, tau, mu_prior, tau_pdf),
            0, np.inf, -80, 100, epsabs=0, epsrel=1e-6,
        )[0]  # fmt: skip

    norm = moment(lambda mu, tau: 1.0)
    mu_mean = moment(lambda mu, tau: mu) / norm
    mu_sd = np.sqrt(moment(lambda mu, tau: mu**2) / norm - mu_mean**2)
    tau_mean = moment(lambda mu, tau: tau) / norm
    assert post.mu_mean == pytest.approx(mu_mean, rel=1e-4)
    assert post.mu_sd == pytest.approx(mu_sd, rel=1e-4)
    assert post.tau_mean == pytest.approx(tau_mean, rel=1e-4)


def test_theta_mean_matches_quadrature_of_conditional_mean():
    # E[theta_1 | y] = E[(1 - B_1) y_1 + B_1 mu | y] computed by adaptive 2-D quadrature.
    post = normal_normal_posterior(Y, SIGMA)

    def moment(f):
        return integrate.dblquad(
            lambda mu, tau: f(mu, tau) * _joint(mu, tau, None, lambda t: 1.0),
            0, np.inf, -80, 100, epsabs=0, epsrel=1e-6,
        )[0]  # fmt: skip

    def theta_1(mu, tau):
        b = SIGMA[0] ** 2 / (SIGMA[0] ** 2 + tau**2)
        return (1 - b) * Y[0] + b * mu

    expected = moment(theta_1) / moment(lambda mu, tau: 1.0)
    assert post.theta_mean[0] == pytest.approx(expected, rel=1e-4)


def test_grid_converged_to_four_significant_figures():
    coarse = normal_normal_posterior(Y, SIGMA, grid_size=501)
    fine = normal_normal_posterior(Y, SIGMA, grid_size=16001)
    default = normal_normal_posterior(Y, SIGMA)
    for post in (coarse, default):
        assert post.mu_mean == pytest.approx(fine.mu_mean, rel=1e-4)
        assert np.allclose(post.theta_sd, fine.theta_sd, rtol=1e-4)
        assert post.tau_quantile(0.9) == pytest.approx(fine.tau_quantile(0.9), rel=1e-3)


def test_density_integrates_to_one_and_cdf_matches_quantile():
    post = normal_normal_posterior(Y, SIGMA, tau_prior=("half-cauchy", 5.0))
    assert np.trapezoid(post.density, post.tau) == pytest.approx(1.0, abs=2e-3)
    q = post.tau_quantile([0.1, 0.5, 0.9])
    assert np.allclose(post.tau_cdf(q), [0.1, 0.5, 0.9], atol=1e-6)
    assert np.all(np.diff(q) > 0)


def test_small_tau_gives_complete_pooling_and_large_tau_no_pooling():
    weights = 1 / SIGMA**2
    pooled = np.sum(weights * Y) / weights.sum()
    tight = normal_normal_posterior(Y, SIGMA, tau_prior=("half-normal", 1e-6))
    assert np.allclose(tight.theta_mean, pooled, atol=1e-4)
    assert tight.mu_sd == pytest.approx(np.sqrt(1 / weights.sum()), rel=1e-4)

    post = normal_normal_posterior(Y, SIGMA)
    mean_at_zero, sd_at_zero = post.theta_given_tau(0.0)
    assert np.allclose(mean_at_zero, pooled)
    assert np.allclose(sd_at_zero, np.sqrt(1 / weights.sum()))
    mean_far, sd_far = post.theta_given_tau(1e7)
    assert np.allclose(mean_far, Y, atol=1e-6) and np.allclose(sd_far, SIGMA, rtol=1e-6)


def test_shrinkage_orders_by_standard_error():
    post = normal_normal_posterior(Y, SIGMA)
    b = post.shrinkage(5.0)
    assert np.array_equal(np.argsort(b), np.argsort(SIGMA, kind="stable"))


def test_sample_matches_exact_moments_within_monte_carlo_error():
    post = normal_normal_posterior(Y, SIGMA, mu_prior=(0.0, 20.0), tau_prior=("half-cauchy", 5.0))
    n = 40_000
    draws = post.sample(n, seed=7)
    assert draws["theta"].shape == (n, 8)
    # Independent draws: the standard error of a mean is sd / sqrt(n); allow 4 of them.
    assert abs(draws["mu"].mean() - post.mu_mean) < 4 * post.mu_sd / np.sqrt(n)
    assert np.all(np.abs(draws["theta"].mean(0) - post.theta_mean) < 4 * post.theta_sd / np.sqrt(n))
    # The sd of a sample sd is about sd / sqrt(2n) for near-normal draws; theta has heavier
    # tails, so allow 6 of those.
    sd_error = np.abs(draws["theta"].std(0) - post.theta_sd)
    assert np.all(sd_error < 6 * post.theta_sd / np.sqrt(2 * n))
    # A sample proportion below the exact median has sd 0.5 / sqrt(n).
    assert abs(np.mean(draws["tau"] < post.tau_quantile(0.5)) - 0.5) < 4 * 0.5 / np.sqrt(n)


def test_expected_shrinkage_matches_draws_of_tau():
    post = normal_normal_posterior(Y, SIGMA)
    n = 40_000
    b = post.shrinkage(post.sample(n, seed=4)["tau"])
    # B_j lies in [0, 1], so its sd is at most 0.5 and 4 standard errors are 2 / sqrt(n).
    assert np.all(np.abs(b.mean(0) - post.expected_shrinkage()) < 2 / np.sqrt(n))
    assert np.array_equal(np.argsort(post.expected_shrinkage()), np.argsort(SIGMA, kind="stable"))


def test_sample_is_reproducible():
    post = normal_normal_posterior(Y, SIGMA)
    a, b = post.sample(5, seed=3), post.sample(5, seed=3)
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_summary_labels_groups_from_series():
    post = normal_normal_posterior(SCHOOLS.set_index("school")["y"], SIGMA)
    table = post.summary()
    assert table.index.tolist()[:3] == ["mu", "tau", "theta[A]"]
    assert table.loc["theta[A]", "mean"] == pytest.approx(post.theta_mean[0])


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1.0, np.nan, 3.0], [1.0, 1.0, 1.0]), {}, "`y` contains NaN at position 1"),
        (([1.0, 2.0, 3.0], [1.0, -1.0, 1.0]), {}, "`sigma` must be positive"),
        (([1.0, 2.0, 3.0], [1.0, 0.0, 1.0]), {}, "`sigma` must be positive"),
        (([1.0, 2.0, 3.0], [1.0, 1.0]), {}, "lengths differ"),
        (([1.0, 2.0], [1.0, 1.0]), {}, "`y` needs at least 3 groups"),
        (([1.0, 2.0, 3.0], 1.0), {"tau_prior": "cauchy"}, "`tau_prior` must be"),
        (([1.0, 2.0, 3.0], 1.0), {"tau_prior": ("half-normal", -1)}, "`tau_prior[1]"),
        (([1.0, 2.0, 3.0], 1.0), {"mu_prior": (0.0, 0.0)}, "`mu_prior[1]"),
        (([1.0, 2.0, 3.0], 1.0), {"grid_size": 10}, "`grid_size`"),
    ],
)
def test_bad_input_names_the_argument(args, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        normal_normal_posterior(*args, **kwargs)


def test_bad_quantile_and_sample_size():
    post = normal_normal_posterior(Y, SIGMA)
    with pytest.raises(ValueError, match="`q`"):
        post.tau_quantile(1.5)
    with pytest.raises(ValueError, match="`n`"):
        post.sample(0)


@pytest.fixture(scope="module")
def eight_schools_mcmc():
    model = hierarchical_model(
        SCHOOLS, outcome="y", se="sigma", mu_prior=(0.0, 20.0), tau_prior=("half-cauchy", 5.0)
    )
    return sample(model, draws=2000, chains=4, seed=11, target_accept=0.95, log_likelihood=False)


def test_mcmc_matches_exact_posterior_on_eight_schools(eight_schools_mcmc):
    import arviz as az

    exact = normal_normal_posterior(Y, SIGMA, mu_prior=(0.0, 20.0), tau_prior=("half-cauchy", 5.0))
    posterior = eight_schools_mcmc.posterior
    # Allowed error: 4 Monte Carlo standard errors from ArviZ (which account for
    # autocorrelation), so a correct sampler fails this about once in 15,000 checks.
    mcse = az.mcse(eight_schools_mcmc, var_names=["mu", "tau", "theta"])
    assert abs(float(posterior["mu"].mean()) - exact.mu_mean) < 4 * float(mcse["mu"])
    theta_err = np.abs(posterior["theta"].mean(("chain", "draw")).to_numpy() - exact.theta_mean)
    assert np.all(theta_err < 4 * mcse["theta"].to_numpy())
    assert abs(float(posterior["tau"].mean()) - exact.tau_mean) < 4 * float(mcse["tau"])
    sd_mcse = az.mcse(eight_schools_mcmc, var_names=["theta"], method="sd")["theta"].to_numpy()
    theta_sd = posterior["theta"].std(("chain", "draw")).to_numpy()
    assert np.all(np.abs(theta_sd - exact.theta_sd) < 4 * sd_mcse)
    assert int(eight_schools_mcmc.sample_stats["diverging"].sum()) < 20
