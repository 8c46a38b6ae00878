"""Pooling estimates, the pooling risk simulation and the pooling figures.

Statistical checks compare Monte Carlo averages with closed forms; each
tolerance is four Monte Carlo standard errors, computed from the simulated
values themselves, so a correct implementation fails about once in 16,000 runs.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.figure import Figure

from book.figures.pooling import plot_pooling_panels, plot_pooling_risk
from book.studies.pooling import pooling_risk, pooling_risk_grid, pooling_rmse
from companion import (
    eight_schools,
    group_estimates,
    hierarchical_model,
    no_pooling_model,
    normal_normal_posterior,
    sample,
    simulate_schools,
)
from companion.hierarchical.summaries import METHODS
from companion.plots import plot_group_data
from companion.plots.style import short_label

PRIORS = {"mu_prior": (70, 10), "tau_prior": ("half-normal", 10)}


def _fake_fit(values: np.ndarray, groups, dim: str = "school", var: str = "theta"):
    """A DataTree with a posterior group holding ``values`` (chain, draw, group)."""
    posterior = xr.Dataset({var: (("chain", "draw", dim), values)}, coords={dim: list(groups)})
    return xr.DataTree.from_dict({"posterior": posterior})


GROUPS = ["School 1", "School 2", "School 3"]


@pytest.fixture(scope="module")
def fake_fits():
    rng = np.random.default_rng(1)
    return {
        method: _fake_fit(rng.normal(70 + 5 * k, 2.0, size=(2, 50, 3)), GROUPS)
        for k, method in enumerate(METHODS)
    }


# --- group_estimates ------------------------------------------------------------------------


def test_estimates_are_means_and_quantiles_of_the_draws(fake_fits):
    table = group_estimates(fake_fits, prob=0.8)
    assert list(table.columns) == ["school", "method", "mean", "lower", "upper"]
    assert list(table["method"].cat.categories) == list(METHODS)
    for method, fit in fake_fits.items():
        draws = fit.posterior["theta"].values.reshape(-1, 3)
        rows = table[table["method"] == method]
        assert rows["school"].tolist() == GROUPS
        assert np.allclose(rows["mean"], draws.mean(axis=0))
        assert np.allclose(rows["lower"], np.quantile(draws, 0.1, axis=0))
        assert np.allclose(rows["upper"], np.quantile(draws, 0.9, axis=0))


def test_estimates_align_truth_by_label(fake_fits):
    truth = pd.Series([3.0, 1.0, 2.0], index=["School 3", "School 1", "School 2"])
    table = group_estimates(fake_fits, truth=truth)
    first = table[table["method"] == METHODS[0]]
    assert first["truth"].tolist() == [1.0, 2.0, 3.0]
    table = group_estimates(fake_fits, truth=[1.0, 2.0, 3.0])
    assert table["truth"].tolist() == [1.0, 2.0, 3.0] * 3


def test_estimates_reject_bad_input(fake_fits):
    with pytest.raises(TypeError, match="`fits` must be a non-empty mapping"):
        group_estimates({})
    with pytest.raises(TypeError, match="posterior group"):
        group_estimates({"no pooling": np.zeros(3)})
    with pytest.raises(ValueError, match="'mu' is not in the posterior"):
        group_estimates(fake_fits, var="mu")
    with pytest.raises(ValueError, match="`prob` must be in"):
        group_estimates(fake_fits, prob=1.0)
    other = dict(fake_fits, extra=_fake_fit(np.zeros((2, 5, 3)), ["A", "B", "C"]))
    with pytest.raises(ValueError, match="all fits need the same groups"):
        group_estimates(other)
    with pytest.raises(ValueError, match="no value for group"):
        group_estimates(fake_fits, truth=pd.Series([1.0], index=["School 1"]))
    with pytest.raises(ValueError, match="`truth` has 2 values for 3 groups"):
        group_estimates(fake_fits, truth=[1.0, 2.0])


@pytest.fixture(scope="module")
def eight_schools_fits():
    """MCMC fits of eight schools (known standard errors), which have exact posteriors."""
    data = eight_schools()
    kwargs = {"outcome": "y", "se": "sigma"}
    return data, {
        "no pooling": sample(no_pooling_model(data, mu_prior=None, **kwargs), draws=1000,
                             tune=1000, chains=2, seed=11),
        "partial pooling": sample(hierarchical_model(data, mu_prior=(0, 20),
                                                     tau_prior=("half-normal", 10), **kwargs),
                                  draws=1000, tune=1000, chains=2, seed=12, target_accept=0.9),
    }  # fmt: skip


def test_estimates_of_mcmc_fits_match_the_exact_posterior(eight_schools_fits):
    data, fits = eight_schools_fits
    table = group_estimates(fits).set_index(["method", "school"])["mean"]
    exact = normal_normal_posterior(data["y"], data["sigma"], mu_prior=(0, 20),
                                    tau_prior=("half-normal", 10))  # fmt: skip
    references = {"no pooling": (data["y"].to_numpy(), data["sigma"].to_numpy()),
                  "partial pooling": (exact.theta_mean, exact.theta_sd)}  # fmt: skip
    for method, (mean, sd) in references.items():
        draws = fits[method].posterior["theta"]
        ess = draws.sizes["chain"] * draws.sizes["draw"] / 4  # a conservative effective size
        estimate = table[method].to_numpy()
        # Four Monte Carlo standard errors, sd / sqrt(ess), of each posterior mean.
        assert np.all(np.abs(estimate - mean) < 4 * sd / np.sqrt(ess)), method


# --- pooling_risk -----------------------------------------------------------------------------


def test_risk_table_layout_and_reproducibility():
    risk = pooling_risk(n_sims=5, seed=3, **PRIORS)
    assert list(risk.columns) == ["sim", "school", "n", "truth", "deviation", "method",
                                  "estimate", "error"]  # fmt: skip
    assert len(risk) == 5 * 8 * 3
    assert list(risk["method"].cat.categories) == list(METHODS)
    assert np.allclose(risk["error"], risk["estimate"] - risk["truth"])
    assert np.allclose(risk["deviation"], risk["truth"] - 75.0)
    pd.testing.assert_frame_equal(risk, pooling_risk(n_sims=5, seed=3, **PRIORS))
    assert not risk["estimate"].equals(pooling_risk(n_sims=5, seed=4, **PRIORS)["estimate"])


def test_risk_truth_and_raw_means_match_simulate_schools():
    sizes = [4, 6, 5]
    risk = pooling_risk(sizes, n_sims=1, seed=7)
    data, truth = simulate_schools(sizes, seed=7, return_truth=True)
    raw = risk[risk["method"] == "no pooling"]
    assert np.allclose(raw["truth"], truth.to_numpy())
    means = data.groupby("school", observed=True)["score"].mean().to_numpy()
    assert np.allclose(raw["estimate"], means)
    pooled = risk.loc[risk["method"] == "complete pooling", "estimate"]
    assert np.allclose(pooled, data["score"].mean())  # precision weights = school sizes


def test_partial_pooling_is_the_exact_posterior_mean_with_known_sigma():
    sizes = [5, 10, 20, 40]
    risk = pooling_risk(sizes, n_sims=3, sigma_known=True, seed=5, **PRIORS)
    for _, one in risk.groupby("sim"):
        raw = one.loc[one["method"] == "no pooling", "estimate"].to_numpy()
        exact = normal_normal_posterior(raw, 12.0 / np.sqrt(sizes), **PRIORS)
        partial = one.loc[one["method"] == "partial pooling", "estimate"].to_numpy()
        assert np.allclose(partial, exact.theta_mean, atol=1e-6)


def test_no_pooling_risk_is_sigma_squared_over_n():
    sizes = [5, 10, 20, 40]
    risk = pooling_risk(sizes, n_sims=500, sigma_known=True, seed=8)
    raw = risk[risk["method"] == "no pooling"]
    ratio = raw["error"] ** 2 / (12.0**2 / raw["n"])  # chi-squared(1): mean 1
    assert abs(ratio.mean() - 1) < 4 * ratio.std() / np.sqrt(len(ratio))


def test_complete_pooling_risk_matches_closed_form():
    # Equal sizes n, J schools: E(ybar - theta_j)^2 = tau^2 (1 - 1/J) + sigma^2 / (n J).
    n, n_schools, tau, sigma = 10, 6, 5.0, 12.0
    risk = pooling_risk([n] * n_schools, n_sims=800, tau=tau, sigma=sigma, seed=9)
    pooled = risk[risk["method"] == "complete pooling"]
    per_sim = (pooled["error"] ** 2).groupby(pooled["sim"]).mean()  # sims are independent
    expected = tau**2 * (1 - 1 / n_schools) + sigma**2 / (n * n_schools)
    assert abs(per_sim.mean() - expected) < 4 * per_sim.std() / np.sqrt(len(per_sim))


def _paired_difference(risk, school=None):
    """Per-data-set squared error of partial minus no pooling (negative: partial better)."""
    if school is not None:
        risk = risk[risk["school"] == school]
    squared = (risk.assign(sq=risk["error"] ** 2)
               .pivot_table(index="sim", columns="method", values="sq", observed=True))  # fmt: skip
    return squared["partial pooling"] - squared["no pooling"]


def test_partial_pooling_wins_when_schools_are_small_and_similar():
    risk = pooling_risk([5] * 8, n_sims=300, tau=3.0, seed=10, **PRIORS)
    difference = _paired_difference(risk)
    assert difference.mean() < -4 * difference.std() / np.sqrt(len(difference))


def test_partial_pooling_loses_for_one_extreme_school():
    true_means = [75.0] * 7 + [115.0]  # school 8 lies 40 points from the rest
    risk = pooling_risk([10] * 8, n_sims=300, true_means=true_means, seed=11, **PRIORS)
    assert np.allclose(risk["truth"], np.tile(true_means, 300 * 3))
    difference = _paired_difference(risk, school="School 8")
    assert difference.mean() > 4 * difference.std() / np.sqrt(len(difference))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_per_school": [10]}, ValueError, "at least 2 schools"),
        ({"n_per_school": [10, 0]}, ValueError, r"`n_per_school\[1\]` is 0"),
        ({"n_sims": 0}, ValueError, "`n_sims` must be an integer >= 1"),
        ({"tau": -1.0}, ValueError, "`tau` must be non-negative"),
        ({"sigma": 0.0}, ValueError, "`sigma` must be positive"),
        ({"sigma_known": 1}, TypeError, "`sigma_known` must be True or False"),
        ({"n_per_school": [1, 1, 1]}, ValueError, "at least 2 students"),
        ({"true_means": [1.0, 2.0]}, ValueError, "`true_means` has 2 values for 8 schools"),
        ({"seed": "a"}, TypeError, "`seed` must be an int"),
    ],
)
def test_risk_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        pooling_risk(**kwargs)


# --- pooling_rmse and pooling_risk_grid -------------------------------------------------------


@pytest.fixture(scope="module")
def small_risk():
    return pooling_risk(n_sims=40, seed=12, **PRIORS)


def test_rmse_summaries_agree_with_direct_computation(small_risk):
    overall = pooling_rmse(small_risk).set_index("method")
    for method in METHODS:
        errors = small_risk.loc[small_risk["method"] == method, "error"]
        assert np.isclose(overall.loc[method, "rmse"], np.sqrt(np.mean(errors**2)))
        assert overall.loc[method, "count"] == 40 * 8
        assert overall.loc[method, "mcse"] > 0
    per_sim = pooling_rmse(small_risk, by="sim")
    first = small_risk[(small_risk["sim"] == 0) & (small_risk["method"] == "no pooling")]
    row = per_sim[(per_sim["sim"] == 0) & (per_sim["method"] == "no pooling")]
    assert np.isclose(row["rmse"].item(), np.sqrt(np.mean(first["error"] ** 2)))
    assert len(pooling_rmse(small_risk, by="school")) == 8 * 3
    far = small_risk[small_risk["deviation"].abs() > 8]  # unequal counts per data set
    errors = far.loc[far["method"] == "partial pooling", "error"]
    subset = pooling_rmse(far).set_index("method").loc["partial pooling"]
    assert np.isclose(subset["rmse"], np.sqrt(np.mean(errors**2)))
    assert subset["count"] == len(errors)


def test_rmse_mcse_matches_the_standard_error_of_the_mse():
    # With equal counts per data set, the ratio estimator's standard error
    # reduces to sd(per-data-set MSE) / sqrt(n_sims), divided by 2 RMSE.
    risk = pooling_risk([5, 5, 5], n_sims=50, seed=13)
    raw = risk[risk["method"] == "no pooling"]
    per_sim = (raw["error"] ** 2).groupby(raw["sim"]).mean()
    rmse = np.sqrt(per_sim.mean())
    expected = per_sim.std(ddof=1) / np.sqrt(50) / (2 * rmse)
    row = pooling_rmse(risk).set_index("method").loc["no pooling"]
    assert np.isclose(row["mcse"], expected)


def test_rmse_by_distance_bins_have_equal_counts(small_risk):
    table = pooling_rmse(small_risk, by="distance", bins=4)
    assert len(table) == 4 * 3
    assert set(table["count"]) == {40 * 8 // 4}
    assert table["distance"].is_monotonic_increasing


def test_rmse_rejects_bad_input(small_risk):
    with pytest.raises(ValueError, match="`by` must be None"):
        pooling_rmse(small_risk, by="method")
    with pytest.raises(ValueError, match="lacks column"):
        pooling_rmse(small_risk.drop(columns="error"))
    with pytest.raises(TypeError, match="`risk` must be a DataFrame"):
        pooling_rmse([1, 2])
    with pytest.raises(ValueError, match="`bins` must be an integer >= 2"):
        pooling_rmse(small_risk, by="distance", bins=1)


def test_risk_grid_layout():
    grid = pooling_risk_grid((5, 40), (2.0, 10.0), n_schools=4, n_sims=10, seed=1, **PRIORS)
    assert len(grid) == 2 * 2 * 3
    assert np.allclose(grid.loc[grid["method"] == "no pooling", "relative"], 1.0)
    assert np.allclose(grid["se"], 12.0 / np.sqrt(grid["n"]))
    with pytest.raises(TypeError, match="`tau` is set by pooling_risk_grid"):
        pooling_risk_grid(tau=3.0)
    with pytest.raises(ValueError, match="`tau_values` must be non-negative"):
        pooling_risk_grid(tau_values=(-1.0,))


# --- figures ----------------------------------------------------------------------------------


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def test_plot_school_data(close_figures):
    data, truth = simulate_schools(seed=1, return_truth=True)
    fig = plot_group_data(data, truth=truth, population_mean=75)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("school", "score")
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(j) for j in range(1, 9)]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {
        "student",
        "sample mean",
        "true mean",
    }


def test_plot_pooling_panels(fake_fits, close_figures):
    estimates = group_estimates(fake_fits, truth=[70.0, 75.0, 80.0])
    fig = plot_pooling_panels(estimates, population_mean=74.0)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert [t[:3] for t in titles] == ["(a)", "(b)", "(c)"]
    assert fig.axes[1].get_xlabel() == "no-pooling estimate (school mean)"
    assert fig.axes[1].get_ylabel() == "partial-pooling estimate"
    legend = {t.get_text() for t in fig.axes[2].get_legend().get_texts()}
    assert legend == {*METHODS, "truth"}
    ticks = dict(
        zip(
            [t.get_text() for t in fig.axes[2].get_yticklabels()],
            fig.axes[2].get_yticks(),
            strict=True,
        )
    )
    short = [short_label(g) for g in GROUPS]
    assert sorted(ticks, key=ticks.get, reverse=True) == short  # first school on top


def test_plot_pooling_panels_needs_all_three_methods(fake_fits, close_figures):
    estimates = group_estimates({"no pooling": fake_fits["no pooling"]})
    with pytest.raises(ValueError, match="lacks method"):
        plot_pooling_panels(estimates)


def test_plot_pooling_risk(small_risk, close_figures):
    fig = plot_pooling_risk(small_risk, bins=4)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert fig.axes[0].get_xlabel() == "RMSE(partial) − RMSE(no pooling)"
    assert fig.axes[1].get_xlabel() == "|true school mean − μ|"
    lines = fig.axes[1].get_lines()
    assert len(lines) == 3
    # the methods differ in marker and line style, not only in colour
    assert len({line.get_marker() for line in lines}) == 3
    assert len({line.get_linestyle() for line in lines}) == 3
    assert {t.get_text() for t in fig.axes[1].get_legend().get_texts()} == set(METHODS)
