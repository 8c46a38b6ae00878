"""Tests for companion.missing.chained.mice_impute: the list-of-data-sets interface of mice()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from companion import fit_ols, mice_impute, nhanes, pool, rubin_pool


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = nhanes()
    frame.index = [f"r{i}" for i in range(len(frame))]  # a non-default index must survive
    return frame


@pytest.fixture(scope="module")
def imputed(data) -> list[pd.DataFrame]:
    return mice_impute(data, m=4, n_iter=5, seed=11)


def test_only_missing_cells_are_filled(data, imputed):
    missing = data.isna()
    assert len(imputed) == 4
    for completed in imputed:
        assert completed.index.equals(data.index)
        assert list(completed.columns) == list(data.columns)
        assert not completed.isna().any().any()
        observed = data.where(~missing)
        # Observed cells keep their exact values.
        assert completed.where(~missing).equals(observed.astype(completed.dtypes.to_dict()))
    assert data["age"].dtype == imputed[0]["age"].dtype  # complete column keeps its dtype


def test_input_unchanged(data):
    before = data.copy()
    mice_impute(data, m=2, n_iter=2, seed=3)
    pd.testing.assert_frame_equal(data, before)


def test_seed_reproducible_and_global_state_untouched(data, imputed):
    np.random.seed(123)
    state = np.random.get_state()
    again = mice_impute(data, m=4, n_iter=5, seed=11)
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]
    for a, b in zip(imputed, again, strict=True):
        pd.testing.assert_frame_equal(a, b)
    other = mice_impute(data, m=4, n_iter=5, seed=12)
    assert any(not a.equals(b) for a, b in zip(imputed, other, strict=True))
    # The chains are independent: the m data sets are not all alike.
    assert len({tuple(c["chl"]) for c in imputed}) > 1


def test_pmm_imputes_only_observed_values(data, imputed):
    # Predictive mean matching copies a donor's observed value, so every imputed
    # value is one of the values observed in the same column.
    for column in ["bmi", "hyp", "chl"]:
        observed = set(data[column].dropna())
        missing = data[column].isna()
        for completed in imputed:
            assert set(completed.loc[missing, column]) <= observed


def test_no_missing_values_gives_copies():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 1.0, 0.0]})
    sets = mice_impute(frame, m=2, seed=0)
    assert len(sets) == 2 and all(s.equals(frame) for s in sets)
    assert sets[0] is not frame


def test_column_names_that_are_not_identifiers():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"body mass": rng.normal(size=30), 3: rng.normal(size=30)})
    frame.iloc[:5, 0] = np.nan
    completed = mice_impute(frame, m=1, n_iter=2, seed=0)[0]
    assert list(completed.columns) == ["body mass", 3]
    assert not completed.isna().any().any()


@pytest.mark.parametrize(
    ("frame", "kwargs", "error", "message"),
    [
        (
            pd.DataFrame({"a": [1.0, np.nan], "b": ["x", "y"]}),
            {},
            ValueError,
            "not numeric: .b. \\(str",
        ),
        (pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [np.nan] * 3}), {}, ValueError, "no observed"),
        (
            pd.DataFrame({"a": [1.0, np.nan, 2.0], "b": [1.0, np.nan, 0.0]}),
            {},
            ValueError,
            "every column is missing",
        ),
        (pd.DataFrame({"a": [1.0, np.nan, 2.0]}), {}, ValueError, "at least 2 columns"),
        (pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, 2.0]}), {"m": 0}, ValueError, "`m`"),
        (pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, 2.0]}), {"n_iter": 0}, ValueError, "n_iter"),
        (
            pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, 2.0]}),
            {"perturbation": "x"},
            ValueError,
            "perturbation",
        ),
        (pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, 2.0]}), {"seed": 1.5}, TypeError, "seed"),
        (
            pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, 2.0]}),
            {"matching": "x"},
            ValueError,
            "matching",
        ),
    ],
)
def test_invalid_input(frame, kwargs, error, message):
    with pytest.raises(error, match=message):
        mice_impute(frame, **kwargs)
    with pytest.raises(TypeError, match="DataFrame"):
        mice_impute(frame.to_numpy())


def _bivariate(seed: int, n: int, mar: bool) -> tuple[pd.DataFrame, np.ndarray]:
    """Simulate x ~ N(0, 1), y = 1 + x + e, e ~ N(0, 0.8^2): E[y] = 1, slope 1, corr 0.78."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 1.0 + x + rng.normal(scale=0.8, size=n)
    if mar:  # y missing at random given x (about 37%); x complete
        miss_y = rng.uniform(size=n) < expit(-0.7 + 1.2 * x)
        miss_x = np.zeros(n, dtype=bool)
    else:  # 25% of x and 25% of y missing completely at random, never both
        miss_y = rng.uniform(size=n) < 0.25
        miss_x = (rng.uniform(size=n) < 1 / 3) & ~miss_y
    frame = pd.DataFrame({"x": np.where(miss_x, np.nan, x), "y": np.where(miss_y, np.nan, y)})
    return frame, y


def _pooled_mean(sets: list[pd.DataFrame], column: str):
    n = len(sets[0])
    means = [s[column].mean() for s in sets]
    variances = [s[column].var(ddof=1) / n for s in sets]
    return rubin_pool(means, variances, df_complete=n - 1)


# Tolerance of the statistical checks: for proper imputations (Qbar - Q) / sqrt(T) is
# approximately t_nu with nu > 20 here, so |Qbar - Q| < 4 sqrt(T) fails with probability
# below 1e-3; the seeds are fixed, so the tests are deterministic. (In a 16-replicate
# pilot the z-scores of the MAR mean had sd 1.2, comfortably inside.)


def test_recovers_mean_under_mar():
    frame, _ = _bivariate(seed=2024, n=500, mar=True)
    pooled = _pooled_mean(mice_impute(frame, m=10, n_iter=10, seed=5), "y")
    assert abs(pooled.estimate - 1.0) < 4 * pooled.std_error
    # The test has teeth: the complete-case mean is biased downward (large x, hence
    # large y, go missing) by more than 4 pooled standard errors.
    assert 1.0 - frame["y"].mean() > 4 * pooled.std_error
    # About 37% of y is missing; x explains 61% of its variance, so the fraction of
    # missing information is clearly positive but well below the fraction missing.
    assert 0.05 < pooled.fmi < 0.37


def test_recovers_regression_under_mcar():
    frame, _ = _bivariate(seed=7, n=500, mar=False)
    table = pool(fit_ols(mice_impute(frame, m=10, n_iter=10, seed=6), "y ~ x"))
    for name, truth in [("Intercept", 1.0), ("x", 1.0)]:
        assert abs(table.loc[name, "estimate"] - truth) < 4 * table.loc[name, "std_error"]


def test_type1_matching_carries_parameter_uncertainty():
    # With one predictor, statsmodels' own PMM ("type2": both sides predicted with the
    # drawn coefficients) ranks donors by x alone, so the coefficient draw never
    # reaches the imputations and the between-imputation variance is too small.
    # mice-style type-1 matching must give a clearly larger between variance.
    frame, _ = _bivariate(seed=2024, n=500, mar=True)
    type1 = _pooled_mean(mice_impute(frame, m=20, n_iter=5, seed=8), "y")
    type2 = _pooled_mean(mice_impute(frame, m=20, n_iter=5, seed=8, matching="type2"), "y")
    assert type1.between > 1.5 * type2.between
