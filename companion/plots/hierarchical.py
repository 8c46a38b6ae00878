"""Plots of hierarchical models: group data, exact posteriors, group estimates and ranks."""

from __future__ import annotations

import numpy as np

from companion._validation import check_frames
from companion.plots.style import POOLING_COLORS, short_label

__all__ = [
    "plot_exact_posterior",
    "plot_rank_probabilities",
    "plot_group_data",
]


def plot_exact_posterior(post, tau_draws: np.ndarray | None = None, tau_max: float | None = None):
    r"""Marginal posterior of :math:`\tau` and conditional means :math:`E(\theta_j \mid \tau, y)`.

    Parameters
    ----------
    post : companion.hierarchical.NormalNormalPosterior
        From :func:`companion.normal_normal_posterior`.
    tau_draws : numpy.ndarray, optional
        MCMC draws of :math:`\tau` to overlay as a histogram.
    tau_max : float, optional
        Right end of the :math:`\tau` axis; by default the 99th percentile.

    Returns
    -------
    matplotlib.figure.Figure
        Left: :math:`p(\tau \mid y)`; right: each group's conditional
        posterior mean against :math:`\tau`, labelled at the right edge.

    Examples
    --------
    >>> from companion.plots import plot_exact_posterior
    >>> from companion import normal_normal_posterior
    >>> post = normal_normal_posterior([1.0, 5.0, 9.0, 4.0], 2.0)
    >>> fig = plot_exact_posterior(post)
    >>> len(fig.axes)
    2
    """
    from companion.hierarchical.exact import NormalNormalPosterior

    if not isinstance(post, NormalNormalPosterior):
        raise TypeError(
            f"`post` must be a NormalNormalPosterior (from normal_normal_posterior), "
            f"got {type(post).__name__}."
        )
    import matplotlib.pyplot as plt

    tau_max = float(post.tau_quantile(0.99)) if tau_max is None else tau_max
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8))
    shown = post.tau <= tau_max
    if tau_draws is not None:
        left.hist(tau_draws[tau_draws <= tau_max], bins=40, density=True, color="tab:blue",
                  alpha=0.35, label="MCMC draws")  # fmt: skip
        # Draws beyond tau_max are left out, so rescale the histogram to their share.
        for patch in left.patches:
            patch.set_height(patch.get_height() * np.mean(tau_draws <= tau_max))
    left.plot(post.tau[shown], post.density[shown], color="black", label="exact")
    left.set_xlabel(r"Between-group sd $\tau$")
    left.set_ylabel(r"$p(\tau \mid y)$")
    left.legend(frameon=False)

    grid = np.linspace(0, tau_max, 200)
    means, _ = post.theta_given_tau(grid)
    # Labels at the right end, moved apart where curves end close together
    # (joined to their curve by a thin line); line styles vary too, so the
    # curves are told apart without colour.
    label_y = _spread_labels(means[-1], 0.05 * (np.ptp(means) or 1.0))
    styles = ("-", "--", "-.", ":")
    for j, label in enumerate(post.groups):
        line = right.plot(grid, means[:, j], linestyle=styles[j % len(styles)])[0]
        right.annotate(str(label), (grid[-1], means[-1, j]),
                       xytext=(grid[-1] + 0.04 * tau_max, label_y[j]), textcoords="data",
                       va="center", color=line.get_color(),
                       arrowprops={"arrowstyle": "-", "color": line.get_color(),
                                   "linewidth": 0.6, "shrinkA": 0, "shrinkB": 0})  # fmt: skip
    right.set_xlim(right.get_xlim()[0], grid[-1] * 1.1)
    right.set_xlabel(r"Between-group sd $\tau$")
    right.set_ylabel(r"$E(\theta_j \mid \tau, y)$")
    fig.tight_layout()
    return fig


def _spread_labels(values, gap: float):
    """Label heights near ``values`` but at least ``gap`` apart, in the same order."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values)
    placed = values[order].copy()
    for i in range(1, placed.size):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed -= (placed - values[order]).mean()  # keep the labels centred on the curves
    result = np.empty_like(placed)
    result[order] = placed
    return result


def plot_group_data(
    data,
    *,
    truth=None,
    group: str = "school",
    outcome: str = "score",
    population_mean: float | None = None,
    ax=None,
    seed: int = 0,
):
    """Individual outcomes by group, with each group's sample mean (and true mean).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit, with columns ``group`` and ``outcome``.
    truth : pandas.Series, optional
        True group means indexed by group, drawn as diamonds.
    group : str, default "school"
        The group column of ``data``.
    outcome : str, default "score"
        The outcome column of ``data``.
    population_mean : float, optional
        Drawn as a dashed horizontal line (e.g. the simulation's mu).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure otherwise.
    seed : int, default 0
        Seed of the horizontal jitter of the points.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from companion.plots import plot_group_data
    >>> from companion import simulate_schools
    >>> data, truth = simulate_schools(seed=1, return_truth=True)
    >>> fig = plot_group_data(data, truth=truth, population_mean=75)
    >>> fig.axes[0].get_ylabel()
    'score'
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from companion.hierarchical.models import grouped_data

    d = grouped_data(data, group=group, outcome=outcome)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    rng = np.random.default_rng(seed)
    positions = np.arange(d.n_groups)
    ax.scatter(d.group_idx + rng.uniform(-0.2, 0.2, d.y.size), d.y, s=12, alpha=0.5,
               color="tab:blue", linewidths=0, label="student", zorder=5)  # fmt: skip
    ax.scatter(positions, d.group_means(), marker="_", s=600, linewidths=2.5, color="black",
               label="sample mean", zorder=3)  # fmt: skip
    if truth is not None:
        true_values = truth.reindex(d.groups).to_numpy(dtype=float)
        ax.scatter(positions, true_values, marker="D", s=36, color=POOLING_COLORS["truth"],
                   label="true mean", zorder=4)  # fmt: skip
    if population_mean is not None:
        ax.axhline(population_mean, linestyle="--", color="grey", linewidth=1)
    ax.set_xticks(positions, [short_label(g) for g in d.groups])
    ax.set_xlabel(group)
    ax.set_ylabel(outcome)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False,
              fontsize="small")  # fmt: skip
    return ax.figure


def plot_rank_probabilities(tables, *, order=None):
    """Heat maps of the posterior rank probabilities of each group, one per scenario.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Scenario name -> :func:`companion.hierarchical.group_ranks` table (groups by ranks).
    order : sequence, optional
        Order of the groups from top to bottom (e.g. by true rank); default
        the first table's index.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from companion.hierarchical import group_ranks
    >>> from companion.plots import plot_rank_probabilities
    >>> draws = np.random.default_rng(1).normal([0.0, 1.0, 2.0], 1.0, size=(200, 3))
    >>> fig = plot_rank_probabilities({"toy": group_ranks(draws)})
    """
    check_frames(tables, "tables")
    import matplotlib.pyplot as plt
    from matplotlib.colors import PowerNorm

    names = list(tables)
    first = tables[names[0]]
    order = list(first.index) if order is None else list(order)
    n_ranks = first.shape[1]
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names) + 1.0, 0.22 * len(order)
                             + 1.6), sharey=True, layout="constrained", squeeze=False)  # fmt: skip
    image = None
    for ax, name in zip(axes[0], names, strict=True):
        values = tables[name].loc[order].to_numpy(dtype=float)
        # A square-root colour scale keeps probabilities of 0.05 to 0.3 visible.
        image = ax.imshow(values, cmap="Greys", norm=PowerNorm(0.5, vmin=0, vmax=1),
                          aspect="auto",
                          extent=(0.5, n_ranks + 0.5, len(order) - 0.5, -0.5))  # fmt: skip
        ax.set_title(name)
        ax.set_xlabel("rank (1 = best)")
        ticks = [1, *range(5, n_ranks + 1, 5)]
        ax.set_xticks(ticks)
    axes[0, 0].set_yticks(range(len(order)), [str(g) for g in order])
    bar = fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="posterior probability")
    bar.set_ticks([0, 0.05, 0.2, 0.5, 1])
    return fig
