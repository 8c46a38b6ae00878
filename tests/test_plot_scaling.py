"""plot_scaling: the benchmark of the likelihoods, checked on the lines it draws."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from book.figures.scaling import plot_scaling

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _runs() -> pd.DataFrame:
    # Deliberately unsorted, with the likelihoods in an unusual order.
    return pd.DataFrame({
        "n_students": [100_000, 10_000, 10_000, 100_000, 10_000, 100_000],
        "n_schools": [1000, 100, 100, 1000, 100, 1000],
        "likelihood": ["marginal", "marginal", "full", "full", "sufficient", "sufficient"],
        "parameterization": ["none", "none", "centered", "centered", "centered", "centered"],
        "fit_seconds": [7.0, 6.9, 6.8, 15.5, 6.7, 6.8],
        "ess_per_second_tau": [8600.0, 42_000.0, 7600.0, 570.0, 35_000.0, 5800.0],
        "divergences": [0] * 6,
    })  # fmt: skip


def test_one_line_per_likelihood_with_the_runs_sorted_by_size():
    fig = plot_scaling(_runs())
    time_ax, ess_ax = fig.axes
    for ax, column in ((time_ax, "fit_seconds"), (ess_ax, "ess_per_second_tau")):
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == ["full", "sufficient", "marginal"]
        for line in lines:
            expected = _runs().query("likelihood == @line.get_label()").sort_values("n_students")
            x, y = line.get_data()
            assert np.array_equal(x, expected["n_students"])
            assert np.allclose(y, expected[column])
            assert line.get_marker() not in (None, "None", "")
    assert len({line.get_color() for line in time_ax.get_lines()}) == 3


def test_both_panels_are_log_log_and_labelled():
    fig = plot_scaling(_runs())
    for ax in fig.axes:
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert ax.get_xlabel() == "students N (100 per school)"
        assert ax.get_ylabel()
    assert "fit time" in fig.axes[0].get_ylabel()
    assert "ESS of τ" in fig.axes[1].get_ylabel()
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["full", "sufficient", "marginal"]


def test_a_list_of_dicts_as_in_results_json_is_accepted():
    fig = plot_scaling(_runs().to_dict("records"))
    assert len(fig.axes[0].get_lines()) == 3


def test_other_likelihoods_and_repeats_draw_medians():
    runs = _runs()
    repeat = runs[runs["likelihood"] == "full"].assign(fit_seconds=[8.8, 16.5])
    new = runs[runs["likelihood"] == "marginal"].assign(likelihood="jax")
    fig = plot_scaling(pd.concat([runs, repeat, new]))
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["full", "sufficient", "marginal", "jax"]
    assert np.allclose(lines[0].get_ydata(), [7.8, 16.0])  # medians of two runs each
    assert len(fig.axes[0].collections) == 1  # the repeated runs themselves, as points


def test_two_parameterizations_of_one_likelihood_get_a_line_each():
    runs = _runs()
    other = runs[runs["likelihood"] == "full"].assign(parameterization="noncentered")
    fig = plot_scaling(pd.concat([runs, other]))
    labels = [line.get_label() for line in fig.axes[1].get_lines()]
    assert labels[:2] == ["full, centered", "full, noncentered"]


def test_draws_into_given_axes():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1)
    assert plot_scaling(_runs(), axes=axes) is fig
    assert len(axes[1].get_lines()) == 3


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        (_runs().drop(columns="fit_seconds"), r"`runs` lacks column\(s\) \['fit_seconds'\]"),
        (_runs().iloc[:0], "`runs` has no rows"),
        (
            _runs().assign(ess_per_second_tau=[1.0, 0.0, 1.0, 1.0, np.nan, 1.0]),
            r"`runs` column 'ess_per_second_tau' .* row\(s\) \[1, 4\]",
        ),
        (_runs().assign(n_students="many"), "`runs` column 'n_students'"),
    ],
)
def test_bad_runs_are_rejected_by_name(runs, message):
    with pytest.raises(ValueError, match=message):
        plot_scaling(runs)


def test_bad_axes_and_types_are_rejected_by_name():
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="`axes` must be a sequence of two"):
        plot_scaling(_runs(), axes=ax)
    with pytest.raises(TypeError, match="`runs` must be a pandas.DataFrame"):
        plot_scaling("benchmarks/results.json")
