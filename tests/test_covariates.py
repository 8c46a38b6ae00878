"""Several covariates in the regression models: the joint density checked term by term.

Each model's log density (without Jacobians) at an arbitrary point must equal
the sum of the normal, half-normal and Bernoulli log densities its docstring
writes down, computed here with scipy. That is exact, so the tolerance is
floating-point rounding.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from companion import regression_imputation_model, selection_model
from companion.hierarchical.priors import AUTO_WIDTH as W

RNG = np.random.default_rng(7)


def _data(n=12):
    a = RNG.normal(10, 2, n)
    b = 0.5 * a + RNG.normal(0, 1, n)
    y = 1 + 0.3 * a - 0.7 * b + RNG.normal(0, 0.5, n)
    return pd.DataFrame({"a": a, "b": b, "y": y}, index=[f"r{i}" for i in range(n)])


def _moments(values):
    return float(np.nanmean(values)), float(np.nanstd(values, ddof=1))


def _logp(model, point):
    """The model's log density without Jacobians at a point given on the natural scale."""
    values = {}
    for rv in model.free_RVs:
        value_var = model.rvs_to_values[rv]
        transform = model.rvs_to_transforms.get(rv)
        x = np.asarray(point[rv.name], dtype=float)
        values[value_var.name] = np.log(x) if transform is not None else x
    return float(model.compile_logp(jacobian=False)(values))


def test_two_covariates_and_an_outcome_with_missing_values_have_the_documented_density():
    df = _data()
    df.loc[["r1", "r4"], "a"] = np.nan
    df.loc[["r2", "r4", "r7"], "b"] = np.nan
    df.loc[["r3", "r9"], "y"] = np.nan
    model = regression_imputation_model(df, x=["a", "b"], y="y")
    assert model.coords["covariate"] == ("a", "b")
    assert model.coords["covariate_pair"] == ("b | a",)
    assert model.coords["b_missing"] == ("r2", "r4", "r7")

    point = {
        "mu_x": np.array([9.5, 5.2]), "sigma_x": np.array([1.8, 1.1]),
        "lambda_x": np.array([0.9]), "alpha": 0.8, "beta": np.array([0.25, -0.6]),
        "sigma": 0.7, "a_unobserved": np.array([11.0, 8.0]),
        "b_unobserved": np.array([4.0, 6.5, 5.5]), "y_unobserved": np.array([2.0, -1.0]),
    }  # fmt: skip
    a, b, y = (df[c].to_numpy().copy() for c in ("a", "b", "y"))
    (ma, sa), (mb, sb), (my, sy) = _moments(a), _moments(b), _moments(y)
    a[np.isnan(a)] = point["a_unobserved"]
    b[np.isnan(b)] = point["b_unobserved"]
    y[np.isnan(y)] = point["y_unobserved"]
    norm, half = stats.norm.logpdf, stats.halfnorm.logpdf
    expected = (
        norm(point["mu_x"], [ma, mb], [W * sa, W * sb]).sum()
        + half(point["sigma_x"], scale=[W * sa, W * sb]).sum()
        + norm(point["lambda_x"][0], 0, W * sb)
        + norm(point["alpha"], my, W * sy * np.sqrt(1 + (ma / sa) ** 2 + (mb / sb) ** 2))
        + norm(point["beta"], 0, [W * sy / sa, W * sy / sb]).sum()
        + half(point["sigma"], scale=W * sy)
        + norm(a, point["mu_x"][0], point["sigma_x"][0]).sum()
        + norm(
            b, point["mu_x"][1] + point["lambda_x"][0] * (a - ma) / sa, point["sigma_x"][1]
        ).sum()
        + norm(
            y, point["alpha"] + point["beta"][0] * a + point["beta"][1] * b, point["sigma"]
        ).sum()
    )
    assert _logp(model, point) == pytest.approx(expected, rel=1e-10)


def test_three_covariates_condition_each_on_the_ones_before():
    df = _data()
    df["c"] = RNG.normal(0, 3, len(df))
    df.loc["r5", "c"] = np.nan
    model = regression_imputation_model(df, x=pd.Index(["a", "b", "c"]), y="y")
    assert model.coords["covariate_pair"] == ("b | a", "c | a", "c | b")
    assert model["lambda_x"].eval().shape == (3,)


def test_one_covariate_in_a_list_is_the_one_covariate_model():
    df = _data()
    df.loc[["r1", "r6"], "a"] = np.nan
    df.loc["r3", "y"] = np.nan
    scalar = regression_imputation_model(df, x="a", y="y")
    listed = regression_imputation_model(df, x=["a"], y="y")
    assert "covariate_pair" not in scalar.coords
    assert listed.coords["covariate"] == ("a",)
    point = {
        "mu_x": 9.0, "sigma_x": 2.2, "alpha": 1.5, "beta": 0.1, "sigma": 0.9,
        "a_unobserved": np.array([10.0, 12.0]), "y_unobserved": np.array([3.0]),
    }  # fmt: skip
    as_vectors = {k: np.atleast_1d(v) if k in ("mu_x", "sigma_x", "beta") else v
                  for k, v in point.items()}  # fmt: skip
    assert _logp(listed, as_vectors) == pytest.approx(_logp(scalar, point), rel=1e-12)


@pytest.mark.parametrize("response_on_x", [False, True])
def test_selection_model_with_two_covariates_has_the_documented_density(response_on_x):
    df = _data()
    df.loc[["r0", "r5", "r8"], "y"] = np.nan
    model = selection_model(df, x=["a", "b"], y="y", response_on_x=response_on_x)
    assert model.coords["covariate"] == ("a", "b")
    point = {
        "alpha": 0.5, "beta": np.array([0.2, -0.5]), "sigma": 0.6, "gamma0": 1.1,
        "gamma1": -0.4, "y_unobserved": np.array([1.0, 0.0, 2.5]),
    }  # fmt: skip
    if response_on_x:
        point["gamma_x"] = np.array([0.3, -0.2])
    a, b, y = (df[c].to_numpy().copy() for c in ("a", "b", "y"))
    (ma, sa), (mb, sb), (my, sy) = _moments(a), _moments(b), _moments(y)
    responded = ~np.isnan(y)
    y[~responded] = point["y_unobserved"]
    logit = point["gamma0"] + point["gamma1"] * (y - my) / sy
    if response_on_x:
        logit = logit + point["gamma_x"][0] * (a - ma) / sa + point["gamma_x"][1] * (b - mb) / sb
    norm = stats.norm.logpdf
    expected = (
        norm(point["alpha"], my, W * sy * np.sqrt(1 + (ma / sa) ** 2 + (mb / sb) ** 2))
        + norm(point["beta"], 0, [W * sy / sa, W * sy / sb]).sum()
        + stats.halfnorm.logpdf(point["sigma"], scale=W * sy)
        + norm(point["gamma0"], 0, W)
        + norm(point["gamma1"], 0, 1)
        + norm(
            y, point["alpha"] + point["beta"][0] * a + point["beta"][1] * b, point["sigma"]
        ).sum()
        - np.logaddexp(0, np.where(responded, -logit, logit)).sum()  # log expit(±logit)
    )
    if response_on_x:
        expected += norm(point["gamma_x"], 0, W).sum()
    assert _logp(model, point) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("build", [regression_imputation_model, selection_model])
@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        (["a", "a"], "y", "repeats a column"),
        (["a", "y"], "y", "must be different columns"),
        ([], "y", "`x` is empty"),
        (["a", "nope"], "y", r"not in `df`: \['nope'\]"),
        (["a", "sigma"], "y", "clashes with a model variable"),
    ],
)
def test_bad_covariate_lists_are_refused_by_name(build, x, y, match):
    df = _data()
    df.loc["r2", "y"] = np.nan
    df["sigma"] = 1.0
    with pytest.raises(ValueError, match=match):
        build(df, x=x, y=y)


def test_selection_model_names_incomplete_covariates():
    df = _data()
    df.loc["r2", "y"] = np.nan
    df.loc[["r3", "r4"], "b"] = np.nan
    with pytest.raises(ValueError, match=r"\{'b': 2\}.*complete covariates"):
        selection_model(df, x=np.array(["a", "b"]))
