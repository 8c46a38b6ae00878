"""ampute: proportions, mechanisms (checked by logistic regression), purity, errors."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from companion import ampute
from companion.missing import ampute_probabilities

N = 20_000


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    # Correlated x and y, so that MAR (on x) and MNAR (on y) are distinguishable
    # only by conditioning on x.
    rng = np.random.default_rng(11)
    x = rng.normal(size=N)
    y = 2 + 3 * x + rng.normal(size=N)
    return pd.DataFrame({"x": x, "y": y, "z": rng.normal(size=N)})


@pytest.mark.parametrize("mechanism", ["MCAR", "MAR", "MNAR"])
@pytest.mark.parametrize("prop", [0.1, 0.3, 0.6])
def test_proportion_within_binomial_error(data, mechanism, prop):
    out = ampute(data, ["y"], prop=prop, mechanism=mechanism, seed=1)
    # The probabilities average to prop exactly; the count of removals is a sum
    # of independent Bernoullis with variance <= N prop (1 - prop), so a
    # correct implementation lands within 4 binomial SE with probability > 0.9999.
    se = np.sqrt(prop * (1 - prop) / N)
    assert abs(out["y"].isna().mean() - prop) < 4 * se
    p = ampute_probabilities(data, ["y"], prop=prop, mechanism=mechanism)
    assert p["y"].mean() == pytest.approx(prop, abs=1e-9)


def _logit_z(indicator: pd.Series, predictors: pd.DataFrame) -> pd.Series:
    fit = sm.Logit(indicator.astype(float), sm.add_constant(predictors)).fit(disp=0)
    return fit.tvalues


def test_mar_missingness_unrelated_to_value_given_observed(data):
    out = ampute(data, ["y"], mechanism="MAR", depends_on=["x"], strength=1.5, seed=2)
    missing = out["y"].isna()
    z = _logit_z(missing, data[["x", "y"]])
    # The true logit is linear in x alone, so the y coefficient is exactly 0 and
    # its Wald z is approximately N(0, 1): |z| < 4 fails with probability 6e-5.
    assert abs(z["y"]) < 4
    assert z["x"] > 10
    # ...yet marginally, missing y values are larger: MAR is not MCAR.
    assert _logit_z(missing, data[["y"]])["y"] > 10


def test_mnar_missingness_depends_on_value_itself(data):
    out = ampute(data, ["y"], mechanism="MNAR", strength=1.5, seed=3)
    z = _logit_z(out["y"].isna(), data[["x", "y"]])
    # Here the true logit is linear in y alone: the x coefficient is 0.
    assert z["y"] > 10
    assert abs(z["x"]) < 4


def test_strength_sign_sets_direction(data):
    high = ampute(data, ["z"], mechanism="MNAR", strength=2.0, seed=4)["z"].isna()
    low = ampute(data, ["z"], mechanism="MNAR", strength=-2.0, seed=4)["z"].isna()
    assert data.loc[high, "z"].mean() > 0.5
    assert data.loc[low, "z"].mean() < -0.5


def test_mcar_and_zero_strength_are_constant(data):
    p = ampute_probabilities(data, ["x", "y"], prop=0.2, mechanism="MNAR", strength=0.0)
    assert np.allclose(p.to_numpy(), 0.2)
    p = ampute_probabilities(data, ["x", "y"], prop=0.2)
    assert np.allclose(p.to_numpy(), 0.2)


def test_default_mar_uses_unamputed_columns(data):
    p = ampute_probabilities(data, ["y"], mechanism="MAR")
    # Depends on the mean of standardized x and z: increasing in each.
    expected = ampute_probabilities(data, ["y"], mechanism="MAR", depends_on=["x", "z"])
    assert np.allclose(p, expected)


def test_input_unchanged_and_seeded(data):
    before = data.copy()
    a = ampute(data, prop=0.4, mechanism="MNAR", seed=5)
    b = ampute(data, prop=0.4, mechanism="MNAR", seed=5)
    pd.testing.assert_frame_equal(data, before)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(ampute(data, prop=0.4, mechanism="MNAR", seed=6))
    # Only NaN were introduced: observed cells keep their values.
    kept = a.notna()
    assert (a[kept] == data[kept]).sum().sum() == kept.sum().sum()


def test_existing_missing_values_stay_missing():
    df = pd.DataFrame({"a": [np.nan, 1.0, 2.0, 3.0, 4.0], "b": [1, 2, 3, 4, 5]})
    out = ampute(df, prop=0.5, seed=1)
    assert np.isnan(out.loc[0, "a"])
    assert out["b"].dtype == float


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prop": 1.2}, "prop"),
        ({"prop": 0.0}, "prop"),
        ({"mechanism": "MAR!"}, "mechanism"),
        ({"columns": ["nope"]}, "columns"),
        ({"columns": ["x"], "mechanism": "MAR", "depends_on": ["x"]}, "amputed"),
        ({"columns": ["x"], "depends_on": ["y"]}, "depends_on"),
        ({"columns": ["x"], "mechanism": "MAR", "depends_on": {"y": ["z"]}}, "depends_on"),
        ({"columns": ["x", "y", "z"], "mechanism": "MAR"}, "MAR"),
        ({"strength": float("nan")}, "strength"),
        ({"columns": ["label"]}, "numeric"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    df = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0], "y": [2.0, 1.0, 0.0], "z": [0.0, 1.0, 5.0], "label": ["a", "b", "c"]}
    )
    with pytest.raises(ValueError, match=message):
        ampute(df, **kwargs)


def test_not_a_dataframe():
    with pytest.raises(TypeError, match="df"):
        ampute(np.zeros((3, 2)))
