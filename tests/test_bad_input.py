"""Bad input, tried the same ways on every public function that takes a DataFrame.

Each function must reject what it cannot use with a clear error (naming the
argument), accept what users naturally pass (a ``pd.Index`` or array of
column names) and never modify its input.
"""

from __future__ import annotations

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
        "rubin_pool", "tipping_point", "set_options",
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
    [[True, False] * 78, [np.inf] + [70.0] * 155, ["a"] * 156],
    ids=["bool", "inf", "text"],
)
def test_models_refuse_an_outcome_that_is_not_finite_numbers(column):
    data = schools().assign(score=column)
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
