"""MNAR shifts inside the chained equations: mice(..., delta=...), Mids.rerun, tipping points.

The reference results are exact where the arithmetic allows: ``delta = 0``
must reproduce the MAR run bit for bit; with one incomplete column the shift
inside the chains must equal the shift after the fact (:func:`delta_adjust`)
bit for bit; with two incomplete columns the shift's propagation follows a
recursion whose expectation is computed in closed form.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from companion import delta_adjust, find_tipping_point, nhanes, tipping_point
from companion.missing import fit_ols, mice, pool


@pytest.fixture(scope="module")
def one_incomplete() -> pd.DataFrame:
    """``y`` missing at random given the complete ``x`` and ``w``; the only incomplete column."""
    rng = np.random.default_rng(20)
    n = 200
    x = rng.normal(size=n)
    w = rng.normal(size=n)
    y = 1.0 + 0.8 * x - 0.3 * w + rng.normal(scale=0.7, size=n)
    missing = rng.uniform(size=n) < 1 / (1 + np.exp(-(x - 0.5)))
    return pd.DataFrame({"x": x, "y": np.where(missing, np.nan, y), "w": w})


# --------------------------------------------------------------------------- exact identities
@pytest.mark.parametrize("method", ["pmm", "norm"])
def test_delta_zero_reproduces_the_mar_run_exactly(method):
    data = nhanes()
    mar = mice(data, m=3, maxit=4, method=method, seed=5)
    zero = mice(data, m=3, maxit=4, method=method, seed=5, delta={"chl": 0.0, "bmi": 0.0})
    for column in mar.imp:
        pd.testing.assert_frame_equal(zero.imp[column], mar.imp[column])
        np.testing.assert_array_equal(zero.chain_mean[column], mar.chain_mean[column])
    assert dict(zero.delta) == {"chl": 0.0, "bmi": 0.0} and dict(mar.delta) == {}
    # rerun: the same chains again, with or without a zero shift
    for again in (mar.rerun(), mar.rerun({"chl": 0.0}), mar.iterate(2).rerun()):
        for column in mar.imp:
            expected = mar.iterate(2).imp[column] if again.iterations == 6 else mar.imp[column]
            pd.testing.assert_frame_equal(again.imp[column], expected)


def test_rerun_equals_mice_with_delta_and_a_shifted_run_differs():
    data = nhanes()
    direct = mice(data, m=2, maxit=3, seed=8, delta={"chl": -25.0})
    rerun = mice(data, m=2, maxit=3, seed=8).rerun({"chl": -25.0})
    for column in direct.imp:
        pd.testing.assert_frame_equal(rerun.imp[column], direct.imp[column])
    assert not rerun.imp["bmi"].equals(mice(data, m=2, maxit=3, seed=8).imp["bmi"])


@pytest.mark.parametrize("method", ["norm", "pmm"])
def test_one_incomplete_column_inside_equals_after_the_fact_exactly(one_incomplete, method):
    # Nothing is imputed from y, so the shifted values feed no model: the chains
    # consume the same random numbers and draw the same values, then add delta.
    # The two sides are the same floating-point sum (draw + delta): equal bit for bit.
    mar = mice(one_incomplete, m=4, maxit=3, method=method, seed=21)
    inside = mice(one_incomplete, m=4, maxit=3, method=method, seed=21, delta={"y": -1.5})
    after = delta_adjust(mar.completed(), one_incomplete, {"y": -1.5})
    for chained, shifted in zip(inside.completed(), after, strict=True):
        pd.testing.assert_frame_equal(chained, shifted)
    # The chain means move by exactly delta (to rounding of a mean of n values).
    np.testing.assert_allclose(inside.chain_mean["y"], mar.chain_mean["y"] - 1.5, atol=1e-12)


def test_tipping_point_with_a_mids_equals_the_list_form_for_one_incomplete_column(
    one_incomplete,
):
    mar = mice(one_incomplete, m=5, maxit=2, method="norm", seed=22)
    grid = [-4.0, -3.0, -2.0, -1.0, 0.0, 1.0]
    after = tipping_point(mar.completed(), one_incomplete, grid, "y ~ x", "x")
    chained = tipping_point(mar, deltas=grid, formula="y ~ x", term="x")
    assert after.attrs["adjustment"] == "after" and chained.attrs["adjustment"] == "chained"
    assert chained.attrs["columns"] == ["y"]
    numbers = ["estimate", "std_error", "ci_lower", "ci_upper", "df", "fmi", "p_value"]
    # Same completed data sets, different order of the same floating-point operations in
    # nothing but the pooling: equal to rounding.
    np.testing.assert_allclose(chained[numbers], after[numbers], rtol=1e-12, atol=1e-12)
    tip = find_tipping_point(chained)
    assert -3.0 < tip < -2.0  # the slope's interval reaches 0 between delta = -3 and -2
    assert tip == pytest.approx(find_tipping_point(after), abs=1e-10)
    # The delta = 0 row is the pooled MAR analysis of the Mids itself.
    mar_row = pool(fit_ols(mar.completed(), "y ~ x")).loc["x"]
    at_zero = chained.set_index("delta").loc[0.0]
    assert at_zero["estimate"] == pytest.approx(mar_row["estimate"], rel=1e-12)


# --------------------------------------------------------------------------- propagation
def _two_incomplete(rho: float, seed: int) -> pd.DataFrame:
    """Bivariate normal (x, y); a block of rows misses both, the others are complete."""
    rng = np.random.default_rng(seed)
    n = 600
    x = rng.normal(size=n)
    y = rho * x + np.sqrt(1 - rho**2) * rng.normal(size=n)
    both = rng.uniform(size=n) < 0.3
    return pd.DataFrame({"x": np.where(both, np.nan, x), "y": np.where(both, np.nan, 2 * y)})


@pytest.mark.parametrize("rho", [0.6, -0.6])
def test_a_shift_in_y_propagates_to_x_as_the_regressions_imply(rho):
    # x and y are missing together (rows B), observed together elsewhere (rows C). Both
    # imputation models (x on y, y on x, method norm) are fitted on rows C only, so their
    # draws b_t (slope of x on y) and b'_t (slope of y on x) and every random number do not
    # depend on delta. With the same seed the difference between the runs with and without
    # delta is then the same in every row of B and follows (visit order x, y; equal starts)
    #     D_x(t) = b_t D_y(t-1),   D_y(t) = b'_t D_x(t) + delta,   D_y(0) = 0,
    # so D_x(T) = b_T delta (1 + b'_{T-1} b_{T-1} + ...): T - 1 terms, each a product of
    # independent draws whose means are the least-squares slopes b and b' on rows C.
    # Hence E[D_x(T)] = b delta sum_{k<T-1} (b b')^k, E[D_y(T)] = delta sum_{k<T} (b b')^k.
    data = _two_incomplete(rho, seed=30)
    delta, maxit, m = 1.0, 6, 40
    mar = mice(data, m=m, maxit=maxit, method="norm", seed=31)
    shifted = mar.rerun({"y": delta})
    rows_b = data["x"].isna().to_numpy()
    d_x = shifted.imp["x"].to_numpy() - mar.imp["x"].to_numpy()  # (n_B, m)
    d_y = shifted.imp["y"].to_numpy() - mar.imp["y"].to_numpy()
    # Deterministic: one difference per chain, whatever the row (to rounding).
    np.testing.assert_allclose(d_x, np.broadcast_to(d_x[:1], d_x.shape), rtol=0, atol=1e-9)
    np.testing.assert_allclose(d_y, np.broadcast_to(d_y[:1], d_y.shape), rtol=0, atol=1e-9)
    # Observed cells untouched.
    pd.testing.assert_frame_equal(shifted.complete(1)[~rows_b], mar.complete(1)[~rows_b])

    complete = data.dropna()
    b = np.polyfit(complete["y"], complete["x"], 1)[0]  # slope of x on y
    b_prime = np.polyfit(complete["x"], complete["y"], 1)[0]  # slope of y on x
    r = b * b_prime  # the squared sample correlation
    expected_x = b * delta * sum(r**k for k in range(maxit - 1))
    expected_y = delta * sum(r**k for k in range(maxit))
    assert np.sign(expected_x) == np.sign(rho)
    # Monte Carlo error: the m chains give m independent differences; 4 standard errors.
    for observed, expected in ((d_x[0], expected_x), (d_y[0], expected_y)):
        se = observed.std(ddof=1) / np.sqrt(m)
        assert abs(observed.mean() - expected) < 4 * se, (observed.mean(), expected, se)
    # The feedback amplifies the shift of y itself: about delta / (1 - r) > delta.
    assert d_y[0].mean() > 1.2 * delta
    # After the fact, x would not move at all.
    after = delta_adjust(mar.completed(), data, {"y": delta})
    assert all(frame["x"].equals(mar_frame["x"]) for frame, mar_frame in
               zip(after, mar.completed(), strict=True))  # fmt: skip


def test_chained_and_after_the_fact_tipping_points_differ_with_two_incomplete_columns():
    data = _two_incomplete(0.6, seed=32)
    mar = mice(data, m=5, maxit=5, method="norm", seed=33)
    grid = [-1.0, 0.0, 1.0]
    after = tipping_point(mar.completed(), data, grid, "x ~ 1", "Intercept", columns=["y"])
    chained = tipping_point(mar, deltas=grid, formula="x ~ 1", term="Intercept", columns=["y"])
    # The mean of x does not move when only y is shifted afterwards ...
    assert np.ptp(after["estimate"]) == pytest.approx(0.0, abs=1e-12)
    # ... but does when y's shift feeds x's imputations (positive correlation: upwards).
    assert np.all(np.diff(chained["estimate"]) > 0)
    assert chained.set_index("delta").loc[0.0, "estimate"] == pytest.approx(
        after.set_index("delta").loc[0.0, "estimate"], rel=1e-12
    )


# --------------------------------------------------------------------------- bad input
def _mixed() -> pd.DataFrame:
    return pd.DataFrame({
        "a": [1.0, np.nan, 3.0, 4.0, 2.0, 5.0],
        "b": pd.Categorical(["x", "y", None, "z", "x", "y"]),
        "c": [0.5, 1.5, 2.5, 3.0, 1.0, 2.0],
    })  # fmt: skip


@pytest.mark.parametrize(
    ("delta", "error", "message"),
    [
        (1.0, TypeError, r"`delta` must be a dict \{column: shift\}"),
        ({"q": 1.0}, ValueError, "`delta` names a column not in `df`: 'q'"),
        ({"c": 1.0}, ValueError, "'c', which is not imputed"),
        ({"b": 1.0}, ValueError, "categorical column 'b'"),
        ({"a": np.inf}, ValueError, r"delta\['a'\]"),
        ({"a": "1"}, TypeError, r"delta\['a'\]"),
    ],
)
def test_bad_delta_is_refused(delta, error, message):
    with pytest.raises(error, match=message):
        mice(_mixed(), m=1, maxit=1, delta=delta, seed=1)
    with pytest.raises(error, match=message):
        mice(_mixed(), m=1, maxit=1, seed=1).rerun(delta)


def test_tipping_point_refuses_bad_mids_calls():
    data = nhanes()
    imputed = mice(data, m=2, maxit=1, seed=2)
    grid = [0.0, 10.0]
    with pytest.raises(TypeError, match="needs `formula`, `term`"):
        tipping_point(imputed, deltas=grid)
    with pytest.raises(ValueError, match="differs from the incomplete data"):
        tipping_point(imputed, data.fillna(0), grid, "chl ~ 1", "Intercept")
    with pytest.raises(ValueError, match="at least 2 imputations"):
        tipping_point(mice(data, m=1, maxit=1, seed=2), None, grid, "chl ~ 1", "Intercept")
    with pytest.raises(TypeError, match="`original` .* is required"):
        tipping_point(imputed.completed(), None, grid, "chl ~ 1", "Intercept")
    with pytest.raises(ValueError, match="categorical column"):
        frame = data.assign(hyp=data["hyp"].map({1.0: "no", 2.0: "yes"}))
        tipping_point(mice(frame, m=2, maxit=1, seed=2), None, grid, "chl ~ 1", "Intercept",
                      columns=["hyp"])  # fmt: skip
    # Given explicitly and equal to the Mids' data, `original` is accepted.
    table = tipping_point(imputed, data, grid, "chl ~ 1", "Intercept", columns=["chl"])
    assert table.attrs["adjustment"] == "chained"
