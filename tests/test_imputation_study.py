"""The marginal regression model, the coverage study and the complete-case slope limit.

Two PyMC models are compiled for the whole file (module fixtures): the
automatic-imputation model and the marginal model; the coverage study reuses
the compiled marginal model.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from book.studies.imputation import (
    METHODS,
    compare_imputations,
    complete_case_slope_limit,
    coverage_study,
    coverage_summary,
    marginal_data,
    marginal_regression_model,
    posterior_agreement,
)
from companion import ampute, regression_imputation_model, sample, simulate_regression
from companion.inference import compile_model, sample_compiled
from companion.missing import drop_empty_rows, prior_scales

PARAMETERS = ["mu_x", "sigma_x", "alpha", "beta", "sigma"]


@pytest.fixture(scope="module")
def amputed():
    # 30% of x and y missing at random: every pattern occurs, including empty rows.
    return ampute(simulate_regression(100, seed=201), ["x", "y"], prop=0.3, seed=202)


@pytest.fixture(scope="module")
def automatic_fit(amputed):
    incomplete, _ = drop_empty_rows(amputed, ["x", "y"])
    return sample(regression_imputation_model(incomplete), draws=1000, tune=1000, chains=4,
                  seed=203, log_likelihood=False)  # fmt: skip


@pytest.fixture(scope="module")
def compiled(amputed):
    return compile_model(marginal_regression_model(amputed))


@pytest.fixture(scope="module")
def marginal_fit(compiled, amputed):
    return sample_compiled(compiled.with_data(**marginal_data(amputed)), draws=1000, chains=4,
                           seed=204)  # fmt: skip


def test_marginal_log_density_is_the_closed_form(amputed):
    # The model's log density at a parameter point must equal the priors plus
    # the observed-data likelihood computed independently with scipy, using the
    # bivariate normal of (x, y) for complete rows (not the p(x) p(y|x)
    # factorisation the model uses). Exact up to floating point.
    model = marginal_regression_model(amputed)
    logp = model.compile_logp(jacobian=False)
    theta = {"mu_x": 0.3, "sigma_x": 1.4, "alpha": 1.5, "beta": 2.5, "sigma": 0.8}
    point = {"mu_x": theta["mu_x"], "sigma_x_log__": np.log(theta["sigma_x"]),
             "alpha": theta["alpha"], "beta": theta["beta"],
             "sigma_log__": np.log(theta["sigma"])}  # fmt: skip
    mu_x, s_x, a, b, s = (theta[k] for k in PARAMETERS)
    x, y = amputed["x"].to_numpy(), amputed["y"].to_numpy()
    both = np.isfinite(x) & np.isfinite(y)
    x_only = np.isfinite(x) & np.isnan(y)
    y_only = np.isnan(x) & np.isfinite(y)
    cov = [[s_x**2, b * s_x**2], [b * s_x**2, b**2 * s_x**2 + s**2]]
    expected = (
        stats.multivariate_normal([mu_x, a + b * mu_x], cov)
        .logpdf(np.column_stack([x[both], y[both]]))
        .sum()
    )
    expected += stats.norm.logpdf(x[x_only], mu_x, s_x).sum()
    expected += stats.norm.logpdf(y[y_only], a + b * mu_x, np.hypot(s, b * s_x)).sum()
    p = prior_scales(x, y)
    expected += (
        stats.norm.logpdf(mu_x, p["mu_x_mu"], p["mu_x_sd"])
        + stats.halfnorm.logpdf(s_x, scale=p["sigma_x_sd"])
        + stats.norm.logpdf(a, p["alpha_mu"], p["alpha_sd"])
        + stats.norm.logpdf(b, 0.0, p["beta_sd"])
        + stats.halfnorm.logpdf(s, scale=p["sigma_sd"])
    )
    assert float(logp(point)) == pytest.approx(expected, rel=1e-10)


def test_marginal_posterior_equals_automatic_imputation(automatic_fit, marginal_fit):
    # Same posterior for the parameters, so the difference of the posterior
    # means is Monte Carlo noise: z = difference / combined MCSE is about
    # N(0, 1). We allow |z| < 5 rather than 4 because MCSEs estimated from
    # the ESS are themselves noisy (in trial runs with 4 x 1000 to
    # 4 x 10000 draws, |z| reached 2.6 over 15 comparisons).
    table = posterior_agreement(automatic_fit, marginal_fit, PARAMETERS)
    assert (table["z"].abs() < 5).all(), table
    # Posterior sds: relative Monte Carlo error about 1/sqrt(2 ESS) < 3% here.
    ratio = table["sd_first"] / table["sd_second"]
    assert ((ratio > 0.9) & (ratio < 1.1)).all(), table


def test_marginal_data_masks(amputed):
    data = marginal_data(amputed)
    np.testing.assert_array_equal(data["x_seen"], amputed["x"].notna().to_numpy(float))
    np.testing.assert_array_equal(data["y_seen"], amputed["y"].notna().to_numpy(float))
    assert np.isfinite(data["x_value"]).all() and np.isfinite(data["y_value"]).all()
    observed = amputed["x"].notna().to_numpy()
    np.testing.assert_array_equal(data["x_value"][observed], amputed["x"].to_numpy()[observed])


def test_complete_case_slope_under_mnar_in_y_is_attenuated():
    # Theory: y missing more often when y is large (strength > 0) selects rows
    # with smaller y. That keeps the regression of x on y, E(x | y) = c (y - mu_y),
    # but shrinks the variance V of y, and the complete-case slope
    # c V / (tau^2 + c^2 V) is increasing in V and equals beta = 3 at the full
    # variance 10: so it must be below 3 (attenuated toward zero).
    limit = complete_case_slope_limit(beta=3.0, sigma=1.0, prop=0.3, strength=2.0)
    assert limit < 3.0 - 0.05
    n = 40_000
    data = ampute(simulate_regression(n, seed=205), ["y"], prop=0.3, mechanism="MNAR", seed=206)
    kept = data.dropna()
    result = stats.linregress(kept["x"], kept["y"])
    # The standard error of the slope (about 0.006 here) sets the tolerance;
    # ampute standardises y by its sample moments, an O(1/sqrt(n)) effect.
    assert result.slope < 3.0 - 10 * result.stderr
    assert abs(result.slope - limit) < 4 * result.stderr


def test_slope_limit_identities():
    assert complete_case_slope_limit(strength=0.0) == pytest.approx(3.0, abs=1e-10)
    # Symmetric in the sign of the slope; selection on small y also attenuates.
    assert complete_case_slope_limit(beta=-3.0) == pytest.approx(-complete_case_slope_limit())
    assert complete_case_slope_limit(strength=-2.0) < 3.0
    # Stronger selection, more attenuation.
    assert complete_case_slope_limit(strength=4.0) < complete_case_slope_limit(strength=2.0)
    with pytest.raises(ValueError, match="`prop`"):
        complete_case_slope_limit(prop=1.5)
    with pytest.raises(ValueError, match="`sigma`"):
        complete_case_slope_limit(sigma=0.0)


def test_compare_imputations(amputed, automatic_fit):
    incomplete, _ = drop_empty_rows(amputed, ["x", "y"])
    table = compare_imputations(incomplete, automatic_fit, level=0.9)
    assert list(table.index) == list(METHODS)
    assert table.loc["complete cases", "rows_used"] == int(incomplete.notna().all(axis=1).sum())
    assert table.loc["mean imputation", "rows_used"] == len(incomplete)
    assert (table["beta_lower"] < table["beta"]).all()
    assert (table["beta"] < table["beta_upper"]).all()
    # Exact: the complete-case slope is the least-squares slope of the complete rows.
    cc = incomplete.dropna()
    assert table.loc["complete cases", "beta"] == pytest.approx(np.polyfit(cc["x"], cc["y"], 1)[0])
    # Mean imputation shrinks the spread of x by sqrt((k - 1) / (n - 1)) exactly.
    k, n = int(incomplete["x"].notna().sum()), len(incomplete)
    assert table.loc["mean imputation", "sd_x"] == pytest.approx(
        incomplete["x"].std() * np.sqrt((k - 1) / (n - 1))
    )
    with pytest.raises(ValueError, match="`level`"):
        compare_imputations(incomplete, automatic_fit, level=90)


@pytest.fixture(scope="module")
def study(compiled):
    scenarios = {"MCAR": {"columns": ["x", "y"]},
                 "MNAR": {"columns": ["y"], "mechanism": "MNAR"}}  # fmt: skip
    return coverage_study(scenarios, n=100, n_sim=8, level=0.9, seed=207, compiled=compiled)


def test_coverage_study_output(study):
    assert len(study) == 2 * 8 * len(METHODS)
    assert set(study["method"]) == set(METHODS)
    assert study.attrs == {"truth": 3.0, "level": 0.9}
    inside = (study["lower"] <= 3.0) & (study["upper"] >= 3.0)
    assert study["covered"].equals(inside)
    assert (study["width"] > 0).all()
    mnar = study[study["scenario"] == "MNAR"]
    assert (mnar["rows_dropped"] == 0).all()  # x is never missing there
    mcar_bayes = study[(study["scenario"] == "MCAR") & (study["method"] == METHODS[0])]
    # rows used + rows dropped = n for the Bayesian model.
    assert ((mcar_bayes["rows_used"] + mcar_bayes["rows_dropped"]) == 100).all()
    assert mcar_bayes["rows_dropped"].sum() > 0
    # Every Bayesian fit carries its diagnostics; least squares has none.
    bayes = study["method"] == METHODS[0]
    assert study.loc[bayes, ["max_rhat", "min_ess_bulk", "min_ess_tail"]].notna().all().all()
    assert study.loc[~bayes, ["max_rhat", "min_ess_bulk", "min_ess_tail"]].isna().all().all()
    assert study["converged"].dtype == bool
    assert (study.loc[~bayes, "divergences"] == 0).all()
    # A five-parameter posterior with 4 chains of 500 draws: R-hat near 1.
    assert (study.loc[bayes, "max_rhat"] < 1.05).all()


def test_coverage_summary_is_sensible(study):
    summary = coverage_summary(study).set_index(["scenario", "method"])
    assert summary["coverage"].between(0, 1).all()
    p, n = summary["coverage"], summary["n_sim"]
    np.testing.assert_allclose(summary["coverage_mcse"], np.sqrt(p * (1 - p) / n))
    assert (n == 8).all()
    # With 8 data sets: if the true coverage is 0.9, P(at most 3 of 8) < 5e-4;
    # mean imputation's true coverage under MCAR is near 0.03 (the chapter's
    # study), and P(at least 4 of 8 at p = 0.05) < 5e-4.
    assert summary.loc[("MCAR", "Bayesian imputation"), "coverage"] >= 0.5
    assert summary.loc[("MCAR", "complete cases"), "coverage"] >= 0.5
    assert summary.loc[("MCAR", "mean imputation"), "coverage"] <= 0.5
    # Mean imputation of y attenuates the slope toward (1 - 0.3) * 3 = 2.1.
    assert summary.loc[("MCAR", "mean imputation"), "mean_estimate"] < 2.6


def test_coverage_functions_reject_bad_input(compiled):
    with pytest.raises(ValueError, match="`scenarios`"):
        coverage_study({}, compiled=compiled)
    with pytest.raises(TypeError, match="scenarios"):
        coverage_study({"MCAR": ["x"]}, compiled=compiled)
    with pytest.raises(ValueError, match="`n_sim`"):
        coverage_study({"MCAR": {"columns": ["y"]}}, n_sim=0, compiled=compiled)
    with pytest.raises(ValueError, match="`level`"):
        coverage_study({"MCAR": {"columns": ["y"]}}, level=1.0, compiled=compiled)
    with pytest.raises(ValueError, match="`results`"):
        coverage_summary(pd.DataFrame({"a": [1]}))
