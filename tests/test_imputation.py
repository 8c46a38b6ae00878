"""regression_imputation_model, completed_datasets, mean_impute, drop_empty_rows.

One PyMC model is compiled and sampled for the whole file (module fixture):
the classic example, 30% of x and 30% of y missing completely at random.
"""

import arviz_stats as azs
import numpy as np
import pandas as pd
import pytest

from companion import (
    ampute,
    completed_datasets,
    mean_impute,
    regression_imputation_model,
    sample,
    simulate_regression,
)
from companion.missing import DropReport, drop_empty_rows, prior_scales

TRUTH = {"mu_x": 0.0, "sigma_x": 1.0, "alpha": 2.0, "beta": 3.0, "sigma": 1.0}


@pytest.fixture(scope="module")
def data():
    complete = simulate_regression(100, seed=101)
    amputed = ampute(complete, ["x", "y"], prop=0.3, seed=102)
    incomplete, report = drop_empty_rows(amputed, ["x", "y"])
    return complete, amputed, incomplete, report


@pytest.fixture(scope="module")
def fit(data):
    _, _, incomplete, _ = data
    model = regression_imputation_model(incomplete)
    return sample(model, draws=1000, tune=1000, chains=2, seed=103, log_likelihood=False)


def _draws(fit, name):
    """Posterior draws as (chain, draw, ...) numpy arrays."""
    return fit.posterior[name].to_numpy()


def test_data_have_every_pattern(data):
    _, amputed, incomplete, report = data
    both = amputed[["x", "y"]].isna().all(axis=1)
    assert report.n_dropped == int(both.sum()) > 0
    assert incomplete["x"].isna().any() and incomplete["y"].isna().any()
    assert not incomplete[["x", "y"]].isna().all(axis=1).any()


def test_recovers_the_true_parameters(fit):
    # For a calibrated posterior, (posterior mean - truth) / posterior sd is
    # roughly standard normal over data sets; |z| > 4 has probability 6e-5 per
    # parameter, so a failure means the model (or the imputation) is wrong, not
    # bad luck. The seed is fixed, so the test is deterministic anyway.
    for name, truth in TRUTH.items():
        values = _draws(fit, name).ravel()
        z = (values.mean() - truth) / values.std()
        assert abs(z) < 4, (name, values.mean(), values.std())
    beta_sd = _draws(fit, "beta").std()
    assert beta_sd < 0.3  # 30% of x and y missing still leaves a sharp slope


def _pooled_standard_normal_check(z):
    """Mean of z ~ 0 and mean of z^2 ~ 1 within 4 Monte Carlo standard errors.

    ``z`` has shape (chain, draw, k). Given the parameters, the k columns are
    independent N(0, 1) under the correct posterior, so the pooled mean has
    MCSE sqrt(sum_k 1 / ess_k) / k (and likewise for z^2, whose variance is 2).
    """
    k = z.shape[-1]
    ess_z = np.array([float(azs.ess(z[..., j], method="bulk")) for j in range(k)])
    ess_z2 = np.array([float(azs.ess(z[..., j] ** 2, method="bulk")) for j in range(k)])
    mcse_mean = np.sqrt(np.sum(1 / ess_z)) / k
    mcse_square = np.sqrt(2 * np.sum(1 / ess_z2)) / k
    assert abs(z.mean()) < 4 * mcse_mean, (z.mean(), mcse_mean)
    assert abs((z**2).mean() - 1) < 4 * mcse_square, ((z**2).mean(), mcse_square)


def test_imputed_x_has_the_conditional_distribution(fit, data):
    # A missing x_i with observed y_i must be a draw from x | y, theta
    # (the normal regression of x on y), for each posterior draw of theta.
    _, _, incomplete, _ = data
    labels = fit.posterior["x_unobserved"].coords["x_missing"].to_numpy()
    assert list(labels) == list(incomplete.index[incomplete["x"].isna()])
    keep = np.isfinite(incomplete.loc[labels, "y"].to_numpy())
    y = incomplete.loc[labels, "y"].to_numpy()[keep]
    x_draws = _draws(fit, "x_unobserved")[..., keep]
    p = {name: _draws(fit, name)[..., None] for name in TRUTH}
    var_y = p["beta"] ** 2 * p["sigma_x"] ** 2 + p["sigma"] ** 2
    residual = y - p["alpha"] - p["beta"] * p["mu_x"]
    mean = p["mu_x"] + p["beta"] * p["sigma_x"] ** 2 * residual / var_y
    sd = p["sigma_x"] * p["sigma"] / np.sqrt(var_y)
    _pooled_standard_normal_check((x_draws - mean) / sd)


def test_imputed_y_has_the_conditional_distribution(fit, data):
    _, _, incomplete, _ = data
    labels = fit.posterior["y_unobserved"].coords["y_missing"].to_numpy()
    keep = np.isfinite(incomplete.loc[labels, "x"].to_numpy())
    x = incomplete.loc[labels, "x"].to_numpy()[keep]
    y_draws = _draws(fit, "y_unobserved")[..., keep]
    p = {name: _draws(fit, name)[..., None] for name in TRUTH}
    _pooled_standard_normal_check((y_draws - p["alpha"] - p["beta"] * x) / p["sigma"])


def test_deterministic_joins_observed_and_imputed(fit, data):
    _, _, incomplete, _ = data
    x_full = _draws(fit, "x")
    observed = incomplete["x"].notna().to_numpy()
    np.testing.assert_array_equal(
        x_full[..., observed],
        np.broadcast_to(incomplete["x"].to_numpy()[observed], x_full[..., observed].shape),
    )
    np.testing.assert_array_equal(x_full[..., ~observed], _draws(fit, "x_unobserved"))


def test_completed_datasets_fill_exactly_the_missing_cells(fit, data):
    _, _, incomplete, _ = data
    before = incomplete.copy()
    sets = completed_datasets(fit, incomplete, m=4, seed=104)
    pd.testing.assert_frame_equal(incomplete, before)  # input untouched
    x_draws = _draws(fit, "x_unobserved").reshape(-1, int(incomplete["x"].isna().sum()))
    y_draws = _draws(fit, "y_unobserved").reshape(-1, int(incomplete["y"].isna().sum()))
    picked = []
    for completed in sets:
        assert not completed.isna().any().any()
        assert completed.index.equals(incomplete.index)
        observed = incomplete.notna()
        pd.testing.assert_frame_equal(
            completed[observed].dropna(how="all"), incomplete[observed].dropna(how="all")
        )
        filled_x = completed.loc[incomplete["x"].isna(), "x"].to_numpy()
        filled_y = completed.loc[incomplete["y"].isna(), "y"].to_numpy()
        # Both columns come from one and the same posterior draw.
        match = np.flatnonzero((x_draws == filled_x).all(axis=1))
        assert len(match) == 1
        np.testing.assert_array_equal(y_draws[match[0]], filled_y)
        picked.append(int(match[0]))
    assert len(set(picked)) == 4  # distinct draws


def test_completed_datasets_reject_bad_input(fit, data):
    _, _, incomplete, _ = data
    with pytest.raises(ValueError, match="`m`"):
        completed_datasets(fit, incomplete, m=0)
    with pytest.raises(ValueError, match="`m`"):
        completed_datasets(fit, incomplete, m=10**6)
    with pytest.raises(TypeError, match="`df`"):
        completed_datasets(fit, incomplete.to_numpy(), m=2)
    other = incomplete.copy()
    other.loc[other["x"].isna().idxmax(), "x"] = 0.0  # one hole fewer than the fit imputed
    with pytest.raises(ValueError, match="misses"):
        completed_datasets(fit, other, m=2)
    with pytest.raises(ValueError, match="not a column"):
        completed_datasets(fit, incomplete, m=2, columns=["z"])


def test_model_rejects_bad_input(data):
    _, _, incomplete, _ = data
    with pytest.raises(TypeError, match="`df`"):
        regression_imputation_model(incomplete.to_numpy())
    with pytest.raises(ValueError, match="`x` and `y`"):
        regression_imputation_model(incomplete, x="x", y="x")
    with pytest.raises(ValueError, match="`y`='z'"):
        regression_imputation_model(incomplete, y="z")
    with pytest.raises(ValueError, match="two rows"):
        regression_imputation_model(
            pd.DataFrame({"x": [1.0, np.nan, 2.0], "y": [np.nan, 1.0, 3.0]})
        )


def test_model_structure_without_missing_y():
    df = pd.DataFrame({"x": [0.1, np.nan, 1.2, 0.4], "y": [2.0, 1.5, 2.2, 3.1]})
    model = regression_imputation_model(df)
    names = {v.name for v in model.free_RVs}
    assert "x_unobserved" in names and "y_unobserved" not in names
    assert model.coords["x_missing"] == (1,)


def test_prior_scales_follow_the_observed_data():
    x = np.array([1.0, 3.0, np.nan, 5.0])
    y = np.array([np.nan, 2.0, 4.0, 6.0])
    scales = prior_scales(x, y)
    assert scales["mu_x_mu"] == 3.0 and scales["alpha_mu"] == 4.0
    assert scales["beta_sd"] == pytest.approx(2.5 * 2.0 / 2.0)  # 2.5 sd(y) / sd(x)
    assert scales["alpha_sd"] == pytest.approx(2.5 * 2.0 * np.sqrt(1 + (3 / 2) ** 2))


def test_mean_impute_fills_with_the_observed_mean_and_shrinks_the_variance():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 8.0, np.nan], "y": [1.0, 2.0, 3.0, 4.0, 5.0]})
    before = df.copy()
    filled = mean_impute(df)
    pd.testing.assert_frame_equal(df, before)
    assert filled["x"].tolist() == [1.0, 4.0, 3.0, 8.0, 4.0]
    assert filled["y"].equals(df["y"])
    # Exact identity: the filled values add nothing to the sum of squares, so
    # var(filled) = (k - 1) / (n - 1) * var(observed) with k observed of n.
    assert filled["x"].var() == pytest.approx(2 / 4 * df["x"].var())


def test_mean_impute_rejects_bad_input():
    with pytest.raises(TypeError, match="`df`"):
        mean_impute([1.0, np.nan])
    with pytest.raises(ValueError, match="`columns`"):
        mean_impute(pd.DataFrame({"x": [1.0, np.nan]}), ["z"])
    with pytest.raises(ValueError, match="no observed values"):
        mean_impute(pd.DataFrame({"x": [np.nan, np.nan]}), ["x"])
    with pytest.raises(ValueError, match="numeric"):
        mean_impute(pd.DataFrame({"g": ["a", None]}), ["g"])


def test_drop_empty_rows_reports_what_it_drops():
    df = pd.DataFrame(
        {
            "x": [1.0, np.nan, np.nan, 4.0],
            "y": [np.nan, np.nan, 3.0, 4.0],
            "w": [1.0, 2.0, 3.0, np.nan],
        }
    )
    kept, report = drop_empty_rows(df, ["x", "y"])
    assert isinstance(report, DropReport)
    assert kept.index.tolist() == [0, 2, 3]
    assert (report.n_rows, report.n_dropped, report.n_kept) == (4, 1, 3)
    assert report.dropped.tolist() == [1]
    assert report.missing_by_column == {"x": 2, "y": 2}
    assert str(report).startswith("Dropped 1 of 4 rows (25%): all of x, y missing")
    # Over all columns, row 1 still has w, so nothing is dropped.
    assert drop_empty_rows(df)[1].n_dropped == 0
    with pytest.raises(ValueError, match="`columns`"):
        drop_empty_rows(df, ["nope"])
