"""Figures of the shrinkage chapter: what they draw, checked on their artists."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from book.figures.shrinkage import plot_efron_morris, plot_naive_ratio, plot_shrinkage_curves
from companion import normal_normal_posterior
from companion.plots import plot_exact_posterior

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_shrinkage_curves_follow_the_closed_form():
    fig = plot_shrinkage_curves(sigma=12.0, taus=(4.0, 8.0), n_max=30)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    assert lines[0].get_linestyle() != lines[1].get_linestyle()  # not colour alone
    n, b = lines[1].get_data()
    assert np.allclose(b, 144 / n / (144 / n + 64))


def test_exact_posterior_draws_one_conditional_curve_per_group():
    post = normal_normal_posterior([1.0, 5.0, 9.0, 4.0], 2.0)
    draws = post.sample(500, seed=1)["tau"]
    fig = plot_exact_posterior(post, tau_draws=draws, tau_max=10)
    left, right = fig.axes
    assert len(right.get_lines()) == 4
    assert [t.get_text() for t in right.texts] == ["0", "1", "2", "3"]
    assert len({line.get_linestyle() for line in right.get_lines()}) == 4

    # The histogram is rescaled so that its area is the share of draws shown.
    area = sum(p.get_height() * p.get_width() for p in left.patches)
    assert area == pytest.approx(np.mean(draws <= 10))


def test_exact_posterior_moves_labels_of_curves_that_end_together_apart():
    post = normal_normal_posterior([1.0, 1.01, 9.0, 4.0], 2.0)
    fig = plot_exact_posterior(post, tau_max=10)
    right = fig.axes[1]
    heights = sorted(t.get_position()[1] for t in right.texts)
    span = np.ptp(np.concatenate([line.get_ydata() for line in right.get_lines()]))
    assert np.min(np.diff(heights)) >= 0.05 * span - 1e-9


def test_efron_morris_merges_labels_of_equal_averages():
    fig = plot_efron_morris([0.2, 0.2, 0.3], [0.24, 0.24, 0.27], [0.25, 0.22, 0.28],
                            labels=["A", "B", "C"])  # fmt: skip
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["A, B", "C"]


def test_naive_ratio_plots_each_series_in_its_own_panel_on_shared_axes():
    fig = plot_naive_ratio(np.array([-2.0, 0.1]), np.array([0.3, 4.0]), np.array([0.3, 0.3]))
    naive, expected = fig.axes
    assert len(naive.collections) == 1 and len(expected.collections) == 1
    assert np.allclose(naive.collections[0].get_offsets()[:, 1], [0.3, 4.0])
    assert np.allclose(expected.collections[0].get_offsets()[:, 1], [0.3, 0.3])
    assert naive.get_ylim() == expected.get_ylim() == (-1.5, 2.5)
    assert naive.get_xlim() == expected.get_xlim()
