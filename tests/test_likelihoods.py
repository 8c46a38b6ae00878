"""The three likelihoods of hierarchical_model give the same posterior.

Exact checks compare log densities at random points; one MCMC check compares
posterior means within Monte Carlo error.
"""

import numpy as np
import pytest

from companion import hierarchical_model, sample, simulate_schools

PRIORS = {"mu_prior": (70, 20), "tau_prior": ("half-normal", 10),
          "sigma_prior": ("half-normal", 20)}


@pytest.fixture(scope="module")
def data():
    return simulate_schools([12, 3, 30, 1, 8, 20], seed=5)


def _random_point(rng, n_groups):
    return {"mu": rng.normal(75, 5), "tau_log__": rng.normal(2, 0.7),
            "sigma_log__": rng.normal(2.5, 0.3), "theta": rng.normal(75, 8, n_groups),
            "z": rng.normal(size=n_groups)}


@pytest.mark.parametrize("parameterization", ["centered", "noncentered"])
def test_sufficient_equals_full_up_to_a_constant(data, parameterization):
    full = hierarchical_model(data, parameterization=parameterization, **PRIORS)
    suff = hierarchical_model(data, parameterization=parameterization,
                              likelihood="sufficient", **PRIORS)
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


def test_marginal_is_the_joint_posterior_reparameterized(data):
    # theta = B mu + (1 - B) ybar + s eps with s = sqrt((1 - B) sigma^2 / n), so the
    # marginal model's density in eps equals the full density at theta times s.
    full = hierarchical_model(data, parameterization="centered", **PRIORS)
    marg = hierarchical_model(data, likelihood="marginal", **PRIORS)
    logp_full, logp_marg = full.compile_logp(), marg.compile_logp()
    n = data.groupby("school", observed=True).size().to_numpy()
    ybar = data.groupby("school", observed=True)["score"].mean().to_numpy()
    rng = np.random.default_rng(2)
    gaps = []
    for _ in range(6):
        point = _random_point(rng, 6)
        tau, sigma = np.exp(point["tau_log__"]), np.exp(point["sigma_log__"])
        se2 = sigma**2 / n
        shrink = se2 / (se2 + tau**2)
        scale = np.sqrt((1 - shrink) * se2)
        eps = rng.normal(size=6)
        theta = shrink * point["mu"] + (1 - shrink) * ybar + scale * eps
        common = {k: point[k] for k in ("mu", "tau_log__", "sigma_log__")}
        gaps.append(logp_marg({**common, "eps": eps})
                    - logp_full({**common, "theta": theta}) - np.log(scale).sum())
    assert np.ptp(gaps) < 1e-8


def test_mcmc_posteriors_agree(data):
    import arviz as az

    fits = {
        likelihood: sample(hierarchical_model(data, likelihood=likelihood, **PRIORS),
                           draws=1000, chains=4, seed=3, log_likelihood=False)
        for likelihood in ("full", "marginal")
    }
    for name in ("mu", "tau", "sigma", "theta"):
        means = [fit.posterior[name].mean(("chain", "draw")).to_numpy() for fit in fits.values()]
        mcse = [az.mcse(fit, var_names=[name])[name].to_numpy() for fit in fits.values()]
        # Independent chains: the difference of the means has sd sqrt(mcse1^2 + mcse2^2);
        # 4.5 of those fails a correct sampler with probability < 1e-5 per comparison.
        assert np.all(np.abs(means[0] - means[1]) < 4.5 * np.hypot(*mcse)), name
    assert fits["marginal"].posterior["theta"].dims[-1] == "school"


def test_bad_likelihood_and_summary_data():
    from companion import eight_schools

    with pytest.raises(ValueError, match="likelihood"):
        hierarchical_model(simulate_schools(seed=1), likelihood="exact")
    with pytest.raises(ValueError, match="individual data"):
        hierarchical_model(eight_schools(), outcome="y", se="sigma", likelihood="marginal")
