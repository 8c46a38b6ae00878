"""Little's MCAR test against closed forms and against its own reference distribution."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from companion import ampute, simulate_regression
from companion.missing import mcar_test


def test_monotone_bivariate_case_has_a_closed_form():
    # x complete, y missing in some rows. The ML estimates are x's mean and
    # (n-divisor) variance, and the regression estimates for y; the complete
    # pattern's gap is (d, b d) with d = mean of x there minus the overall mean,
    # b the complete-case slope, and (d, b d)' Sigma^-1 (d, b d) = d^2 / var(x).
    # So d^2 = sum over the two patterns of n_j (mean_j(x) - mean(x))^2 / var(x),
    # with 2 + 1 - 2 = 1 degree of freedom.
    df = ampute(simulate_regression(150, seed=3), ["y"], mechanism="MAR", depends_on=["x"],
                strength=1.0, seed=4)  # fmt: skip
    x, gone = df["x"].to_numpy(), df["y"].isna().to_numpy()
    var_x = x.var()  # ML: divisor n
    exact = sum(part.size * (part.mean() - x.mean()) ** 2 for part in (x[gone], x[~gone])) / var_x
    result = mcar_test(df)
    assert result.statistic == pytest.approx(exact, rel=1e-8)
    assert result.df == 1
    assert result.n_patterns == 2
    assert result.n_rows == 150
    assert result.p_value == pytest.approx(stats.chi2.sf(exact, 1), rel=1e-8)


def test_complete_data_give_zero():
    df = simulate_regression(40, seed=1)
    result = mcar_test(df)
    assert result.statistic == pytest.approx(0.0, abs=1e-12)
    assert result.df == 0
    assert np.isnan(result.p_value)


def test_invariant_to_rescaling_and_ignores_empty_rows():
    df = ampute(simulate_regression(120, seed=5), ["x", "y"], prop=0.3, seed=6)
    base = mcar_test(df)
    scaled = df.assign(x=3 * df["x"] - 7, y=0.5 * df["y"] + 1)
    assert mcar_test(scaled).statistic == pytest.approx(base.statistic, rel=1e-7)
    empty = df.isna().all(axis=1)
    assert empty.any()
    assert base.n_rows == int((~empty).sum())
    # x and y both missing in some rows: patterns (1,1), (1,0), (0,1).
    assert base.n_patterns == 3
    assert base.df == 2 + 1 + 1 - 2


def test_mcar_p_values_are_roughly_uniform():
    # Under MCAR the statistic is approximately chi-square: over 200 data sets
    # the share of p-values below 0.05 is 0.05 give or take 3 * 0.015 (its sd).
    p_values = [
        mcar_test(
            ampute(simulate_regression(200, seed=s), ["x", "y"], prop=0.3, seed=1000 + s)
        ).p_value
        for s in range(200)
    ]
    assert abs(np.mean(np.array(p_values) < 0.05) - 0.05) < 0.045


def test_bad_input():
    with pytest.raises(ValueError, match="fewer than 2"):
        mcar_test(pd.DataFrame({"x": [1.0, np.nan, np.nan], "y": [1.0, 2.0, 3.0]}))
    with pytest.raises(ValueError, match="tol"):
        mcar_test(simulate_regression(10, seed=1), tol=-1.0)
