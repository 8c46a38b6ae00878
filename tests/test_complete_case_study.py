"""Complete-case estimates against statsmodels; the simulation against theory."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from book.studies.complete_case import complete_case_bias, complete_case_estimates
from companion import ampute, simulate_regression


def test_estimates_match_statsmodels():
    df = ampute(simulate_regression(80, seed=3), ["x", "y"], prop=0.2, seed=4)
    est = complete_case_estimates(df, level=0.9)
    cc = df.dropna()
    fit = sm.OLS(cc["y"], sm.add_constant(cc["x"])).fit()
    assert est["rows_used"].iloc[0] == len(cc)
    np.testing.assert_allclose(est.loc[["intercept", "slope"], "estimate"], fit.params, rtol=1e-10)
    np.testing.assert_allclose(est.loc[["intercept", "slope"], "std_error"], fit.bse, rtol=1e-10)
    np.testing.assert_allclose(
        est.loc[["intercept", "slope"], ["ci_lower", "ci_upper"]],
        fit.conf_int(alpha=0.1),
        rtol=1e-10,
    )
    lo, hi = stats.t.interval(0.9, len(cc) - 1, cc["y"].mean(), stats.sem(cc["y"]))
    assert est.loc["mean of y", "ci_lower"] == pytest.approx(lo)
    assert est.loc["mean of y", "ci_upper"] == pytest.approx(hi)


SCENARIOS = {
    "MCAR": {"columns": ["y"]},
    "y on x": {"columns": ["y"], "mechanism": "MAR", "depends_on": ["x"]},
    "y on y": {"columns": ["y"], "mechanism": "MNAR"},
    "x on x": {"columns": ["x"], "mechanism": "MNAR"},
}


@pytest.fixture(scope="module")
def table():
    result = complete_case_bias(SCENARIOS, n=200, n_sim=400, seed=7)
    return result.set_index(["scenario", "estimand"])


def _z(table, scenario, estimand):
    row = table.loc[(scenario, estimand)]
    return row["bias"] / row["bias_mcse"]


def test_mcar_is_unbiased_with_nominal_coverage(table):
    # A true bias of 0 gives z ~ N(0, 1): |z| < 4 fails with probability 6e-5.
    for estimand in ("mean of y", "intercept", "slope"):
        assert abs(_z(table, "MCAR", estimand)) < 4
        row = table.loc[("MCAR", estimand)]
        assert abs(row["coverage"] - 0.95) < 4 * np.sqrt(0.95 * 0.05 / 400)


@pytest.mark.parametrize("scenario", ["y on x", "x on x"])
def test_regression_unbiased_when_selection_depends_on_x_only(table, scenario):
    # P(complete | x, y) = P(complete | x), so p(y | x, complete) = p(y | x).
    assert abs(_z(table, scenario, "intercept")) < 4
    assert abs(_z(table, scenario, "slope")) < 4


def test_mean_of_y_biased_down_when_large_values_go(table):
    # Positive strength removes large x (so large y) or large y: the observed
    # mean is too small, here by far more than Monte Carlo error.
    for scenario in ("y on x", "y on y"):
        assert _z(table, scenario, "mean of y") < -10


def test_selection_on_y_attenuates_the_slope(table):
    # Removing large y truncates the top of the cloud, flattening the fitted
    # line (beta > 0) and pulling the intercept down.
    assert _z(table, "y on y", "slope") < -10
    assert _z(table, "y on y", "intercept") < -10
    assert table.loc[("y on y", "slope"), "coverage"] < 0.9


def test_scenarios_with_the_same_probabilities_remove_the_same_rows():
    # "y missing by y" and "x missing by y" give each row the same probability
    # of being incomplete; with common random numbers they drop the same rows,
    # so complete-case analysis cannot tell them apart: identical tables.
    both = complete_case_bias(
        {
            "y by y": {"columns": ["y"], "mechanism": "MNAR"},
            "x by y": {"columns": ["x"], "mechanism": "MAR", "depends_on": ["y"]},
        },
        n=100,
        n_sim=20,
        seed=3,
    ).set_index(["scenario", "estimand"])
    columns = ["mean", "bias", "coverage", "rows_used"]
    np.testing.assert_array_equal(both.loc["y by y", columns], both.loc["x by y", columns])


@pytest.mark.parametrize(
    ("scenarios", "error", "message"),
    [
        ({}, ValueError, "scenarios"),
        ({"bad": ["y"]}, TypeError, "bad"),
        ({"x": {"prop": 2.0}}, ValueError, "prop"),
    ],
)
def test_bad_scenarios(scenarios, error, message):
    with pytest.raises(error, match=message):
        complete_case_bias(scenarios, n_sim=2, seed=1)


def test_too_few_complete_rows():
    df = simulate_regression(5, seed=1)
    df.loc[:2, "y"] = np.nan
    with pytest.raises(ValueError, match="complete rows"):
        complete_case_estimates(df)
