"""Shrinkage factors and the James-Stein estimator against exact results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from companion import efron_morris, james_stein, shrinkage_factors


def test_shrinkage_factor_closed_form():
    sigma = np.array([5.0, 10.0, 20.0])
    assert np.allclose(shrinkage_factors(sigma, tau=10.0), sigma**2 / (sigma**2 + 100.0))


def test_shrinkage_limits_in_tau():
    sigma = [3.0, 7.0, 15.0]
    assert np.array_equal(shrinkage_factors(sigma, tau=0.0), [1.0, 1.0, 1.0])  # complete pooling
    assert np.all(shrinkage_factors(sigma, tau=1e6) < 1e-9)  # no pooling


def test_shrinkage_decreases_with_group_size():
    factors = shrinkage_factors(12.0, tau=8.0, n=[5, 10, 20, 40, 80])
    assert np.all(np.diff(factors) < 0)
    assert np.allclose(
        factors, 144 / np.array([5, 10, 20, 40, 80]) / (144 / np.array([5, 10, 20, 40, 80]) + 64)
    )


def test_shrinkage_keeps_pandas_labels():
    sizes = pd.Series([10, 40], index=["School 1", "School 2"])
    result = shrinkage_factors(12.0, tau=8.0, n=sizes)
    assert isinstance(result, pd.Series) and result.index.tolist() == ["School 1", "School 2"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sigma": [1.0, -2.0], "tau": 1.0}, "`sigma` must be positive"),
        ({"sigma": [1.0, 0.0], "tau": 1.0}, "`sigma` must be positive"),
        ({"sigma": [1.0, np.nan], "tau": 1.0}, "`sigma` contains NaN at position 1"),
        ({"sigma": [1.0], "tau": -1.0}, "`tau` must be non-negative"),
        ({"sigma": [], "tau": 1.0}, "`sigma` needs at least 1"),
        ({"sigma": [1.0, 2.0], "tau": 1.0, "n": [1, 2, 3]}, "lengths differ"),
        ({"sigma": 1.0, "tau": 1.0, "n": [0, 2]}, "`n` must be positive"),
    ],
)
def test_shrinkage_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        shrinkage_factors(**kwargs)


def test_james_stein_closed_form():
    y = np.array([0.0, 2.0, 4.0, 6.0, 13.0])
    mean, spread = y.mean(), np.sum((y - y.mean()) ** 2)
    factor = 1 - (5 - 3) * 2.0**2 / spread
    assert np.allclose(james_stein(y, sigma=2.0), mean + factor * (y - mean))


def test_james_stein_positive_part_pools_completely():
    y = [1.0, 1.1, 0.9, 1.0]  # spread far below (k - 3) sigma^2
    assert np.allclose(james_stein(y, sigma=5.0), np.mean(y))
    assert np.allclose(james_stein([2.0] * 5, sigma=1.0), 2.0)


def test_james_stein_beats_raw_estimates_on_average():
    """Risk comparison over 4000 simulated data sets of k = 10 means.

    The assertion is that the mean difference in total squared error exceeds
    four of its Monte Carlo standard errors.
    """
    rng = np.random.default_rng(20261124)
    k, sigma, n_sims = 10, 1.0, 4000
    differences = np.empty(n_sims)
    for s in range(n_sims):
        theta = rng.normal(0.0, 1.0, k)
        y = rng.normal(theta, sigma)
        differences[s] = np.sum((y - theta) ** 2) - np.sum((james_stein(y, sigma) - theta) ** 2)
    standard_error = differences.std(ddof=1) / np.sqrt(n_sims)
    assert differences.mean() > 4 * standard_error


def test_james_stein_predicts_the_rest_of_the_season_better():
    """Efron and Morris (1975): shrunken early averages beat the raw ones."""
    players = efron_morris()
    early = players["hits"] / players["at_bats"]
    sigma = np.sqrt(early.mean() * (1 - early.mean()) / 45)
    shrunk = james_stein(early, sigma)
    assert isinstance(shrunk, pd.Series)
    raw_error = np.sum((early - players["rest_average"]) ** 2)
    js_error = np.sum((shrunk - players["rest_average"]) ** 2)
    assert js_error < raw_error / 2


@pytest.mark.parametrize(
    ("y", "sigma", "message"),
    [
        ([1.0, 2.0, 3.0], 1.0, "`y` needs at least 4 estimates"),
        ([1.0, 2.0, np.nan, 4.0], 1.0, "`y` contains NaN"),
        ([1.0, 2.0, 3.0, 4.0], 0.0, "`sigma` must be positive"),
        ([1.0, 2.0, 3.0, 4.0], -1.0, "`sigma` must be positive"),
    ],
)
def test_james_stein_rejects_bad_input(y, sigma, message):
    with pytest.raises(ValueError, match=message):
        james_stein(y, sigma)
