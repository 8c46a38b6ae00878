"""Plots for checking fitted models: group-level predictive checks.

Where ArviZ has the figure, use it: ``arviz_plots.plot_khat`` (Pareto k of
PSIS-LOO), ``arviz_plots.plot_compare`` (LOO model comparison) and
``arviz_plots.plot_ecdf_pit`` (simulation-based calibration ranks).
"""

from __future__ import annotations

import numpy as np

from companion._validation import check_count, check_frame, check_probability, check_real

__all__ = [
    "plot_group_ppc",
    "plot_new_group_prediction",
    "plot_prior_predictive",
]


def plot_prior_predictive(
    prior,
    spread,
    observed_spread: float,
    *,
    group: str = "school",
    n_lines: int = 50,
    limits: tuple[float, float] | None = None,
    xlabel: str = "Test score",
    ax=None,
):
    r"""Prior predictive check: simulated data sets and the spread of their group means.

    Parameters
    ----------
    prior : xarray.DataTree
        From :func:`companion.sample_prior_predictive` (with
        ``prior_predictive`` and ``observed_data`` groups).
    spread : array-like of float
        The standard deviation of the group means in each simulated data
        set, for example ``means.std(axis=1)`` of the replicated means from
        :func:`companion.inference.group_statistic_draws`.
    observed_spread : float
        The same statistic for the observed data.
    group : str, default "school"
        Name of the group, for the axis label.
    n_lines : int, default 50
        Simulated data sets drawn as density curves in the left panel.
    limits : (low, high), optional
        Range of possible outcomes (e.g. ``(0, 100)`` for test scores), shaded
        outside.
    xlabel : str, default "Test score"
        Label of the outcome axis.
    ax : sequence of two matplotlib.axes.Axes, optional
        Axes for the two panels; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Left: kernel density estimates of ``n_lines`` simulated data sets
        (tall spikes are cut) and of the observed data; right: histogram of
        ``spread`` with ``observed_spread``.

    Examples
    --------
    >>> from companion.plots import plot_prior_predictive
    >>> from companion import (
    ...     hierarchical_model, sample_prior_predictive, simulate_schools)
    >>> from companion.inference import group_statistic_draws
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> prior = sample_prior_predictive(model, draws=20, seed=1)
    >>> observed, means = group_statistic_draws(
    ...     prior, "mean", predictive="prior_predictive")
    >>> fig = plot_prior_predictive(
    ...     prior, means.std(axis=1), observed.std(), n_lines=10)
    >>> fig.axes[1].get_xlabel()
    'sd of the school means'
    """
    groups = getattr(prior, "children", {})
    if "prior_predictive" not in groups or "observed_data" not in groups:
        raise TypeError(
            "`prior` must be a DataTree with prior_predictive and observed_data groups "
            f"(from sample_prior_predictive), got {type(prior).__name__}."
        )
    try:
        spread = np.asarray(spread, dtype=float).ravel()
    except (TypeError, ValueError):
        message = "`spread` must be an array of numbers, one per simulated data set."
        raise TypeError(message) from None
    if spread.size == 0 or not np.isfinite(spread).all():
        raise ValueError("`spread` must hold at least one value, all finite.")
    observed_spread = check_real(observed_spread, "observed_spread", nonnegative=True)
    n_lines = check_count(n_lines, "n_lines")
    import matplotlib.pyplot as plt
    from scipy import stats

    observed = prior["observed_data"]["y"].to_numpy().ravel()
    simulated = prior["prior_predictive"]["y"].to_numpy().reshape(-1, observed.size)
    shown = simulated[: min(n_lines, len(simulated))]
    low, high = np.quantile(shown, [0.005, 0.995])
    low, high = min(low, observed.min()), max(high, observed.max())
    grid = np.linspace(low, high, 300)
    if ax is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.6))
    else:
        axes = list(np.atleast_1d(ax).flat)
        if len(axes) != 2:
            raise ValueError(f"`ax` must hold two Axes, one per panel, got {len(axes)}.")
        left, right = axes
        fig = left.figure
    for i, data in enumerate(shown):
        left.plot(grid, stats.gaussian_kde(data)(grid), color="tab:blue", alpha=0.3,
                  linewidth=0.8, label="prior predictive" if i == 0 else None)  # fmt: skip
    observed_density = stats.gaussian_kde(observed)(grid)
    left.plot(grid, observed_density, color="black", linewidth=2, label="observed")
    # Data sets with a tiny sigma are tall spikes: cut them rather than flatten the rest.
    left.set_ylim(0, 3 * observed_density.max())
    left.set_xlim(low, high)
    if limits is not None:
        shade = {"color": "grey", "alpha": 0.2, "linewidth": 0}
        if low < limits[0]:
            left.axvspan(low, limits[0], label="impossible", **shade)
        if high > limits[1]:
            left.axvspan(limits[1], high, label=None if low < limits[0] else "impossible", **shade)
    left.set_xlabel(xlabel)
    left.set_ylabel("Density")
    left.legend(frameon=False, fontsize="small")

    right.hist(spread, bins=40, color="tab:blue", alpha=0.5, label="prior predictive")
    right.axvline(observed_spread, color="black", linewidth=2, label="observed")
    right.set_xlabel(f"sd of the {group} means")
    right.set_ylabel("Simulated data sets")
    right.legend(frameon=False, fontsize="small")
    if ax is None:
        fig.tight_layout()
    return fig


def _check_hide_unused(axes, used: int, xlabel: str) -> None:
    """Hide the panels after the first ``used``; label the lowest panel of each column."""
    nrows, ncols = axes.shape
    for i, ax in enumerate(axes.flat):
        if i >= used:
            ax.set_visible(False)
        elif i + ncols >= used:
            ax.set_xlabel(xlabel)


def plot_group_ppc(
    checks,
    *,
    group: str = "school",
    prob: float | None = None,
    ncols: int = 2,
    ax=None,
):
    r"""Posterior predictive checks of each group, one panel per test statistic.

    Draws a table of computed checks: for each group, the bar is the central
    ``prob`` interval of the replicated statistic :math:`T(y^{\text{rep}}_j)`
    and the dot the observed :math:`T(y_j)`, a red diamond when its
    posterior predictive p-value is outside
    :math:`[(1 - \text{prob})/2,\ 1 - (1 - \text{prob})/2]`.

    Parameters
    ----------
    checks : pandas.DataFrame
        From :func:`companion.inference.group_test_statistics`: one
        row per statistic and group with columns ``statistic``, ``group``,
        ``observed``, ``lower``, ``upper`` and ``p_value``.
    group : str, default "school"
        Name of the group column of ``checks``.
    prob : float, optional
        The probability ``checks`` was computed with; it labels the bars and
        sets the p-values drawn as red diamonds. By default the one recorded in
        ``checks.attrs["prob"]`` by ``group_test_statistics`` (else 0.9); a
        different value is an error.
    ncols : int, default 2
        Panels per row of a new figure (ignored with ``ax``).
    ax : matplotlib.axes.Axes or sequence of them, optional
        One Axes per statistic, in the order of ``checks``; by default a new
        figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.plots import plot_group_ppc
    >>> checks = pd.DataFrame({"statistic": ["mean", "mean", "sd", "sd"],
    ...                        "school": ["A", "B", "A", "B"],
    ...                        "observed": [70.0, 80.0, 12.0, 6.0],
    ...                        "lower": [65.0, 68.0, 9.0, 9.0],
    ...                        "upper": [75.0, 78.0, 15.0, 15.0],
    ...                        "p_value": [0.5, 0.01, 0.6, 0.99]})
    >>> [ax.get_title() for ax in plot_group_ppc(checks).axes]
    ['T = mean', 'T = sd']
    """
    check_frame(checks, "checks")
    recorded = checks.attrs.get("prob")
    if prob is None:
        prob = 0.9 if recorded is None else recorded
    elif recorded is not None and not np.isclose(prob, recorded):
        raise ValueError(
            f"`prob`={prob} but `checks` was computed with prob={recorded}; omit `prob`."
        )
    columns = ["statistic", group, "observed", "lower", "upper", "p_value"]
    missing = [column for column in columns if column not in checks.columns]
    if missing:
        raise ValueError(
            f"`checks` has no column(s) {missing}; pass the table of "
            "companion.group_test_statistics (and its group column as `group`)."
        )
    prob = check_probability(prob, "prob")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    panels = list(checks.groupby("statistic", sort=False))
    if ax is None:
        ncols = min(check_count(ncols, "ncols"), len(panels))
        nrows = -(-len(panels) // ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(8.5, 2.7 * nrows + 0.4), squeeze=False)
        _check_hide_unused(axes, len(panels), group.capitalize())
        axes = list(axes.flat)
    else:
        axes = list(np.atleast_1d(ax).flat)
        if len(axes) != len(panels):
            raise ValueError(
                f"`ax` must hold one Axes per statistic ({len(panels)}), got {len(axes)}."
            )
        fig = axes[0].figure
    tail = (1 - prob) / 2
    for panel, (name, rows) in zip(axes, panels, strict=False):
        x = np.arange(len(rows))
        panel.vlines(x, rows["lower"], rows["upper"], color="tab:blue", linewidth=4, alpha=0.5)
        extreme = (rows["p_value"] < tail) | (rows["p_value"] > 1 - tail)
        # Flagged groups differ by marker as well as colour.
        panel.scatter(x[~extreme], rows["observed"][~extreme], color="black", marker="o",
                      zorder=3, s=22)  # fmt: skip
        panel.scatter(x[extreme], rows["observed"][extreme], color="tab:red", marker="D",
                      zorder=3, s=30)  # fmt: skip
        panel.set_title(f"T = {name}", fontsize="medium")
        panel.set_ylabel(f"{name} of scores")
        panel.set_xticks(x, [str(label).replace("School ", "") for label in rows[group]])
    handles = [
        Line2D([], [], color="tab:blue", linewidth=4, alpha=0.5,
               label=f"replicated, {prob:.0%} interval"),
        Line2D([], [], color="black", marker="o", linestyle="", label="observed"),
        Line2D([], [], color="tab:red", marker="D", linestyle="",
               label=f"observed, p < {tail:g} or > {1 - tail:g}"),
    ]  # fmt: skip
    if ax is None:
        fig.legend(handles=handles, loc="lower center", ncols=3, frameon=False)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
    else:
        axes[0].legend(handles=handles, frameon=False)
    return fig


def plot_new_group_prediction(new_unit, new_group, *, label: str = "existing school",
                              prob: float = 0.9):  # fmt: skip
    r"""Predictions for an existing group and for a new group, means and units.

    Parameters
    ----------
    new_unit : pandas.DataFrame
        From :func:`companion.inference.predict_new_unit` (``theta``, ``y_new``).
    new_group : pandas.DataFrame
        From :func:`companion.inference.predict_new_group` (``theta_new``,
        ``y_new``).
    label : str
        Name of the existing group, for the legend.
    prob : float, default 0.9
        Central intervals marked below each histogram.

    Returns
    -------
    matplotlib.figure.Figure
        Left: the existing group's mean :math:`\theta_j` and a new group's
        mean :math:`\tilde\theta`; right: a new unit in each.

    Examples
    --------
    >>> import pandas as pd
    >>> from companion.plots import plot_new_group_prediction
    >>> unit = pd.DataFrame({"theta": [1.0, 2.0, 3.0], "y_new": [0.0, 2.0, 5.0]})
    >>> new = pd.DataFrame({"theta_new": [0.0, 2.0, 4.0],
    ...                     "y_new": [-3.0, 2.0, 7.0]})
    >>> len(plot_new_group_prediction(unit, new).axes)
    2
    """
    check_frame(new_unit, "new_unit")
    check_frame(new_group, "new_group")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8.5, 3.6))
    panels = (
        (axes[0], new_unit["theta"], new_group["theta_new"], "Mean score of the school"),
        (axes[1], new_unit["y_new"], new_group["y_new"], "Score of a new student"),
    )
    tail = (1 - prob) / 2
    for ax, existing, new, xlabel in panels:
        values = np.concatenate([existing, new])
        bins = np.linspace(*np.quantile(values, [0.001, 0.999]), 50)
        # Told apart by colour and by outline style (solid, dashed), not colour alone.
        styles = ((existing, "tab:blue", "-", label), (new, "tab:orange", "--", "a new school"))
        for draws, color, style, name in styles:
            ax.hist(draws, bins=bins, density=True, histtype="stepfilled", alpha=0.25,
                    color=color)  # fmt: skip
            ax.hist(draws, bins=bins, density=True, histtype="step", color=color,
                    linestyle=style, linewidth=1.5, label=name)  # fmt: skip
        ymax = ax.get_ylim()[1]
        for k, (draws, color, style, _) in enumerate(styles):
            lo, hi = np.quantile(draws, [tail, 1 - tail])
            ax.plot([lo, hi], [-(0.05 + 0.05 * k) * ymax] * 2, color=color, linewidth=3,
                    linestyle=style)  # fmt: skip
        # The interval bars sit below the density axis, which starts at zero.
        ticks = [t for t in ax.get_yticks() if 0 <= t <= ymax]
        ax.set_ylim(-0.14 * ymax, ymax)
        ax.set_yticks(ticks)
        ax.spines["left"].set_bounds(0, ymax)
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Density")
    axes[0].legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig
