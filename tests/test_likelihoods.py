"""The three likelihoods of hierarchical_model give the same posterior.

Exact checks compare log densities at random points; one MCMC check compares
posterior means within Monte Carlo error.
"""

import numpy as np
import pytest

from companion import hierarchical_model, recover_group_means, sample, simulate_schools
from companion.hierarchical import is_marginal

PRIORS = {
    "mu_prior": (70, 20),
    "tau_prior": ("half-normal", 10),
    "sigma_prior": ("half-normal", 20),
}


@pytest.fixture(scope="module")
def data():
    return simulate_schools([12, 3, 30, 1, 8, 20], seed=5)


def _random_point(rng, n_groups):
    return {
        "mu": rng.normal(75, 5),
        "tau_log__": rng.normal(2, 0.7),
        "sigma_log__": rng.normal(2.5, 0.3),
        "theta": rng.normal(75, 8, n_groups),
        "z": rng.normal(size=n_groups),
    }


@pytest.mark.parametrize("parameterization", ["centered", "noncentered"])
def test_sufficient_equals_full_up_to_a_constant(data, parameterization):
    full = hierarchical_model(data, parameterization=parameterization, **PRIORS)
    suff = hierarchical_model(
        data, parameterization=parameterization, likelihood="sufficient", **PRIORS
    )
    logp_full, logp_suff = full.compile_logp(), suff.compile_logp()
    rng = np.random.default_rng(1)
    gaps = []
    for _ in range(6):
        point = _random_point(rng, 6)
        keep = {v.name for v in full.value_vars}
        point = {k: v for k, v in point.items() if k in keep}
        gaps.append(logp_full(point) - logp_suff(point))
    # The factorisation is exact: only 2 pi and n_j constants differ.
    assert np.ptp(gaps) < 1e-8


def _group_stats(data):
    by_school = data.groupby("school", observed=True)["score"]
    return by_school.size().to_numpy(), by_school.mean().to_numpy()


def _conditional(mu, tau, sigma, n, ybar):
    # theta_j | mu, tau, sigma, y by precision weighting (BDA3 eq. 5.17), written
    # independently of the shrinkage-factor form that recover_group_means uses.
    precision = n / sigma**2 + 1 / tau**2
    return (n * ybar / sigma**2 + mu / tau**2) / precision, 1 / np.sqrt(precision)


def test_marginal_is_the_joint_posterior_with_theta_integrated_out(data):
    # p(mu, tau, sigma, theta | y) = p(mu, tau, sigma | y) p(theta | mu, tau, sigma, y), so
    # log p_full - log p(theta | ...) - log p_marginal is the same constant at every point.
    from scipy import stats

    full = hierarchical_model(data, parameterization="centered", **PRIORS)
    marg = hierarchical_model(data, likelihood="marginal", **PRIORS)
    assert {v.name for v in marg.free_RVs} == {"mu", "tau", "sigma"}
    logp_full, logp_marg = full.compile_logp(), marg.compile_logp()
    n, ybar = _group_stats(data)
    rng = np.random.default_rng(2)
    gaps = []
    for _ in range(6):
        point = _random_point(rng, 6)
        tau, sigma = np.exp(point["tau_log__"]), np.exp(point["sigma_log__"])
        mean, sd = _conditional(point["mu"], tau, sigma, n, ybar)
        common = {k: point[k] for k in ("mu", "tau_log__", "sigma_log__")}
        gaps.append(
            logp_full({**common, "theta": point["theta"]})
            - stats.norm.logpdf(point["theta"], mean, sd).sum()
            - logp_marg(common)
        )
    assert np.ptp(gaps) < 1e-8


def _fixed_posterior(values, draws):
    import xarray as xr

    return xr.DataTree.from_dict(
        {
            "posterior": xr.Dataset(
                {k: (("chain", "draw"), np.full((2, draws), v)) for k, v in values.items()}
            )
        }
    )


def test_recovered_theta_has_the_conditional_distribution(data):
    marg = hierarchical_model(data, likelihood="marginal", **PRIORS)
    values = {"mu": 72.0, "tau": 4.0, "sigma": 11.0}
    draws = 20_000
    fit = recover_group_means(_fixed_posterior(values, draws), marg, seed=7)
    theta = fit.posterior["theta"]
    assert theta.dims == ("chain", "draw", "school")
    assert list(theta["school"].values) == list(marg.coords["school"])
    mean, sd = _conditional(values["mu"], values["tau"], values["sigma"], *_group_stats(data))
    z = theta.to_numpy().reshape(-1, 6)
    size = len(z)
    # Independent normal draws: the standardised mean has sd 1/sqrt(size) and the mean
    # of the squared standardised draws has sd sqrt(2/size); 4.5 of those is < 1e-5.
    standard = (z - mean) / sd
    assert np.all(np.abs(standard.mean(0)) < 4.5 / np.sqrt(size))
    assert np.all(np.abs((standard**2).mean(0) - 1) < 4.5 * np.sqrt(2 / size))


def test_recover_group_means_is_reproducible_and_checks_its_input(data):
    marg = hierarchical_model(data, likelihood="marginal", **PRIORS)
    values = {"mu": 72.0, "tau": 4.0, "sigma": 11.0}
    first, again, other = (
        recover_group_means(_fixed_posterior(values, 5), marg, seed=s).posterior["theta"]
        for s in (1, 1, 2)
    )
    assert np.array_equal(first, again) and not np.array_equal(first, other)
    with pytest.raises(ValueError, match='likelihood="marginal"'):
        recover_group_means(_fixed_posterior(values, 5), hierarchical_model(data, **PRIORS))
    with pytest.raises(ValueError, match="tau"):
        recover_group_means(_fixed_posterior({"mu": 1.0, "sigma": 1.0}, 5), marg)
    assert is_marginal(marg) and not is_marginal(hierarchical_model(data, **PRIORS))


def test_mcmc_posteriors_agree(data):
    import arviz as az

    fits = {
        likelihood: sample(
            hierarchical_model(data, likelihood=likelihood, **PRIORS),
            draws=1000,
            chains=4,
            seed=3,
            log_likelihood=False,
        )
        for likelihood in ("full", "sufficient", "marginal")
    }
    for name in ("mu", "tau", "sigma", "theta"):
        means = {
            k: fit.posterior[name].mean(("chain", "draw")).to_numpy() for k, fit in fits.items()
        }
        mcse = {k: az.mcse(fit, var_names=[name])[name].to_numpy() for k, fit in fits.items()}
        for other in ("sufficient", "marginal"):
            # Independent chains: the difference of the means has sd sqrt(mcse1^2 + mcse2^2);
            # 4.5 of those fails a correct sampler with probability < 1e-5 per comparison.
            gap = np.abs(means["full"] - means[other])
            assert np.all(gap < 4.5 * np.hypot(mcse["full"], mcse[other])), (name, other)
    assert fits["marginal"].posterior["theta"].dims[-1] == "school"


def test_bad_likelihood_and_summary_data():
    from companion import eight_schools

    with pytest.raises(ValueError, match="likelihood"):
        hierarchical_model(simulate_schools(seed=1), likelihood="exact")
    with pytest.raises(ValueError, match="individual data"):
        hierarchical_model(eight_schools(), outcome="y", se="sigma", likelihood="marginal")
