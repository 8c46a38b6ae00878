"""group_coefficients: bambi's common and group-specific terms added up per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from arviz import from_dict

import companion
from companion.hierarchical import group_coefficients

COUNTIES = ["Aitkin", "Anoka", "Becker"]


def _bambi_like(seed=0):
    rng = np.random.default_rng(seed)
    return from_dict(
        {
            "posterior": {
                "Intercept": rng.normal(size=(2, 5)),
                "floor": rng.normal(size=(2, 5)),
                "sigma": rng.gamma(2.0, size=(2, 5)),
                "1|county": rng.normal(size=(2, 5, 3)),
                "floor|county": rng.normal(size=(2, 5, 3)),
                "1|county_sigma": rng.gamma(2.0, size=(2, 5)),
                "1|state": rng.normal(size=(2, 5, 2)),
            }
        },
        dims={
            "1|county": ["county__factor_dim"],
            "floor|county": ["county__factor_dim"],
            "1|state": ["state__factor_dim"],
        },
        coords={"county__factor_dim": COUNTIES, "state__factor_dim": ["MN", "WI"]},
    )


def test_adds_common_and_group_terms_draw_by_draw():
    fit = _bambi_like()
    post = fit.posterior
    out = group_coefficients(fit, "county").posterior
    assert set(out.data_vars) == {"Intercept", "floor"}
    assert out["floor"].dims == ("chain", "draw", "county")
    assert out["county"].to_numpy().tolist() == COUNTIES
    expected = post["floor|county"].to_numpy() + post["floor"].to_numpy()[..., None]
    np.testing.assert_array_equal(out["floor"].to_numpy(), expected)
    expected = post["1|county"].to_numpy() + post["Intercept"].to_numpy()[..., None]
    np.testing.assert_array_equal(out["Intercept"].to_numpy(), expected)


def test_selects_terms_and_groups_and_leaves_the_fit_alone():
    fit = _bambi_like()
    before = fit.posterior["1|county"].copy()
    only = group_coefficients(fit, "county", terms=["floor"]).posterior
    assert list(only.data_vars) == ["floor"]
    state = group_coefficients(fit, "state").posterior
    assert list(state.data_vars) == ["Intercept"] and state.sizes["state"] == 2
    assert fit.posterior["1|county"].equals(before)
    assert "county" not in fit.posterior.dims


def test_a_varying_term_without_a_common_one_is_its_deviation():
    fit = _bambi_like()
    posterior = fit.posterior.to_dataset().drop_vars("floor")
    out = group_coefficients(xr.DataTree.from_dict({"posterior": posterior}), "county")
    np.testing.assert_array_equal(
        out.posterior["floor"].to_numpy(), posterior["floor|county"].to_numpy()
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"group": "school"}, ValueError, r"no term varying by 'school'.*\['county', 'state'\]"),
        ({"group": ""}, TypeError, "`group` must be a non-empty str"),
        ({"group": "county", "terms": ["log_uranium"]}, ValueError, r"`terms` \['log_uranium'\]"),
        ({"group": "county", "terms": "floor"}, TypeError, "not a single str"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        group_coefficients(_bambi_like(), **kwargs)


def test_refuses_what_is_not_a_fit():
    with pytest.raises(TypeError, match="`fit`"):
        group_coefficients(pd.DataFrame({"a": [1]}), "county")


def test_sample_fits_a_bambi_model_under_the_guard():
    bmb = pytest.importorskip("bambi")
    rng = np.random.default_rng(3)
    county = np.repeat(["a", "b", "c", "d", "e", "f"], 30)
    effect = dict(zip("abcdef", rng.normal(0, 0.5, 6), strict=True))
    x = rng.integers(0, 2, county.size)
    y = 1.0 + np.array([effect[c] for c in county]) - 0.7 * x + rng.normal(0, 0.5, county.size)
    data = pd.DataFrame({"y": y, "x": x, "county": county})
    model = bmb.Model("y ~ x + (1 | county)", data)
    fit = companion.sample(model, draws=500, seed=2, target_accept=0.95, progressbar=False)
    assert {"posterior", "sample_stats", "log_likelihood"} <= set(fit.children)
    assert fit.posterior["1|county"].shape == (4, 500, 6)
    again = companion.sample(model, draws=500, seed=2, target_accept=0.95, progressbar=False)
    np.testing.assert_array_equal(fit.posterior["x"].to_numpy(), again.posterior["x"].to_numpy())
    intercepts = group_coefficients(fit, "county").posterior["Intercept"]
    assert intercepts.sizes["county"] == 6


def test_sample_refuses_what_is_not_a_model():
    with pytest.raises(TypeError, match="`model` must be a pymc.Model or a bambi.Model"):
        companion.sample("y ~ x", draws=10)
