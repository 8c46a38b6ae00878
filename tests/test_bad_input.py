"""Bad input, tried the same ways on every public function that takes a DataFrame.

Each function must reject what it cannot use with a clear error (naming the
argument), accept what users naturally pass (a ``pd.Index`` or array of
column names) and never modify its input.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import companion
from companion import datasets, hierarchical, missing


def schools() -> pd.DataFrame:
    return datasets.simulate_schools(seed=1)


def regression() -> pd.DataFrame:
    df = datasets.simulate_regression(40, seed=1)
    df.loc[[0, 3, 7], "y"] = np.nan
    return df


def covariate_data() -> pd.DataFrame:
    return datasets.simulate_schools_with_covariate(seed=1)


# (function, builder of valid data, keyword arguments): every call is valid.
FRAME_FUNCTIONS = {
    "ampute": (missing.ampute, lambda: datasets.simulate_regression(30, seed=1), {"seed": 1}),
    "missing_pattern": (missing.missing_pattern, regression, {}),
    "complete_case": (missing.complete_case, regression, {}),
    "drop_empty_rows": (missing.drop_empty_rows, regression, {}),
    "mean_impute": (missing.mean_impute, regression, {}),
    "mice_impute": (missing.mice_impute, regression, {"m": 2, "n_iter": 2, "seed": 1}),
    "mice": (missing.mice, regression, {"m": 2, "maxit": 2, "seed": 1}),
    "regression_imputation_model": (missing.regression_imputation_model, regression, {}),
    "selection_model": (missing.selection_model, regression, {}),
    "hierarchical_model": (hierarchical.hierarchical_model, schools, {}),
    "complete_pooling_model": (hierarchical.complete_pooling_model, schools, {}),
    "no_pooling_model": (hierarchical.no_pooling_model, schools, {}),
    "hierarchical_covariate_model": (hierarchical.hierarchical_covariate_model, covariate_data, {}),
    "group_summaries": (hierarchical.group_summaries, schools, {}),
    "group_covariate": (hierarchical.group_covariate, covariate_data, {"covariate": "w"}),
}
IDS = list(FRAME_FUNCTIONS)


@pytest.mark.parametrize("name", IDS)
def test_valid_data_works_and_is_not_modified(name):
    function, build, kwargs = FRAME_FUNCTIONS[name]
    data = build()
    before = data.copy(deep=True)
    function(data, **kwargs)
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("name", IDS)
@pytest.mark.parametrize("bad", [None, [[1.0, 2.0]], "data.csv", np.zeros((3, 2))], ids=str)
def test_something_that_is_not_a_data_frame_is_a_type_error(name, bad):
    function, _, kwargs = FRAME_FUNCTIONS[name]
    with pytest.raises(TypeError, match=r"DataFrame"):
        function(bad, **kwargs)


@pytest.mark.parametrize("name", IDS)
def test_an_empty_data_frame_is_a_value_error(name):
    function, build, kwargs = FRAME_FUNCTIONS[name]
    empty = build().iloc[:0]
    with pytest.raises(ValueError):
        function(empty, **kwargs)


@pytest.mark.parametrize("name", IDS)
def test_duplicate_column_names_are_refused(name):
    function, build, kwargs = FRAME_FUNCTIONS[name]
    data = build()
    doubled = pd.concat([data, data.iloc[:, [-1]]], axis=1)
    with pytest.raises(ValueError, match=r"duplicate"):
        function(doubled, **kwargs)


COLUMN_FUNCTIONS = {
    "ampute": (
        missing.ampute,
        lambda: datasets.simulate_regression(30, seed=1),
        ["y"],
        {"seed": 1},
    ),
    "missing_pattern": (missing.missing_pattern, regression, ["x", "y"], {}),
    "complete_case": (missing.complete_case, regression, ["x", "y"], {}),
    "mean_impute": (missing.mean_impute, regression, ["y"], {}),
}


@pytest.mark.parametrize("name", list(COLUMN_FUNCTIONS))
@pytest.mark.parametrize("kind", ["list", "index", "array", "tuple"])
def test_column_lists_may_be_a_list_an_index_an_array_or_a_tuple(name, kind):
    function, build, columns, kwargs = COLUMN_FUNCTIONS[name]
    data = build()
    given = {"list": list, "index": pd.Index, "array": np.array, "tuple": tuple}[kind](columns)
    expected = function(data, list(columns), **kwargs)
    got = function(data, given, **kwargs)
    if isinstance(expected, tuple):
        expected, got = expected[0], got[0]
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("name", list(COLUMN_FUNCTIONS))
def test_an_unknown_column_is_named_in_the_error(name):
    function, build, _, kwargs = COLUMN_FUNCTIONS[name]
    with pytest.raises(ValueError, match=r"no_such_column"):
        function(build(), ["no_such_column"], **kwargs)


def test_every_top_level_function_is_covered_or_takes_no_frame():
    takes_frames = set(FRAME_FUNCTIONS) | {
        # their first argument is not a DataFrame:
        "eight_schools", "efron_morris", "nhanes", "simulate_regression", "simulate_schools",
        "james_stein", "normal_normal_posterior", "shrinkage_factors", "recover_group_means",
        "group_estimates", "compare_loo", "group_test_statistics", "pareto_k",
        "predict_new_group", "predict_new_unit", "sample", "sample_prior_predictive",
        "sampler_diagnostics", "simulation_based_calibration", "completed_datasets",
        "delta_adjust", "find_tipping_point", "fit_ols", "imputations_needed", "pool",
        "rubin_pool", "tipping_point", "set_options", "pool_compare", "pool_r_squared",
        "beta_binomial_posterior", "gamma_poisson_posterior",
    }  # fmt: skip
    functions = {n for n in companion.__all__ if callable(getattr(companion, n))}
    assert functions <= takes_frames, sorted(functions - takes_frames)


# (function, valid call as a function of keyword overrides)
SEEDED = {
    "simulate_schools": lambda **kw: datasets.simulate_schools(**kw),
    "simulate_regression": lambda **kw: datasets.simulate_regression(20, **kw),
    "simulate_schools_with_covariate": lambda **kw: datasets.simulate_schools_with_covariate(**kw),
    "ampute": lambda **kw: missing.ampute(datasets.simulate_regression(20, seed=1), **kw),
    "mice_impute": lambda **kw: missing.mice_impute(regression(), m=2, n_iter=1, **kw),
}


@pytest.mark.parametrize("name", list(SEEDED))
@pytest.mark.parametrize(
    ("seed", "error"),
    [("1", TypeError), (1.5, TypeError), (True, TypeError), (-1, ValueError)],
    ids=["str", "float", "bool", "negative"],
)
def test_a_bad_seed_is_refused_naming_seed(name, seed, error):
    with pytest.raises(error, match=r"`seed`"):
        SEEDED[name](seed=seed)


@pytest.mark.parametrize("name", list(SEEDED))
def test_numpy_integer_seeds_and_generators_reproduce(name):
    first = SEEDED[name](seed=np.int64(3))
    again = SEEDED[name](seed=np.random.default_rng(3))
    same = SEEDED[name](seed=3)
    unwrap = (lambda r: r[0]) if isinstance(first, tuple) else (lambda r: r)
    if isinstance(unwrap(first), list):  # mice_impute: m completed data sets
        for a, b in zip(unwrap(first), unwrap(same), strict=True):
            pd.testing.assert_frame_equal(a, b)
    else:
        pd.testing.assert_frame_equal(unwrap(first), unwrap(same))
    assert again is not None


@pytest.mark.parametrize("prop", [-0.1, 0.0, 1.0, 1.5, float("nan"), "0.3", True])
def test_ampute_refuses_a_proportion_outside_zero_one(prop):
    data = datasets.simulate_regression(20, seed=1)
    with pytest.raises((TypeError, ValueError), match=r"`prop`"):
        missing.ampute(data, ["y"], prop=prop, seed=1)


@pytest.mark.parametrize("m", [0, -2, 2.5, "5", True])
def test_mice_impute_refuses_a_bad_number_of_imputations(m):
    with pytest.raises((TypeError, ValueError), match=r"`m`"):
        missing.mice_impute(regression(), m=m, n_iter=1, seed=1)


@pytest.mark.parametrize(
    "column",
    [
        lambda n: [True, False] * (n // 2),
        lambda n: [np.inf] + [70.0] * (n - 1),
        lambda n: ["a"] * n,
    ],
    ids=["bool", "inf", "text"],
)
def test_models_refuse_an_outcome_that_is_not_finite_numbers(column):
    data = schools()
    data = data.assign(score=column(len(data)))
    for build in (
        hierarchical.hierarchical_model,
        hierarchical.complete_pooling_model,
        hierarchical.no_pooling_model,
    ):
        with pytest.raises((TypeError, ValueError), match=r"score|outcome"):
            build(data)


@pytest.mark.parametrize("name", [n for n in companion.plots.__all__ if n.startswith("plot_")])
@pytest.mark.parametrize("bad", [None, "results", 3, {}], ids=["None", "str", "int", "empty"])
def test_plots_refuse_what_is_not_a_computed_result(name, bad):
    # A clear error naming the argument, not an error from deep inside pandas.
    function = getattr(companion.plots, name)
    import inspect

    first = next(iter(inspect.signature(function).parameters))
    extra = {}
    if name == "plot_new_group_prediction":  # two results; the second is valid-looking
        extra = {"new_group": pd.DataFrame({"theta_new": [1.0], "y_new": [1.0]})}
    if name == "plot_prior_predictive":  # the fit, then valid-looking spreads
        extra = {"spread": [1.0, 2.0], "observed_spread": 1.5}
    with pytest.raises((TypeError, ValueError), match=rf"`{first}"):
        function(bad, **extra)


def test_missing_pattern_refuses_columns_named_like_its_counts():
    data = pd.DataFrame({"rows": [1.0, np.nan], "y": [np.nan, 2.0]})
    with pytest.raises(ValueError, match=r"rename them"):
        missing.missing_pattern(data)


def test_mice_impute_names_a_constant_column_instead_of_a_singular_matrix():
    data = regression().assign(k=1.0)
    with pytest.raises(ValueError, match=r"constant column\(s\): k"):
        missing.mice_impute(data, m=2, n_iter=1, seed=1)


def test_mnar_amputation_refuses_infinite_values_and_handles_huge_ones():
    data = datasets.simulate_regression(400, seed=1)
    with pytest.raises(ValueError, match=r"infinite"):
        missing.ampute(data.assign(y=np.r_[np.inf, data["y"].iloc[1:]]), ["y"],
                       mechanism="MNAR", seed=1)  # fmt: skip
    small = missing.ampute(data, ["y"], mechanism="MNAR", seed=1)
    huge = missing.ampute(data.assign(y=data["y"] * 1e300), ["y"], mechanism="MNAR", seed=1)
    # The score is scale-free: the same rows go missing, and still MNAR (not MCAR).
    pd.testing.assert_series_equal(small["y"].isna(), huge["y"].isna())


def test_fit_ols_refuses_zero_residual_degrees_of_freedom():
    two = pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 3.0]})
    with pytest.raises(ValueError, match=r"no residual degrees of freedom"):
        missing.fit_ols([two, two], "y ~ x")


@pytest.mark.parametrize("bounds", [(np.nan, 1.0), (2.0, 1.0)], ids=["nan", "swapped"])
def test_find_tipping_point_refuses_bad_interval_bounds(bounds):
    table = pd.DataFrame({"delta": [-1.0, 0.0, 1.0], "estimate": [0.5, 1.0, 1.5],
                          "ci_lower": [-0.5, 0.5, bounds[0]],
                          "ci_upper": [1.5, 1.5, bounds[1]]})  # fmt: skip
    with pytest.raises(ValueError, match=r"ci_lower|interval bounds"):
        missing.find_tipping_point(table)


@pytest.mark.parametrize(
    "call",
    [
        lambda: missing.mice_impute(regression(), m=10**9, seed=1),
        lambda: missing.mice_impute(regression(), m=2, n_iter=10**9, seed=1),
        lambda: datasets.simulate_regression(10**12, seed=1),
    ],
    ids=["mice m", "mice n_iter", "simulate n"],
)
def test_enormous_counts_are_refused_before_any_work(call):
    with pytest.raises(ValueError, match=r"more than the"):
        call()


# --------------------------------------------------------------------------- numeric arguments
# Every numeric argument of every public function, tried with what it cannot
# mean: NaN, infinity, booleans, text and, by kind, values out of range. Each
# call is valid with the argument at its default; ``call(value)`` passes the
# bad value. The error must name the argument.


def _fake_fit():
    from arviz import from_dict

    rng = np.random.default_rng(3)
    return from_dict(
        {"posterior": {"theta": rng.normal(size=(2, 50, 4)), "mu": rng.normal(size=(2, 50)),
                       "tau": rng.gamma(2.0, size=(2, 50)), "sigma": rng.gamma(2.0, size=(2, 50))}},
        coords={"school": list("abcd")},
        dims={"theta": ["school"]},
    )  # fmt: skip


def _imputed():
    return missing.mice_impute(regression(), m=2, n_iter=2, seed=1)


def _sbc_model():
    return hierarchical.hierarchical_model(datasets.eight_schools(), outcome="y", se="sigma")


def _ranks():
    rng = np.random.default_rng(4)
    return pd.DataFrame({"mu": rng.integers(0, 100, 200)})


REAL = [float("nan"), float("inf"), True, "1.0"]
PROBABILITY = [*REAL, 0.0, 1.0, -0.1, 1.5]
POSITIVE = [*REAL, 0.0, -1.0]
COUNT = [0, -1, 2.5, True, "5"]

NUMERIC_ARGUMENTS = {
    # name: (argument, bad values, call)
    "simulate_regression(n)": ("n", COUNT, lambda v: datasets.simulate_regression(v, seed=1)),
    "simulate_regression(alpha)": ("alpha", REAL,
                                   lambda v: datasets.simulate_regression(10, alpha=v)),
    "simulate_regression(beta)": ("beta", REAL, lambda v: datasets.simulate_regression(10, beta=v)),
    "simulate_regression(sigma)": ("sigma", POSITIVE,
                                   lambda v: datasets.simulate_regression(10, sigma=v)),
    "simulate_schools(mu)": ("mu", REAL, lambda v: datasets.simulate_schools(mu=v)),
    "simulate_schools(tau)": ("tau", [*REAL, -1.0], lambda v: datasets.simulate_schools(tau=v)),
    "simulate_schools(sigma)": ("sigma", POSITIVE, lambda v: datasets.simulate_schools(sigma=v)),
    "simulate_schools_with_covariate(beta)": (
        "beta", REAL, lambda v: datasets.simulate_schools_with_covariate(beta=v)),
    "simulate_schools_with_covariate(sigma)": (
        "sigma", POSITIVE, lambda v: datasets.simulate_schools_with_covariate(sigma=v)),
    "ampute(prop)": ("prop", PROBABILITY, lambda v: missing.ampute(regression(), ["y"], prop=v)),
    "ampute(strength)": ("strength", REAL, lambda v: missing.ampute(
        regression(), ["y"], mechanism="MAR", depends_on=["x"], strength=v)),
    "ampute_groups(prop)": ("prop", PROBABILITY,
                            lambda v: hierarchical.ampute_groups(covariate_data(), "w", prop=v)),
    "ampute_groups(strength)": ("strength", REAL, lambda v: hierarchical.ampute_groups(
        covariate_data(), "w", mechanism="MNAR", strength=v)),
    "normal_normal_posterior(grid_size)": ("grid_size", COUNT, lambda v:
        hierarchical.normal_normal_posterior([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], grid_size=v)),
    "normal_normal_posterior(y)": ("y", [[1.0, 2.0, float("nan")], [1.0, 2.0, float("inf")]],
        lambda v: hierarchical.normal_normal_posterior(v, [1.0, 1.0, 1.0])),
    "normal_normal_posterior(sigma)": ("sigma", [[1.0, 1.0, 0.0], [1.0, 1.0, float("nan")]],
        lambda v: hierarchical.normal_normal_posterior([1.0, 2.0, 3.0], v)),
    "shrinkage_factors(tau)": ("tau", [*REAL, -1.0],
                               lambda v: hierarchical.shrinkage_factors(10.0, tau=v, n=[5, 10])),
    "shrinkage_factors(sigma)": ("sigma", [float("nan"), -1.0, 0.0],
                                 lambda v: hierarchical.shrinkage_factors(v, tau=5.0)),
    "james_stein(sigma)": ("sigma", POSITIVE,
                           lambda v: hierarchical.james_stein([1.0, 2.0, 3.0, 4.0], v)),
    "group_estimates(prob)": ("prob", PROBABILITY,
                              lambda v: hierarchical.group_estimates({"a": _fake_fit()}, prob=v)),
    "group_summary(level)": ("level", PROBABILITY,
                             lambda v: hierarchical.group_summary(_fake_fit(), level=v)),
    "rank_summary(level)": ("level", PROBABILITY,
                            lambda v: hierarchical.rank_summary(_fake_fit(), level=v)),
    "posterior_shrinkage(sigma)": ("sigma", POSITIVE, lambda v:
        hierarchical.posterior_shrinkage(_fake_fit(), [5, 5, 5, 5], sigma=v)),
    "group_summaries(sigma)": ("sigma", POSITIVE,
                               lambda v: hierarchical.group_summaries(schools(), sigma=v)),
    "sample(draws)": ("draws", COUNT, lambda v: companion.sample(_sbc_model(), draws=v)),
    "sample(tune)": ("tune", [-1, 2.5, True, "5"],
                     lambda v: companion.sample(_sbc_model(), tune=v)),
    "sample(chains)": ("chains", COUNT, lambda v: companion.sample(_sbc_model(), chains=v)),
    "sample_prior_predictive(draws)": ("draws", COUNT,
                                       lambda v: companion.sample_prior_predictive(_sbc_model(),
                                                                                   draws=v)),
    "simulation_based_calibration(n_replicates)": ("n_replicates", COUNT, lambda v:
        companion.simulation_based_calibration(_sbc_model(), n_replicates=v)),
    "simulation_based_calibration(n_draws)": ("n_draws", COUNT, lambda v:
        companion.simulation_based_calibration(_sbc_model(), n_draws=v)),
    "simulation_based_calibration(thin)": ("thin", COUNT, lambda v:
        companion.simulation_based_calibration(_sbc_model(), thin=v)),
    "binned_ranks(bins)": ("bins", COUNT, lambda v: companion.inference.binned_ranks(
        _ranks(), bins=v, n_draws=99)),
    "rank_uniformity_test(bins)": ("bins", COUNT, lambda v:
        companion.inference.rank_uniformity_test(_ranks(), bins=v, n_draws=99)),
    "mice_impute(n_iter)": ("n_iter", COUNT,
                            lambda v: missing.mice_impute(regression(), m=2, n_iter=v)),
    "mice_impute(donors)": ("donors", COUNT,
                            lambda v: missing.mice_impute(regression(), m=2, n_iter=2, donors=v)),
    "pool(level)": ("level", PROBABILITY,
                    lambda v: missing.pool(missing.fit_ols(_imputed(), "y ~ x"), level=v)),
    "pool_estimates(level)": ("level", PROBABILITY, lambda v: missing.pool_estimates(
        {"b": [1.0, 1.2]}, {"b": [0.1, 0.1]}, level=v)),
    "pool_estimates(df_complete)": ("df_complete", [float("nan"), -1.0, 0.0, True, "5"],
        lambda v: missing.pool_estimates({"b": [1.0, 1.2]}, {"b": [0.1, 0.1]}, v)),
    "rubin_pool(estimates)": ("estimates", [[1.0, float("nan")], [1.0, float("inf")]],
                              lambda v: missing.rubin_pool(v, [0.1, 0.1])),
    "rubin_pool(variances)": ("variances", [[0.1, float("nan")], [0.1, -0.1]],
                              lambda v: missing.rubin_pool([1.0, 1.2], v)),
    "barnard_rubin_df(lambda_)": ("lambda_", [float("nan"), -0.1, 1.5, True, "0.5"],
                                  lambda v: missing.barnard_rubin_df(v, 5)),
    "barnard_rubin_df(m)": ("m", [1, 0, 2.5, True, "5"],
                            lambda v: missing.barnard_rubin_df(0.3, v)),
    "imputations_needed(fmi)": ("fmi", PROBABILITY, lambda v: missing.imputations_needed(v)),
    "imputations_needed(cv)": ("cv", POSITIVE, lambda v: missing.imputations_needed(0.3, cv=v)),
    "delta_adjust(delta)": ("delta", REAL,
                            lambda v: missing.delta_adjust(_imputed(), regression(), v)),
    "delta_adjust(scale)": ("scale", POSITIVE,
                            lambda v: missing.delta_adjust(_imputed(), regression(), 0.0, scale=v)),
    "tipping_point(level)": ("level", PROBABILITY, lambda v: missing.tipping_point(
        _imputed(), regression(), [0.0, 1.0], "y ~ x", "x", level=v)),
    "tipping_point(null)": ("null", REAL, lambda v: missing.tipping_point(
        _imputed(), regression(), [0.0, 1.0], "y ~ x", "x", null=v)),
    "tipping_point(deltas)": ("deltas", [[0.0, float("nan")], [0.0, float("inf")]],
        lambda v: missing.tipping_point(_imputed(), regression(), v, "y ~ x", "x")),
    "selection_model(center)": ("center", REAL,
                                lambda v: missing.selection_model(regression(), center=v)),
    "selection_model(scale)": ("scale", POSITIVE,
                               lambda v: missing.selection_model(regression(), scale=v)),
    "selection_model(gamma1_prior)": ("gamma1_prior", [(0.0, float("nan")), (0.0, -1.0),
                                      (float("inf"), 1.0), (0.0,)],
                                      lambda v: missing.selection_model(regression(),
                                                                        gamma1_prior=v)),
    "hierarchical_model(mu_prior)": ("mu_prior", [(75.0, float("nan")), (float("inf"), 10.0),
                                     (75.0, -1.0), (75.0,), "wide"],
                                     lambda v: hierarchical.hierarchical_model(schools(),
                                                                               mu_prior=v)),
    "hierarchical_model(tau_prior)": ("tau_prior", [("half-normal", float("nan")),
                                      ("half-normal", -1.0), ("half-t", 5.0), "flat"],
                                      lambda v: hierarchical.hierarchical_model(schools(),
                                                                                tau_prior=v)),
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, (_, values, _) in NUMERIC_ARGUMENTS.items() for value in values],
    ids=lambda x: repr(x) if not isinstance(x, str) or "(" not in x else x,
)
def test_numeric_arguments_refuse_nan_inf_booleans_text_and_values_out_of_range(name, value):
    argument, _, call = NUMERIC_ARGUMENTS[name]
    with pytest.raises((ValueError, TypeError)) as error:
        call(value)
    assert argument in str(error.value), f"{name}={value!r}: {error.value}"


@pytest.mark.parametrize("name", list(NUMERIC_ARGUMENTS))
def test_each_numeric_argument_call_is_valid_at_a_good_value(name):
    # The battery above proves something only if the same call with a good
    # value does not raise: a typo in the call would otherwise pass it.
    argument, _, call = NUMERIC_ARGUMENTS[name]
    good = {
        "n": 10,
        "grid_size": 101,
        "draws": None,
        "tune": None,
        "chains": None,
        "n_replicates": None,
        "n_draws": None,
        "thin": None,
        "bins": 10,
        "n_iter": 2,
        "donors": 3,
        "m": 5,
        "lambda_": 0.3,
        "fmi": 0.3,
        "df_complete": 30.0,
        "y": [1.0, 2.0, 3.0],
        "sigma": 2.0,
        "estimates": [1.0, 1.2],
        "variances": [0.1, 0.1],
        "deltas": [0.0, 1.0],
        "gamma1_prior": (0.0, 1.0),
        "mu_prior": (75.0, 10.0),
        "tau_prior": ("half-normal", 10.0),
        "tau": 5.0,
        "scale": 2.0,
        "cv": 0.1,
    }.get(argument, 0.5)
    if good is None:
        pytest.skip(f"a valid `{argument}` starts sampling; its bad values are checked above")
    if name.startswith("normal_normal_posterior(sigma)"):
        good = [1.0, 1.0, 1.0]
    call(good)


@pytest.mark.parametrize("name", IDS)
@pytest.mark.parametrize("labels", ["categories", "strings"])
def test_a_one_row_frame_works_or_is_refused_with_a_value_error(name, labels):
    # One row is valid data for some functions (a pattern, an amputation) and
    # too little for others; either way, never an error from inside numpy,
    # pandas or PyMC.
    function, build, kwargs = FRAME_FUNCTIONS[name]
    data = build()
    if labels == "strings" and "school" in data:
        data = data.astype({"school": str})
    try:
        function(data.iloc[:1], **kwargs)
    except ValueError as error:
        assert re.search(r"row|group|observed|values", str(error)), str(error)
