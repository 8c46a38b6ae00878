"""Plots of Part II: they draw computed results, accept ``ax=`` and refuse anything else."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from book.figures.bayesian_imputation import plot_imputed_points
from companion import missing_pattern
from companion.plots import (
    plot_coefficient_intervals,
    plot_imputation_chains,
    plot_imputed_density,
    plot_imputed_strip,
    plot_missing_pattern,
    plot_tipping_point,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def incomplete():
    return pd.DataFrame(
        {"x": [1.0, np.nan, 3.0, 4.0, np.nan], "y": [np.nan, 2.0, 1.0, 5.0, np.nan]}
    )


def test_missing_pattern_draws_the_table_it_is_given(incomplete):
    pattern = missing_pattern(incomplete)
    fig, ax = plt.subplots()
    assert plot_missing_pattern(pattern, ax=ax) is fig
    variables = [c for c in pattern.columns if c not in ("rows", "missing_vars")]
    body = pattern.drop(index="total")
    np.testing.assert_array_equal(ax.images[0].get_array(), body[variables].to_numpy(float))
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(r) for r in body["rows"]]
    margin = [t.get_text() for t in ax.texts]
    assert margin == [str(pattern.loc["total", v]) for v in variables]
    # Missing cells are hatched as well as red: one hatched square per 0 in the table.
    hatched = [(p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches if p.get_hatch()]
    rows, cols = np.nonzero(body[variables].to_numpy() == 0)
    assert sorted(hatched) == sorted(zip(cols.tolist(), rows.tolist(), strict=True))


def test_missing_pattern_refuses_the_data_themselves(incomplete):
    with pytest.raises(ValueError, match=r"`pattern` must be the table of companion"):
        plot_missing_pattern(incomplete)


def test_missing_pattern_refuses_cells_other_than_zero_and_one(incomplete):
    pattern = missing_pattern(incomplete)
    pattern = pattern.astype(float)
    pattern.iloc[0, 0] = 0.5
    with pytest.raises(ValueError, match=r"`pattern` must hold 1 \(observed\) and 0"):
        plot_missing_pattern(pattern)


@pytest.fixture
def tables():
    first = pd.DataFrame(
        {"estimate": [1.0, 2.0], "ci_lower": [0.5, 1.0], "ci_upper": [1.5, 3.0]}, index=["a", "b"]
    )
    return {"first": first, "second": first + 0.25}


def test_coefficient_intervals_draw_on_the_axes_given(tables):
    fig, axes = plt.subplots(1, 2)
    assert plot_coefficient_intervals(tables, ax=axes, truth={"b": 2.0}) is fig
    # first method at the top (y = 1), its interval and estimate for "a" on the first Axes
    interval, point = axes[0].lines[:2]
    np.testing.assert_allclose(interval.get_xdata(), [0.5, 1.5])
    np.testing.assert_allclose(interval.get_ydata(), [1, 1])
    np.testing.assert_allclose(point.get_xdata(), [1.0])
    assert axes[1].get_title() == "b"
    np.testing.assert_allclose(axes[1].lines[-1].get_xdata(), [2.0, 2.0])  # the true value


def test_coefficient_intervals_need_one_axes_per_coefficient(tables):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"`ax` has 1 Axes but there are 2 coefficients"):
        plot_coefficient_intervals(tables, ax=ax)


def test_coefficient_intervals_name_a_coefficient_a_table_lacks(tables):
    with pytest.raises(ValueError, match=r"`tables\['first'\]` has no row\(s\) \['c'\]"):
        plot_coefficient_intervals(tables, ["a", "c"])


def test_tipping_point_draws_on_the_axes_given():
    table = pd.DataFrame(
        {"delta": [-1.0, 0.0], "estimate": [0.0, 1.0], "ci_lower": [-1.0, 0.5], "ci_upper": [1, 2]}
    )
    fig, ax = plt.subplots()
    assert plot_tipping_point(table, tipping=-0.5, ax=ax) is fig
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.0, 1.0])
    with pytest.raises(ValueError, match=r"`table` has no column\(s\) \['ci_upper'\]"):
        plot_tipping_point(table.drop(columns="ci_upper"))


def test_imputed_points_draw_the_summaries_given(incomplete):
    imputed = {
        "x": pd.DataFrame({"mean": [2.5], "lower": [2.0], "upper": [3.5]}, index=[1]),
        "y": pd.DataFrame({"mean": [4.0], "lower": [3.0], "upper": [4.5]}, index=[0]),
    }
    fig, ax = plt.subplots()
    assert plot_imputed_points(incomplete.drop(index=4), imputed, {"line": (0, 1)}, ax=ax) is fig
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["observed", "line", "x imputed", "y imputed"]
    x_imputed = ax.containers[0]  # errorbar container: (points, caps, bars)
    np.testing.assert_allclose(x_imputed.lines[0].get_xydata(), [[2.5, 2.0]])
    horizontal = x_imputed.lines[2][0].get_segments()[0]
    np.testing.assert_allclose(horizontal, [[2.0, 2.0], [3.5, 2.0]])


def test_imputed_points_refuse_a_row_that_was_observed(incomplete):
    imputed = {"x": pd.DataFrame({"mean": [2.5], "lower": [2.0], "upper": [3.5]}, index=[0])}
    with pytest.raises(ValueError, match=r"`imputed\['x'\]` names rows whose x is not missing"):
        plot_imputed_points(incomplete, imputed, {})


def test_imputed_points_refuse_a_summary_without_intervals(incomplete):
    imputed = {"x": pd.DataFrame({"mean": [2.5]}, index=[1])}
    with pytest.raises(ValueError, match=r"`imputed\[.x.\]` has no column\(s\) \[.lower."):
        plot_imputed_points(incomplete, imputed, {})


def test_book_figures_draw_on_the_axes_given_and_count_them():
    from book.figures.bayesian_imputation import plot_coverage
    from book.figures.mechanisms import plot_complete_case_bias, plot_mechanisms
    from book.figures.multiple_imputation import plot_pooled_by_m

    complete = pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [0.5, 1.5, 2.5]})
    amputed = complete.assign(y=[0.5, np.nan, 2.5])
    bias = pd.DataFrame({"scenario": ["s", "s"], "estimand": ["mean", "slope"],
                         "bias": [0.1, -0.2], "bias_mcse": [0.01, 0.3]})  # fmt: skip
    coverage = pd.DataFrame({"scenario": ["s"], "method": ["a"], "coverage": [0.9],
                             "coverage_mcse": [0.03], "mean_estimate": [3.0], "bias": [0.0],
                             "bias_mcse": [0.01]})  # fmt: skip
    by_m = pd.DataFrame({"m": [2, 5], "mc_sd_estimate": [0.2, 0.1],
                         "theory_sd_estimate": [0.2, 0.12], "mc_sd_std_error": [0.05, 0.02],
                         "mean_std_error": [0.5, 0.5]})  # fmt: skip
    cases = [
        (lambda ax: plot_mechanisms(complete, {"A": amputed, "B": amputed}, ax=ax), 2),
        (lambda ax: plot_complete_case_bias(bias, ax=ax), 2),
        (lambda ax: plot_coverage(coverage, ax=ax), 2),
        (lambda ax: plot_pooled_by_m(by_m, ax=ax), 2),
    ]
    for draw, n in cases:
        fig, axes = plt.subplots(1, n)
        assert draw(axes) is fig
        assert all(panel.has_data() for panel in axes)
        _, one = plt.subplots()
        with pytest.raises(ValueError, match=rf"`ax` has 1 Axes; the figure needs {n}"):
            draw(one)
    # the complete-case bias panel marks a bias beyond 2 MCSE with a red
    # square, else a blue circle (colour and shape), on one shared bias axis
    fig, axes = plt.subplots(1, 2, sharex=True)
    plot_complete_case_bias(bias, ax=axes)
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    from companion.plots import MISSING_COLOR, OBSERVED_COLOR

    def point(panel):  # the one scatter collection with a point in it
        (found,) = [c for c in panel.collections
                    if isinstance(c, PathCollection) and len(c.get_offsets())]  # fmt: skip
        return to_hex(found.get_facecolor()[0])

    assert point(axes[0]) == to_hex(MISSING_COLOR)
    assert point(axes[1]) == to_hex(OBSERVED_COLOR)
    plot_complete_case_bias(bias)  # its own figure shares the bias axis
    shared = plt.gcf().axes
    assert shared[0].get_shared_x_axes().joined(shared[0], shared[1])


def test_imputed_covariate_draws_the_summaries_given():
    from book.figures.hierarchical_missing import plot_imputed_covariate

    imputed = pd.DataFrame({"mean": [0.2], "lower": [-0.8], "upper": [1.1]}, index=["S1"])
    truth = pd.Series([0.5, -0.4], index=["S1", "S2"])
    fig, ax = plt.subplots()
    assert plot_imputed_covariate(imputed, truth, band=(-1.6, 1.6), ax=ax) is fig
    points = ax.containers[0].lines[0]
    np.testing.assert_allclose(points.get_xydata(), [[0.5, 0.2]])
    np.testing.assert_allclose(ax.patches[0].get_y(), -1.6)  # the band
    with pytest.raises(ValueError, match=r"`truth` has no value for group\(s\) \['S3'\]"):
        plot_imputed_covariate(imputed.rename(index={"S1": "S3"}), truth)
    with pytest.raises(ValueError, match=r"`imputed` has no column\(s\) \['upper'\]"):
        plot_imputed_covariate(imputed.drop(columns="upper"), truth)


def test_imputed_covariate_labels_do_not_overlap():
    # Five schools whose points nearly coincide: every label gets its own place.
    from book.figures.hierarchical_missing import plot_imputed_covariate

    groups = [f"School {k}" for k in range(1, 6)]
    imputed = pd.DataFrame(
        {"mean": [0.20, 0.21, 0.22, 0.23, 0.24], "lower": -1.0, "upper": 1.0}, index=groups
    )
    truth = pd.Series([0.10, 0.11, 0.12, 0.13, 0.14], index=groups)
    fig, ax = plt.subplots(figsize=(5.6, 4.6))
    plot_imputed_covariate(imputed, truth, ax=ax)
    fig.canvas.draw()
    texts = [t for t in ax.texts if t.get_text() in {"1", "2", "3", "4", "5"}]
    assert sorted(t.get_text() for t in texts) == ["1", "2", "3", "4", "5"]
    boxes = [t.get_window_extent() for t in texts]
    overlaps = [(i, j) for i in range(5) for j in range(i + 1, 5) if boxes[i].overlaps(boxes[j])]
    assert not overlaps


def test_rank_heatmaps_share_one_scale_and_keep_the_order():
    from book.figures.hierarchical_missing import plot_rank_heatmaps

    ranks = [1, 2, 3]
    a = pd.DataFrame([[0.6, 0.3, 0.1], [0.3, 0.5, 0.2], [0.1, 0.2, 0.7]],
                     index=["S1", "S2", "S3"], columns=ranks)  # fmt: skip
    b = a.loc[["S3", "S2", "S1"]] * 0.5 + 1 / 6
    fig, axes = plt.subplots(1, 2)
    assert plot_rank_heatmaps({"a": a, "b": b}, order=["S2", "S1", "S3"], ax=axes) is fig
    images = [ax.images[0] for ax in axes]
    np.testing.assert_allclose(images[0].get_array(), a.loc[["S2", "S1", "S3"]].to_numpy())
    np.testing.assert_allclose(images[1].get_array(), b.loc[["S2", "S1", "S3"]].to_numpy())
    # one colour scale, up to the largest probability of either table
    assert images[0].norm is images[1].norm
    assert images[0].norm.vmax == pytest.approx(0.5)  # the default cap
    fig, axes = plt.subplots(1, 2)
    plot_rank_heatmaps({"a": a, "b": b}, order=["S2", "S1", "S3"], vmax=None, ax=axes)
    assert axes[0].images[0].norm.vmax == pytest.approx(0.7)  # the largest probability
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["S2", "S1", "S3"]
    with pytest.raises(ValueError, match=r"`ax` has 1 Axes; the figure needs 2"):
        plot_rank_heatmaps({"a": a, "b": b}, order=["S1", "S2", "S3"], ax=axes[0])


# --- diagnostics of chained equations (mice's plot(imp), densityplot, stripplot) -------------


@pytest.fixture(scope="module")
def imputed():
    from companion import nhanes
    from companion.missing import mice

    data = nhanes()
    data["hyp"] = data["hyp"].map({1.0: "no", 2.0: "yes"}).astype("category")
    return mice(data, m=3, maxit=8, seed=21)


def test_imputation_chains_draw_every_chain_of_every_statistic(imputed):
    fig, axes = plt.subplots(2, 2)
    assert plot_imputation_chains(imputed, ["bmi", "hyp"], ax=axes) is fig
    rhat = imputed.rhat()
    chains = imputed.chains()
    for row, name in enumerate(["bmi", "hyp"]):
        for column, statistic in enumerate(["mean", "sd"]):
            panel = axes[row, column]
            assert len(panel.lines) == imputed.m  # one line per chain
            for k, line in enumerate(panel.lines, start=1):
                rows = (chains["variable"] == name) & (chains["chain"] == k)
                expected = chains.loc[rows, statistic]
                np.testing.assert_allclose(line.get_ydata(), expected)
                np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 9))
            assert (
                panel.get_title() == f"{name}: {statistic} (R-hat {rhat.loc[name, statistic]:.2f})"
            )
    # chains differ by line style and marker, not by colour alone
    lines = axes[0, 0].lines
    assert len({line.get_linestyle() for line in lines}) == imputed.m
    assert len({line.get_marker() for line in lines}) == imputed.m
    assert axes[1, 0].get_ylabel() == "share 'yes'"  # the mean of a binary column's codes


def test_imputation_chains_take_the_tidy_frame_and_an_rhat_table(imputed):
    fig = plot_imputation_chains(imputed.chains(), "chl")
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "chl: mean"  # no R-hat given
    rhat = pd.DataFrame({"mean": [1.234], "sd": [np.nan]}, index=["chl"])
    fig = plot_imputation_chains(imputed.chains(), "chl", rhat=rhat)
    assert [a.get_title() for a in fig.axes] == ["chl: mean (R-hat 1.23)", "chl: sd"]


def test_imputation_chains_refuse_bad_input(imputed):
    with pytest.raises(ValueError, match=r"`variables` names \['age'\], which were not imputed"):
        plot_imputation_chains(imputed, "age")
    with pytest.raises(ValueError, match=r"`result` has no column\(s\) \['variable'"):
        plot_imputation_chains(imputed.complete(1))
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"`ax` has 1 Axes but the figure needs 2"):
        plot_imputation_chains(imputed, "bmi", ax=ax)
    with pytest.raises(ValueError, match=r"`rhat` has no column\(s\) \['sd'\]"):
        plot_imputation_chains(imputed, rhat=imputed.rhat()[["mean"]])


def test_imputed_density_draws_observed_and_each_imputation(imputed):
    from scipy.stats import gaussian_kde

    fig, axes = plt.subplots(1, 2)
    assert plot_imputed_density(imputed, ["bmi", "chl"], ax=axes) is fig
    for panel, name in zip(axes, ["bmi", "chl"], strict=True):
        assert len(panel.lines) == 1 + imputed.m  # observed + one per imputation
        observed, *imputations = panel.lines
        assert observed.get_linewidth() > 2 * imputations[0].get_linewidth()  # thick vs thin
        grid = observed.get_xdata()
        expected = gaussian_kde(imputed.data[name].dropna())(grid)
        np.testing.assert_allclose(observed.get_ydata(), expected)
        second = imputed.imp[name][2].to_numpy(float)
        np.testing.assert_allclose(imputations[1].get_ydata(), gaussian_kde(second)(grid))
        assert panel.get_xlabel() == name
    # the same figure from the long format
    fig = plot_imputed_density(imputed.complete("long", include=True), "bmi")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), axes[0].lines[0].get_ydata())


def test_imputed_density_refuses_categorical_and_unmarked_data(imputed):
    with pytest.raises(
        ValueError, match=r"categorical variable\(s\) \['hyp'\].*plot_imputed_strip"
    ):
        plot_imputed_density(imputed, "hyp")
    with pytest.raises(ValueError, match=r"no incomplete data \(\.imp 0\)"):
        plot_imputed_density(imputed.complete("long"))
    assert len(plot_imputed_density(imputed).axes) == 2  # default: the numeric ones
    fig, ax = plt.subplots()
    plot_imputed_density(imputed, "bmi", legend=False, ax=ax)
    assert ax.get_legend() is None and not fig.legends  # left to the caller
    plot_imputed_density(imputed, "bmi", ax=ax)
    assert ax.get_legend() is not None


def test_imputed_strip_puts_observed_at_zero_and_imputations_at_k(imputed):
    fig, axes = plt.subplots(1, 2)
    assert plot_imputed_strip(imputed, ["chl", "hyp"], ax=axes) is fig
    chl, hyp = axes
    assert len(chl.lines) == 1 + imputed.m
    np.testing.assert_allclose(np.sort(chl.lines[0].get_ydata()),
                               np.sort(imputed.data["chl"].dropna()))  # fmt: skip
    for k in range(1, imputed.m + 1):
        x, y = chl.lines[k].get_xdata(), chl.lines[k].get_ydata()
        assert np.all(np.abs(x - k) <= 0.15)  # jittered around imputation k
        np.testing.assert_allclose(np.sort(y), np.sort(imputed.imp["chl"][k].to_numpy(float)))
    assert [t.get_text() for t in hyp.get_yticklabels()] == ["no", "yes"]
    codes = (imputed.imp["hyp"][1] == "yes").to_numpy(float)
    np.testing.assert_allclose(np.sort(hyp.lines[1].get_ydata()), np.sort(codes))
    assert chl.lines[0].get_marker() != chl.lines[1].get_marker()  # not colour alone


def test_imputed_strip_refuses_bad_input(imputed):
    with pytest.raises(ValueError, match=r"`jitter` must be below 0.5"):
        plot_imputed_strip(imputed, jitter=0.5)
    with pytest.raises(ValueError, match=r"`result` has no column\(s\) \['\.imp', '\.id'\]"):
        plot_imputed_strip(imputed.complete(1))
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match=r"`ax` has 2 Axes but the figure needs 3"):
        plot_imputed_strip(imputed, ax=axes)
