"""Tests of companion.inference.checking against exact results.

The posteriors here are built by hand (ArviZ ``from_dict``) from independent
draws with known distributions, so every check has an exact answer and runs
without MCMC. Tolerances are 4 Monte Carlo standard errors (MCSE): a correct
implementation fails with probability below about 1e-4 per check.
"""

import arviz as az
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from companion.inference.checking import (
    compare_loo,
    group_statistic_draws,
    group_test_statistics,
    pareto_k,
    predict_new_group,
    predict_new_unit,
)

SCHOOLS = ["A", "B", "C"]
CHAINS, DRAWS = 4, 2500
S = CHAINS * DRAWS


def _tree(groups: dict, group_dims: dict | None = None):
    dims = {"theta": ["school"], "y": ["obs"], "group_idx": ["obs"]}
    return az.from_dict(groups, dims=dims | (group_dims or {}), coords={"school": SCHOOLS})


@pytest.fixture(scope="module")
def posterior_tree():
    rng = np.random.default_rng(1)
    shape = (CHAINS, DRAWS)
    return _tree(
        {
            "posterior": {
                "mu": rng.normal(70, 2, shape),
                "tau": 1 + np.abs(rng.normal(0, 5, shape)),
                "sigma": 10 + np.abs(rng.normal(0, 2, shape)),
                "theta": rng.normal(70, 5, (*shape, 3)),
            }
        }
    )


def _moment_check(values: np.ndarray, mean: float, var: float) -> None:
    """Sample mean and variance of iid draws agree with exact values within 4 MCSE."""
    n = values.size
    assert abs(values.mean() - mean) < 4 * np.sqrt(var / n)
    # MCSE of a sample variance: sqrt((m4 - var^2) / n), m4 the fourth central moment.
    m4 = np.mean((values - values.mean()) ** 4)
    assert abs(values.var() - var) < 4 * np.sqrt((m4 - values.var() ** 2) / n)


# ----------------------------------------------------------------------------- prediction
def test_new_group_has_the_moments_implied_by_the_same_draws(posterior_tree):
    post = posterior_tree.posterior
    mu, tau, sigma = (post[v].to_numpy().ravel() for v in ("mu", "tau", "sigma"))
    new = predict_new_group(posterior_tree, seed=2)
    assert list(new.columns) == ["theta_new", "y_new"] and len(new) == S
    # Conditionally on each draw, theta_new ~ N(mu, tau^2) and y_new ~ N(theta_new, sigma^2).
    _moment_check((new["theta_new"].to_numpy() - mu) / tau, 0.0, 1.0)
    _moment_check((new["y_new"].to_numpy() - new["theta_new"].to_numpy()) / sigma, 0.0, 1.0)
    # Marginally (law of total variance, moments of the same posterior draws):
    _moment_check(new["theta_new"].to_numpy(), mu.mean(), mu.var() + np.mean(tau**2))
    _moment_check(
        new["y_new"].to_numpy(), mu.mean(), mu.var() + np.mean(tau**2) + np.mean(sigma**2)
    )


def test_new_group_is_reproducible_and_uses_se(posterior_tree):
    first = predict_new_group(posterior_tree, seed=5)
    pd.testing.assert_frame_equal(first, predict_new_group(posterior_tree, seed=5))
    with_se = predict_new_group(posterior_tree, se=0.001, seed=5)
    np.testing.assert_allclose(with_se["y_new"], with_se["theta_new"], atol=0.01)


def test_new_group_without_sigma_gives_only_the_mean():
    rng = np.random.default_rng(3)
    tree = _tree({"posterior": {"mu": rng.normal(size=(2, 50)), "tau": rng.uniform(size=(2, 50))}})
    assert list(predict_new_group(tree, seed=1).columns) == ["theta_new"]


def test_new_group_needs_tau():
    tree = _tree({"posterior": {"mu": np.zeros((2, 10))}})
    with pytest.raises(ValueError, match="'tau'"):
        predict_new_group(tree)


def test_new_unit_draws_around_its_own_school(posterior_tree):
    post = posterior_tree.posterior
    theta_b = post["theta"].sel(school="B").to_numpy().ravel()
    sigma = post["sigma"].to_numpy().ravel()
    new = predict_new_unit(posterior_tree, "B", seed=4)
    np.testing.assert_array_equal(new["theta"], theta_b)
    _moment_check((new["y_new"].to_numpy() - theta_b) / sigma, 0.0, 1.0)
    _moment_check(new["y_new"].to_numpy(), theta_b.mean(), theta_b.var() + np.mean(sigma**2))


def test_new_unit_rejects_unknown_group(posterior_tree):
    with pytest.raises(ValueError, match="`label`='Z'"):
        predict_new_unit(posterior_tree, "Z")
    with pytest.raises(ValueError, match="`group`"):
        predict_new_unit(posterior_tree, "A", group="district")
    with pytest.raises(TypeError, match="`idata`"):
        predict_new_unit({"posterior": None}, "A")


# ----------------------------------------------------------------------------- test statistics
N_PER = 10


@pytest.fixture(scope="module")
def replicated_tree():
    """Replicated scores N(0, 1), 10 per school; school A's observed mean is far too high."""
    rng = np.random.default_rng(7)
    idx = np.repeat(np.arange(3), N_PER)
    observed = rng.normal(0, 1, idx.size)
    observed[idx == 0] += 5.0
    return _tree(
        {
            "posterior": {"theta": np.zeros((CHAINS, DRAWS, 3))},
            "posterior_predictive": {"y": rng.normal(0, 1, (CHAINS, DRAWS, idx.size))},
            "observed_data": {"y": observed},
            "constant_data": {"group_idx": idx},
        }
    )


def test_p_value_of_the_mean_matches_the_normal_tail(replicated_tree):
    table = group_test_statistics(replicated_tree, "mean")
    observed = replicated_tree.observed_data["y"].to_numpy().reshape(3, N_PER).mean(axis=1)
    # The replicated mean of 10 N(0, 1) scores is N(0, 1/10): p = P(Z > mean * sqrt(10)).
    exact = stats.norm.sf(observed * np.sqrt(N_PER))
    mcse = np.sqrt(exact * (1 - exact) / S)
    np.testing.assert_array_less(np.abs(table["p_value"] - exact), 4 * mcse + 1e-12)
    assert table.loc[0, "p_value"] == 0.0  # school A: 5 sd above, never reached
    assert list(table["school"]) == SCHOOLS


def test_p_values_are_shares_of_replicated_statistics(replicated_tree):
    table = group_test_statistics(replicated_tree, ["sd", "min", "max"], prob=0.5)
    assert table.attrs["prob"] == 0.5  # for plot_group_ppc
    observed, replicated = group_statistic_draws(replicated_tree, "max")
    assert replicated.shape == (S, 3)
    rows = table[table["statistic"] == "max"].set_index("school")
    np.testing.assert_allclose(rows["p_value"], (replicated >= observed).mean())
    np.testing.assert_allclose(rows["lower"], replicated.quantile(0.25))
    assert table["p_value"].between(0, 1).all()
    assert len(table) == 9
    assert (table["lower"] <= table["upper"]).all()


def test_custom_and_pooled_statistics(replicated_tree):
    ptp = group_test_statistics(replicated_tree, np.ptp)
    assert set(ptp["statistic"]) == {"ptp"}
    pooled = group_test_statistics(replicated_tree, "mean", group=None)
    assert len(pooled) == 1 and pooled.loc[0, "group"] == "all"
    all_y = replicated_tree.observed_data["y"].to_numpy()
    assert pooled.loc[0, "observed"] == pytest.approx(all_y.mean())


def test_test_statistics_errors(replicated_tree, posterior_tree):
    with pytest.raises(ValueError, match="`stat`"):
        group_test_statistics(replicated_tree, "variance")
    with pytest.raises(ValueError, match="`prob`"):
        group_test_statistics(replicated_tree, prob=1.5)
    with pytest.raises(ValueError, match="posterior_predictive"):
        group_test_statistics(posterior_tree)
    with pytest.raises(ValueError, match="`predictive`"):
        group_statistic_draws(replicated_tree, predictive="prior")


# ----------------------------------------------------------------------------- LOO
SIZES = (15, 15, 15, 15)


def _known_sigma_fit(y: np.ndarray, idx: np.ndarray, pooled: bool, seed: int):
    """Exact posterior draws (flat prior, sigma = 1 known) with their log-likelihood."""
    rng = np.random.default_rng(seed)
    if pooled:
        means = np.full(len(SIZES), y.mean())
        sds = np.full(len(SIZES), 1 / np.sqrt(y.size))
        theta = means + sds * rng.normal(size=(CHAINS, DRAWS, 1))  # one shared draw
    else:
        means = np.bincount(idx, weights=y) / np.bincount(idx)
        theta = rng.normal(means, 1 / np.sqrt(SIZES), (CHAINS, DRAWS, len(SIZES)))
    log_lik = stats.norm.logpdf(y, theta[..., idx], 1.0)
    return az.from_dict(
        {
            "posterior": {"theta": theta},
            "log_likelihood": {"y": log_lik},
            "observed_data": {"y": y},
        },
        dims={"theta": ["group"], "y": ["obs"]},
    )


def _exact_loo(y: np.ndarray, idx: np.ndarray, pooled: bool) -> float:
    """Exact elpd_loo: y_i | y_-i ~ N(mean of the others, 1 + 1/(n - 1))."""
    total = 0.0
    for i in range(y.size):
        same = np.ones(y.size, bool) if pooled else idx == idx[i]
        same[i] = False
        others = y[same]
        total += stats.norm.logpdf(y[i], others.mean(), np.sqrt(1 + 1 / others.size))
    return total


@pytest.fixture(scope="module")
def loo_fits():
    rng = np.random.default_rng(11)
    idx = np.repeat(np.arange(len(SIZES)), SIZES)
    y = rng.normal(np.array([-2.0, 0.0, 1.0, 3.0])[idx], 1.0)
    fits = {
        "complete": _known_sigma_fit(y, idx, True, 1),
        "none": _known_sigma_fit(y, idx, False, 2),
    }
    return fits, y, idx


def test_compare_loo_ranks_the_better_model_first_and_matches_exact_loo(loo_fits):
    fits, y, idx = loo_fits
    table = compare_loo(fits)
    assert list(table.index) == ["none", "complete"]
    assert table.loc["none", "elpd_diff"] == 0.0
    assert table.loc["complete", "elpd_diff"] < -4 * table.loc["complete", "dse"]
    # PSIS with 10 000 independent draws and small k: error well below 0.2 in total.
    for name, pooled in (("none", False), ("complete", True)):
        assert table.loc[name, "elpd"] == pytest.approx(_exact_loo(y, idx, pooled), abs=0.2)
    assert (table["n_obs"] == y.size).all()
    assert (table["n_high_k"] == 0).all() and (table["max_k"] < 0.5).all()
    assert {"se", "dse", "p_loo"} <= set(table.columns)


def test_pareto_k_and_compare_loo_errors(loo_fits):
    fits, y, _ = loo_fits
    k = pareto_k(fits["none"])
    assert len(k) == y.size and k.index.name == "obs"
    with pytest.raises(ValueError, match="`models`"):
        compare_loo({"one": fits["none"]})
    rng = np.random.default_rng(0)
    short = az.from_dict(
        {"posterior": {"mu": rng.normal(size=(2, 100))},
         "log_likelihood": {"y": rng.normal(size=(2, 100, 5)) - 3}},
        dims={"y": ["obs"]},
    )  # fmt: skip
    with pytest.raises(ValueError, match="different numbers"):
        compare_loo({"a": fits["none"], "b": short})
    no_loglik = az.from_dict({"posterior": {"mu": rng.normal(size=(2, 100))}})
    with pytest.raises(ValueError, match="log_likelihood"):
        compare_loo({"a": fits["none"], "b": no_loglik})


def test_group_checks_take_group_labels_for_fits_that_lack_them():
    # A bambi-shaped fit: no group_idx, observations along __obs__.
    import xarray as xr

    from companion import group_test_statistics

    rng = np.random.default_rng(5)
    labels = np.array(["b", "a", "b", "c", "a", "c", "c"])
    observed = rng.normal(size=labels.size)
    replicated = rng.normal(size=(2, 50, labels.size))
    fit = xr.DataTree.from_dict(
        {
            "posterior_predictive": xr.Dataset({"z": (("chain", "draw", "__obs__"), replicated)}),
            "observed_data": xr.Dataset({"z": ("__obs__", observed)}),
        }
    )
    table = group_test_statistics(fit, "mean", group="county", var_name="z", groups=labels)
    assert table["county"].tolist() == ["a", "b", "c"]
    flat = replicated.reshape(100, -1)
    for label, row in table.set_index("county").iterrows():
        members = labels == label
        assert row["observed"] == pytest.approx(observed[members].mean())
        p = (flat[:, members].mean(axis=1) >= observed[members].mean()).mean()
        assert row["p_value"] == pytest.approx(p)
    with pytest.raises(ValueError, match="`groups` has 3 labels for 7 observations"):
        group_test_statistics(fit, "mean", var_name="z", groups=labels[:3])
