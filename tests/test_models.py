"""Pooling models: structure, labels, priors, input validation and sampling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from companion import (
    complete_pooling_model,
    eight_schools,
    hierarchical_model,
    no_pooling_model,
    sample,
    sample_prior_predictive,
    simulate_schools,
)
from companion.hierarchical import grouped_data

SCORES = simulate_schools(seed=5)
SCHOOLS = eight_schools()
SUMMARY = {"outcome": "y", "se": "sigma"}


def test_individual_data_are_labelled_by_school():
    model = hierarchical_model(SCORES)
    assert model.coords["school"] == tuple(SCORES["school"].cat.categories)
    assert len(model.coords["obs"]) == len(SCORES)
    assert model.named_vars_to_dims["theta"] == ("school",)
    assert model.named_vars_to_dims["y"] == ("obs",)


def test_group_index_follows_the_labels():
    data = pd.DataFrame({"g": ["b", "a", "b", "c"], "v": [1.0, 2.0, 3.0, 4.0]})
    d = grouped_data(data, group="g", outcome="v")
    assert d.groups.tolist() == ["b", "a", "c"]  # order of appearance
    assert d.group_idx.tolist() == [0, 1, 0, 2]
    assert np.allclose(d.group_means(), [2.0, 2.0, 4.0])
    ordered = grouped_data(data, group="g", outcome="v", groups=["a", "b", "c"])
    assert ordered.group_idx.tolist() == [1, 0, 1, 2]


def test_summary_data_use_known_standard_errors():
    model = hierarchical_model(SCHOOLS, **SUMMARY)
    assert "sigma" not in model.named_vars  # known, not estimated
    assert np.array_equal(model["se"].get_value(), SCHOOLS["sigma"].to_numpy(float))
    assert model.named_vars_to_dims["y"] == ("school",)


@pytest.mark.parametrize(
    ("parameterization", "free"),
    [("centered", {"mu", "tau", "theta", "sigma"}), ("noncentered", {"mu", "tau", "z", "sigma"})],
)
def test_parameterizations_differ_only_in_free_variables(parameterization, free):
    model = hierarchical_model(SCORES, parameterization=parameterization)
    assert {v.name for v in model.free_RVs} == free
    assert "theta" in model.named_vars


def test_priors_are_the_ones_asked_for():
    import pymc as pm

    model = hierarchical_model(
        SCORES, mu_prior=(70, 10), tau_prior=("half-cauchy", 5), sigma_prior="uniform"
    )
    point = {"mu": 70.0, "tau_log__": np.log(5.0), "sigma_log__": 0.0, "z": np.zeros(8)}
    logp = model.compile_logp(vars=[model["mu"], model["tau"], model["sigma"]], sum=False)(point)
    # Normal(70, 10) at its mean; HalfCauchy(5) at 5 (plus log-Jacobian log 5); HalfFlat: 0 + 0.
    assert logp[0] == pytest.approx(-np.log(10 * np.sqrt(2 * np.pi)))
    assert logp[1] == pytest.approx(np.log(2 / (np.pi * 5)) + np.log(0.5) + np.log(5.0))
    assert logp[2] == pytest.approx(0.0)
    assert isinstance(model["mu"].owner.op, type(pm.Normal.dist(0, 1).owner.op))


def test_auto_priors_scale_with_the_data():
    shifted = SCORES.assign(score=SCORES["score"] * 10 + 1000)
    prior = sample_prior_predictive(hierarchical_model(shifted), draws=400, seed=1).prior
    mean = shifted["score"].mean()
    assert abs(float(prior["mu"].mean()) - mean) < 0.5 * shifted["score"].std()


def test_pooled_model_shares_one_mean():
    model = complete_pooling_model(SCORES)
    fn = model.compile_fn(model["theta"], inputs=[model["mu"]], on_unused_input="ignore")
    assert np.allclose(fn({"mu": 3.0}), 3.0) and fn({"mu": 3.0}).shape == (8,)


@pytest.mark.parametrize("builder", [complete_pooling_model, no_pooling_model, hierarchical_model])
@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (SCORES.assign(score=SCORES["score"].where(SCORES.index != 3)), {}, "`outcome` column"),
        (SCORES, {"outcome": "points"}, "`outcome`='points' is not a column"),
        (SCORES, {"group": "class"}, "`group`='class' is not a column"),
        (SCORES, {"groups": ["School 1", "School 2"]}, "unknown group"),
        (SCORES, {"groups": [*SCORES["school"].cat.categories, "School 9"]}, "empty group"),
        (SCHOOLS.assign(sigma=[15, 10, 16, 11, 9, 11, 10, -18]), SUMMARY, "`se` column"),
        (SCHOOLS.assign(sigma=[15, 10, 16, 11, 9, 11, 10, 0]), SUMMARY, "`se` column"),
        (pd.concat([SCHOOLS, SCHOOLS.head(1)]), SUMMARY, "appear more than once"),
        (SCHOOLS.head(0), SUMMARY, "`data` has no rows"),
        (SCORES, {"mu_prior": (70, -1)}, "`mu_prior\\[1\\]"),
        (SCORES, {"sigma_prior": "flat"}, "`sigma_prior` must be"),
    ],
)
def test_bad_input_names_the_problem(builder, data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        builder(data, **kwargs)


def test_empty_category_is_an_error():
    data = SCORES.assign(school=SCORES["school"].cat.add_categories(["School 9"]))
    with pytest.raises(ValueError, match=r"empty group\(s\) \['School 9'\]"):
        hierarchical_model(data)


def test_hierarchical_specific_arguments():
    with pytest.raises(ValueError, match="`parameterization`"):
        hierarchical_model(SCORES, parameterization="centred")
    with pytest.raises(ValueError, match="`tau_prior` must be"):
        hierarchical_model(SCORES, tau_prior=("half-t", 3))
    with pytest.raises(ValueError, match="at least 2 groups"):
        hierarchical_model(SCHOOLS.head(1), **SUMMARY)
    with pytest.raises(TypeError, match="`data` must be a pandas DataFrame"):
        hierarchical_model(SCORES.to_numpy())


@pytest.fixture(scope="module")
def unpooled_fit():
    # Flat priors on theta_j with known standard errors: theta_j | y ~ N(y_j, sigma_j^2) exactly.
    return sample(no_pooling_model(SCHOOLS, mu_prior=None, **SUMMARY), draws=1000, seed=3,
                  posterior_predictive=True)  # fmt: skip


def test_sample_matches_a_closed_form_posterior(unpooled_fit):
    import arviz as az

    theta = unpooled_fit.posterior["theta"]
    # 4 Monte Carlo standard errors (autocorrelation-aware) for means and sds.
    mcse_mean = az.mcse(unpooled_fit, var_names=["theta"])["theta"].to_numpy()
    mcse_sd = az.mcse(unpooled_fit, var_names=["theta"], method="sd")["theta"].to_numpy()
    assert np.all(np.abs(theta.mean(("chain", "draw")) - SCHOOLS["y"].to_numpy()) < 4 * mcse_mean)
    assert np.all(np.abs(theta.std(("chain", "draw")) - SCHOOLS["sigma"].to_numpy()) < 4 * mcse_sd)


def test_sample_adds_what_later_steps_need(unpooled_fit):
    assert unpooled_fit.posterior["theta"].dims == ("chain", "draw", "school")
    assert unpooled_fit.log_likelihood["y"].shape == (4, 1000, 8)
    assert unpooled_fit.posterior_predictive["y"].shape == (4, 1000, 8)
    assert "group_idx" in unpooled_fit.constant_data


def test_sample_is_reproducible():
    model = complete_pooling_model(SCHOOLS, **SUMMARY)
    a = sample(model, draws=20, tune=50, chains=2, seed=9, log_likelihood=False)
    b = sample(model, draws=20, tune=50, chains=2, seed=9, log_likelihood=False)
    assert np.array_equal(a.posterior["mu"], b.posterior["mu"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"draws": 0}, "`draws`"), ({"chains": 1}, "`chains`"), ({"target_accept": 1.2}, "`target_")],
)
def test_sample_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample(complete_pooling_model(SCHOOLS, **SUMMARY), **kwargs)
