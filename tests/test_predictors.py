"""hierarchical_model with unit-level predictors, in its three likelihoods.

The sufficient and marginal forms must be the full model's likelihood, not an
approximation of it: their log densities are compared at random parameter
values with the textbook forms (one normal per unit; one multivariate normal
per group with the group intercept integrated out), and must differ from them
by a constant that does not depend on the parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

from companion import hierarchical_model, recover_group_means


def _data(seed=0, sizes=(1, 2, 5, 9, 30)):
    rng = np.random.default_rng(seed)
    group = np.repeat([f"g{j}" for j in range(len(sizes))], sizes)
    n = group.size
    x1 = rng.normal(size=n)
    x2 = rng.integers(0, 2, n).astype(float)
    intercept = dict(zip(np.unique(group), rng.normal(1.0, 0.5, len(sizes)), strict=True))
    y = np.array([intercept[g] for g in group]) + 0.8 * x1 - 0.5 * x2 + rng.normal(0, 0.7, n)
    # An offset of 10^4 tests that the statistics are computed without cancellation.
    return pd.DataFrame({"county": group, "y": y + 1e4, "x1": x1 + 1e4, "x2": x2})


def _model(data, likelihood, **kwargs):
    return hierarchical_model(
        data, group="county", outcome="y", predictors=["x1", "x2"], likelihood=likelihood,
        mu_prior=(1e4, 1e4), **kwargs,
    )  # fmt: skip


def _points(model, rng, k=5):
    """Random values of the model's free variables (on their unconstrained scale)."""
    start = model.initial_point()
    points = []
    for _ in range(k):
        point = {name: value + rng.normal(0, 0.5, np.shape(value)) for name, value in start.items()}
        point["mu"] = 1e4 + rng.normal(0, 1.0)
        point["beta"] = rng.normal(0, 1.0, 2)
        points.append(point)
    return points


def test_sufficient_likelihood_equals_the_full_one_up_to_a_constant():
    data = _data()
    full, sufficient = _model(data, "full"), _model(data, "sufficient")
    f_full = full.compile_fn(full.datalogp)
    f_suff = sufficient.compile_fn(sufficient.datalogp)
    rng = np.random.default_rng(1)
    gaps = [f_full(p) - f_suff(p) for p in _points(full, rng)]
    assert np.ptp(gaps) < 1e-6 * max(1.0, abs(gaps[0]))


def test_marginal_likelihood_is_the_groupwise_multivariate_normal():
    data = _data()
    marginal = _model(data, "marginal")
    f_marg = marginal.compile_fn(marginal.datalogp)
    rng = np.random.default_rng(2)
    gaps = []
    for point in _points(marginal, rng):
        mu, beta = point["mu"], point["beta"]
        tau, sigma = np.exp(point["tau_log__"]), np.exp(point["sigma_log__"])
        exact = 0.0
        for _, rows in data.groupby("county"):
            mean = mu + rows[["x1", "x2"]].to_numpy() @ beta
            cov = sigma**2 * np.eye(len(rows)) + tau**2
            exact += stats.multivariate_normal(mean, cov).logpdf(rows["y"].to_numpy())
        gaps.append(f_marg(point) - exact)
    assert np.ptp(gaps) < 1e-6 * max(1.0, abs(gaps[0]))


def test_group_intercepts_recovered_from_their_exact_conditional():
    data = _data()
    model = _model(data, "marginal")
    values = {"mu": 1e4 + 1.0, "tau": 0.5, "sigma": 0.7}
    beta = np.array([0.8, -0.5])
    draws = 20_000
    posterior = xr.Dataset(
        {name: (("chain", "draw"), np.full((1, draws), v)) for name, v in values.items()}
    ).assign(beta=(("chain", "draw", "predictor"), np.tile(beta, (1, draws, 1))))
    fit = recover_group_means(xr.DataTree.from_dict({"posterior": posterior}), model, seed=3)
    theta = fit.posterior["theta"].to_numpy()[0]
    for j, (_, rows) in enumerate(data.groupby("county", sort=False)):
        n = len(rows)
        residual = (rows["y"] - rows[["x1", "x2"]].to_numpy() @ beta).mean()
        precision = 1 / values["tau"] ** 2 + n / values["sigma"] ** 2
        mean = (values["mu"] / values["tau"] ** 2 + n * residual / values["sigma"] ** 2) / precision
        sd = precision**-0.5
        # 20,000 draws: the sample mean is within 4 standard errors, the sd within 4%.
        assert abs(theta[:, j].mean() - mean) < 4 * sd / np.sqrt(draws)
        assert theta[:, j].std() == pytest.approx(sd, rel=0.04)


def test_model_structure_and_input_unchanged():
    data = _data()
    before = data.copy()
    model = _model(data, "full")
    assert model.coords["predictor"] == ("x1", "x2")
    assert {"beta", "theta", "mu", "tau", "sigma"} <= set(model.named_vars)
    pd.testing.assert_frame_equal(data, before)
    one = hierarchical_model(data, group="county", outcome="y", predictors="x2")
    assert one.coords["predictor"] == ("x2",)
    index = hierarchical_model(data, group="county", outcome="y", predictors=data.columns[2:])
    assert index.coords["predictor"] == ("x1", "x2")


@pytest.mark.parametrize(
    ("change", "kwargs", "match"),
    [
        (lambda d: d.assign(x1=np.where(d.index == 3, np.nan, d["x1"])), {}, "missing values"),
        (lambda d: d.assign(x1="a"), {}, "must be numeric"),
        (lambda d: d.assign(x1=1.0), {}, r"\['x1'\] are constant"),
        (lambda d: d, {"predictors": ["x1", "x1"]}, "repeats a column"),
        (lambda d: d, {"predictors": ["x1", "y"]}, "group or outcome column"),
        (lambda d: d, {"predictors": ["nope"]}, r"not in `data`: \['nope'\]"),
        (lambda d: d, {"beta_prior": None}, "not flat"),
    ],
)
def test_bad_predictors_are_named(change, kwargs, match):
    arguments = {"group": "county", "outcome": "y", "predictors": ["x1", "x2"], **kwargs}
    with pytest.raises(ValueError, match=match):
        hierarchical_model(change(_data()), **arguments)


def test_predictors_need_individual_data():
    summaries = pd.DataFrame({"school": list("AB"), "y": [1.0, 2.0], "se": [1.0, 1.0]})
    summaries["x"] = [0.0, 1.0]
    with pytest.raises(ValueError, match="`predictors` need individual data"):
        hierarchical_model(summaries, outcome="y", se="se", predictors=["x"])


def _fit_with_predictors():
    rng = np.random.default_rng(4)
    draws = 50_000
    posterior = xr.Dataset(
        {
            "mu": (("chain", "draw"), np.full((1, draws), 1.0)),
            "tau": (("chain", "draw"), np.full((1, draws), 0.5)),
            "sigma": (("chain", "draw"), np.full((1, draws), 0.7)),
            "beta": (("chain", "draw", "predictor"), np.tile([0.8, -0.5], (1, draws, 1))),
            "theta": (("chain", "draw", "county"), rng.normal(2.0, 0.1, (1, draws, 2))),
        },
        coords={"predictor": ["x1", "x2"], "county": ["a", "b"]},
    )
    return xr.DataTree.from_dict({"posterior": posterior})


def test_predictions_for_new_units_add_the_predictors_part():
    from companion import predict_new_group, predict_new_unit

    fit = _fit_with_predictors()
    x = {"x1": 1.0, "x2": 1.0}  # x . beta = 0.3
    new_group = predict_new_group(fit, x=x, seed=1)["y_new"]
    # Mean mu + 0.3, sd sqrt(tau^2 + sigma^2); 50,000 draws: within 4 standard errors.
    sd = np.hypot(0.5, 0.7)
    assert abs(new_group.mean() - 1.3) < 4 * sd / np.sqrt(new_group.size)
    assert new_group.std() == pytest.approx(sd, rel=0.02)
    known = predict_new_unit(fit, "b", group="county", x=x, seed=2)["y_new"]
    sd = np.hypot(0.1, 0.7)
    assert abs(known.mean() - 2.3) < 4 * sd / np.sqrt(known.size)


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (None, TypeError, r"predictors \['x1', 'x2'\]: pass"),
        ({"x1": 1.0}, ValueError, "exactly the predictors"),
        ({"x1": 1.0, "x2": "a"}, TypeError, "x\\['x2'\\]"),
    ],
)
def test_predictions_need_the_new_units_predictors(x, error, match):
    from companion import predict_new_group

    with pytest.raises(error, match=match):
        predict_new_group(_fit_with_predictors(), x=x, seed=1)


def test_predictions_refuse_predictors_for_a_model_without_them():
    from companion import predict_new_group

    fit = _fit_with_predictors()
    fit["posterior"] = fit.posterior.to_dataset().drop_vars("beta")
    with pytest.raises(ValueError, match="no unit-level predictors"):
        predict_new_group(fit, x={"x1": 1.0}, seed=1)
