"""Plots for checking fitted models: predictive checks, LOO, Pareto k and SBC ranks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from companion._validation import check_frame

__all__ = [
    "plot_group_ppc",
    "plot_loo_comparison",
    "plot_new_group_prediction",
    "plot_pareto_k",
    "plot_prior_predictive",
    "plot_sbc_ranks",
]


def plot_prior_predictive(
    prior,
    *,
    group: str = "school",
    n_lines: int = 50,
    limits: tuple[float, float] | None = None,
    xlabel: str = "Test score",
):
    r"""Prior predictive check: simulated data sets and the spread of their group means.

    Parameters
    ----------
    prior : xarray.DataTree
        From :func:`companion.sample_prior_predictive` (with ``prior``,
        ``prior_predictive``, ``observed_data`` and ``constant_data``).
    group : str, default "school"
        Name of the group dimension.
    n_lines : int, default 50
        Simulated data sets drawn as density curves in the left panel.
    limits : (low, high), optional
        Range of possible outcomes (e.g. ``(0, 100)`` for test scores), shaded
        outside.
    xlabel : str, default "Test score"

    Returns
    -------
    matplotlib.figure.Figure
        Left: kernel density estimates of ``n_lines`` simulated data sets
        (tall spikes are cut) and of the observed data; right: histogram of
        the standard deviation of the group means over all prior draws, with
        the observed value.

    Examples
    --------
    >>> from companion import hierarchical_model, sample_prior_predictive, simulate_schools
    >>> prior = sample_prior_predictive(hierarchical_model(simulate_schools(seed=1)),
    ...                                 draws=20, seed=1)
    >>> len(plot_prior_predictive(prior, n_lines=10).axes)
    2
    """
    if "prior_predictive" not in getattr(prior, "children", {}):
        raise TypeError(
            "`prior` must be a DataTree with a prior_predictive group "
            f"(from sample_prior_predictive), got {type(prior).__name__}."
        )
    import matplotlib.pyplot as plt
    from scipy import stats

    from companion.inference.checking import group_statistic_draws

    observed = prior["observed_data"]["y"].to_numpy().ravel()
    simulated = prior["prior_predictive"]["y"].to_numpy().reshape(-1, observed.size)
    shown = simulated[: max(1, min(n_lines, len(simulated)))]
    low, high = np.quantile(shown, [0.005, 0.995])
    low, high = min(low, observed.min()), max(high, observed.max())
    grid = np.linspace(low, high, 300)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.6))
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

    observed_means, replicated_means = group_statistic_draws(
        prior, "mean", group=group, predictive="prior_predictive"
    )
    spread = replicated_means.std(axis=1)
    right.hist(spread, bins=40, color="tab:blue", alpha=0.5, label="prior predictive")
    right.axvline(observed_means.std(), color="black", linewidth=2, label="observed")
    right.set_xlabel(f"sd of the {group} means")
    right.set_ylabel("Simulated data sets")
    right.legend(frameon=False, fontsize="small")
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


def _check_extreme(p_value: float, alpha: float) -> bool:
    return p_value < alpha / 2 or p_value > 1 - alpha / 2


def plot_group_ppc(
    idata,
    stats: Sequence[str] = ("mean", "sd", "min", "max"),
    *,
    group: str = "school",
    prob: float = 0.9,
    ncols: int = 2,
):
    r"""Posterior predictive check of each group, one panel per test statistic.

    For each group, the bar is the central ``prob`` interval of the
    replicated statistic :math:`T(y^{\text{rep}}_j)` and the dot the observed
    :math:`T(y_j)`, red when its posterior predictive p-value is outside
    :math:`[(1 - \text{prob})/2,\ 1 - (1 - \text{prob})/2]`.

    Parameters
    ----------
    idata : xarray.DataTree
        A fit with posterior predictive draws (see
        :func:`companion.inference.checking.group_test_statistics`).
    stats : sequence of str, default ("mean", "sd", "min", "max")
    group : str, default "school"
    prob : float, default 0.9
    ncols : int, default 2

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from companion import hierarchical_model, sample, simulate_schools
    >>> model = hierarchical_model(simulate_schools(seed=1))
    >>> idata = sample(model, draws=200, tune=200, chains=2,  # doctest: +SKIP
    ...                posterior_predictive=True)
    >>> from companion.plots import plot_group_ppc
    >>> fig = plot_group_ppc(idata, ["mean", "sd"])  # doctest: +SKIP
    >>> len(fig.axes)  # one panel per statistic  # doctest: +SKIP
    2
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from companion.inference.checking import group_test_statistics

    stats = [stats] if isinstance(stats, str) else list(stats)
    table = group_test_statistics(idata, stats, group=group, prob=prob)
    nrows = -(-len(stats) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.5, 2.7 * nrows + 0.4), squeeze=False)
    for ax, (name, rows) in zip(axes.flat, table.groupby("statistic", sort=False), strict=False):
        x = np.arange(len(rows))
        ax.vlines(x, rows["lower"], rows["upper"], color="tab:blue", linewidth=4, alpha=0.5)
        extreme = [_check_extreme(p, 1 - prob) for p in rows["p_value"]]
        colors = ["tab:red" if flag else "black" for flag in extreme]
        ax.scatter(x, rows["observed"], color=colors, zorder=3, s=22)
        ax.set_title(f"T = {name}", fontsize="medium")
        ax.set_ylabel(f"{name} of scores")
        ax.set_xticks(x, [str(label).replace("School ", "") for label in rows[group]])
    _check_hide_unused(axes, len(stats), group.capitalize())
    handles = [
        Line2D([], [], color="tab:blue", linewidth=4, alpha=0.5,
               label=f"replicated, {prob:.0%} interval"),
        Line2D([], [], color="black", marker="o", linestyle="", label="observed"),
        Line2D([], [], color="tab:red", marker="o", linestyle="",
               label=f"observed, p < {(1 - prob) / 2:g} or > {1 - (1 - prob) / 2:g}"),
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncols=3, frameon=False, fontsize="small")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def plot_new_group_prediction(new_unit, new_group, *, label: str = "existing school",
                              prob: float = 0.9):  # fmt: skip
    r"""Predictions for an existing group and for a new group, means and units.

    Parameters
    ----------
    new_unit : pandas.DataFrame
        From :func:`companion.inference.checking.predict_new_unit` (``theta``, ``y_new``).
    new_group : pandas.DataFrame
        From :func:`companion.inference.checking.predict_new_group` (``theta_new``,
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
    >>> unit = pd.DataFrame({"theta": [1.0, 2.0, 3.0], "y_new": [0.0, 2.0, 5.0]})
    >>> new = pd.DataFrame({"theta_new": [0.0, 2.0, 4.0], "y_new": [-3.0, 2.0, 7.0]})
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
        for draws, color, name in ((existing, "tab:blue", label), (new, "tab:orange",
                                                                   "a new school")):  # fmt: skip
            ax.hist(draws, bins=bins, density=True, histtype="stepfilled", alpha=0.35,
                    color=color, label=name)  # fmt: skip
        ymax = ax.get_ylim()[1]
        for k, (draws, color) in enumerate(((existing, "tab:blue"), (new, "tab:orange"))):
            lo, hi = np.quantile(draws, [tail, 1 - tail])
            ax.plot([lo, hi], [-(0.05 + 0.05 * k) * ymax] * 2, color=color, linewidth=3)
        ax.set_ylim(-0.14 * ymax, ymax)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Density")
    axes[0].legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig


def plot_loo_comparison(comparison):
    r"""ELPD differences from the best model, with :math:`\pm 2` standard errors.

    Parameters
    ----------
    comparison : pandas.DataFrame
        From :func:`companion.inference.checking.compare_loo`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"elpd_diff": [0.0, -3.0], "dse": [0.0, 1.0]}, index=["a", "b"])
    >>> plot_loo_comparison(table).axes[0].get_xlabel()
    'ELPD difference from the best model'
    """
    check_frame(comparison, "comparison")
    import matplotlib.pyplot as plt

    y = np.arange(len(comparison))[::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.6 * len(comparison) + 1.2))
    ax.errorbar(comparison["elpd_diff"], y, xerr=2 * comparison["dse"], fmt="o", color="black",
                capsize=4)  # fmt: skip
    ax.axvline(0, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, comparison.index)
    ax.set_ylim(y.min() - 0.6, y.max() + 0.6)
    ax.set_xlabel("ELPD difference from the best model")
    fig.tight_layout()
    return fig


def plot_pareto_k(models, *, threshold: float = 0.7):
    r"""Pareto :math:`\hat k` of each observation's PSIS-LOO weights, one panel per model.

    Parameters
    ----------
    models : dict of str to xarray.DataTree or pandas.Series
        Fitted models, or their :func:`companion.inference.checking.pareto_k` values.
    threshold : float, default 0.7
        Values above it (red) make the LOO estimate for that observation
        unreliable.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> k = {"m": pd.Series([0.1, 0.8], index=pd.Index(["A", "B"], name="school"))}
    >>> plot_pareto_k(k).axes[0].get_ylabel()
    'Pareto $\\hat k$'
    """
    from collections.abc import Mapping

    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            f"`models` must be a non-empty dict of label to fit or Pareto k values, "
            f"got {type(models).__name__}."
        )
    import matplotlib.pyplot as plt
    import pandas as pd

    from companion.inference.checking import pareto_k

    values = {name: m if isinstance(m, pd.Series) else pareto_k(m) for name, m in models.items()}
    fig, axes = plt.subplots(1, len(values), figsize=(8.5, 3.2), sharey=True, squeeze=False)
    top = max(1.0, max(float(k.max()) for k in values.values()) + 0.05)
    for ax, (name, k) in zip(axes[0], values.items(), strict=True):
        x = np.arange(len(k))
        high = k.to_numpy() > threshold
        ax.scatter(x[~high], k.to_numpy()[~high], color="black", s=18)
        ax.scatter(x[high], k.to_numpy()[high], color="tab:red", s=24, marker="D")
        ax.axhline(threshold, color="tab:red", linestyle="--", linewidth=1)
        ax.set_title(name, fontsize="medium")
        if len(k) <= 20:
            ax.set_xticks(x, [str(label) for label in k.index])
        ax.set_xlabel(str(k.index.name or "observation"))
        ax.set_ylim(min(0.0, float(k.min()) - 0.05), top)
    axes[0, 0].set_ylabel(r"Pareto $\hat k$")
    fig.tight_layout()
    return fig


def plot_sbc_ranks(
    ranks,
    *,
    bins: int = 20,
    n_draws: int | None = None,
    prob: float = 0.99,
    columns: Sequence[str] | None = None,
    ncols: int = 4,
):
    r"""Rank histograms of simulation-based calibration with a binomial band.

    If the ranks are uniform, the count in bin :math:`b` is
    :math:`\text{Binomial}(N, p_b)`; the grey band covers its central
    ``prob`` interval, so about ``(1 - prob)`` of the bars are expected
    outside it by chance.

    Parameters
    ----------
    ranks : pandas.DataFrame
        From :func:`companion.inference.sbc.sbc_ranks` or
        :func:`companion.inference.sbc.simulation_based_calibration`.
    bins : int, default 20
    n_draws : int, optional
        :math:`L`, read from ``ranks.attrs`` when not given.
    prob : float, default 0.99
    columns : sequence of str, optional
        Parameters to show (default all).
    ncols : int, default 4

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from companion.inference import sbc_ranks
    >>> rng = np.random.default_rng(1)  # a calibrated "posterior": 40 replicates, 20 draws
    >>> truth = {"mu": rng.normal(size=40), "tau": rng.normal(size=40)}
    >>> draws = {name: rng.normal(size=(40, 20)) for name in truth}
    >>> len(plot_sbc_ranks(sbc_ranks(truth, draws), bins=5, ncols=2).axes)
    2
    """
    import matplotlib.pyplot as plt
    from scipy import stats

    from companion.inference.sbc import binned_ranks

    shown = ranks if columns is None else ranks[list(columns)]
    counts, probabilities = binned_ranks(shown, bins=bins, n_draws=n_draws)
    n = len(shown)
    lower = stats.binom.ppf((1 - prob) / 2, n, probabilities)
    upper = stats.binom.ppf(1 - (1 - prob) / 2, n, probabilities)
    ncols = min(ncols, counts.shape[1])
    nrows = -(-counts.shape[1] // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.5, 2.0 * nrows + 0.5), squeeze=False,
                             sharey=True)  # fmt: skip
    edges = np.arange(bins + 1)
    for ax, name in zip(axes.flat, counts.columns, strict=False):
        ax.fill_between(edges, np.append(lower, lower[-1]), np.append(upper, upper[-1]),
                        step="post", color="grey", alpha=0.3, linewidth=0)  # fmt: skip
        ax.stairs(counts[name].to_numpy(), edges, fill=True, color="tab:blue", alpha=0.7)
        for bound in (lower, upper):  # band edges on top of the bars
            ax.stairs(bound, edges, color="grey", linewidth=0.8)
        ax.axhline(n / bins, color="black", linewidth=0.8)
        ax.set_title(str(name), fontsize="small")
        ax.set_xticks([0, bins / 2, bins], ["0", "L/2", "L"])
    _check_hide_unused(axes, counts.shape[1], "Rank")
    for ax in axes[:, 0]:
        ax.set_ylabel("Replicates")
    fig.tight_layout()
    return fig
