"""Tests for companion.missing.mnar: δ-adjustment, tipping points and the selection model."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from companion import (
    ampute,
    delta_adjust,
    find_tipping_point,
    mice_impute,
    sample,
    selection_model,
    simulate_regression,
    tipping_point,
)


@pytest.fixture(scope="module")
def incomplete() -> pd.DataFrame:
    """MNAR outcome (small y more often missing), complete covariate, a non-default index."""
    full = simulate_regression(120, alpha=0.5, beta=1.0, seed=3)
    full.index = pd.Index(np.arange(100, 220), name="row")
    return ampute(full, ["y"], prop=0.3, mechanism="MNAR", strength=-2.0, seed=4)


@pytest.fixture(scope="module")
def imputed(incomplete: pd.DataFrame) -> list[pd.DataFrame]:
    return mice_impute(incomplete, m=5, seed=5)


# --------------------------------------------------------------------------- delta_adjust
def test_delta_adjust_shifts_exactly_the_imputed_cells(incomplete, imputed):
    before = [d.copy() for d in imputed]
    original_before = incomplete.copy()
    adjusted = delta_adjust(imputed, incomplete, -1.25)
    missing = incomplete["y"].isna().to_numpy()
    assert missing.sum() > 0
    for old, new in zip(imputed, adjusted, strict=True):
        diff = new["y"].to_numpy() - old["y"].to_numpy()
        # x + (-1.25) - x is exact to rounding: compare with a tolerance of a few ulps.
        np.testing.assert_allclose(diff[missing], -1.25, rtol=0, atol=1e-12)
        assert (diff[~missing] == 0).all()  # observed cells bit-for-bit unchanged
        pd.testing.assert_series_equal(new["x"], old["x"])
    # inputs untouched
    for old, kept in zip(imputed, before, strict=True):
        pd.testing.assert_frame_equal(old, kept)
    pd.testing.assert_frame_equal(incomplete, original_before)


def test_delta_zero_is_the_identity(incomplete, imputed):
    for old, new in zip(imputed, delta_adjust(imputed, incomplete, 0.0), strict=True):
        pd.testing.assert_frame_equal(new, old)
        assert new is not old  # a copy


def test_delta_adjust_dict_scale_and_single_frame(incomplete, imputed):
    missing = incomplete["y"].isna().to_numpy()
    single = delta_adjust(imputed[0], incomplete, {"y": 2.0}, scale=0.5)
    assert isinstance(single, pd.DataFrame)
    expected = imputed[0]["y"].to_numpy().copy()
    expected[missing] = 0.5 * expected[missing] + 2.0
    np.testing.assert_allclose(single["y"].to_numpy(), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"delta": math.inf}, "`delta`"),
        ({"delta": 1.0, "columns": ["z"]}, "`columns`"),
        ({"delta": {"x": 1.0}}, "`delta` names column"),  # dict keys must be adjusted columns
        ({"delta": 1.0, "columns": ["y"], "scale": 0.0}, "`scale`"),
    ],
)
def test_delta_adjust_rejects_bad_input(incomplete, imputed, kwargs, message):
    if "columns" not in kwargs and isinstance(kwargs["delta"], dict):
        kwargs = {**kwargs, "columns": ["y"]}
    with pytest.raises(ValueError, match=message):
        delta_adjust(imputed, incomplete, **kwargs)


def test_delta_adjust_rejects_data_that_do_not_complete_original(incomplete, imputed):
    moved = [d.assign(y=d["y"] + 1.0) for d in imputed]  # observed y changed too
    with pytest.raises(ValueError, match="differs from `original`"):
        delta_adjust(moved, incomplete, 1.0)


def test_delta_adjust_rejects_incomplete_datasets(incomplete):
    with pytest.raises(ValueError, match="still has missing values"):
        delta_adjust([incomplete], incomplete, 1.0)
    with pytest.raises(TypeError, match="`datasets`"):
        delta_adjust("data", incomplete, 1.0)


# --------------------------------------------------------------------------- tipping_point
@pytest.fixture(scope="module")
def mean_table(incomplete, imputed) -> pd.DataFrame:
    return tipping_point(imputed, incomplete, np.linspace(-4, 2, 25), "y ~ 1", "Intercept")


def test_pooled_mean_shifts_by_delta_times_fraction_missing(incomplete, mean_table):
    # Exact identity: each data set's mean moves by delta * n_mis / n, so does their average.
    fraction = incomplete["y"].isna().mean()
    at_zero = mean_table.loc[mean_table["delta"] == 0, "estimate"].item()
    np.testing.assert_allclose(
        mean_table["estimate"], at_zero + fraction * mean_table["delta"], rtol=0, atol=1e-12
    )
    assert (np.diff(mean_table["ci_lower"]) > 0).all()
    assert (np.diff(mean_table["ci_upper"]) > 0).all()


def test_pooled_slope_shifts_by_delta_times_missingness_slope(incomplete, imputed):
    # OLS is linear in y: shifting the missing y by delta adds delta * (slope of the
    # missingness indicator on x) to the slope, exactly, in every data set.
    deltas = [-2.0, 0.0, 1.5]
    table = tipping_point(imputed, incomplete, deltas, "y ~ x", "x")
    indicator = incomplete["y"].isna().to_numpy(float)
    x = incomplete["x"].to_numpy()
    b_missing = np.cov(x, indicator)[0, 1] / np.var(x, ddof=1)
    np.testing.assert_allclose(
        table["estimate"] - table.loc[1, "estimate"], b_missing * np.array(deltas), atol=1e-10
    )


def test_tipping_point_is_where_the_lower_bound_reaches_the_null(mean_table):
    tip = find_tipping_point(mean_table)
    assert mean_table.attrs["null"] == 0.0
    # The MAR interval excludes 0 and the grid is wide enough to cross it.
    assert mean_table.loc[mean_table["delta"] == 0, "excludes_null"].item()
    assert -4 < tip < 0
    # Linear interpolation of the lower bound between its bracketing grid points.
    below = mean_table[mean_table["delta"] <= tip].iloc[-1]
    above = mean_table[mean_table["delta"] > tip].iloc[0]
    assert below["ci_lower"] <= 0 < above["ci_lower"]
    weight = (tip - below["delta"]) / (above["delta"] - below["delta"])
    lower_at_tip = below["ci_lower"] + weight * (above["ci_lower"] - below["ci_lower"])
    assert abs(lower_at_tip) < 1e-12
    # p-values agree with the intervals: p < 0.05 exactly where 0 is excluded.
    assert ((mean_table["p_value"] < 0.05) == mean_table["excludes_null"]).all()


def test_find_tipping_point_on_known_lines():
    table = pd.DataFrame({"delta": [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]})
    table["ci_lower"] = 0.3 + 0.5 * table["delta"]  # reaches 0 at delta = -0.6
    table["ci_upper"] = table["ci_lower"] + 1.0
    assert find_tipping_point(table) == pytest.approx(-0.6, abs=1e-12)
    assert math.isnan(find_tipping_point(table, side="positive"))
    # From "interval contains 1" at 0, significance above 1 comes at delta = 1.4.
    assert find_tipping_point(table, null=1.0, side="positive") == pytest.approx(1.4, abs=1e-12)
    with pytest.raises(ValueError, match="`side`"):
        find_tipping_point(table, side="left")


def test_tipping_point_rejects_bad_input(incomplete, imputed):
    with pytest.raises(ValueError, match="`deltas`"):
        tipping_point(imputed, incomplete, [1.0, 2.0], "y ~ 1", "Intercept")
    with pytest.raises(ValueError, match="`term`"):
        tipping_point(imputed, incomplete, [0.0, 1.0], "y ~ 1", "x")
    with pytest.raises(ValueError, match="`datasets`"):
        tipping_point(imputed[:1], incomplete, [0.0, 1.0], "y ~ 1", "Intercept")


# --------------------------------------------------------------------------- selection model
def test_selection_model_structure_and_validation(incomplete):
    model = selection_model(incomplete)
    missing_rows = incomplete.index[incomplete["y"].isna()].tolist()
    assert list(model.coords["y_missing"]) == missing_rows
    assert list(model.coords["obs"]) == incomplete.index.tolist()
    assert model.named_vars_to_dims["responded"] == ("obs",)
    assert "gamma_x" in selection_model(incomplete, response_on_x=True).named_vars
    with pytest.raises(ValueError, match="`x`"):
        selection_model(incomplete.assign(x=incomplete["y"]))
    with pytest.raises(ValueError, match="gamma1_prior"):
        selection_model(incomplete, gamma1_prior=(0.0, -1.0))
    with pytest.raises(ValueError, match="`y`"):
        selection_model(incomplete.dropna())


@pytest.fixture(scope="module")
def selection_fit():
    """Data simulated from the selection model itself, with gamma on the scale of y."""
    rng = np.random.default_rng(2026)
    n = 1000
    x = rng.normal(size=n)
    y = 0.5 + 1.0 * x + rng.normal(size=n)
    responded = rng.random(n) < expit(1.0 + 1.0 * y)
    data = pd.DataFrame({"x": x, "y": np.where(responded, y, np.nan)})
    model = selection_model(data, center=0.0, scale=1.0)
    fit = sample(model, draws=500, tune=500, chains=2, seed=7, log_likelihood=False)
    return y, data, fit


def test_selection_model_recovers_the_truth(selection_fit):
    y, data, fit = selection_fit
    post = fit.posterior
    truth = {"alpha": 0.5, "beta": 1.0, "sigma": 1.0, "gamma0": 1.0, "gamma1": 1.0}
    # With the correct model and n = 1000 the posterior is close to normal around an
    # estimate whose sampling sd is about the posterior sd; |z| > 4 has probability
    # 6e-5 per parameter. MCSE (1000 draws) is < 0.05 posterior sd, negligible here.
    for name, value in truth.items():
        z = (post[name].mean().item() - value) / post[name].std().item()
        assert abs(z) < 4, (name, z)
    # The mean of y over all rows: the selection model recovers the complete-data mean,
    # while the mean of the observed values is far off (small y go missing).
    ybar = post["y"].mean("obs")
    z_model = (ybar.mean().item() - y.mean()) / ybar.std().item()
    z_observed = (data["y"].mean() - y.mean()) / ybar.std().item()
    assert abs(z_model) < 4
    assert z_observed > 4
    assert post["y_unobserved"].dims[-1] == "y_missing"
