"""The NUTS backends that `sample` passes through reach the same posterior.

The JAX samplers run only when the optional extra ``companion[jax]`` is
installed (CI installs it); they run on the CPU here.
"""

import numpy as np
import pytest

from companion import eight_schools, hierarchical_model, normal_normal_posterior, sample

PRIORS = {"mu_prior": (0.0, 20.0), "tau_prior": ("half-cauchy", 5.0)}


def _eight_schools_model():
    return hierarchical_model(eight_schools(), outcome="y", se="sigma", **PRIORS)


@pytest.mark.parametrize("backend", ["numpyro", "blackjax"])
def test_jax_samplers_match_the_exact_posterior(backend):
    import arviz as az

    pytest.importorskip(backend, reason="needs the optional extra companion[jax]")
    schools = eight_schools()
    exact = normal_normal_posterior(schools["y"], schools["sigma"], **PRIORS)
    fit = sample(
        _eight_schools_model(),
        draws=1000,
        tune=1000,
        chains=2,
        seed=5,
        nuts_sampler=backend,
        target_accept=0.95,
        log_likelihood=False,
    )
    posterior = fit.posterior
    assert posterior["theta"].dims == ("chain", "draw", "school")
    mcse = az.mcse(fit, var_names=["mu", "tau", "theta"])
    # 4 Monte Carlo standard errors: a correct sampler fails each check about once
    # in 15,000 runs.
    assert abs(float(posterior["mu"].mean()) - exact.mu_mean) < 4 * float(mcse["mu"])
    assert abs(float(posterior["tau"].mean()) - exact.tau_mean) < 4 * float(mcse["tau"])
    theta_err = np.abs(posterior["theta"].mean(("chain", "draw")).to_numpy() - exact.theta_mean)
    assert np.all(theta_err < 4 * mcse["theta"].to_numpy())


def test_jax_sampler_is_reproducible_and_recovers_theta_of_marginal_models():
    pytest.importorskip("numpyro", reason="needs the optional extra companion[jax]")
    from companion import simulate_schools

    model = hierarchical_model(simulate_schools([20] * 5, seed=2), likelihood="marginal")
    first, again = (
        sample(
            model, draws=50, tune=50, chains=2, seed=9, nuts_sampler="numpyro", log_likelihood=False
        )
        for _ in range(2)
    )
    assert first.posterior["theta"].dims == ("chain", "draw", "school")
    for name in ("mu", "tau", "sigma", "theta"):
        assert np.array_equal(first.posterior[name], again.posterior[name]), name


def test_unknown_sampler_names_the_argument():
    with pytest.raises(ValueError, match="`nuts_sampler`.*'stan'"):
        sample(_eight_schools_model(), nuts_sampler="stan")


def test_missing_jax_gives_the_install_hint(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "numpyro" else real_find_spec(name, *a),
    )
    with pytest.raises(ImportError, match=r"companion\[jax\]"):
        sample(_eight_schools_model(), nuts_sampler="numpyro")
