"""companion.plots checking plots draw computed results and compute no statistics."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from companion.plots import plot_group_ppc, plot_prior_predictive  # noqa: E402


@pytest.fixture
def checks():
    """Two statistics for three schools; one p-value in each tail, one at the cut-off."""
    return pd.DataFrame(
        {
            "statistic": ["mean"] * 3 + ["sd"] * 3,
            "school": ["School 1", "School 2", "School 3"] * 2,
            "observed": [70.0, 80.0, 75.0, 12.0, 6.0, 11.0],
            "lower": [65.0, 68.0, 70.0, 9.0, 9.0, 9.0],
            "upper": [75.0, 78.0, 80.0, 15.0, 15.0, 15.0],
            "p_value": [0.5, 0.01, 0.05, 0.6, 0.99, 0.951],
        }
    )


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _observed(ax):
    """The observed dots by group position: (value, flagged)."""
    plain, flagged = ax.collections[1:]  # the bars first, then the two kinds of dot
    red = to_rgba("tab:red")
    assert all(tuple(c) == red for c in flagged.get_facecolors())
    assert all(tuple(c) == to_rgba("black") for c in plain.get_facecolors())
    # Flagged dots differ by marker too, not by colour only.
    assert plain.get_paths()[0] != flagged.get_paths()[0] or not len(flagged.get_offsets())
    dots = {x: (y, False) for x, y in plain.get_offsets()}
    dots |= {x: (y, True) for x, y in flagged.get_offsets()}
    return [dots[x] for x in sorted(dots)]


def test_draws_the_table_values_and_flags_the_tails(checks):
    fig = plot_group_ppc(checks)
    mean, sd = fig.axes[:2]
    assert [ax.get_title() for ax in (mean, sd)] == ["T = mean", "T = sd"]
    bars = mean.collections[0].get_segments()
    np.testing.assert_allclose([seg[:, 1] for seg in bars], [[65, 75], [68, 78], [70, 80]])
    # prob=0.9: flagged below 0.05 or above 0.95, so 0.05 itself is not flagged.
    assert _observed(mean) == [(70, False), (80, True), (75, False)]
    assert _observed(sd) == [(12, False), (6, True), (11, True)]
    assert [t.get_text() for t in mean.get_xticklabels()] == ["1", "2", "3"]


def test_prob_sets_the_cut_off(checks):
    fig = plot_group_ppc(checks, prob=0.99)  # flagged below 0.005 or above 0.995: none here
    assert [flag for _, flag in _observed(fig.axes[0])] == [False] * 3
    assert [flag for _, flag in _observed(fig.axes[1])] == [False] * 3


def test_draws_into_given_axes(checks):
    fig, axes = plt.subplots(1, 2)
    assert plot_group_ppc(checks, ax=axes) is fig
    assert len(fig.axes) == 2
    assert axes[1].get_title() == "T = sd"


def test_rejects_bad_input(checks):
    with pytest.raises(ValueError, match=r"`checks` has no column\(s\) \['p_value'\]"):
        plot_group_ppc(checks.drop(columns="p_value"))
    with pytest.raises(ValueError, match=r"`checks` has no column\(s\) \['group'\]"):
        plot_group_ppc(checks, group="group")
    with pytest.raises(ValueError, match=r"`prob`"):
        plot_group_ppc(checks, prob=1.5)
    with pytest.raises(ValueError, match=r"`ncols`"):
        plot_group_ppc(checks, ncols=0)
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"`ax` must hold one Axes per statistic \(2\), got 1"):
        plot_group_ppc(checks, ax=ax)


# ------------------------------------------------------------------ plot_prior_predictive
@pytest.fixture
def prior():
    """A prior predictive DataTree: 5 simulated data sets of 30 scores and the observed scores."""
    import arviz as az

    rng = np.random.default_rng(3)
    return az.from_dict(
        {
            "prior_predictive": {"y": rng.normal(70, 10, (1, 5, 30))},
            "observed_data": {"y": rng.normal(75, 12, 30)},
        },
        dims={"y": ["obs"]},
    )


def test_prior_predictive_draws_the_given_spreads(prior):
    spread = np.array([1.0, 2.0, 2.5, 8.0])
    fig = plot_prior_predictive(prior, spread, 3.0, n_lines=3)
    left, right = fig.axes
    assert len(left.get_lines()) == 3 + 1  # three simulated data sets and the observed
    heights = [patch.get_height() for patch in right.patches]
    assert sum(heights) == len(spread)
    (observed_line,) = right.get_lines()
    np.testing.assert_allclose(observed_line.get_xdata(), [3.0, 3.0])


def test_prior_predictive_draws_into_given_axes(prior):
    fig, axes = plt.subplots(1, 2)
    assert plot_prior_predictive(prior, [1.0, 2.0], 1.5, ax=axes) is fig
    assert axes[1].get_xlabel() == "sd of the school means"


def test_prior_predictive_rejects_bad_input(prior):
    with pytest.raises(ValueError, match=r"`spread`"):
        plot_prior_predictive(prior, [1.0, np.nan], 1.5)
    with pytest.raises(TypeError, match=r"`spread`"):
        plot_prior_predictive(prior, ["a", "b"], 1.5)
    with pytest.raises(ValueError, match=r"`observed_spread`"):
        plot_prior_predictive(prior, [1.0], -1.0)
    with pytest.raises(TypeError, match=r"`prior`.*observed_data"):
        plot_prior_predictive(prior["prior_predictive"], [1.0], 1.0)
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"`ax` must hold two Axes"):
        plot_prior_predictive(prior, [1.0], 1.0, ax=ax)


def test_prob_defaults_to_the_one_the_checks_were_computed_with(checks):
    checks.attrs["prob"] = 0.99
    fig = plot_group_ppc(checks)  # as prob=0.99: nothing outside [0.005, 0.995]
    assert not any(flag for ax in fig.axes[:2] for _, flag in _observed(ax))
    with pytest.raises(ValueError, match="computed with prob=0.99"):
        plot_group_ppc(checks, prob=0.9)
